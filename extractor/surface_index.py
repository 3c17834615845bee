"""Finding every occurrence of the gazetteer's surfaces (place names and short forms) in a text."""
from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Generic, TypeVar

import numpy as np

V = TypeVar("V")

_BITS = 20  # the bitmap of endings: 2^20 bytes (2^18 let 4 times as many pairs pass by chance)
_MASK = np.uint32((1 << _BITS) - 1)
_MUL = np.uint32(0x9E3779B1)  # Fibonacci hashing: spreads the code points of CJK text over the bitmap
_SHORT_TEXT = 64  # below this many characters, every position is tried (numpy's fixed cost is higher)
# Between texts read in one pass: in no surface (the gazetteer's are names from the lines of its file),
# so no occurrence spans two texts.
_SEPARATOR = "\n"


def _pair_hash(a: int, b: int) -> int:
    """What numpy computes below for the characters a, b (as code points), one pair at a time."""
    return ((a * int(_MUL)) & 0xFFFFFFFF ^ b) & int(_MASK)


class SurfaceIndex(Generic[V]):
    """Every occurrence of every surface in a text, overlapping ones included, each with its value.

    A surface of two or more characters ends with two characters the index knows (36,000 surfaces
    have 6,500 such endings, and 1 % of the characters of news text end one). Where those endings
    are, numpy finds for a whole text at once: every pair of adjacent characters is hashed into a
    bitmap of the endings (0.6 % of other pairs pass by chance, and the table of endings drops them).
    At each ending, the surfaces that end so are looked up by length. So the Python work is per
    occurrence, not per character, and little memory is touched per text (an automaton over all
    surfaces was 14 MB, read anew for every article once the other stages had used the cache).
    Offsets are in characters of the str."""

    def __init__(self, surfaces: Mapping[str, V]) -> None:
        self._values = dict(surfaces)
        lengths: dict[str, set[int]] = defaultdict(set)
        for s in surfaces:
            if len(s) > 1:
                lengths[s[-2:]].add(len(s))
        self._lengths = {end: tuple(sorted(ns)) for end, ns in lengths.items()}
        self._bitmap = np.zeros(1 << _BITS, dtype=np.bool_)
        self._bitmap[[_pair_hash(ord(end[0]), ord(end[1])) for end in self._lengths]] = True
        singles = sorted(s for s in surfaces if len(s) == 1)
        self._singles = re.compile(f"[{re.escape(''.join(singles))}]") if singles else None

    def find(self, text: str) -> list[tuple[int, int, V]]:
        """(start, end, value) of every occurrence of a surface, overlapping ones included, each once,
        in no order."""
        values, lengths = self._values, self._lengths
        out = []
        for end in self._pair_ends(text):
            for n in lengths.get(text[end - 2 : end], ()):
                if n <= end and (value := values.get(text[end - n : end])) is not None:
                    out.append((end - n, end, value))
        if self._singles:
            out += [(m.start(), m.end(), values[m.group()]) for m in self._singles.finditer(text)]
        return out

    def find_each(self, texts: Sequence[str]) -> list[list[tuple[int, int, V]]]:
        """find for each of texts, all read in one pass: numpy's fixed cost is paid once, and a short
        text (a headline) costs no Python step per character. Offsets are in each text."""
        if len(texts) < 2:
            return [self.find(t) for t in texts]
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))  # the longest first: no offsets to shift
        starts = [0]
        for i in order[:-1]:
            starts.append(starts[-1] + len(texts[i]) + len(_SEPARATOR))
        out: list[list[tuple[int, int, V]]] = [[] for _ in texts]
        first, first_end = out[order[0]], len(texts[order[0]])
        for found in self.find(_SEPARATOR.join(texts[i] for i in order)):
            if found[0] < first_end:
                first.append(found)
            else:
                k = bisect_right(starts, found[0]) - 1
                shift = starts[k]
                out[order[k]].append((found[0] - shift, found[1] - shift, found[2]))
        return out

    def _pair_ends(self, text: str) -> Iterable[int]:
        """Ends of the pairs of characters that may end a surface (all of them, in a short text)."""
        if len(text) < _SHORT_TEXT:
            return range(2, len(text) + 1)
        points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        passed = self._bitmap.take(((points[:-1] * _MUL) ^ points[1:]) & _MASK)  # take: a cheaper gather than []
        return (np.flatnonzero(passed) + 2).tolist()


def occurrences(text: str, words: Iterable[str]) -> list[tuple[int, int]]:
    """(start, end) of every occurrence of the words, overlapping ones included. str.find scans in C;
    an article names a few towns in full (the words asked for), a long report hundreds, still a small
    cost per character."""
    out = []
    for w in words:
        i = text.find(w)
        while i >= 0:
            out.append((i, i + len(w)))
            i = text.find(w, i + 1)
    return out
