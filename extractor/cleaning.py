"""Text cleaning: page text in, the article body (plus its header lines) out.

Order matters: width normalisation first (so patterns see one form of each digit and mark),
then pinyin annotations, then script conversion, then the page layout (navigation, title,
bylines, footer). Offsets everywhere else refer to the body returned here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import regex

from . import lexicon
from .literals import prefilter
from .memo import memo
from .nfkc import nfkc
from .re_classes import for_re
from .records import CleanText
from .script import to_simplified

# 黨(dǎng)建 → 黨建: a bracketed lowercase syllable with a tone mark right after a character.
# The tone mark is required so that (APP), (试行) and the like stay.
_TONE_MARKS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
# Compiled by re (_pinyin), and the character before the bracket looked at once the bracket is found:
# a page with annotations has dozens, and the brackets are searched for (twice as fast as regex).
_PINYIN = rf"\((?<=[\p{{Han}}?]\()(?=[a-zü]*[{_TONE_MARKS}])[a-z{_TONE_MARKS}ü]{{1,7}}\)"
_TONE_MARK = re.compile(f"[{_TONE_MARKS}]")  # no annotation without one: most pages are not scanned
_GARBLE_CHARS = re.compile(r"[\ufffd?\u00c0-\u00ff\ue000-\uf8ff]")  # re: twice as fast as regex on a plain class
# Runs of white space within a line, after NFKC (which folds no-break and ideographic spaces to " "):
# a tab is rare, so most pages have their runs of plain spaces found by their literal start.
_TABS = re.compile(r"[ \t]+")
_SPACE_RUNS = re.compile(r"  +")
# Mojibake: UTF-8 read as Latin-1/GBK leaves runs like "å…š" or replacement characters.
# A "?" between characters is a character the page's encoder could not represent.
_GARBLE = regex.compile(
    r"\ufffd|[\u00c0-\u00ff][\u0080-\u00bf\u2018-\u203a]|[\ue000-\uf8ff]"
    r"|(?<=\p{Han})\?(?=[\p{Han}(a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ])"
)
# A line is metadata when it carries a labelled field or a publication date stamp. A label is
# followed by a colon, so a line that starts with no label (or holds no colon) is not matched at all.
_META_LABELS = ("文章来源", "信息来源", "稿件来源", "来源", "稿源", "作者", "发布机构", "发布时间", "发布日期", "发表于",
                "日期", "时间", "原文链接", "原标题", "索引号", "文号")
_META_LABEL = regex.compile(rf"(?:{'|'.join(_META_LABELS)})\s*[:：]")
_COLONS = (":", "：")
# A menu of short words (首页 政务公开 新闻中心 ...): neither headline nor paragraph, however long.
_MENU = regex.compile(r"^\S{1,6}(?:\s+\S{1,6}){3,}$")
# Lines that are no headline though short and wordy: a numbered section heading of the body
# (二、主要做法, (三)工作成效), a site's name.
_NOT_TITLE = regex.compile(
    r"^(?:[一二三四五六七八九十]{1,3}[、.]|[(][一二三四五六七八九十\d]{1,3}[)]|\d{1,2}[、.](?!\d)|第[一二三四五六七八九十]{1,3}[章节部分])"
    r"|^[^\s_|｜-]{2,20}(?:网站|门户|政府网|人民政府|融媒体中心|客户端)$"
)
_DATE_STAMP = regex.compile(r"(?<!\d)(?:19|20)\d{2}(?:[-/.]\d{1,2}[-/.]\d{1,2}|年\d{1,2}月\d{1,2}日)")
_URL_LABELS = ("原文链接", "原文地址", "原文网址")
_URL_LINE = regex.compile(rf"(?:{'|'.join(_URL_LABELS)})\s*[:：]")  # matched at a line's start
_TITLE_MIN_HAN = 5
_TITLE_MAX_LEN = 80
_PARAGRAPH_MIN_LEN = 60
_FURNITURE_MAX = 100  # characters: no navigation, caption or counter line is longer
_PROSE_MIN_HAN = 20  # characters in a sentence of prose below a footer marker (not 版权所有。)
_HEADLINE_MAX = 50  # characters: a longer line under a related-articles heading is prose again
_SMALL_BODY_SHARE = 0.2  # a body below this share of a long page is worth a look at the page
_SMALL_BODY_PAGE = 2000  # characters: shorter pages are not flagged (short notices are normal)


@cache
def _pinyin() -> re.Pattern[str]:
    return re.compile(for_re(_PINYIN))


@dataclass(frozen=True, slots=True, eq=False)  # hashed by identity: it keys _short_reading's cache
class _Furniture:
    # Short lines to drop, in two parts: patterns anchored at the line start are tried there
    # only (one alternation of anchored and free patterns is tried at every position: 3x slower).
    drop_start: regex.Pattern[str]
    drop_any: regex.Pattern[str]
    statement: regex.Pattern[str]  # lines of any length
    block: regex.Pattern[str]  # headings of headline and comment blocks
    footer: regex.Pattern[str]
    marked: re.Pattern[str]  # found in every line a footer or statement pattern matches (literals.py)


@lexicon.cached
def _patterns() -> _Furniture:
    data = lexicon.load("boilerplate")

    def union(patterns: list[str]) -> regex.Pattern[str]:
        return regex.compile("|".join(f"(?:{p})" for p in patterns))

    drop = data["drop_line"]
    return _Furniture(
        union([p for p in drop if p.startswith("^")]), union([p for p in drop if not p.startswith("^")]),
        union(data["statement"]), union(data["block_start"]), union(data["footer_start"]),
        prefilter([*data["footer_start"], *data["statement"]]),
    )


def _is_drop(line: str, f: _Furniture) -> bool:
    return bool(f.drop_start.match(line) or f.drop_any.search(line))


def _marks(line: str, f: _Furniture) -> tuple[int | None, bool]:
    """Where a footer marker starts in a line (None: nowhere), and whether it is the site's legal text."""
    if not f.marked.search(line):  # most lines of prose hold none of the markers' words
        return None, False
    cut = f.footer.search(line)
    return cut.start() if cut else None, bool(f.statement.search(line))


@memo  # a site's menus and footers recur on every page of it; prose does not
def _short_reading(line: str, f: _Furniture) -> tuple[bool, bool, bool, int | None, bool]:
    """What the rules say of a short line, read once: (labelled metadata, furniture to drop, a block
    heading, where a footer marker starts, the site's legal text)."""
    return (_is_labelled_meta(line), _is_drop(line, f), bool(f.block.match(line)), *_marks(line, f))


def normalise(text: str) -> str:
    """Fold full-width digits, letters and punctuation to one form; unify line ends and spaces."""
    text = nfkc(text)
    if "\r" in text:  # one scan for the rare page with old line ends, not two replacements
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\t" in text:
        return _TABS.sub(" ", text)
    return _SPACE_RUNS.sub(" ", text) if "  " in text else text


def strip_pinyin(text: str) -> tuple[str, bool]:
    """Remove pinyin annotations after characters; report whether any were found."""
    if not _TONE_MARK.search(text):
        return text, False
    out, n = _pinyin().subn("", text)
    return out, n > 0


def is_garbled(text: str) -> bool:
    """True when the text carries decoding debris (replacement characters, mojibake)."""
    # Every piece of debris starts at one of a few characters (a question mark, a Latin-1 letter …):
    # the pattern is tried there only, not at every character of the page. The second character of
    # a piece is never such a character, so this counts what a scan of the whole text counts.
    found = 0
    for candidate in _GARBLE_CHARS.finditer(text):
        if _GARBLE.match(text, candidate.start()):
            found += 1
            if found == 2:
                return True
    return False


@cache
def _han_run(k: int) -> regex.Pattern[str]:
    # Possessive: the characters between two Han ones are never given back, so a line is read once.
    return regex.compile(rf"(?:\P{{Han}}*+\p{{Han}}){{{k}}}")


def _has_han(line: str, k: int) -> bool:
    """Whether line holds at least k Han characters: read up to the k-th, not counted to the end
    (every rule asks for a threshold, and a line of prose passes it in its first words)."""
    return bool(_han_run(k).match(line))


def _is_meta(line: str) -> bool:
    return len(line) <= _TITLE_MAX_LEN * 2 and (_has_label(line) or bool(_DATE_STAMP.search(line)))


def _has_label(line: str) -> bool:
    return (_COLONS[0] in line or _COLONS[1] in line) and bool(_META_LABEL.search(line))


def _looks_like_title(line: str) -> bool:
    return (
        len(line) <= _TITLE_MAX_LEN
        and _has_han(line, _TITLE_MIN_HAN)
        and "。" not in line
        and not line.endswith((",", ";"))
        and not _is_meta(line)
        and not _NOT_TITLE.search(line)
        and not _MENU.match(line)
    )


def _is_labelled_meta(line: str) -> bool:
    """A byline or source line that starts with its label (kept for extract_meta, never furniture)."""
    return len(line) < _PARAGRAPH_MIN_LEN and line.startswith(_META_LABELS) and bool(_META_LABEL.match(line))


def _is_byline(line: str) -> bool:
    """A labelled field, or a date stamp with hardly any words (• 2022-06-07 09:43:00)."""
    return _has_label(line) or (bool(_DATE_STAMP.search(line)) and not _has_han(line, _TITLE_MIN_HAN))


def _is_paragraph(line: str, f: _Furniture) -> bool:
    """Prose of the article: a sentence, or a long punctuated line, of words rather than numbers
    (not a line of phone numbers), and none of the site's own text."""
    if "。" not in line and (len(line) < _PARAGRAPH_MIN_LEN or "," not in line):
        return False
    return (
        _has_han(line, _PROSE_MIN_HAN if "。" in line else _PARAGRAPH_MIN_LEN // 2)
        and line.count("|") < 3
        and not (len(line) <= _FURNITURE_MAX and any(_short_reading(line, f)[1:3]))
        and not (f.marked.search(line) and (f.footer.match(line) or f.statement.search(line)))
    )


def strip_furniture(lines: list[str]) -> list[str]:
    """The page's non-empty lines without its furniture, judged line by line.

    A footer marker ends the page only when no paragraph of prose follows it; a block heading
    (相关阅读, 网友评论) takes the short headline-like lines under it; everything else is kept.
    """
    f = _patterns()
    prose = _ProseAhead(lines, f)
    kept: list[str] = []
    block_until: int | None = None  # in a block: the line that ends it above the article, if any
    in_block = begun = dated = False  # begun: prose kept; dated: a byline kept
    for i, ln in enumerate(lines):
        if len(ln) <= _FURNITURE_MAX:
            labelled, drop, block, footer_at, statement = _short_reading(ln, f)
        else:
            # Furniture is short, or a list of links with bars between them: long lines of prose are
            # not run through every pattern (most of the cleaning time went there). No label or block
            # heading is that long.
            labelled = block = False
            drop = ln.count("|") >= 3 and _is_drop(ln, f)
            footer_at, statement = _marks(ln, f)
        if drop and not labelled:
            continue
        if block:
            in_block = True
            # Above the article's own headline and byline, a block ends at them.
            block_until = None if begun or dated else _headline_at(lines, i + 1, f)
            continue
        if footer_at is not None and not labelled:
            before = ln[:footer_at].strip()
            if before:
                kept.append(before)
            if not prose.after(i):
                break
            continue
        if statement:
            continue
        if in_block:
            if len(ln) <= _HEADLINE_MAX and "。" not in ln and (block_until is None or i < block_until):
                continue
            in_block = False
        begun = begun or _is_paragraph(ln, f)
        dated = dated or _is_byline(ln)
        kept.append(ln)
    return kept


class _ProseAhead:
    """Whether a paragraph of prose follows a line, each line judged once however many footer
    markers ask (a page of many sections has a footer-like line in each)."""

    def __init__(self, lines: list[str], f: _Furniture) -> None:
        self._lines, self._f = lines, f
        self._found = -1  # the last line known to be prose
        self._none_after = len(lines)  # no prose from this line on

    def after(self, i: int) -> bool:
        if self._found > i:
            return True
        for j in range(i + 1, self._none_after):
            if _is_paragraph(self._lines[j], self._f):
                self._found = j
                return True
        self._none_after = min(self._none_after, i + 1)
        return False


def _headline_at(lines: list[str], start: int, f: _Furniture) -> int | None:
    """The article's headline: the last title-like line directly above a byline, before the
    first paragraph from `start` on (None when the page shows none)."""
    found = None
    for i in range(start, len(lines) - 1):
        if _is_paragraph(lines[i], f):
            break
        if _looks_like_title(lines[i]) and _is_byline(lines[i + 1]):
            found = i
    return found


def layout(text: str) -> tuple[str | None, list[str], list[str]]:
    """Split page text into (title, metadata lines, body lines), dropping page furniture."""
    kept = strip_furniture([s for s in (ln.strip() for ln in text.split("\n")) if s])
    first_paragraph = next((i for i, ln in enumerate(kept) if len(ln) >= _PARAGRAPH_MIN_LEN and not _is_meta(ln) and not _MENU.match(ln)), len(kept))
    header = kept[:first_paragraph]
    meta_at = [i for i, ln in enumerate(header) if _is_meta(ln)]
    title_at: int | None = None
    if meta_at:
        # The headline is the last title-like line above the first date/source line.
        title_at = next((i for i in range(meta_at[0] - 1, -1, -1) if _looks_like_title(header[i])), None)
        if title_at is None:  # an index-number table above the headline (索引号 … 发布日期 …)
            title_at = next((i for i in range(meta_at[0] + 1, len(header)) if _looks_like_title(header[i])), None)
    elif header and _looks_like_title(header[0]):
        title_at = 0
    elif len(header) > 1 and len(header[0]) < _TITLE_MIN_HAN and _looks_like_title(header[1]):
        title_at = 1  # a section label above the headline (资讯, 党建新闻)
    title = kept[title_at] if title_at is not None else None
    skip_to = max([title_at if title_at is not None else -1, *meta_at]) + 1
    meta = [kept[i] for i in meta_at]
    body: list[str] = []
    for ln in kept[skip_to:]:
        if ln.startswith(_URL_LABELS) and _URL_LINE.match(ln) or _is_labelled_meta(ln):
            meta.append(ln)
        else:
            body.append(ln)
    return title, meta, body


def layout_warning(cleaned: CleanText) -> str | None:
    """A note for the ingest log when the body is a small part of a long page (a layout the
    furniture rules may have misread), else None."""
    if cleaned.page_chars <= _SMALL_BODY_PAGE or len(cleaned.body) >= _SMALL_BODY_SHARE * cleaned.page_chars:
        return None
    share = len(cleaned.body) / cleaned.page_chars
    return f"cleaned body is {share:.0%} of the text ({cleaned.page_chars:,} chars): check the page's layout"


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
        page_chars=len(text),
    )
