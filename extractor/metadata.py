"""Metadata from the page's header lines and bylines: title, date, source, author, url."""
from __future__ import annotations

import re
from dataclasses import dataclass

import regex

from . import lexicon
from .literals import prefilter
from .re_classes import for_re
from .records import ArticleMeta, CleanText

# Field labels as pages write them; a value runs to the next label, two spaces or the line end.
_LABELS = {
    "source": r"(?:文章来源|信息来源|稿件来源|来源|稿源)",
    "publisher": r"发布机构",
    "author": r"作者",
    "url": r"(?:原文链接|原文地址|原文网址)",
    "title": r"原标题",
}
_ANY_LABEL = (
    r"(?:文章来源|信息来源|稿件来源|来源|稿源|发布机构|作者|原文链接|原文地址|原文网址|原标题|发布时间|发布日期"
    r"|发表于|日期|时间|编辑|责任编辑|人气|点击|浏览|阅读|字号|索引号|文号)\s*[:：]"
)
# The patterns are written for regex and compiled by re (re_classes.for_re: the same classes), which
# tries them several times faster on short lines; those that need regex's syntax are compiled by it.
_FIELD = {
    key: re.compile(for_re(rf"{label}\s*[:：]\s*(?P<v>.*?)\s*(?=\s{{2,}}|{_ANY_LABEL}|$)"))
    for key, label in _LABELS.items()
}
_DATE = re.compile(for_re(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*(?:[-/.]|年)\s*(?P<m>\d{1,2})\s*(?:[-/.]|月)\s*(?P<d>\d{1,2})(?!\d)"
))
_NO_AUTHOR = {"佚名", "未知", "本站", "admin", "管理员", "编辑部", "网络", "本网"}
_BYLINE_ZONE = 120  # characters at the start and end of the body where a byline may stand
_AUTHOR_MAX = 20  # a labelled author that is no list of names (某某县融媒体中心) is kept up to this length
# A word of a byline: a name of 2-4 characters (or a transcribed name with a middle dot) standing alone.
_WORD = re.compile(for_re(r"\p{Han}{2,4}(?:·\p{Han}{1,8})?(?!\p{Han})"))
_NAME_GAP = re.compile(r"[ 、,]*")
_NAME_END = re.compile(r"(?:报道|摄|电)$")  # 张三 长沙报道: a place the reporter filed from
# regex: it searches these for the word they end with; re tries every character.
_REPORTED_FROM = regex.compile(r"(?P<v>\p{Han}{2,4})\s+\p{Han}{2,4}报道")
_REPORT_PLACE = regex.compile(r"\p{Han}{2,4}报道")
_BYLINE_PUNCT = re.compile(for_re(r"[\s、,□()|/]+"))
# A closing parenthesis of names at the very end of the body: …有效开辟了第二课堂。(庹中丽)
_TRAILING = re.compile(for_re(r"[(]\s*(?P<v>[^()]{2,40}?)\s*[)]\s*\|?\s*$"))
_TITLE_SITE_SUFFIX = re.compile(for_re(r"\s*[_|｜-]\s*[^_|｜-]{2,20}(?:网|政府|门户|频道|新闻)$"))
# A wire dateline glued before the headline: 新华社呼和浩特5月3日电 题:…, 本报讯 …
_TITLE_DATELINE = regex.compile(
    r"^(?:[\p{Han}\w]{2,16}?\d{1,2}月\d{1,2}日(?:电|讯)|(?:本|\p{Han}{1,8}[网报台社])讯)\s*(?:[(][^()]{0,30}[)])?\s*(?:题\s*[:：])?\s*"
)
# Home-page links glued to a source: 某某县人民政府网_首页, 某某日报-首页
_SOURCE_HOME = re.compile(for_re(r"\s*[_|｜>-]?\s*(?:网站)?首页\s*$"))


@dataclass(frozen=True, slots=True)
class _Bylines:
    first_chars: frozenset[str]
    not_names: frozenset[str]
    role: regex.Pattern[str]  # regex: it looks behind at several widths, and searches it faster than re would
    role_words: re.Pattern[str]  # found in every text the role pattern matches in (literals.py)
    source_stop: re.Pattern[str]


@lexicon.cached
def _bylines() -> _Bylines:
    data = lexicon.load("bylines")
    names, byline = data["names"], data["byline"]
    prefixes = lexicon.alternation(byline["role_prefixes"])
    # A role word starts a byline when it stands alone or after an outlet word (本报记者), not inside a
    # word of the text (拍摄, 全文).
    role = regex.compile(rf"(?:(?<!\p{{Han}})|(?<=(?:{prefixes})))(?:{lexicon.alternation(byline['roles'])})\s*[:：]?\s*")
    stops = lexicon.alternation(byline["source_stops"])
    return _Bylines(
        first_chars=frozenset(names["first_chars"].replace("\n", "")),
        not_names=frozenset(names["not_names"]) | frozenset(w.strip("/|") for w in byline["roles"]),
        role=role,
        role_words=prefilter([role.pattern]),
        source_stop=re.compile(for_re(rf"\s*(?:{stops}|(?:19|20)\d{{2}}[-/.年]).*$")),
    )


def parse_date(text: str) -> str | None:
    """The first calendar date in text as YYYY-MM-DD, or None (2021/8/3, 2022年6月7日, 2022-06-07)."""
    for m in _DATE.finditer(text):
        y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
        if 1 <= mo <= 12 and 1 <= d <= 31:
            return f"{y:04d}-{mo:02d}-{d:02d}"
    return None


def _field(lines: list[str], key: str) -> str | None:
    for line in lines:
        m = _FIELD[key].search(line)
        if m and m["v"].strip():
            return m["v"].strip()
    return None


def _is_name(word: str) -> bool:
    words = _bylines()
    return word[0] in words.first_chars and word not in words.not_names and not _NAME_END.search(word)


def _names_from(text: str, pos: int) -> tuple[list[str], list[str]]:
    """The names standing from `pos` on, and the separators between them (space, 、 or comma)."""
    names: list[str] = []
    gaps: list[str] = []
    while (m := _WORD.match(text, pos)) and _is_name(m.group()):
        names.append(m.group())
        gap = _NAME_GAP.match(text, m.end())
        gaps.append(gap.group())
        pos = gap.end()
    return names, gaps[:-1]


def _join(names: list[str], gaps: list[str]) -> str | None:
    """One author string: the names as a list, joined with 、 when the page listed them so."""
    if not names:
        return None
    joiner = "、" if gaps and all("、" in g or "," in g for g in gaps) else " "
    return joiner.join(dict.fromkeys(names))


def _role_names(text: str) -> str | None:
    """The names after every role word in text: 本报讯(通讯员 王小明 记者 赵强) → 王小明 赵强."""
    words = _bylines()
    if not words.role_words.search(text):  # most headlines and header lines name no role
        return None
    names: list[str] = []
    gaps: list[str] = []
    for role in words.role.finditer(text):
        found, between = _names_from(text, role.end())
        names += found
        gaps += between
    return _join(names, gaps)


def _labelled_author(value: str | None) -> str | None:
    """作者:记者 张明华 → 张明华; a value that is no list of names is kept as written when short."""
    if not value or value in _NO_AUTHOR:
        return None
    found = _role_names(value) or _join(*_names_from(value, 0))
    if found:
        return found
    return value if len(value) <= _AUTHOR_MAX and not _bylines().role.search(value) else None


def _byline_author(lines: list[str], body: str) -> str | None:
    """Names in a byline: in a header line, at the start of the body, or closing it in brackets."""
    places = [*lines, body[:_BYLINE_ZONE]]
    for text in places:
        if found := _role_names(text):
            return found
    for text in places:
        m = _REPORTED_FROM.search(text)
        if m and _is_name(m["v"]):
            return m["v"]
    m = _TRAILING.search(body[-_BYLINE_ZONE:])
    return (_role_names(m["v"]) or _join(*_names_from(m["v"], 0))) if m else None


def _is_byline(line: str) -> bool:
    """A line of roles and names only (□通讯员 马超, 文/王五 图/赵六, 张三 长沙报道): no headline."""
    marked = _bylines().role.subn(" ", line)
    rest, n = _REPORT_PLACE.subn(" ", marked[0])
    words = [w for w in _BYLINE_PUNCT.split(rest) if w and w != "摄"]
    return bool(marked[1] + n) and all(_WORD.fullmatch(w) and _is_name(w) for w in words)


def _clean_title(title: str | None) -> str | None:
    if not title or _is_byline(title):
        return None
    title = _TITLE_DATELINE.sub("", _TITLE_SITE_SUFFIX.sub("", title)).strip()
    return title or None


def _clean_source(source: str | None) -> str | None:
    """The outlet's name alone: 某某县人民政府网_首页 字号 大 中 小 打印本页 → 某某县人民政府网."""
    if not source:
        return None
    source = _SOURCE_HOME.sub("", _bylines().source_stop.sub("", source)).strip(" |_-:：")
    return source or None


def extract_meta(clean: CleanText, supplied: dict[str, str] | None = None) -> ArticleMeta:
    """Metadata from the cleaned page; fields a container supplied (HTML, JSON) win."""
    supplied = supplied or {}
    lines = clean.meta_lines
    meta = ArticleMeta(
        title=_clean_title(clean.title or _field(lines, "title")),
        published=parse_date("\n".join(lines)),
        source=_clean_source(_field(lines, "source")),
        publisher=_field(lines, "publisher"),
        author=_labelled_author(_field(lines, "author"))
        or _byline_author([clean.title, *lines] if clean.title else lines, clean.body),
        url=_field(lines, "url"),
    )
    for key in ("title", "url", "source", "author", "publisher"):
        if supplied.get(key):
            setattr(meta, key, supplied[key].strip())
    if supplied.get("published"):
        meta.published = parse_date(supplied["published"]) or meta.published
    return meta
