"""Sentence segmentation with offsets, so every claim can point back to its sentence; and spans
of a text looked up by position."""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from itertools import accumulate

# A sentence ends at 。！？; or a line break; closing quotes and brackets stay with it. The stdlib
# engine: it scans this pattern in two thirds of regex's time.
_SENTENCE = re.compile(r"[^\n。!?;]*(?:[。!?;]+[”’」』)]*|\n|$)")


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-empty sentence in text, in order; end is exclusive."""
    spans = []
    for m in _SENTENCE.finditer(text):
        # str.strip() drops what str.isspace() calls space: the sentence without its outer spaces.
        found = m.group()
        if kept := len(found.strip()):
            start = m.start() + len(found) - len(found.lstrip())
            spans.append((start, start + kept))
    return spans


class Covered:
    """Whether a position lies in one of a text's spans (quotes, titles, idioms), in O(log n).

    Spans may nest or overlap: a position is inside some span starting before it exactly when the
    furthest end of those spans lies beyond it, so a sorted list of starts and a running maximum of
    ends answer without looking at every span (a long report has thousands)."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        starts, ends = tuple(zip(*sorted(spans))) or ((), ())
        self._starts = starts
        self._reach = list(accumulate(ends, max))

    def inside(self, pos: int) -> bool:
        """start < pos < end for some span."""
        i = bisect_left(self._starts, pos)
        return i > 0 and self._reach[i - 1] > pos

    def covers(self, pos: int) -> bool:
        """start <= pos < end for some span."""
        i = bisect_right(self._starts, pos)
        return i > 0 and self._reach[i - 1] > pos
