"""Regular expressions built to be scanned fast, each finding what its plain form finds.

The engines try an alternation of words branch by branch at every character; these forms let them
skip: words gathered under their first character, and patterns scanned in parts (plain words on the
stdlib engine, which jumps to their first characters at C speed)."""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import regex

from . import lexicon

Pattern = re.Pattern[str] | regex.Pattern[str]
_DEFAULT_FLAGS = regex.compile("").flags


def first_chars(words: Iterable[str]) -> str:
    """A class of the words' first characters: looked at before trying the words one by one."""
    return f"[{''.join(regex.escape(c) for c in sorted({w[0] for w in words}))}]"


def grouped(words: Iterable[str]) -> str:
    """lexicon.alternation(words) with the words gathered under their first character (个(?:百分点|)|…):
    the same words tried in the same order where they can match, and one test skips each group that
    cannot (an engine tried some hundred units one by one after every numeral)."""
    by_first: dict[str, list[str]] = {}
    for w in lexicon.alternation_order(words):
        by_first.setdefault(w[0], []).append(w)
    return "|".join(regex.escape(ws[0]) if len(ws) == 1 else
                    f"{regex.escape(c)}(?:{'|'.join(regex.escape(w[1:]) for w in ws)})" for c, ws in by_first.items())


def parts(patterns: Sequence[str]) -> tuple[Pattern, ...]:
    """The branches of the alternation of `patterns` in parts: the plain words as one stdlib alternation,
    each other pattern by itself (led by a literal or a class, it is found fast by the regex engine).
    None when a pattern sets a flag (which the whole applies to every branch) or compiles only within
    the whole (a group it refers to is another's): then spans_in_parts scans the whole."""
    try:
        alone = [regex.compile(p) for p in patterns]
    except regex.error:
        return ()
    if any(p.flags != _DEFAULT_FLAGS for p in alone):
        return ()
    words = [p.pattern for p in alone if regex.escape(p.pattern) == p.pattern]
    others = [p for p in alone if regex.escape(p.pattern) != p.pattern]
    return (re.compile("|".join(words)),) * bool(words) + tuple(others)


def spans_in_parts(text: str, in_parts: Sequence[Pattern], whole: Pattern) -> list[tuple[int, int]]:
    """The spans `whole` (the alternation of what `in_parts` split) finds in text, in order, found by the
    parts. They find the same as long as no two of their matches overlap or are empty: the whole matches
    where the first branch matching at a free position does, and that branch's part reaches the position
    free too. Where two overlap (or there are no parts), the whole decides."""
    if not in_parts:
        return [m.span() for m in whole.finditer(text)]
    spans = sorted(m.span() for part in in_parts for m in part.finditer(text))
    if any(s == e for s, e in spans) or any(b[0] < a[1] for a, b in zip(spans, spans[1:])):
        return [m.span() for m in whole.finditer(text)]
    return spans
