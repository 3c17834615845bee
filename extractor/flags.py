"""Flags for figures that are not a plain achieved count, so a sum can leave them out.

- rate: a figure per something (每人每月150元, 亩产1200斤, 3000元/亩);
- target: a plan, forecast or goal (预计总投资1.2亿元, 力争新增500个);
- threshold: a figure that only defines a group or locates a place (收入5万元以上的村, 距县城30公里).

Each is read from the words of the figure's clause (lexicon/flags.toml); nothing here decides
whether a figure is a claim at all.
"""
from __future__ import annotations

from dataclasses import dataclass

import regex

from . import lexicon


@dataclass(frozen=True, slots=True)
class Flags:
    is_rate: bool = False
    is_target: bool = False
    is_threshold: bool = False


@dataclass(frozen=True, slots=True)
class _Rules:
    breaks: regex.Pattern[str]
    last_break: regex.Pattern[str]  # the same, searched backwards
    rate_before: regex.Pattern[str]
    rate_after: tuple[str, ...]
    rate_not: regex.Pattern[str]
    target_before: regex.Pattern[str]  # plan words, and 将/争取 before a verb
    target_after: tuple[str, ...]
    target_not: regex.Pattern[str]
    done_before: regex.Pattern[str]
    done_after: regex.Pattern[str]
    comparison: regex.Pattern[str]
    comparison_first: regex.Pattern[str]  # a comparison word the clause goes on with
    comparison_last: regex.Pattern[str]  # a comparison word just before the figure
    then: str
    attributes: regex.Pattern[str]
    attribute_units: regex.Pattern[str]
    locating: regex.Pattern[str]
    locating_classes: frozenset[str]


def _any(words: list[str]) -> regex.Pattern[str]:
    return regex.compile(lexicon.alternation(words))


@lexicon.cached
def rules() -> _Rules:
    data = lexicon.load("flags")
    rate, target, threshold = data["rate"], data["target"], data["threshold"]
    plans = lexicon.alternation(target["before"])
    future = rf"(?:{lexicon.alternation(target['before_verb'])})(?=(?:{lexicon.alternation(target['verbs'])}))"
    comparisons = lexicon.alternation(threshold["comparisons"])
    return _Rules(
        breaks=regex.compile(breaks := f"[{regex.escape(''.join(data['clause']['breaks']))}]"),
        last_break=regex.compile(breaks, regex.REVERSE),
        rate_before=_any(rate["before"]),
        rate_after=tuple(rate["after"]),
        rate_not=_any(rate["not_markers"]),
        target_before=regex.compile(f"{plans}|{future}"),
        target_after=tuple(target["after"]),
        target_not=_any(target["not_markers"]),
        done_before=_any(target["done_before"]),
        done_after=_any(target["done_after"]),
        comparison=regex.compile(comparisons),
        comparison_first=regex.compile(f"^(?:{comparisons})"),
        comparison_last=regex.compile(f"(?:{comparisons})$"),
        then=threshold["then"],
        attributes=_any(threshold["attributes"]),
        attribute_units=_any(threshold["attribute_units"]),
        locating=_any(threshold["locating"]),
        locating_classes=frozenset(threshold["locating_classes"]),
    )


def _mask(text: str, words: regex.Pattern[str]) -> str:
    """text with every match of words blanked out, offsets unchanged (每当 is no 每)."""
    return words.sub(lambda m: "\0" * len(m.group()), text)


# Masking only takes matches away (no marker holds a \0), so a clause with no marker before masking
# has none after it: most clauses are answered by one search, without building a masked copy.
def _is_rate(r: _Rules, before: str, after: str) -> bool:
    if after.startswith(r.rate_after):
        return True
    return bool(r.rate_before.search(before)) and bool(r.rate_before.search(_mask(before, r.rate_not)))


def _is_target(r: _Rules, before: str, after: str) -> bool:
    if after.startswith(r.target_after):
        return True
    if not r.target_before.search(before):
        return False
    for marker in r.target_before.finditer(_mask(before, r.target_not)):
        # 完成年度目标任务的105% is done against a goal; 计划…已完成投资3亿元 too.
        if not r.done_before.search(before, 0, marker.start()) and not r.done_after.search(before, marker.end()):
            return True
    return False


def _is_threshold(r: _Rules, before: str, span: str, after: str, unit_class: str) -> bool:
    # 收入5万元以上的村, 少于5万元的村: a comparison, then 的 and the group it defines.
    following = r.comparison_first.match(after)
    rest = after[following.end():] if following else after
    if rest.startswith(r.then) and (r.comparison_last.search(before) or (
            (r.attributes.search(before) or r.attribute_units.search(span))
            and (following or r.comparison.search(span)))):  # searched only after a 的: most figures stop here
        return True
    if unit_class in r.locating_classes:
        # 距县城30公里: the nearest figure after the marker only (距村5公里的水库修路3公里).
        markers = list(r.locating.finditer(before))
        return bool(markers) and not regex.search(r"\d", before[markers[-1].end():])
    return False


def flags(sentence: str, start: int, end: int, unit_class: str) -> Flags:
    """The flags of the figure at sentence[start:end] (its span), read in its clause."""
    r = rules()
    break_before = r.last_break.search(sentence, 0, start)  # read backwards: the nearest one
    after_break = r.breaks.search(sentence, end)
    before = sentence[break_before.end() if break_before else 0 : start]
    after = sentence[end : after_break.start() if after_break else len(sentence)]
    return _ALL[_is_rate(r, before, after), _is_target(r, before, after),
                _is_threshold(r, before, sentence[start:end], after, unit_class)]


# Eight possible answers, built once: Flags is frozen, so every figure can share them.
_ALL = {(a, b, c): Flags(a, b, c) for a in (False, True) for b in (False, True) for c in (False, True)}
