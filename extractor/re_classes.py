"""regex's character classes (\\p{Han}, \\s, \\d) spelt out for the standard re module.

re has no script classes, and its \\s and \\d follow Python's own Unicode tables, which need not be
regex's. re runs a pattern that needs nothing else of regex severalfold faster (and searches a
pattern that starts with a literal for that literal), so a hot pattern is written for re with these
classes, read off regex itself over every code point: both modules agree on every character.
"""
from __future__ import annotations

import re
from functools import cache

import numpy as np
import regex

# Planes 0-3: above them (unassigned, tags and variation selectors, private use) no code point is Han,
# a space or a digit; the tests check every code point. A quarter of the scan (about 10 ms).
_CODE_POINTS = 0x40000
_SURROGATES = (0xD800, 0xE000)  # no str holds them alone: read as NUL, which no class here holds
CLASSES = (r"\p{Han}", r"\s", r"\d")


@cache
def _members() -> dict[str, str]:
    points = np.arange(_CODE_POINTS, dtype="<u4")
    points[slice(*_SURROGATES)] = 0
    every = points.tobytes().decode("utf-32-le")  # every code point once, in order
    return {c: "".join(_range(m.group()) for m in regex.finditer(f"{c}+", every)) for c in CLASSES}


def _range(run: str) -> str:
    return re.escape(run[0]) + (f"-{re.escape(run[-1])}" if len(run) > 1 else "")


def members(regex_class: str) -> str:
    """The characters of one of CLASSES as the inside of a [...] class of re (a list of ranges)."""
    return _members()[regex_class]


_ESCAPE = re.compile(r"\\(?:p\{[^}]*\}|.)", re.S)
_FLAGS = re.compile(r"\(\?[a-zA-Z]")  # an inline flag; (?P<name> is a group
_SAME_ESCAPES = set("ntrfv")  # letters both modules read as the same control character


def for_re(pattern: str) -> str:
    """A regex pattern in re's syntax: CLASSES spelt out, everything else as written.

    Raises ValueError on another escape of a letter (\\w, \\b, \\p{L} …) or an inline flag, whose
    meaning re and regex need not share."""
    if any(m.group() != "(?P" for m in _FLAGS.finditer(pattern)):
        raise ValueError(f"an inline flag in {pattern!r}")
    out: list[str] = []
    in_class, i = False, 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            escape = _ESCAPE.match(pattern, i).group()  # type: ignore[union-attr]  # a pattern ends in no lone \\
            if escape in CLASSES:
                out.append(members(escape) if in_class else f"[{members(escape)}]")
            elif escape[1].isascii() and (not escape[1].isalnum() or escape[1] in _SAME_ESCAPES):
                out.append(escape)
            else:
                raise ValueError(f"{escape} in {pattern!r}")
            i += len(escape)
            continue
        out.append(c)
        i += 1
        if c == "[" and not in_class:
            in_class = True
            for member in "^]":  # a leading ^ negates, a ] first is a member
                if pattern.startswith(member, i):
                    out.append(member)
                    i += 1
        elif c == "]" and in_class:
            in_class = False
    return "".join(out)
