"""NFKC normalisation of page text, without CPython's slow path where a page can avoid it.

CPython's unicodedata.normalize("NFKC") costs about 0.25 µs a character on CJK text, and a page
that is not in normal form (one … or no-break space in it) used to have every such line normalised.
Most pages differ from their NFKC only in a few characters that fold on their own (…, no-break
space, full-width digits and marks): these are replaced by their NFKC with str.replace, and only a
page still not in normal form after that goes through the normaliser, line by line and in parts.
"""
from __future__ import annotations

import re
import unicodedata
from functools import cache

# Blocks where page text's compatibility characters stand: Latin-1 (no-break space, ², ½), general
# punctuation (…, ‥), letterlike and number forms (№, Ⅻ), enclosed numbers (①), CJK symbols
# (ideographic space), enclosed and squared CJK (㈠, ㎡), CJK compatibility forms, small forms,
# half- and full-width forms. A character outside them is left to the normaliser: never wrong, slower.
_FOLD_BLOCKS = ((0x00A0, 0x0100), (0x2000, 0x2070), (0x2100, 0x2190), (0x2460, 0x2500),
                (0x3000, 0x3040), (0x3200, 0x3400), (0xFE30, 0xFE70), (0xFF00, 0xFFF0))
_IDEOGRAPH_RUNS = re.compile(r"([\u4e00-\u9fff]+)")  # the CJK Unified Ideographs block: split on, kept


@cache
def folds() -> dict[str, str]:
    """Every character of those blocks that NFKC changes on its own, and what it becomes."""
    chars = (chr(c) for low, high in _FOLD_BLOCKS for c in range(low, high))
    return {c: n for c in chars if (n := unicodedata.normalize("NFKC", c)) != c}


@cache
def _foldable() -> re.Pattern[str]:
    return re.compile("[" + "".join(map(re.escape, folds())) + "]")


def nfkc(text: str) -> str:
    """unicodedata.normalize("NFKC", text), the same string."""
    # Why a character may be replaced by its own NFKC first: NFKC(t) is the canonical composition of
    # the canonically reordered concatenation of each character's full decomposition, and a
    # character's NFKC decomposes back to its decomposition; so the page's NFKC is unchanged by the
    # replacement (checked on strings of marks, jamo and compatibility forms in the tests).
    if unicodedata.is_normalized("NFKC", text):
        return text
    table, pattern, at = folds(), _foldable(), 0
    while found := pattern.search(text, at):  # one pass per distinct character (a page has a few)
        char = found.group()
        text, at = text.replace(char, table[char]), found.start()  # text before `at` is unchanged
    if unicodedata.is_normalized("NFKC", text):
        return text
    # A line break composes with nothing: the page's NFKC is that of its lines, put together.
    return "\n".join(ln if unicodedata.is_normalized("NFKC", ln) else _in_parts(ln) for ln in text.split("\n"))


def _in_parts(line: str) -> str:
    """NFKC of a line in parts between runs of ideographs: a long line of prose with one mark that
    needs the normaliser is not normalised whole."""
    # A CJK unified ideograph is its own NFKC, and neither composes with nor reorders around its
    # neighbours: the NFKC of a text is that of its parts between runs of them, put together
    # (checked on every character and on random strings of marks, jamo and compatibility forms).
    return "".join(p if unicodedata.is_normalized("NFKC", p) else unicodedata.normalize("NFKC", p)
                   for p in _IDEOGRAPH_RUNS.split(line))
