"""Finding every occurrence of the gazetteer's surfaces (place names and short forms) in a text."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Generic, TypeVar

from ahocorasick_rs import AhoCorasick, MatchKind

V = TypeVar("V")


class SurfaceIndex(Generic[V]):
    """Every occurrence of every surface in a text, overlapping ones included, in one pass.

    An Aho-Corasick automaton over the 36,000 surfaces (ahocorasick-rs, compiled in Rust; built once,
    in 0.1 s) reads the text once and reports each surface wherever it ends, whatever its length, so
    nothing is tried position by position in Python. Offsets are in characters of the str. Each
    occurrence comes with the surface's value, so the caller never looks the surface up again."""

    def __init__(self, surfaces: Mapping[str, V]) -> None:
        self._values = list(surfaces.values())
        self._automaton = AhoCorasick(list(surfaces), matchkind=MatchKind.Standard) if surfaces else None

    def find(self, text: str) -> list[tuple[int, int, V]]:
        """(start, end, value) of every occurrence of a surface, overlapping ones included, each once,
        in no order."""
        if self._automaton is None or not text:
            return []
        values = self._values
        return [(start, end, values[i]) for i, start, end in self._automaton.find_matches_as_indexes(text, overlapping=True)]


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
