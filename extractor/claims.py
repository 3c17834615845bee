"""Claims: a quantity plus what it counts (subject), the verb (predicate) and the time scope.

Chinese states a count either before its noun (推选29名机关党员干部) or after it
(发展党员10名, 宣讲140余场次). The rule: a noun phrase right after the figure is what it
counts; otherwise the phrase before it in the same clause, with the verb and the time and
place words peeled off. Word lists come from lexicon/phrases.toml and periods.toml.
"""
from __future__ import annotations

from dataclasses import dataclass

import regex

from . import lexicon
from .numbers import CHINESE_NUMERAL_CHARS
from .quantities import find_quantities
from .records import Metric, Quantity
from .segment import sentences

_MAX_SUBJECT = 16  # characters; a longer phrase is cut to its last words
_CLAUSE_BREAK = ",;:!?，。；：！？、\n"
_NP_CHARS = regex.compile(r"[\p{Han}A-Za-z()“”‘’·]")
_PHRASE_START = regex.compile(r"[\p{Han}“]")
_OF_WINDOW = 8  # 1个已建成的党建示范点: a 的 this close after the figure introduces the noun


@dataclass(frozen=True, slots=True)
class _Phrases:
    verb: regex.Pattern[str]  # a verb in group "verb"; nouns that contain verbs match without it
    noun: regex.Pattern[str]
    stop_after: regex.Pattern[str]
    strip_before: regex.Pattern[str]
    link_end: regex.Pattern[str]
    adverb_end: regex.Pattern[str]
    trailing: regex.Pattern[str]
    list_end: regex.Pattern[str]
    comparative: regex.Pattern[str]
    measure_nouns: frozenset[str]
    compound_head: regex.Pattern[str]
    describes_figure: frozenset[str]
    self_counting: frozenset[str]
    classifiers: frozenset[str]
    pivot_verbs: frozenset[str]
    change_verbs: frozenset[str]
    function_word: regex.Pattern[str]
    period: regex.Pattern[str]
    period_end: regex.Pattern[str]  # a time phrase closing the text before a figure (由2019年的)


@lexicon.cached
def phrases() -> _Phrases:
    p = lexicon.load("phrases")
    num = rf"(?:\d+|[{CHINESE_NUMERAL_CHARS}]+)"
    periods = "|".join(f"(?:{x.replace('NUM', num)})" for x in lexicon.load("periods")["patterns"])
    return _Phrases(
        verb=regex.compile(rf"(?:{lexicon.alternation(p['nouns'])})|(?P<verb>{lexicon.alternation(p['verbs'])})"),
        noun=regex.compile(lexicon.alternation(p["nouns"])),
        stop_after=regex.compile(rf"(?:{lexicon.alternation(p['stops_after'] + p['verbs'])})"),
        strip_before=regex.compile(rf"^(?:{lexicon.alternation(p['strip_before'])})"),
        link_end=regex.compile(rf"(?:{lexicon.alternation(p['links'])})$"),
        adverb_end=regex.compile(rf"(?:{lexicon.alternation(p['adverbs'])})$"),
        trailing=regex.compile(rf"(?:{lexicon.alternation(p['trailing'])})$"),
        # 等 ends a list (……等宣讲), but not in 一等奖, 同等, 等级.
        list_end=regex.compile(r"(?<![一二三四五六七八九十\d同平对])等(?![奖级次待同于])"),
        comparative=regex.compile(lexicon.alternation(
            [w for q in lexicon.load("qualifiers").values() for w in q.get("reach", [])])),
        measure_nouns=frozenset(p["measure_nouns"]),
        compound_head=regex.compile(lexicon.alternation(p["compound_heads"])),
        describes_figure=frozenset(p["describes_figure"]),
        self_counting=frozenset(p["self_counting_units"]),
        classifiers=frozenset(p["classifiers"]),
        pivot_verbs=frozenset(p["pivot_verbs"]),
        change_verbs=frozenset(p["change_verbs"]),
        function_word=regex.compile(lexicon.alternation(p["stops_after"])),
        period=regex.compile(periods),
        period_end=regex.compile(f"(?:{periods})的?$"),
    )


def _following_phrase(text: str, pos: int, end: int, classifier: bool) -> tuple[str, int]:
    """The noun phrase right after a figure and where it ends; ("", pos) when there is none.

    After a classifier (29名, 4个) a noun must follow, so a verb there starts the noun
    (4个指导联络组); after other units (8万元用于) a verb ends the phrase before it starts.
    """
    ph = phrases()
    if text.startswith("的", pos) and not ph.stop_after.match(text, pos + 1):
        pos += 1
    elif not ph.noun.match(text, pos) and (ph.function_word if classifier else ph.stop_after).match(text, pos):
        # 1个已建成的党建示范点: skip a short relative clause ending in 的.
        of = text.find("的", pos, min(end, pos + _OF_WINDOW))
        if of < 0 or any(c in _CLAUSE_BREAK for c in text[pos:of]):
            return "", pos
        pos = of + 1
    if pos >= end or not _PHRASE_START.match(text[pos]):
        return "", pos
    out, depth = pos, 0
    while out < end and out - pos < _MAX_SUBJECT:
        ch = text[out]
        noun = ph.noun.match(text, out)
        if noun:  # 基层党组织: a noun with a verb inside is one word
            out = noun.end()
            continue
        if ch == "“":  # a quoted name is one word: 14名乡镇党政“一把手”
            close = text.find("”", out, end)
            out = close + 1 if close > 0 else end
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                break
        elif depth == 0 and (not _NP_CHARS.match(ch) or (out > pos and _ends_phrase(text, out))):
            break
        elif depth > 0 and ch in "\n。;":
            break
        out += 1
    phrase = _balanced(text[pos:out])
    if phrase in ph.describes_figure:
        return "", pos  # 50%的比例: the ratio is not what is counted
    return phrase, out


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


def _verbs(text: str) -> list[regex.Match[str]]:
    """The verbs in text, left to right, skipping those inside nouns like 党组织."""
    return [m for m in phrases().verb.finditer(text) if m["verb"]]


def _split_verb(chunk: str, clause: str) -> tuple[str, str | None]:
    """(object, verb) of a clause ending before a figure: 惠及群众 → (群众, 惠及).

    `chunk` is the clause with time words and lists peeled off; `clause` the whole of it, where
    an earlier verb may still stand (开展……等宣讲).
    """
    ph = phrases()
    verbs = _verbs(chunk)
    for i in range(len(verbs) - 1, -1, -1):
        v = verbs[i]
        rest = chunk[v.end() :].lstrip("了着过的")
        if rest in ph.measure_nouns:
            continue  # 销售收入: the verb is part of the measured noun
        if len(rest) >= 2:
            return rest, v.group()
        if not rest and (len(v.group()) == 1 or v.group() in ph.change_verbs):
            # 党员分3批次, 增加到1.5万元: the verb names no activity; what is counted went before.
            return "", v.group()
        if not rest:
            # The clause ends in an activity (开展政治学习200余次): it is what is counted,
            # with whatever stands between it and the verb before it.
            if i > 0 and verbs[i - 1].group() not in ph.pivot_verbs:
                return chunk[verbs[i - 1].end() :].lstrip("了着过的"), verbs[i - 1].group()
            if i > 0:  # 动员机关党员干部捐款: the noun between is who acts, not what is counted
                return v.group(), verbs[i - 1].group()
            if chunk[: v.start()].strip():
                return chunk, v.group()  # 村集体增收: the noun before the verb is what gains
            earlier = _verbs(clause[: len(clause) - len(chunk) + v.start()])
            return v.group(), earlier[-1].group() if earlier else None
    return chunk, None


def _peel(chunk: str) -> tuple[str, str | None]:
    """Strip the words around a subject read backwards; returns (chunk, link verb)."""
    ph = phrases()
    link = None
    # 覆盖率已经达到98%, 非公企业中已有: peel link verbs, adverbs and place words off the end.
    while m := (ph.link_end.search(chunk) or ph.adverb_end.search(chunk) or ph.period_end.search(chunk)
                or (len(chunk) > 2 and ph.trailing.search(chunk))):
        if link is None and m.re is ph.link_end:
            link = m.group()
        chunk = chunk[: m.start()]
    chunk = chunk.rstrip("的了等")
    lists = list(ph.list_end.finditer(chunk))
    if lists:
        chunk = chunk[lists[-1].end() :]  # ……等宣讲: the head after the list
    while not ph.noun.match(chunk) and (lead := ph.period.match(chunk) or ph.strip_before.match(chunk)) and lead.end() > 0:
        chunk = chunk[lead.end() :]  # 今年以来共下发……: time words and adverbs open the clause
    return chunk, link


def _preceding_phrase(text: str, floor: int, pos: int) -> tuple[str, str | None]:
    """(subject, predicate) read backwards from a figure within its clause."""
    ph = phrases()
    clause = chunk = _clause_before(text, floor, pos).strip()
    compared = ph.comparative.search(chunk)
    if compared:  # 不低于上年度职工工资总额1%: the noun after the comparative is compared
        chunk = chunk[compared.end() :]
    chunk, link = _peel(chunk)
    subject, verb = _split_verb(chunk, clause)
    if "的" in subject[1:-1]:
        subject = subject.rsplit("的", 1)[1]  # 表现优秀的基层党员: the head after the modifier
    return _balanced(subject[-_MAX_SUBJECT:]), verb or link


def _period(text: str, sent_start: int, pos: int) -> str | None:
    found = None
    for m in phrases().period.finditer(text, sent_start, pos):
        found = m.group()
    return found


@dataclass(frozen=True, slots=True)
class _Claim:
    subject: str | None
    predicate: str | None
    period: str | None
    end: int  # where the words read for this claim end: the next claim reads from here


def claim(text: str, q: Quantity, sent_start: int, sent_end: int, floor: int) -> _Claim:
    """Subject, predicate and period of one quantity in its sentence."""
    ph = phrases()
    period = _period(text, sent_start, q.start)
    following, end = _following_phrase(text, q.end, sent_end, q.unit in ph.classifiers)
    if following:
        # 推选29名机关党员干部: the verb is the last one before the figure.
        verbs = _verbs(_clause_before(text, floor, q.start))
        return _Claim(following, verbs[-1].group() if verbs else None, period, end)
    subject, verb = _preceding_phrase(text, floor, q.start)
    return _Claim(subject or None, verb, period, q.end)


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
            c = claim(text, q, s_start, s_end, floor)
            subject = c.subject
            if not subject:
                # 有460户 counts households; 其中2个已通过验收 and 共计7.3公里 count what the
                # figure before them counted.
                subject = q.unit if q.unit in phrases().self_counting or not previous_subject else previous_subject
            previous_subject = subject
            floor = c.end
            metrics.append(
                Metric(
                    value=q.value,
                    unit=q.unit,
                    unit_class=q.unit_class,
                    qualifier=q.qualifier,
                    subject=subject,
                    predicate=c.predicate,
                    period=c.period,
                    span_text=q.text,
                    char_start=q.start,
                    char_end=q.end,
                    sentence=text[s_start:s_end],
                    sentence_start=s_start,
                )
            )
    return metrics
