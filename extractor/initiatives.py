"""Named programmes (三会一课, “红雁领航”工程) mentioned in an article.

A quoted name is a programme only on evidence: a kind word after it, a verb that introduces
programmes before it, a programme-like ending, the numbered-slogan shape (三强三建三落实,
5+2+7), or being quoted more than once. Neighbouring quoted names share their evidence
(开展“我为红色阵地代言”“红色地标轻打卡”等活动). The words come from lexicon/initiatives.toml.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass
from functools import cache

import regex

from . import lexicon
from .memo import memo
from .re_classes import for_re
from .records import Initiative, Metric

# Opening and closing marks of a quote; re, not regex, finds quotes (twice as fast, and the classes
# mean the same in both).
_MARKS = ("“”", "‘’", "「」")
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
    # one match per name, not three; written for re, which tries it four times faster than regex.
    kind: re.Pattern[str]
    trigger_end: re.Pattern[str]
    suffix: tuple[str, ...]
    reject_after: tuple[str, ...]
    reject_first: frozenset[str]  # what a word of reject_after starts with: most quotes are followed by none
    not_programmes: frozenset[str]
    known: tuple[str, ...]  # longest first, as in their alternation: the first at a position is taken


@lexicon.cached
def words() -> _Words:
    d = lexicon.load("initiatives")
    return _Words(
        kind=re.compile(for_re(
            rf"{_BEFORE_KIND}(?P<near>{lexicon.alternation(d['kinds'])})"
            rf"|\p{{Han}}{{1,{d['far_window']}}}?(?P<far>{lexicon.alternation(d['far_kinds'])})")),
        # 建立镇级“瀛洲好班长”: a level word may stand between the verb and the name.
        trigger_end=re.compile(for_re(rf"(?:{lexicon.alternation(d['triggers'])})了?(?:[省市县区镇乡村]级)?$")),
        suffix=tuple(d["name_suffixes"]),
        reject_after=tuple(d["reject_after"]),
        reject_first=frozenset(word[:1] for word in d["reject_after"]),
        not_programmes=frozenset(d["not_programmes"]),
        known=tuple(lexicon.alternation_order(d["known"])),
    )


# (name, start of the opening mark, end after the closing mark): a plain tuple, as a page holds dozens.
_Quote = tuple[str, int, int]


def _shaped_like_programme(name: str) -> bool:
    w = words()
    if name.endswith(w.suffix) or "+" in name and _FORMULA.match(name):
        return True
    # 三会一课, 一支部一特色, 双联系: numbered slogans name methods and campaigns.
    if len(name) > _SLOGAN_MAX or "了" in name:
        return False
    return len(_SLOGAN_NUMERALS.findall(name)) >= 2 or (name.startswith("双") and len(name) <= 4)


@lexicon.depends
@memo  # the same names are quoted on page after page
def _name_traits(name: str) -> tuple[bool, bool, bool]:
    """What a quoted name says by itself: (never a programme, all digits, shaped like a programme)."""
    never = name in words().not_programmes or bool(_SENTENCE_END.search(name))
    return never, name.isdigit(), _shaped_like_programme(name)


def _chains(quotes: list[_Quote], text: str) -> list[list[_Quote]]:
    """The quotes in groups of neighbours, each quote chained to the one before it by its gap."""
    groups: list[list[_Quote]] = []
    end = -1  # where the quote before ends
    for q in quotes:
        start = q[1]
        # Most quotes stand far apart: a gap starting with a character no chain's gap starts with
        # needs no regex (an empty gap is a chain).
        if groups and (end == start or (text[end] in _CHAIN_GAP_FIRST or text[end].isspace())
                       and _CHAIN_GAP.fullmatch(text, end, start)):
            groups[-1].append(q)
        else:
            groups.append([q])
        end = q[2]
    return groups


def _quotes(text: str) -> list[_Quote]:
    quoted = _quoted(tuple(marks for marks in _MARKS if marks[0] in text))
    quotes = [(m[m.lastindex].strip(), m.start(), m.end()) for m in quoted.finditer(text)]
    if "《" not in text or not quotes:
        return quotes
    # A name inside a document title is none: the quotes that open inside each title, found by
    # bisection (a page has a few titles and dozens of quotes, most of them outside every title).
    starts = [q[1] for q in quotes]
    inside = {k for m in _BOOK_TITLE.finditer(text)
              for k in range(bisect_right(starts, m.start()), bisect_left(starts, m.end()))}
    return [q for k, q in enumerate(quotes) if k not in inside] if inside else quotes


def extract_initiatives(text: str) -> list[Initiative]:
    """Every programme mention in text, in order (a programme may be mentioned often)."""
    w = words()
    quotes = _quotes(text)
    counts = Counter([q[0] for q in quotes])
    found: list[Initiative] = []
    kind_at, reject_first = w.kind.match, w.reject_first
    for group in _chains(quotes, text):
        last = group[-1][2]
        m = kind_at(text, last)
        kind = (m["near"] or m["far"]) if m else None
        triggered: bool | None = None  # looked for once, and only when no other evidence answers
        for name, start, end in group:
            never, digits, shaped = _name_traits(name)
            if never or digits and not kind or text[end : end + 1] in reject_first and text.startswith(w.reject_after, end):
                continue
            if not (kind or shaped or counts[name] > 1):
                if triggered is None:
                    first = group[0][1]
                    triggered = bool(w.trigger_end.search(text[first - 6 if first > 6 else 0 : first]))
                if not triggered:
                    continue
            found.append(Initiative(name, kind if end == last else None, start, end))
    known = _spans(text, w.known)
    if not known:
        return found  # in order: quotes are found in order
    quoted_at = {i.char_start + 1 for i in found}
    for start, end in known:
        if start not in quoted_at:
            found.append(Initiative(name=text[start:end], kind=None, char_start=start, char_end=end))
    return sorted(found, key=lambda i: i.char_start)


@cache
def _quoted(marks: tuple[str, ...]) -> re.Pattern[str]:
    """Quotes opened by these marks (the ones a page holds): re looks for one opening mark fast, for
    one of several at every character. One group per kind of mark (re has no repeated names)."""
    return re.compile("|".join(f"{o}([^{o}{c}\n]{{2,30}}){c}" for o, c in marks) or "(?!)")


def _spans(text: str, words: tuple[str, ...]) -> list[tuple[int, int]]:
    """Where a search for the alternation of words (in this order) finds them: left to right, the
    first word that stands at a position, none overlapping. str.find finds each word faster than
    regex tries the alternation at every character."""
    hits = []
    for order, word in enumerate(words):
        at = text.find(word)
        while at >= 0:
            hits.append((at, order, at + len(word)))
            at = text.find(word, at + 1)
    spans: list[tuple[int, int]] = []
    reached = 0
    for start, _, end in sorted(hits):
        if start >= reached:
            spans.append((start, end))
            reached = end
    return spans


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
