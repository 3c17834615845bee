"""Bytes to text for Chinese articles: by byte-order mark, else as UTF-8, else GB18030 or Big5.

Legacy Chinese encodings cannot be told apart by validity alone: almost any Big5 byte string is
also valid GB18030, and decodes to a jumble of rare hanzi, kana and private-use characters. So
each candidate decoding is judged by how much of its non-ASCII text is made of common hanzi
(simplified or traditional) and the punctuation Chinese text uses, and the most plausible wins.
"""
from __future__ import annotations

import codecs
import re
from functools import cache
from pathlib import Path

_COMMON_HANZI_FILE = Path(__file__).with_name("data") / "common_hanzi.txt"

# Byte-order marks and the codec that reads what follows them.
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Tried when the bytes are not UTF-8; earlier wins a tie, and a declared charset goes first.
# GB18030 is a superset of GB2312 and GBK; cp950 is Big5 as Windows and the web write it. UTF-8
# stays a candidate for files with a stray broken byte.
_CANDIDATES = ("utf-8", "gb18030", "cp950")

# What a declared charset (HTML meta) names, mapped to the superset codec that reads it.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "big5": "cp950", "big5hkscs": "cp950"}

# Non-hanzi characters Chinese news uses: Latin-1 and pinyin letters (×·°, ā ǎ), general
# punctuation, ¥€, ℃ №, Ⅱ, arrows, ≥, ①, □★, CJK punctuation, ㈠ ㎡, full-width forms. Kana,
# Greek, Cyrillic, box drawing, bopomofo and private-use characters are left out: they are what
# the wrong legacy codec makes of Chinese bytes.
_PLAUSIBLE_SYMBOLS = (
    ("\u00a0", "\u024f"),
    ("\u2000", "\u22ff"),
    ("\u2460", "\u24ff"),
    ("\u25a0", "\u26ff"),
    ("\u3000", "\u303f"),
    ("\u3200", "\u33ff"),
    ("\uff00", "\uffef"),
)

# Below this the best reading is not Chinese text. Measured on news text cut into samples: right
# readings of 15 characters score 0.71 at worst (0.9 for 99%); random bytes score 0.57 at best
# (30 bytes) and under 0.25 from 200 bytes on; Korean EUC-KR read as GB18030 scores about 0.5.
_MIN_PLAUSIBILITY = 0.6

# A legacy decoding may break on one byte sequence per 1000 bytes (at least one): real files get
# truncated or carry a stray byte, but more breaks than that mean the codec is wrong.
_BROKEN_PER_BYTE = 1 / 1000

_NON_ASCII = re.compile(r"[^\x00-\x7f]")


class UndecodableError(ValueError):
    """The bytes are not text in an encoding we read; the message says why, for people."""


def decode(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Return the text of `data` and the codec that read it, or raise UndecodableError.

    `declared` is a charset the container names (an HTML meta tag). Declarations are often wrong
    (pages say gb2312 and are UTF-8), so it only wins a tie between equally plausible readings.
    """
    if not data:
        raise UndecodableError("empty file")
    marked = _decode_by_bom(data)
    if marked is not None:
        return marked
    if b"\x00" in data:
        raise UndecodableError("binary file (contains NUL bytes)")
    try:  # fast path: valid UTF-8 with non-ASCII bytes is practically never anything else
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    return _decode_by_plausibility(data, _preferred_order(declared))


def plausibility(text: str) -> float:
    """Share of the non-ASCII characters in `text` that are common hanzi or usual symbols."""
    non_ascii = len(_NON_ASCII.findall(text))
    if not non_ascii:
        return 1.0
    return 1 - len(_implausible_pattern().findall(text)) / non_ascii


def _decode_by_bom(data: bytes) -> tuple[str, str] | None:
    """Decode text that starts with a byte-order mark by that mark alone; None without one."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _decode_marked(data[len(bom):], codec)
    return None


def _decode_marked(data: bytes, codec: str) -> tuple[str, str]:
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        raise UndecodableError(f"not decodable as {codec.upper()} despite its byte-order mark") from None
    if "\x00" in text:
        raise UndecodableError("binary file (contains NUL characters)")
    if codec != "utf-8":  # UTF-8 is self-checking; UTF-16 decodes any even-length bytes
        _require_plausible(plausibility(text), codec)
    return text, codec


def _preferred_order(declared: str | None) -> tuple[str, ...]:
    """The candidate codecs with the declared one, if it is a candidate, moved to the front."""
    codec = _codec_for(declared)
    if codec not in _CANDIDATES:
        return _CANDIDATES
    return (codec, *(other for other in _CANDIDATES if other != codec))


def _codec_for(declared: str | None) -> str | None:
    """The Python codec for a declared charset label, or None for a label Python does not know."""
    if not declared:
        return None
    try:
        name = codecs.lookup(declared).name
    except LookupError:
        return None
    return _SUPERSETS.get(name, name)


def _decode_by_plausibility(data: bytes, candidates: tuple[str, ...]) -> tuple[str, str]:
    allowed_breaks = max(1, int(len(data) * _BROKEN_PER_BYTE))
    readings = []
    for codec in candidates:
        text = data.decode(codec, errors="replace")
        if text.count("\ufffd") <= allowed_breaks:
            readings.append((plausibility(text), text, codec))
    if not readings:
        raise UndecodableError("not decodable as UTF-8, GB18030 or Big5")
    score, text, codec = max(readings, key=lambda reading: reading[0])  # max keeps the first of equals
    _require_plausible(score, codec)
    return text, codec


def _require_plausible(score: float, codec: str) -> None:
    if score < _MIN_PLAUSIBILITY:
        raise UndecodableError(
            f"decoded text is mostly garbage (as {codec}, {score:.0%} of non-ASCII characters are plausible)"
        )


@cache
def _implausible_pattern() -> re.Pattern[str]:
    """A character class matching non-ASCII characters that are neither common hanzi nor usual symbols."""
    ranges = "".join(f"{low}-{high}" for low, high in _PLAUSIBLE_SYMBOLS)
    hanzi = "".join(sorted(_common_hanzi()))
    return re.compile(f"[^\\x00-\\x7f{ranges}{hanzi}]")


def _common_hanzi() -> frozenset[str]:
    lines = _COMMON_HANZI_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset("".join(line.strip() for line in lines if not line.startswith("#")))
