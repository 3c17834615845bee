"""Sentence spans: where each sentence of a cleaned body starts and ends, its outer spaces left out."""
from __future__ import annotations

import pytest

from extractor.segment import sentences

# (text, the sentences' texts in order) — written in the seeds' style.
CASES = [
    ("建好支部阵地。调整为3个党支部。", ["建好支部阵地。", "调整为3个党支部。"]),
    # Closing quotes and brackets stay with the sentence they close.
    ("书记说:“要讲好党课。”随后开展学习。", ["书记说:“要讲好党课。”", "随后开展学习。"]),
    ("(全年共开展活动12场。)另有3场。", ["(全年共开展活动12场。)", "另有3场。"]),
    # A run of end marks is one end; ; ! ? end sentences too.
    ("成效如何?!群众满意;干部认可!", ["成效如何?!", "群众满意;", "干部认可!"]),
    # A line break ends a sentence; spaces (ideographic ones too) around it are left out.
    ("  近年来,斗山镇加强党建\n\u3000\u3000锻造“熔炉”  \n", ["近年来,斗山镇加强党建", "锻造“熔炉”"]),
    # Blank lines and lines of spaces give no sentence; the last one needs no end mark.
    ("\n\n \t\n发展党员10名", ["发展党员10名"]),
    ("", []),
    ("  \u3000 ", []),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_sentences(text: str, expected: list[str]) -> None:
    spans = sentences(text)
    assert [text[s:e] for s, e in spans] == expected
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))  # in order, not overlapping
