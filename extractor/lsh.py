"""MinHash signatures as the writer uses them: band keys and estimated similarity, without numpy.

The writer links reposts by comparing stored signatures; it never computes one (dedupe.py does,
in the workers). Apart from dedupe, it needs no numpy: importing it cost the writer 16 MB of RSS.
"""
from __future__ import annotations

import zlib
from array import array
from operator import eq

PERMUTATIONS = 128  # uint32 values in a signature
BANDS = 32  # × 4 rows: pairs above ~0.5 Jaccard almost always share a band, below ~0.3 rarely
ROWS = PERMUTATIONS // BANDS
REPOST_SIMILARITY = 0.7  # estimated Jaccard above which an article repeats another


def bands(sig: bytes) -> list[int]:
    """One key per band (a signed 32-bit integer, portable to any SQL integer column)."""
    step = ROWS * 4
    return [zlib.crc32(sig[i : i + step]) - 2**31 for i in range(0, len(sig), step)]


def _values(sig: bytes) -> array[int]:
    values = array("I", sig)  # native order: compared for equality only, so either order will do
    assert values.itemsize == 4, "a signature is 4-byte values"
    return values


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of two bodies from their signatures (the share of equal values)."""
    x, y = _values(a), _values(b)
    return sum(map(eq, x, y)) / len(x)
