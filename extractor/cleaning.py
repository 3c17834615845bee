"""Text cleaning: page text in, the article body (plus its header lines) out.

Order matters: width normalisation first (so patterns see one form of each digit and mark),
then pinyin annotations, then script conversion, then the page layout (navigation, title,
bylines, footer). Offsets everywhere else refer to the body returned here.
"""
from __future__ import annotations

import unicodedata
from functools import cache
from itertools import islice

import numpy as np
import regex

from . import lexicon
from .records import CleanText

# 黨(dǎng)建 → 黨建: a bracketed lowercase syllable with a tone mark right after a character.
# The tone mark is required so that (APP), (试行) and the like stay.
_PINYIN = regex.compile(
    r"(?<=[\p{Han}?])\((?=[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ])[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]{1,7}\)"
)
_HAN = regex.compile(r"\p{Han}")
_GARBLE_CHARS = regex.compile(r"[\ufffd?\u00c0-\u00ff\ue000-\uf8ff]")
_SPACES = regex.compile(r"[ \t\u00a0\u3000]+")
# Mojibake: UTF-8 read as Latin-1/GBK leaves runs like "å…š" or replacement characters.
# A "?" between characters is a character the page's encoder could not represent.
_GARBLE = regex.compile(
    r"\ufffd|[\u00c0-\u00ff][\u0080-\u00bf\u2018-\u203a]|[\ue000-\uf8ff]"
    r"|(?<=\p{Han})\?(?=[\p{Han}(a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ])"
)
# A line is metadata when it carries a labelled field or a publication date stamp.
_META_LABEL = regex.compile(
    r"(?:文章来源|信息来源|稿件来源|来源|稿源|作者|发布机构|发布时间|发布日期|发表于|日期|时间|原文链接|原标题)\s*[:：]"
)
_DATE_STAMP = regex.compile(r"(?<!\d)(?:19|20)\d{2}(?:[-/.]\d{1,2}[-/.]\d{1,2}|年\d{1,2}月\d{1,2}日)")
_URL_LINE = regex.compile(r"^(?:原文链接|原文地址|原文网址)\s*[:：]")
# Traditional text changes under t2s in many characters; simplified text only in a few
# (乾县 → 干县), so convert only when the share of changed characters says traditional.
_TRADITIONAL_SHARE = 0.04
_TRADITIONAL_MIN = 4
_TITLE_MIN_HAN = 5
_TITLE_MAX_LEN = 80
_PARAGRAPH_MIN_LEN = 60
_FURNITURE_MAX = 100  # characters: no navigation, caption or counter line is longer


@cache
def _converter():  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC("t2s")


@lexicon.cached
def _patterns() -> tuple[regex.Pattern[str], regex.Pattern[str]]:
    data = lexicon.load("boilerplate")
    drop = regex.compile("|".join(f"(?:{p})" for p in data["drop_line"]))
    footer = regex.compile("|".join(f"(?:{p})" for p in data["footer_start"]))
    return drop, footer


def normalise(text: str) -> str:
    """Fold full-width digits, letters and punctuation to one form; unify line ends and spaces."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _SPACES.sub(" ", text)


def strip_pinyin(text: str) -> tuple[str, bool]:
    """Remove pinyin annotations after characters; report whether any were found."""
    out, n = _PINYIN.subn("", text)
    return out, n > 0


def to_simplified(text: str) -> tuple[str, str, bool]:
    """(text, script of the original, converted?) — converts only text detected as traditional."""
    # Characters outside ASCII take 3 UTF-8 bytes in CJK text: a count without a Python loop.
    han = (len(text.encode("utf-8")) - len(text)) // 2
    if not han:
        return text, "simplified", False
    converted = _converter().convert(text)
    changed = _differences(text, converted)
    if changed >= _TRADITIONAL_MIN and changed / han >= _TRADITIONAL_SHARE:
        return converted, "traditional", True
    return text, "simplified", False


def _differences(a: str, b: str) -> int:
    """How many characters differ between two texts (compared in bulk when lengths agree)."""
    if len(a) != len(b):
        return sum(1 for x, y in zip(a, b) if x != y)
    return int(np.count_nonzero(np.frombuffer(a.encode("utf-32-le"), "<u4") != np.frombuffer(b.encode("utf-32-le"), "<u4")))


def is_garbled(text: str) -> bool:
    """True when the text carries decoding debris (replacement characters, mojibake)."""
    if not _GARBLE_CHARS.search(text):  # one cheap scan settles the common, clean case
        return False
    return len(list(islice(_GARBLE.finditer(text), 2))) >= 2


def _is_meta(line: str) -> bool:
    return len(line) <= _TITLE_MAX_LEN * 2 and bool(_META_LABEL.search(line) or _DATE_STAMP.search(line))


def _looks_like_title(line: str) -> bool:
    return (
        len(line) <= _TITLE_MAX_LEN
        and len(_HAN.findall(line)) >= _TITLE_MIN_HAN
        and "。" not in line
        and not line.endswith((",", ";"))
        and not _is_meta(line)
    )


def layout(text: str) -> tuple[str | None, list[str], list[str]]:
    """Split page text into (title, metadata lines, body lines), dropping page furniture."""
    drop, footer = _patterns()
    lines = [ln.strip() for ln in text.split("\n")]
    # Page furniture is short, or a list of links with bars between them: long lines of prose
    # are not run through every pattern (most of the cleaning time went there).
    kept = [ln for ln in lines if ln and not ((len(ln) <= _FURNITURE_MAX or ln.count("|") >= 3) and drop.search(ln))]
    first_paragraph = next((i for i, ln in enumerate(kept) if len(ln) >= _PARAGRAPH_MIN_LEN and not _is_meta(ln)), len(kept))
    header = kept[:first_paragraph]
    meta_at = [i for i, ln in enumerate(header) if _is_meta(ln)]
    title_at: int | None = None
    if meta_at:
        # The headline is the last title-like line above the first date/source line.
        title_at = next((i for i in range(meta_at[0] - 1, -1, -1) if _looks_like_title(header[i])), None)
    elif header and _looks_like_title(header[0]):
        title_at = 0
    elif len(header) > 1 and len(header[0]) < _TITLE_MIN_HAN and _looks_like_title(header[1]):
        title_at = 1  # a section label above the headline (资讯, 党建新闻)
    title = kept[title_at] if title_at is not None else None
    skip_to = max([title_at if title_at is not None else -1, *meta_at]) + 1
    meta = [kept[i] for i in meta_at]
    body: list[str] = []
    for ln in kept[skip_to:]:
        if _URL_LINE.search(ln) or (_is_meta(ln) and len(ln) < _PARAGRAPH_MIN_LEN and _META_LABEL.match(ln)):
            meta.append(ln)
            continue
        cut = footer.search(ln)
        if not cut:
            body.append(ln)
            continue
        before = ln[: cut.start()].strip()
        if before:
            body.append(before)
        if body:
            break
    return title, meta, body


def clean(text: str) -> CleanText:
    """The whole cleaning stage: raw page text to a CleanText."""
    text = normalise(text)
    text, pinyin = strip_pinyin(text)
    text, script, converted = to_simplified(text)
    title, meta, body = layout(text)
    joined = "\n".join(body)
    return CleanText(
        body=joined,
        title=title,
        meta_lines=meta,
        script=script,
        converted=converted,
        pinyin_stripped=pinyin,
        garbled=is_garbled(text),
    )
