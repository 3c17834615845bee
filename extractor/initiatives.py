"""Named programmes (三会一课, “红雁领航”工程) mentioned in an article.

A quoted name is a programme only on evidence: a kind word after it, a verb that introduces
programmes before it, a programme-like ending, the numbered-slogan shape (三强三建三落实,
5+2+7), or being quoted more than once. Neighbouring quoted names share their evidence
(开展“我为红色阵地代言”“红色地标轻打卡”等活动). The words come from lexicon/initiatives.toml.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import regex

from . import lexicon
from .records import Initiative, Metric
from .segment import Covered

# re, not regex: scanning a page for quotes is twice as fast, and the classes mean the same in both.
# One group per kind of mark (re has no repeated names); the one that took part is the name.
_QUOTED = re.compile(r"“([^“”\n]{2,30})”|‘([^‘’\n]{2,30})’|「([^「」\n]{2,30})」")
_BOOK_TITLE = regex.compile(r"《[^《》\n]*》")
# Between neighbouring quoted names: nothing, an enumeration comma, or a conjunction.
_CHAIN_GAP = regex.compile(r"\s*(?:[、,和与及]|以及)?\s*")  # the whole gap (fullmatch)
_CHAIN_GAP_FIRST = "、,和与及以"  # what a gap can start with but white space (str.isspace covers \s)
# What may stand between a name and its kind word: (即清底册、…) 五字, or 等 and a modifier. Atomic:
# the kind word is looked for where the gap's first match ends, never after a shorter or longer gap.
_BEFORE_KIND = r"(?>(?:\([^()\n]{0,60}\))?\s*(?:[一二三四五六七八九十\d]+字)?(?:等\p{Han}{0,4}?)?)"
# Runs of numerals in a name: 三会一课 has two (三, 一); 一两千元 has one.
_SLOGAN_NUMERALS = regex.compile(r"[一二两三四五六七八九十百千万]+")
_SENTENCE_END = regex.compile(r"[。!?;]")
_SLOGAN_MAX = 12  # a numbered slogan is short; longer quoted text with numerals is speech
_FORMULA = regex.compile(r"^[\p{Han}\w]*(?:\+[\p{Han}\w]*)+$")  # 5+2+7, 党建+, 支部+志愿服务队


@dataclass(frozen=True, slots=True)
class _Words:
    # A kind word after the gap (group near), else a distinctive one past a short modifier (far):
    # one match per name, not three.
    kind: regex.Pattern[str]
    trigger_end: regex.Pattern[str]
    suffix: tuple[str, ...]
    reject_after: tuple[str, ...]
    not_programmes: frozenset[str]
    known: regex.Pattern[str]
    known_names: tuple[str, ...]  # looked for first: most pages name none of them


@lexicon.cached
def words() -> _Words:
    d = lexicon.load("initiatives")
    return _Words(
        kind=regex.compile(
            rf"{_BEFORE_KIND}(?P<near>{lexicon.alternation(d['kinds'])})"
            rf"|\p{{Han}}{{1,{d['far_window']}}}?(?P<far>{lexicon.alternation(d['far_kinds'])})"),
        # 建立镇级“瀛洲好班长”: a level word may stand between the verb and the name.
        trigger_end=regex.compile(rf"(?:{lexicon.alternation(d['triggers'])})了?(?:[省市县区镇乡村]级)?$"),
        suffix=tuple(d["name_suffixes"]),
        reject_after=tuple(d["reject_after"]),
        not_programmes=frozenset(d["not_programmes"]),
        known=regex.compile(lexicon.alternation(d["known"])),
        known_names=tuple(d["known"]),
    )


# (name, start of the opening mark, end after the closing mark): a plain tuple, as a page holds dozens.
_Quote = tuple[str, int, int]


def _kind_after(text: str, pos: int) -> str | None:
    m = words().kind.match(text, pos)
    return (m["near"] or m["far"]) if m else None


def _shaped_like_programme(name: str) -> bool:
    w = words()
    if name.endswith(w.suffix) or "+" in name and _FORMULA.match(name):
        return True
    # 三会一课, 一支部一特色, 双联系: numbered slogans name methods and campaigns.
    if len(name) > _SLOGAN_MAX or "了" in name:
        return False
    return len(_SLOGAN_NUMERALS.findall(name)) >= 2 or (name.startswith("双") and len(name) <= 4)


@lexicon.depends
@lru_cache(maxsize=4096)  # the same names are quoted on page after page
def _name_traits(name: str) -> tuple[bool, bool, bool]:
    """What a quoted name says by itself: (never a programme, all digits, shaped like a programme)."""
    never = name in words().not_programmes or bool(_SENTENCE_END.search(name))
    return never, name.isdigit(), _shaped_like_programme(name)


def _chained(text: str, end: int, start: int) -> bool:
    """Whether text[end:start], between two quotes, is a gap that chains them. Most quotes stand
    far apart: a gap starting with a character no chain's gap starts with needs no regex."""
    if end < start and not (text[end] in _CHAIN_GAP_FIRST or text[end].isspace()):
        return False
    return bool(_CHAIN_GAP.fullmatch(text, end, start))


def _chains(quotes: list[_Quote], text: str) -> list[list[_Quote]]:
    groups: list[list[_Quote]] = []
    for q in quotes:
        if groups and _chained(text, groups[-1][-1][2], q[1]):
            groups[-1].append(q)
        else:
            groups.append([q])
    return groups


def _quotes(text: str) -> list[_Quote]:
    quotes = [(m[m.lastindex].strip(), m.start(), m.end()) for m in _QUOTED.finditer(text)]
    if "《" not in text:
        return quotes
    titles = Covered(m.span() for m in _BOOK_TITLE.finditer(text))
    return [q for q in quotes if not titles.inside(q[1])]  # a name inside a document title


def extract_initiatives(text: str) -> list[Initiative]:
    """Every programme mention in text, in order (a programme may be mentioned often)."""
    w = words()
    quotes = _quotes(text)
    counts = Counter(name for name, _, _ in quotes)
    found: list[Initiative] = []
    for group in _chains(quotes, text):
        last = group[-1][2]
        kind = _kind_after(text, last)
        triggered: bool | None = None  # looked for once, and only when no other evidence answers
        for name, start, end in group:
            never, digits, shaped = _name_traits(name)
            if never or digits and not kind or text.startswith(w.reject_after, end):
                continue
            if not (kind or shaped or counts[name] > 1):
                if triggered is None:
                    first = group[0][1]
                    triggered = bool(w.trigger_end.search(text[max(0, first - 6) : first]))
                if not triggered:
                    continue
            found.append(Initiative(name, kind if end == last else None, start, end))
    if not any(known in text for known in w.known_names):
        return found  # in order: quotes are found in order
    quoted_at = {i.char_start + 1 for i in found}
    for m in w.known.finditer(text):
        if m.start() not in quoted_at:
            found.append(Initiative(name=m.group(), kind=None, char_start=m.start(), char_end=m.end()))
    return sorted(found, key=lambda i: i.char_start)


def link_initiatives(metrics: list[Metric], initiatives: list[Initiative]) -> list[str | None]:
    """The programme each metric's own sentence names (the nearest one before it, else after), if any.
    Names, not new metrics: measures.annotate builds each metric once, with all its fields."""
    if not initiatives:
        return [None] * len(metrics)
    starts = [i.char_start for i in initiatives]  # sorted: extract_initiatives returns them in order
    linked: list[str | None] = []
    for metric in metrics:
        first = bisect_left(starts, metric.sentence_start)
        last = bisect_left(starts, metric.sentence_start + len(metric.sentence), first)
        if first == last:
            linked.append(None)
            continue
        before = bisect_left(starts, metric.char_start, first, last)  # the nearest one before, else the first after
        linked.append(initiatives[before - 1 if before > first else first].name)
    return linked
