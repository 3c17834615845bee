"""Claims: a quantity plus what it counts (subject), the verb (predicate) and the time scope.

Chinese states a count either before its noun (推选29名机关党员干部) or after it
(发展党员10名, 宣讲140余场次). The rule: a noun phrase right after the figure is what it
counts; otherwise the phrase before it in the same clause, with the verb and the time and
place words peeled off. Word lists come from lexicon/phrases.toml and periods.toml.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import regex

from . import lexicon
from .numbers import CHINESE_NUMERAL_CHARS
from .quantities import find_quantities
from .records import Metric, Quantity
from .segment import sentences

_MAX_SUBJECT = 16  # characters; a longer phrase is cut to its last words
_CLAUSE_BREAK = ",;:!?，。；：！？、\n"
_NP_CHARS = regex.compile(r"[\p{Han}A-Za-z()“”‘’·]")
_OF_WINDOW = 8  # 1个已建成的党建示范点: a 的 this close after the figure introduces the noun


@dataclass(frozen=True, slots=True)
class _Phrases:
    verb: regex.Pattern[str]
    stop_after: regex.Pattern[str]
    strip_before: regex.Pattern[str]
    link_end: regex.Pattern[str]
    measure_nouns: frozenset[str]
    compound_head: regex.Pattern[str]
    period: regex.Pattern[str]


@cache
def phrases() -> _Phrases:
    p = lexicon.load("phrases")
    num = rf"(?:\d+|[{CHINESE_NUMERAL_CHARS}]+)"
    periods = "|".join(f"(?:{x.replace('NUM', num)})" for x in lexicon.load("periods")["patterns"])
    return _Phrases(
        verb=regex.compile(lexicon.alternation(p["verbs"])),
        stop_after=regex.compile(rf"(?:{lexicon.alternation(p['stops_after'] + p['verbs'])})"),
        strip_before=regex.compile(rf"^(?:{lexicon.alternation(p['strip_before'])})+"),
        link_end=regex.compile(rf"(?:{lexicon.alternation(p['links'])})$"),
        measure_nouns=frozenset(p["measure_nouns"]),
        compound_head=regex.compile(lexicon.alternation(p["compound_heads"])),
        period=regex.compile(periods),
    )


def _following_phrase(text: str, pos: int, end: int) -> str:
    """The noun phrase right after a figure, up to a stop word, a verb or punctuation."""
    ph = phrases()
    if text.startswith("的", pos):
        pos += 1
    elif ph.stop_after.match(text, pos):
        # 1个已建成的党建示范点: skip a short relative clause ending in 的.
        of = text.find("的", pos, min(end, pos + _OF_WINDOW))
        if of < 0 or any(c in _CLAUSE_BREAK for c in text[pos:of]):
            return ""
        pos = of + 1
    out = pos
    depth = 0
    while out < end and out - pos < _MAX_SUBJECT:
        ch = text[out]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif depth <= 0 and (not _NP_CHARS.match(ch) or (out > pos and _ends_phrase(text, out))):
            break
        elif depth > 0 and ch in "\n。;":
            break
        out += 1
    return _balanced(text[pos:out])


def _ends_phrase(text: str, pos: int) -> bool:
    """Does a stop word or verb at pos end the noun phrase before it?"""
    ph = phrases()
    stop = ph.stop_after.match(text, pos)
    if stop is None:
        # 乡村干部掌握了: an aspect particle two characters on marks a verb here.
        return text.startswith(("了", "着"), pos + 2) and _NP_CHARS.match(text[pos + 1]) is not None
    return not ph.compound_head.match(text, stop.end())  # 攻坚走访队伍: the verb modifies a noun


def _balanced(phrase: str) -> str:
    """Drop a dangling bracket or quote left by a cut."""
    phrase = phrase.strip("“‘")
    if phrase.count("(") != phrase.count(")"):
        phrase = phrase.split("(")[0]
    if phrase.count("“") != phrase.count("”"):
        phrase = phrase.replace("“", "").replace("”", "")
    return phrase


def _clause_before(text: str, floor: int, pos: int) -> str:
    """The text between the last clause break (or `floor`) and pos; an unclosed ( is a break."""
    start, depth = pos, 0
    while start > floor and text[start - 1] not in _CLAUSE_BREAK:
        ch = text[start - 1]
        if ch == ")":
            depth += 1
        elif ch == "(":
            if depth == 0:
                break
            depth -= 1
        start -= 1
    return text[start:pos]


def _split_verb(chunk: str, clause: str) -> tuple[str, str | None]:
    """(object, verb) of a clause ending before a figure: 惠及群众 → (群众, 惠及).

    `chunk` is the clause with time words and lists peeled off; `clause` the whole of it, where
    an earlier verb may still stand (开展……等宣讲).
    """
    ph = phrases()
    verbs = list(ph.verb.finditer(chunk))
    for v in reversed(verbs):
        rest = chunk[v.end() :].lstrip("了着过的")
        if rest in ph.measure_nouns:
            continue  # 销售收入: the verb is part of the measured noun
        if len(rest) >= 2:
            return rest, v.group()
        if not rest and len(v.group()) >= 2:
            if chunk[: v.start()].strip() and not any(w.end() <= v.start() for w in verbs):
                return chunk, v.group()  # 村集体增收: the noun before the verb is what gains
            # 开展宣讲140余场次: the activity itself is what is counted.
            earlier = [w.group() for w in ph.verb.finditer(clause[: len(clause) - len(chunk) + v.start()])]
            return v.group(), earlier[-1] if earlier else None
    return chunk, None


def _preceding_phrase(text: str, floor: int, pos: int) -> tuple[str, str | None]:
    """(subject, predicate) read backwards from a figure within its clause."""
    ph = phrases()
    clause = chunk = _clause_before(text, floor, pos).strip()
    link = None
    m = ph.link_end.search(chunk)
    if m:
        link, chunk = m.group(), chunk[: m.start()]
    chunk = chunk.rstrip("的了")
    if "等" in chunk[:-1]:
        chunk = chunk[chunk.rindex("等", 0, len(chunk) - 1) + 1 :]  # ……等宣讲: the head after the list
    chunk = ph.period.sub("", chunk)
    chunk = ph.strip_before.sub("", chunk)
    subject, verb = _split_verb(chunk, clause)
    subject = ph.strip_before.sub("", subject)
    return _balanced(subject[-_MAX_SUBJECT:]), verb or link


def _period(text: str, sent_start: int, pos: int) -> str | None:
    found = None
    for m in phrases().period.finditer(text, sent_start, pos):
        found = m.group()
    return found


def claim(text: str, q: Quantity, sent_start: int, sent_end: int, floor: int) -> tuple[str | None, str | None, str | None]:
    """(subject, predicate, period) of one quantity in its sentence."""
    period = _period(text, sent_start, q.start)
    following = _following_phrase(text, q.end, sent_end)
    if following:
        # 推选29名机关党员干部: the verb is the last one before the figure.
        verbs = phrases().verb.findall(_clause_before(text, floor, q.start))
        return following, verbs[-1] if verbs else None, period
    subject, verb = _preceding_phrase(text, floor, q.start)
    return subject or None, verb, period


def extract_metrics(text: str) -> list[Metric]:
    """Every quantified claim in text (a cleaned body), with its sentence and offsets."""
    quantities = find_quantities(text)
    metrics: list[Metric] = []
    qi = 0
    for s_start, s_end in sentences(text):
        floor = s_start
        previous_subject: str | None = None
        while qi < len(quantities) and quantities[qi].start < s_end:
            q = quantities[qi]
            qi += 1
            if q.start < s_start:
                continue
            subject, predicate, period = claim(text, q, s_start, s_end, floor)
            subject = subject or previous_subject  # 其中2个已通过验收: the count refers back
            previous_subject = subject
            floor = q.end
            metrics.append(
                Metric(
                    value=q.value,
                    unit=q.unit,
                    unit_class=q.unit_class,
                    qualifier=q.qualifier,
                    subject=subject,
                    predicate=predicate,
                    period=period,
                    span_text=q.text,
                    char_start=q.start,
                    char_end=q.end,
                    sentence=text[s_start:s_end],
                    sentence_start=s_start,
                )
            )
    return metrics
