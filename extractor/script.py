"""Script detection: traditional text is converted to simplified (OpenCC t2s), simplified text kept.

Traditional text changes under t2s in many characters; simplified text only in a few (乾县 → 干县), so
text is converted only when the share of changed characters says traditional. OpenCC changes only
characters it has a traditional form of, so a page where too few of those stand (most pages) is
answered by a count, without converting it (OpenCC costs about 45 ns a character).
"""
from __future__ import annotations

from functools import cache

import numpy as np

_TRADITIONAL_SHARE = 0.04
_TRADITIONAL_MIN = 4
_CJK_CODE_POINTS = (0x2E80, 0x323B0)  # radicals to CJK Extension H: no character t2s changes is outside


@cache
def _converter():  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC("t2s")


@cache
def _traditional_forms() -> np.ndarray:
    """A table by code point of the characters t2s changes, found by converting every CJK character
    once (0.1 s); the last entry, for every code point above the CJK blocks, is False."""
    low, high = _CJK_CODE_POINTS
    chars = [chr(c) for c in range(low, high) if not 0xD800 <= c < 0xE000]  # no surrogates
    converted = _converter().convert("\n".join(chars)).split("\n")
    table = np.zeros(high + 1, dtype=bool)
    table[[ord(c) for c, t in zip(chars, converted, strict=True) if c != t]] = True
    return table


def convertible(text: str) -> int:
    """How many characters of text t2s would change on their own (counted in bulk)."""
    points = np.frombuffer(text.encode("utf-32-le"), dtype="<u4")
    return int(np.count_nonzero(_traditional_forms().take(points, mode="clip")))  # clip: above CJK, False


def to_simplified(text: str) -> tuple[str, str, bool]:
    """(text, script of the original, converted?) — converts only text detected as traditional."""
    found = convertible(text)
    if found < _TRADITIONAL_MIN:  # most pages: no need to count their characters
        return text, "simplified", False
    # Characters outside ASCII take 3 UTF-8 bytes in CJK text: a count without a Python loop. The
    # characters t2s changes take 3 or 4 (CJK blocks), so han >= found > 0.
    han = (len(text.encode("utf-8")) - len(text)) // 2
    if found / han < _TRADITIONAL_SHARE:
        return text, "simplified", False
    converted = _converter().convert(text)
    changed = _differences(text, converted)
    if changed >= _TRADITIONAL_MIN and changed / han >= _TRADITIONAL_SHARE:
        return converted, "traditional", True
    return text, "simplified", False


def _differences(a: str, b: str) -> int:
    """How many characters differ between two texts (compared in bulk when lengths agree)."""
    if len(a) != len(b):
        return sum(1 for x, y in zip(a, b) if x != y)
    return int(np.count_nonzero(np.frombuffer(a.encode("utf-32-le"), "<u4") != np.frombuffer(b.encode("utf-32-le"), "<u4")))
