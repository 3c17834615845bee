"""The writer's side of near-duplicate detection: band keys and similarity, without numpy."""
from __future__ import annotations

import random
from array import array

from extractor import dedupe, lsh


def test_similarity_is_the_share_of_equal_values() -> None:
    a = dedupe.signature("市政府召开常务会议，研究部署今年重点工作。")
    b = bytearray(a)
    b[:40] = bytes(40)  # ten values of 128 changed
    assert lsh.similarity(a, a) == 1.0
    assert lsh.similarity(a, bytes(b)) == 118 / 128
    assert len(lsh.bands(a)) == lsh.BANDS


def _share_of_equal_values(a: bytes, b: bytes) -> float:
    x, y = array("I", a), array("I", b)
    return sum(u == v for u, v in zip(x, y)) / len(x)


def test_a_value_differing_in_any_one_bit_counts_as_unequal() -> None:
    # similarity_of folds each value's 32 bits onto its lowest: a fold that missed a bit, or took
    # one from the next value, would count such a value as equal (or its neighbour as unequal).
    base = dedupe.signature("县委召开常委会会议，传达学习上级会议精神。")
    for bit in range(32):
        changed = array("I", base)
        changed[5] ^= 1 << bit
        changed[127] ^= 1 << bit  # the last value: nothing above it to borrow from
        assert lsh.similarity(base, changed.tobytes()) == 126 / 128, bit


def test_similarity_of_signatures_as_integers_is_the_share_of_equal_values() -> None:
    rng = random.Random(7)
    for _ in range(200):
        a = array("I", (rng.getrandbits(32) for _ in range(lsh.PERMUTATIONS)))
        b = array("I", (v if rng.random() < 0.7 else rng.choice((0, 0xFFFFFFFF, rng.getrandbits(32))) for v in a))
        expected = _share_of_equal_values(a.tobytes(), b.tobytes())
        assert lsh.similarity_of(lsh.as_int(a.tobytes()), lsh.as_int(b.tobytes())) == expected
        assert lsh.similarity(a.tobytes(), b.tobytes()) == expected
