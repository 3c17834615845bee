"""Near-duplicate detection: MinHash signatures over character shingles, and LSH bands.

Government news is reposted across sites with other headers and footers; after cleaning, the
bodies share nearly all their character 5-grams. A MinHash signature estimates that overlap
(Jaccard similarity); cutting it into bands gives keys that similar articles share, so finding
candidates is an index lookup in the database, never a comparison of all pairs.
"""
from __future__ import annotations

import numpy as np

# Band keys and similarity need no numpy, and the writer uses them alone: they are in lsh.py.
from .lsh import PERMUTATIONS

SHINGLE = 5  # characters; long enough that unrelated articles share few

# A fixed family of hash functions h(x) = (a·x + b) mod 2^32: signatures must be comparable
# across processes, machines and runs, so the seed is a constant.
# uint32 arithmetic wraps modulo 2^32 by itself, which keeps the permutation step cheap.
_rng = np.random.default_rng(20221129)
_A = (_rng.integers(1, 2**32, size=PERMUTATIONS, dtype=np.uint64) | np.uint64(1)).astype(np.uint32)
_B = _rng.integers(0, 2**32, size=PERMUTATIONS, dtype=np.uint64).astype(np.uint32)
_B_COLUMN = _B[:, np.newaxis]
_MULTIPLIER = np.uint64(1_000_003)
_FOLD = np.uint64(29)
_BLOCK = 4096  # shingles permuted at once (2 MB of uint32)


def _text_for_shingles(body: str) -> str:
    # Whitespace and line breaks differ between sites; the characters do not.
    return "".join(body.split())


def _shingle_hashes(text: str) -> np.ndarray:
    """A 32-bit hash of every character shingle, computed on code points in bulk (repeats kept:
    they change no minimum, and sorting them out cost more than hashing them twice)."""
    points = np.frombuffer(text.ljust(SHINGLE, "\0").encode("utf-32-le"), dtype="<u4").astype(np.uint64)
    n = len(points) - SHINGLE + 1
    h = points[:n].copy()
    for k in range(1, SHINGLE):  # polynomial hash of the window, wrapping at 2^64; in place: no temporaries
        h *= _MULTIPLIER
        h += points[k : k + n]
    h ^= h >> _FOLD
    return h.astype(np.uint32)  # the low 32 bits


def signature(body: str) -> bytes:
    """The MinHash signature of a body: PERMUTATIONS little-endian uint32 values."""
    hashes = _shingle_hashes(_text_for_shingles(body))
    # In blocks of shingles: the permuted table of a long report would not fit in the caches (1 MB
    # of text makes 180 MB of it), and the minimum of the blocks' minima is the same.
    # A row per permutation: each minimum is taken along contiguous memory (twice as fast as down columns).
    lowest = np.full(PERMUTATIONS, 0xFFFFFFFF, dtype=np.uint32)
    for i in range(0, len(hashes), _BLOCK):
        permuted = np.multiply.outer(_A, hashes[i : i + _BLOCK])
        permuted += _B_COLUMN  # in place: one table less to allocate
        np.minimum(lowest, permuted.min(axis=1), out=lowest)
    return lowest.astype("<u4").tobytes()
