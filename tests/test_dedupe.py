"""MinHash signatures (dedupe.py): stored and compared across runs, so their bytes must never change,
however they are computed."""
from __future__ import annotations

import hashlib

import pytest

from extractor import dedupe
from extractor.lsh import PERMUTATIONS

SENTENCE = "市政府召开常务会议，研究部署今年重点工作。"


def reference_signature(body: str) -> bytes:
    """The definition, in plain integers: per permutation, the least (a·h + b) mod 2^32 over the
    32-bit hash h of every character 5-gram of the body without whitespace."""
    text = "".join(body.split()).ljust(dedupe.SHINGLE, "\0")
    points = [ord(c) for c in text]
    hashes = set()
    for i in range(len(points) - dedupe.SHINGLE + 1):
        h = 0
        for p in points[i : i + dedupe.SHINGLE]:
            h = (h * 1_000_003 + p) % 2**64
        hashes.add((h ^ (h >> 29)) % 2**32)
    lowest = [min((int(a) * h + int(b)) % 2**32 for h in hashes) for a, b in zip(dedupe._A, dedupe._B, strict=True)]
    return b"".join(v.to_bytes(4, "little") for v in lowest)


def _text(n: int) -> str:
    """n characters that make n - 4 shingles, most of them distinct."""
    return "".join(chr(0x4E00 + (i * 7919) % 20_000) for i in range(n))


# Around the block the permutations are computed in (a partial last block is filled with repeats).
@pytest.mark.parametrize("n", [0, 1, 4, 5, 6, 100, dedupe._BLOCK + 3, dedupe._BLOCK + 4, dedupe._BLOCK + 5,
                               3 * dedupe._BLOCK + 4, 3 * dedupe._BLOCK + 77])
def test_signature_is_the_minimum_of_each_permutation(n: int) -> None:
    body = _text(n)
    assert dedupe.signature(body) == reference_signature(body)
    assert len(dedupe.signature(body)) == 4 * PERMUTATIONS


def test_whitespace_and_repeats_do_not_count() -> None:
    assert dedupe.signature(" 市政府\n召开 常务会议") == dedupe.signature("市政府召开常务会议")
    assert dedupe.signature(SENTENCE * 40) == reference_signature(SENTENCE * 40)


@pytest.mark.parametrize(("body", "sha256"), [
    (SENTENCE, "6bc2994a8b69a16cd6c9d9dbf8dfd598d18624991af2ddf2c6d0ffbab97a8f6a"),
    ("", "8fb637391534e5cad26e11dc44582018eb9fc998019eb1c99dcde5469637871b"),
    ("县" * 600, "93f51986820771c72cb77b7bd81c175fe93ee40229044438018021f8ef115cd8"),
])
def test_signatures_are_those_stored_before(body: str, sha256: str) -> None:
    # Digests of the signatures extractor 0.3.0 stored: a database's reposts are found by them.
    assert hashlib.sha256(dedupe.signature(body)).hexdigest() == sha256
