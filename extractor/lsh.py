"""MinHash signatures as the writer uses them: band keys and estimated similarity, without numpy.

The writer links reposts by comparing stored signatures; it never computes one (dedupe.py does,
in the workers). Apart from dedupe, it needs no numpy: importing it cost the writer 16 MB of RSS.
"""
from __future__ import annotations

import zlib

PERMUTATIONS = 128  # uint32 values in a signature
BANDS = 32  # × 4 rows: pairs of 0.7 Jaccard share two bands 99.8 % of the time, of 0.3 3 %
ROWS = PERMUTATIONS // BANDS
REPOST_SIMILARITY = 0.7  # estimated Jaccard above which an article repeats another
# Articles are candidate reposts when they share this many band keys. One shared band makes
# candidates from about 0.4 Jaccard: most of a corpus of one county's reports shares a band with
# some others (98 % of its candidate pairs share exactly one), and every candidate is read and
# compared. Two keep the repost rule as it was: signatures agreeing on 90 of 128 values (0.7)
# at random positions leave two bands or more whole in all but 1.2 of 100,000 such pairs, on 92
# values in all but 2 of 1,000,000 (simulated); and reposts are almost all far above 0.7.
MIN_SHARED_BANDS = 2


def bands(sig: bytes) -> list[int]:
    """One key per band (a signed 32-bit integer, portable to any SQL integer column)."""
    step = ROWS * 4
    return [zlib.crc32(sig[i : i + step]) - 2**31 for i in range(0, len(sig), step)]


# The lowest bit of each value's 32 bits in a signature read as one integer (see similarity_of).
_LOW_BITS = sum(1 << (32 * i) for i in range(PERMUTATIONS))


def as_int(sig: bytes) -> int:
    """A signature as one integer, for similarity_of: value i is bits 32i to 32i+31."""
    return int.from_bytes(sig, "little")


def similarity_of(x: int, y: int) -> float:
    """similarity of two signatures given as_int: a handful of operations on 4,096-bit integers
    instead of 128 comparisons in the interpreter (8 × faster; the writer compares every
    candidate pair, tens per new article in a large database)."""
    d = x ^ y  # a value's 32 bits are all zero where the two signatures agree
    # Fold each value's bits down onto its lowest bit: after these five steps bit 32i is the OR
    # of bits 32i to 32i+31 of d (the higher bits, mixed with the next value's, are masked off).
    d |= d >> 16
    d |= d >> 8
    d |= d >> 4
    d |= d >> 2
    d |= d >> 1
    return (PERMUTATIONS - (d & _LOW_BITS).bit_count()) / PERMUTATIONS


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of two bodies from their signatures (the share of equal values)."""
    return similarity_of(as_int(a), as_int(b))
