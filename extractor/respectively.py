"""Figures after 分别 (respectively): each takes, in order, one of the subjects the sentence names
before them. claims.py reads the claims first, then hands a sentence's run here."""
from __future__ import annotations

import regex

from .claim_words import phrases
from .records import Metric, replace_metric

_RUN_BREAK = ",;:!?，。；：！？\n"  # 分别 governs the figures after it up to one of these
_LIST_JOINS = ("和", "与", "及", "、")  # between the figures of a 分别 run


def _joins(gap: str) -> bool:
    """Whether gap links two figures of one 分别 run: 和, 、 (and a change word: 下降4.1%、增长2.3%)."""
    return gap[:1] in _LIST_JOINS and (len(gap) == 1 or gap[1:] in phrases().change_verbs)


def respectively(text: str, metrics: list[Metric], names: list[str], changes: list[str | None]) -> list[Metric]:
    """A run of figures after 分别 takes its subjects in order: what the figures before it in the
    sentence counted (接待游客12.8万人次,实现旅游收入6500万元,同比分别增长23.5%和18.2%), or the
    parts of the subject its own clause names (城镇和农村居民人均可支配收入分别为42563元和21038元)."""
    out, names = list(metrics), list(names)
    i = 0
    while i < len(metrics):
        lead = text[metrics[i - 1].char_end if i else metrics[0].sentence_start : metrics[i].char_start]
        at = lead.rfind("分别")
        if at < 0 or any(c in _RUN_BREAK for c in lead[at:]):
            i += 1
            continue
        end = i + 1
        while end < len(metrics) and _joins(text[metrics[end - 1].char_end : metrics[end].char_start]):
            end += 1
        k = end - i
        clause = lead[:at]
        own = clause[max(clause.rfind(c) for c in _RUN_BREAK) + 1 :]  # what the clause says before 分别
        if phrases().comparison_end.pattern.sub("", own) in ("", "均"):
            subjects = names[i - k : i] if 2 <= k <= i else []
        else:
            subjects = _parts(metrics[i].subject or "", k)
        for j, name in enumerate(subjects):
            change = changes[i + j] or changes[i]  # 分别增长23.5%和18.2%: one change word for all
            out[i + j] = replace_metric(metrics[i + j], subject=name + change if change else name)
            names[i + j] = name  # what a later run in the sentence refers back to
        i = end
    return out


def _parts(subject: str, k: int) -> list[str]:
    """The k subjects of a coordinated one: 农民党员和女党员 → 农民党员, 女党员; 城镇和农村居民人均
    可支配收入 → 城镇居民人均可支配收入, 农村居民人均可支配收入 (short modifiers share the head)."""
    parts = [p for p in regex.split(r"[和与及、]", subject) if p]
    if len(parts) != k or k < 2:
        return []
    last, modifier = parts[-1], parts[-2]
    if all(len(p) <= 3 for p in parts[:-1]) and len(last) > len(modifier) + 2:
        head = last[len(modifier) :]
        return [p + head for p in parts[:-1]] + [last]
    return parts
