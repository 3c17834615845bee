"""Flags for figures that are not a plain achieved count, so a sum can leave them out.

- rate: a figure per something (每人每月150元, 亩产1200斤, 3000元/亩);
- target: a plan, forecast or goal (预计总投资1.2亿元, 力争新增500个);
- threshold: a figure that only defines a group or locates a place (收入5万元以上的村, 距县城30公里).

Each is read from the words of the figure's clause (lexicon/flags.toml); nothing here decides
whether a figure is a claim at all.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import regex

from . import lexicon
from .re_classes import for_re

_DIGIT = re.compile(for_re(r"\d"))


@dataclass(frozen=True, slots=True)
class Flags:
    is_rate: bool = False
    is_target: bool = False
    is_threshold: bool = False


@dataclass(frozen=True, slots=True)
class _Rules:
    # re, not regex: these are tried on a clause of a few words for every figure, where re's smaller
    # cost a call matters most; the words are literals, read the same by both.
    breaks: re.Pattern[str]
    last_break: re.Pattern[str]  # matched from the clause's start: its end is after the last break
    marked: re.Pattern[str]  # rate_before and target_before at once: most clauses hold neither
    rate_before: re.Pattern[str]
    rate_after: tuple[str, ...]
    rate_not: re.Pattern[str]
    target_before: re.Pattern[str]  # plan words, and 将/争取 before a verb
    target_after: tuple[str, ...]
    target_not: re.Pattern[str]
    done_before: re.Pattern[str]
    done_after: re.Pattern[str]
    comparison: re.Pattern[str]
    comparison_starts: frozenset[str]  # what comparison words start with: most figures are followed by none
    comparison_last: re.Pattern[str]  # a comparison word just before the figure
    then: str
    attributes: re.Pattern[str]
    attribute_units: re.Pattern[str]
    locating: re.Pattern[str]
    locating_classes: frozenset[str]


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(for_re(pattern))


def _any(words: list[str]) -> re.Pattern[str]:
    return _compile(lexicon.alternation(words))


@lexicon.cached
def rules() -> _Rules:
    data = lexicon.load("flags")
    rate, target, threshold = data["rate"], data["target"], data["threshold"]
    plans = lexicon.alternation(target["before"])
    # 将/争取 each with the verb after it: re looks for the first characters of a flat alternation of
    # words, and tries one with a bracketed part at every character (five times slower).
    verbs = lexicon.alternation(target["verbs"])
    future = "|".join(f"{regex.escape(w)}(?=(?:{verbs}))" for w in lexicon.alternation_order(target["before_verb"]))
    comparisons = lexicon.alternation(threshold["comparisons"])
    return _Rules(
        breaks=_compile(breaks := f"[{regex.escape(''.join(data['clause']['breaks']))}]"),
        last_break=re.compile(f".*{for_re(breaks)}", re.DOTALL),
        marked=_compile(f"{lexicon.alternation(rate['before'])}|{plans}|{future}"),
        rate_before=_any(rate["before"]),
        rate_after=tuple(rate["after"]),
        rate_not=_any(rate["not_markers"]),
        target_before=_compile(f"{plans}|{future}"),
        target_after=tuple(target["after"]),
        target_not=_any(target["not_markers"]),
        done_before=_any(target["done_before"]),
        done_after=_any(target["done_after"]),
        comparison=_compile(comparisons),
        comparison_starts=frozenset(w[:1] for w in threshold["comparisons"]),
        comparison_last=_compile(f"(?:{comparisons})$"),
        then=threshold["then"],
        attributes=_any(threshold["attributes"]),
        attribute_units=_any(threshold["attribute_units"]),
        locating=_any(threshold["locating"]),
        locating_classes=frozenset(threshold["locating_classes"]),
    )


def _mask(text: str, words: re.Pattern[str]) -> str:
    """text with every match of words blanked out, offsets unchanged (每当 is no 每)."""
    return words.sub(lambda m: "\0" * len(m.group()), text)


# Masking only takes matches away (no marker holds a \0), so a clause with no marker before masking
# has none after it: most clauses are answered by one search, without building a masked copy.
def _rate_before(r: _Rules, before: str) -> bool:
    return bool(r.rate_before.search(before)) and bool(r.rate_before.search(_mask(before, r.rate_not)))


def _target_before(r: _Rules, before: str) -> bool:
    if not r.target_before.search(before):
        return False
    for marker in r.target_before.finditer(_mask(before, r.target_not)):
        # 完成年度目标任务的105% is done against a goal; 计划…已完成投资3亿元 too.
        if not r.done_before.search(before, 0, marker.start()) and not r.done_after.search(before, marker.end()):
            return True
    return False


def _clause_start(r: _Rules, sentence: str, start: int) -> int:
    """Where the clause of the figure at `start` begins: after the nearest break before it."""
    found = r.last_break.match(sentence, 0, start)
    return found.end() if found else 0


def _is_threshold(r: _Rules, sentence: str, last: int, span: tuple[int, int], unit_class: str) -> bool:
    """Whether the figure at span only defines a group or locates a place; its clause ends at `last`
    (read in place, and its start looked for only when it matters: most figures need neither)."""
    start, end = span
    # 收入5万元以上的村, 少于5万元的村: a comparison, then 的 and the group it defines.
    following = r.comparison.match(sentence, end, last) if end < last and sentence[end] in r.comparison_starts else None
    if sentence.startswith(r.then, following.end() if following else end, last):  # most figures stop here
        first = _clause_start(r, sentence, start)
        if r.comparison_last.search(sentence, first, start) or (
                (r.attributes.search(sentence, first, start) or r.attribute_units.search(sentence, start, end))
                and (following or r.comparison.search(sentence, start, end))):
            return True
    if unit_class in r.locating_classes:
        # 距县城30公里: the nearest figure after the marker only (距村5公里的水库修路3公里).
        markers = list(r.locating.finditer(sentence, _clause_start(r, sentence, start), start))
        return bool(markers) and not _DIGIT.search(sentence, markers[-1].end(), start)
    return False


def flags(sentence: str, start: int, end: int, unit_class: str) -> Flags:
    """The flags of the figure at sentence[start:end] (its span), read in its clause."""
    r = rules()
    break_after = r.breaks.search(sentence, end)
    last = break_after.start() if break_after else len(sentence)
    # A marker anywhere before the figure, then one in its clause: only then is the clause's start
    # looked for, and its words before the figure copied (most figures have no marker before them).
    before = None
    if r.marked.search(sentence, 0, start):
        first = _clause_start(r, sentence, start)
        if r.marked.search(sentence, first, start):
            before = sentence[first:start]
    return _ALL[sentence.startswith(r.rate_after, end, last) or before is not None and _rate_before(r, before),
                sentence.startswith(r.target_after, end, last) or before is not None and _target_before(r, before),
                _is_threshold(r, sentence, last, (start, end), unit_class)]


# Eight possible answers, built once: Flags is frozen, so every figure can share them.
_ALL = {(a, b, c): Flags(a, b, c) for a in (False, True) for b in (False, True) for c in (False, True)}
