"""Sentence segmentation with offsets, so every claim can point back to its sentence."""
from __future__ import annotations

import regex

# A sentence ends at 。！？; or a line break; closing quotes and brackets stay with it.
_SENTENCE = regex.compile(r"[^\n。!?;]*(?:[。!?;]+[”’」』)]*|\n|$)")


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-empty sentence in text, in order; end is exclusive."""
    spans = []
    for m in _SENTENCE.finditer(text):
        start, end = m.start(), m.end()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
    return spans
