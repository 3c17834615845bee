"""Finding every occurrence of the gazetteer's surfaces (place names and short forms) in a text."""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping


class SurfaceIndex:
    """Every occurrence of every surface in a text, without trying every length at every position.

    Full names end in one of a few characters (镇 乡 道 县 区 市 州 旗 ...).  A character-class regex
    finds those in the text, and a table of the surfaces' last two characters gives the lengths worth
    checking there; short forms that end in such a character (杭州, 藁城) are found the same way.  The
    other surfaces, short forms such as 台山, are found from their start: a regex finds each character
    that could start one followed by a character that could come second, and a table of first two
    characters gives the lengths to check.  Both regexes are plain character classes, so they compile
    in milliseconds and scan in C; Python only looks at the few places they stop."""

    def __init__(self, surfaces: Mapping[str, tuple[tuple[str, str], ...]]) -> None:
        self._surfaces = surfaces
        ends = {s[-1] for s, entries in surfaces.items() if entries and entries[0][1] == "full"}
        self._singles = frozenset(s for s in surfaces if len(s) == 1)  # none in the NBS data
        ends |= self._singles
        self._by_start = frozenset(s for s in surfaces if s[-1] not in ends)  # found from their start
        by_tail: dict[str, set[int]] = defaultdict(set)
        by_head: dict[str, set[int]] = defaultdict(set)
        for s in surfaces:
            if s in self._by_start:
                by_head[s[:2]].add(len(s))
            elif len(s) > 1:
                by_tail[s[-2:]].add(len(s))
        self._by_tail = {k: tuple(sorted(v)) for k, v in by_tail.items()}
        self._by_head = {k: tuple(sorted(v)) for k, v in by_head.items()}
        self._tail_re = re.compile(_char_class(ends)) if ends else None
        firsts, seconds = _char_class(h[0] for h in by_head), _char_class(h[1] for h in by_head)
        self._head_re = re.compile(f"{firsts}(?={seconds})") if by_head else None

    def spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of every occurrence of a surface, overlapping ones included, each once, in no order."""
        surfaces, out = self._surfaces, []
        if self._tail_re:
            by_tail = self._by_tail
            for m in self._tail_re.finditer(text, 1):  # a match at 0 can only end a one-character surface
                end = m.end()
                for n in by_tail.get(text[end - 2 : end], ()):
                    if n <= end and text[end - n : end] in surfaces:
                        out.append((end - n, end))
            if self._singles:
                out += [m.span() for m in self._tail_re.finditer(text) if m.group() in self._singles]
        if self._head_re:
            by_head, by_start, size = self._by_head, self._by_start, len(text)
            for m in self._head_re.finditer(text):
                start = m.start()
                for n in by_head.get(text[start : start + 2], ()):
                    if start + n <= size and text[start : start + n] in by_start:
                        out.append((start, start + n))
        return out


def _char_class(chars: Iterable[str]) -> str:
    return "[" + "".join(re.escape(c) for c in sorted(set(chars))) + "]"
