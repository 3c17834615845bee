"""The writer's side of near-duplicate detection: band keys and similarity, without numpy."""
from __future__ import annotations


from extractor import dedupe, lsh


def test_similarity_is_the_share_of_equal_values() -> None:
    a = dedupe.signature("市政府召开常务会议，研究部署今年重点工作。")
    b = bytearray(a)
    b[:40] = bytes(40)  # ten values of 128 changed
    assert lsh.similarity(a, a) == 1.0
    assert lsh.similarity(a, bytes(b)) == 118 / 128
    assert len(lsh.bands(a)) == lsh.BANDS
