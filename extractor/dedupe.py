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
_MULTIPLIER = np.uint64(1_000_003)
_FOLD = np.uint64(29)
# Shingles permuted at once: a table of PERMUTATIONS × _BLOCK uint32 (256 KB) stays in the L2 cache
# through the passes over it. Every operand is a whole contiguous array of that shape: numpy runs
# such a loop in SIMD, and ran one that broadcasts a row or a column (np.multiply.outer) at about half
# that speed.
_BLOCK = 512
_A_TABLE = np.repeat(_A[:, np.newaxis], _BLOCK, axis=1)
_B_TABLE = np.repeat(_B[:, np.newaxis], _BLOCK, axis=1)


def _text_for_shingles(body: str) -> str:
    # Whitespace and line breaks differ between sites; the characters do not.
    return "".join(body.split())


def _shingle_hashes(text: str) -> np.ndarray:
    """A 32-bit hash of every character shingle, computed on code points in bulk (repeats kept:
    they change no minimum, and sorting them out cost more than hashing them twice), then the
    first one repeated up to a whole number of blocks (a repeat changes no minimum either)."""
    points = np.frombuffer(text.ljust(SHINGLE, "\0").encode("utf-32-le"), dtype="<u4").astype(np.uint64)
    n = len(points) - SHINGLE + 1
    h = points[:n] * _MULTIPLIER
    h += points[1 : 1 + n]
    for k in range(2, SHINGLE):  # polynomial hash of the window, wrapping at 2^64; in place: no temporaries
        h *= _MULTIPLIER
        h += points[k : k + n]
    h ^= h >> _FOLD
    out = np.empty(n + -n % _BLOCK, dtype=np.uint32)
    out[:n] = h  # the low 32 bits
    out[n:] = out[0]
    return out


def signature(body: str) -> bytes:
    """The MinHash signature of a body: PERMUTATIONS little-endian uint32 values."""
    hashes = _shingle_hashes(_text_for_shingles(body))
    # A row per permutation, block by block of shingles: the permuted table of a long report would
    # not fit in the caches (1 MB of text makes 180 MB of it), and the minimum of the blocks' minima
    # is the same. Allocated per call, not kept: threads (a Dask worker's) may sign at once.
    table = np.empty((PERMUTATIONS, _BLOCK), dtype=np.uint32)
    lowest = np.empty(PERMUTATIONS, dtype=np.uint32)
    minima = np.empty(PERMUTATIONS, dtype=np.uint32)
    for i in range(0, len(hashes), _BLOCK):
        np.copyto(table, hashes[i : i + _BLOCK])  # the block in every row
        np.multiply(table, _A_TABLE, out=table)
        np.add(table, _B_TABLE, out=table)
        np.minimum.reduce(table, axis=1, out=minima if i else lowest)  # along contiguous rows
        if i:
            np.minimum(lowest, minima, out=lowest)
    return lowest.astype("<u4").tobytes()
