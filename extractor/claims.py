"""Claims: a quantity plus what it counts (subject), the verb (predicate) and the time scope.

Chinese states a count either before its noun (推选29名机关党员干部) or after it
(发展党员10名, 宣讲140余场次). The rule: a noun phrase right after the figure is what it
counts; otherwise the phrase before it in the same clause, with the verb and the time and
place words peeled off, or the label of its table cell (特困供养:35人). A change keeps its word after
the indicator (固定资产投资增长); a figure that names nothing (……,同比增长6.2%; 再选派1000名)
counts what the figure before it counted. The word lists are in claim_words.py, the
figures after 分别 in respectively.py.
"""
from __future__ import annotations

import bisect
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

import regex

from . import lexicon
from .claim_words import Chars, Phrases, phrases, verbs
from .memo import memo
from .numbers import CHINESE_NUMERAL_CHARS
from .quantities import find_quantities
from .records import Metric, Quantity, new_metric
from .respectively import respectively
from .segment import sentences

_MAX_SUBJECT = 16  # characters; a longer phrase is cut to its last words
_CLAUSE_BREAK = ",;:!?，。；：！？、\n\t "  # a space or tab between words parts cells of a table
_BREAK_OR_BRACKET = regex.compile(f"[{regex.escape(_CLAUSE_BREAK)}()]", regex.REVERSE)
_LABEL_MARKS = ":："
_COMPARED = "比较与同"  # 比上年: what follows is the base of a comparison
_NP_CHARS = Chars(r"[\p{Han}A-Za-z()“”‘’·]")
_PHRASE_START = Chars(r"[\p{Han}“]")
_FIGURE_START = Chars(rf"[\d{CHINESE_NUMERAL_CHARS}]")
_OF_WINDOW = 8  # 1个已建成的党建示范点: a 的 this close after the figure introduces the noun


def _following_phrase(text: str, pos: int, end: int, classifier: bool) -> tuple[str, int]:
    """The noun phrase right after a figure and where it ends; ("", pos) when there is none.

    After a classifier (29名, 4个) a noun must follow, so a verb there starts the noun
    (4个指导联络组); after other units (8万元用于) a verb ends the phrase before it starts.
    """
    ph = phrases()
    nouns = ph.noun  # asked after a test of its first characters: most characters start no noun
    if classifier and (modifier := ph.figure_modifier.match(text, pos)):
        pos = modifier.end()  # 1.2万名80周岁以上老人
    if text.startswith("的", pos) and ph.stop_after.end(text, pos + 1) < 0:
        pos += 1
    elif (text[pos : pos + 1] not in nouns.firsts or nouns.end(text, pos) < 0) and (
            ph.function_word if classifier else ph.stop_after).end(text, pos) >= 0:
        # 1个已建成的党建示范点: skip a short relative clause ending in 的.
        # Not past another figure (由5万元到100万元的飞越).
        of = text.find("的", pos, min(end, pos + _OF_WINDOW))
        if of < 0 or any(c in _CLAUSE_BREAK or c.isdigit() for c in text[pos:of]):
            return "", pos
        pos = of + 1
    if pos >= end or not _PHRASE_START[text[pos]]:
        return "", pos
    noun_here = text[pos] in nouns.firsts and nouns.end(text, pos) >= 0
    stop = -1 if noun_here else (ph.function_word if classifier else ph.stop_after).end(text, pos)
    if stop >= 0 and _FIGURE_START[text[stop : stop + 1]]:
        return "", pos  # 超过5万元的达到297个: a verb of the next figure, not a noun
    out = opened = pos
    depth = 0
    while out < end and out - pos < _MAX_SUBJECT:
        ch = text[out]
        noun = nouns.end(text, out) if ch in nouns.firsts else -1
        if noun >= 0:  # 基层党组织: a noun with a verb inside is one word
            out = noun
            continue
        if ch == "“":  # a quoted name is one word: 14名乡镇党政“一把手”
            close = text.find("”", out, end)
            out = close + 1 if close > 0 else end
            continue
        if ch == "(":
            depth += 1
            opened = out
        elif ch == ")":
            depth -= 1
            if depth < 0:
                break
        elif depth == 0 and (not _NP_CHARS[ch] or (out > pos and _ends_phrase(text, out, ph))):
            break
        elif depth > 0 and ch in "\n。;":
            break
        elif depth > 0 and ch.isdigit():  # 党员(其中1人……): a bracket with a figure is an aside
            out = opened
            break
        out += 1
    phrase = _balanced(text[pos:out])
    if phrase in ph.describes_figure:  # 50%的比例: the ratio is not what is counted
        verb = ph.verb.match(text, out)
        if phrase in ph.rate_nouns and verb and verb["verb"]:  # 按5万元标准落实办公经费: the rate is for the object
            return _following_phrase(text, verb.end(), end, False)
        return "", pos
    return phrase, out


def _ends_phrase(text: str, pos: int, ph: Phrases) -> bool:
    """Does a stop word or verb at pos end the noun phrase before it? (ph: phrases(), passed in by the
    caller, which asks at every character of a phrase)"""
    stop = ph.stop_after.end(text, pos) if text[pos] in ph.stop_after.firsts else -1
    if stop < 0:
        # 乡村干部掌握了: an aspect particle two characters on marks a verb here.
        return text.startswith(("了", "着"), pos + 2) and _NP_CHARS[text[pos + 1 : pos + 2]]
    return not ph.compound_head.match(text, stop)  # 攻坚走访队伍: the verb modifies a noun


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
    # From break or bracket to break or bracket, read backwards: most clauses hold no bracket.
    while (m := _BREAK_OR_BRACKET.search(text, floor, start)) is not None:
        ch = m.group()
        if ch == ")":
            depth += 1
        elif ch != "(" or depth == 0:
            return text[m.end() : pos]
        else:
            depth -= 1
        start = m.start()
    return text[floor:pos]


def _label(text: str, floor: int, pos: int) -> str:
    """特困供养:35人, 地区生产总值\t186.5亿元: a figure opening a cell takes the label before it."""
    cell = pos
    while cell > floor and text[cell - 1] in " \t":
        cell -= 1
    if cell > floor and text[cell - 1] in _LABEL_MARKS:
        return _clause_before(text, floor, cell - 1).strip()
    return _clause_before(text, floor, cell).strip() if cell < pos else ""


@lexicon.depends
@memo  # clauses recur (推选, 其中有)
def _last_verb(clause: str) -> str | None:
    found = verbs(clause)
    return found[-1].word if found else None


def _split_verb(chunk: str, clause: str) -> tuple[str, str | None]:
    """(object, verb) of a clause ending before a figure: 惠及群众 → (群众, 惠及).

    `chunk` is the clause with time words and lists peeled off; `clause` the whole of it, where
    an earlier verb may still stand (开展……等宣讲).
    """
    ph = phrases()
    found = verbs(chunk)
    for i in range(len(found) - 1, -1, -1):
        v = found[i]
        rest = chunk[v.end :].lstrip("了着过的")
        if rest in ph.measure_nouns:
            continue  # 销售收入: the verb is part of the measured noun
        if len(rest) >= 2:
            return rest, v.word
        if not rest and (len(v.word) == 1 or v.word in ph.change_verbs or v.word in ph.light_verbs):
            # 党员分3批次, 再选派1000名: the verb names no activity; what is counted went before.
            return "", v.word
        if not rest:
            # The clause ends in an activity (开展政治学习200余次): it is what is counted,
            # with whatever stands between it and the verb before it.
            if i > 0 and found[i - 1].word not in ph.pivot_verbs:
                return chunk[found[i - 1].end :].lstrip("了着过的"), found[i - 1].word
            if i > 0:  # 动员机关党员干部捐款: the noun between is who acts, not what is counted
                return v.word, found[i - 1].word
            if chunk[: v.start].strip():
                return chunk, v.word  # 固定资产投资: the noun before the verb names it
            earlier = verbs(clause[: len(clause) - len(chunk) + v.start])
            return v.word, earlier[-1].word if earlier else None
    return chunk, None


@dataclass(frozen=True, slots=True)
class _Peeled:
    chunk: str
    link: str | None  # 覆盖面达70%: the link verb
    change: str | None  # 同比增长6.2%: the change word the subject keeps
    reached: str | None  # 提高到65%, 发展到: the verb of a new level
    headless: bool  # 超过5万元的达到297个: the noun the 的 phrase describes is left out


def _peel(chunk: str) -> _Peeled:
    """Strip the words around a subject read backwards."""
    ph = phrases()
    link = change = reached = per = None
    # 覆盖率已经达到98%, 比上年同期增长, 从最初的, 非公企业中已有: peel link verbs, changes,
    # comparisons, adverbs, time and place words off the end.
    # One search says whether any of them is there (the last round finds none).
    while ph.peel_end.search(chunk) and (m := (
            ph.change_end.search(chunk) or ph.link_end.search(chunk) or ph.adverb_end.search(chunk)
            or ph.comparison_end.search(chunk) or ph.period_end.search(chunk) or ph.from_to_end.search(chunk)
            or ph.level_end.search(chunk) or ph.per_end.search(chunk) or (len(chunk) > 2 and ph.trailing.search(chunk)))):
        if m.re is ph.per_end.pattern and per is None:
            per = m.group()  # 提高到每人每月720元: kept after the indicator found before it
        elif m.re is ph.change_end.pattern and change is None and reached is None:
            word = m.group().removesuffix(m["level"] or "").removesuffix("了")
            if m["level"] or word.endswith("至"):  # 提高到65%: the figure is the new level
                reached = word
            else:
                change = word
        elif m.re is ph.level_end.pattern and reached is None:
            reached = m.group()[:-1]
        elif link is None and m.re is ph.link_end.pattern:
            link = m.group()
        chunk = chunk[: m.start()]
    headless = chunk.endswith("的") and len(chunk.rstrip("的")) <= 2
    chunk = chunk.rstrip("的了等")
    lists = list(ph.list_end.finditer(chunk))
    if lists:
        chunk = chunk[lists[-1].end() :]  # ……等宣讲: the head after the list
    while ph.noun.end(chunk, 0) < 0 and (
        lead := ph.period.match(chunk) or ph.strip_before.match(chunk) or ph.enumerator.match(chunk)
    ) and lead.end() > 0:
        chunk = chunk[lead.end() :]  # 今年以来共下发……, 二是: time words, adverbs, enumerators open the clause
    return _Peeled(chunk + per if per and chunk else chunk, link, change, reached, headless)


class _Claim(NamedTuple):  # a tuple: built once per figure, faster than a frozen dataclass
    subject: str | None
    predicate: str | None
    period: str | None
    end: int  # where the words read for this claim end: the next claim reads from here
    change: str | None = None  # kept after the subject, said or inherited (……,同比增长6.2%)
    headless: bool = False


def _preceding_claim(text: str, floor: int, pos: int, end: int, period: str | None) -> _Claim:
    """The claim read backwards from a figure within its clause (or the label before a colon)."""
    # 增长-1.6%: a minus the figure did not take is no word of the subject.
    clause = _clause_before(text, floor, pos).strip().rstrip("-−") or _label(text, floor, pos)
    subject, predicate, change, headless = _read_back(clause)
    return _Claim(subject, predicate, period, end, change, headless)


@lexicon.depends
@memo  # the same clauses stand before figures again and again (同比增长, 其中有)
def _read_back(clause: str) -> tuple[str | None, str | None, str | None, bool]:
    """(subject, predicate, change word, headless) of the clause before a figure."""
    ph = phrases()
    chunk = clause
    share = None
    for share in ph.share.finditer(chunk):
        pass
    if share:  # 上缴税金占全县税收总额的46.2%: what stands before 占 has the share
        chunk = chunk[: share.start()]
    elif compared := ph.comparative.search(chunk):  # 不低于上年度职工工资总额1%: the noun after it is compared
        chunk = chunk[compared.end() :]
    peeled = _peel(chunk)
    subject, verb = _split_verb(peeled.chunk, clause)
    if "的" in subject[1:-1]:
        subject = subject.rsplit("的", 1)[1]  # 表现优秀的基层党员: the head after the modifier
    subject = _balanced(subject[-_MAX_SUBJECT:])
    predicate = peeled.change or verb or peeled.reached or peeled.link or (share.group() if share else None)
    return subject or None, predicate, peeled.change, peeled.headless


class _Periods:
    """The time phrases of a sentence, read from its start only as far as its figures need (the text
    after its last figure is never scanned), for all its figures at once."""

    def __init__(self, text: str, start: int, end: int) -> None:
        self._text = text
        self._found: Iterator[regex.Match[str]] | None = phrases().period.finditer(text, start, end)
        self._ends: list[int] = []
        self._words: list[str] = []

    def before(self, pos: int) -> str | None:
        """The nearest time phrase ending at or before pos."""
        while self._found is not None and (not self._ends or self._ends[-1] <= pos):
            m = next(self._found, None)
            if m is None:
                self._found = None
            elif m.start() == 0 or self._text[m.start() - 1] not in _COMPARED:  # 比上年: a comparison base
                self._ends.append(m.end())
                self._words.append(m.group())
        i = bisect.bisect_right(self._ends, pos)
        return self._words[i - 1] if i else None


def claim(text: str, q: Quantity, periods: _Periods, sent_end: int, floor: int) -> _Claim:
    """Subject, predicate and period of one quantity in its sentence."""
    ph = phrases()
    period = periods.before(q.start)
    following, end = _following_phrase(text, q.end, sent_end, q.unit in ph.classifiers)
    if not following and q.unit in ph.self_counting and (title := ph.title_verbs.match(text, q.end)):
        lead = ph.strip_before.match(text, title.end())  # 2人入选全省优秀党员
        following, end = _following_phrase(text, lead.end() if lead else title.end(), sent_end, False)
    if following:
        # 推选29名机关党员干部: the verb is the last one before the figure.
        return _Claim(following, _last_verb(_clause_before(text, floor, q.start)), period, end)
    return _preceding_claim(text, floor, q.start, q.end, period)


def _resolve(c: _Claim, unit: str, earlier: list[tuple[str, str]], adjacent: bool) -> tuple[str, str]:
    """(subject, what it names without the change word) of a claim, given the sentence's earlier
    (unit, name) pairs: a figure that names nothing counts what the one before it counted.
    `adjacent`: the figure follows the one before it with nothing between (236户812人)."""
    ph = phrases()
    name = c.subject
    if name in ph.bare_measures and earlier:
        name = earlier[-1][1] + name  # ……违章建筑,面积9634平方米
    if not name and c.headless:  # 319个村……其中超过5万元的达到297个: the last thing counted in 个
        name = next((s for u, s in reversed(earlier) if u == unit), None)
    if not name and earlier and not (unit in ph.self_counting and earlier[-1][0] != unit
                                     and (earlier[-1][1] == earlier[-1][0] or not adjacent)):
        # 其中2个已通过验收, ……,同比增长6.2%, 监测对象236户812人 (but 有460户1859人 and
        # 党员分3批次 count 人 and 批次)
        name = earlier[-1][1]
    if not name:
        # 有460户1859人: the unit is what is counted; 比上年下降4.2%: the change is what is said.
        return c.change or unit, unit
    if c.change and not name.endswith(c.change):
        return name + c.change, name
    return name, name


def extract_metrics(text: str) -> list[Metric]:
    """Every quantified claim in text (a cleaned body), with its sentence and offsets."""
    quantities = find_quantities(text)
    metrics: list[Metric] = []
    qi = 0
    for s_start, s_end in sentences(text):
        if qi == len(quantities):
            break
        if quantities[qi].start >= s_end:
            continue  # a sentence without figures
        floor = s_start
        sentence = text[s_start:s_end]
        earlier: list[tuple[str, str]] = []  # (unit, what it counted) of the sentence's figures
        previous_end = -1
        periods = None  # read when the sentence has a figure
        changes: list[str | None] = []  # the change word of each figure's claim
        first = len(metrics)
        while qi < len(quantities) and quantities[qi].start < s_end:
            q = quantities[qi]
            qi += 1
            if q.start < s_start:
                continue
            if periods is None:
                periods = _Periods(text, s_start, s_end)
            c = claim(text, q, periods, s_end, floor)
            subject, name = _resolve(c, q.unit, earlier, q.start == previous_end)
            changes.append(c.change)
            earlier.append((q.unit, name))
            previous_end = q.end
            floor = c.end
            # value, unit, class, qualifier, subject, predicate, period, span, offsets, sentence
            metrics.append(new_metric(q.value, q.unit, q.unit_class, q.qualifier, subject, c.predicate, c.period, q.text,
                                      q.start, q.end, sentence, s_start))
        if len(metrics) - first > 2 and "分别" in sentence:
            metrics[first:] = respectively(text, metrics[first:], [n for _, n in earlier], changes)
    return metrics
