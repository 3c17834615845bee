"""Article metadata from the page's header lines and bylines: title, date, source, author, url."""
from __future__ import annotations

import regex

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
    r"|发表于|日期|时间|编辑|责任编辑|人气|点击|浏览|阅读|字号)\s*[:：]"
)
_FIELD = {
    key: regex.compile(rf"{label}\s*[:：]\s*(?P<v>.*?)\s*(?=\s{{2,}}|{_ANY_LABEL}|$)")
    for key, label in _LABELS.items()
}
_DATE = regex.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*(?:[-/.]|年)\s*(?P<m>\d{1,2})\s*(?:[-/.]|月)\s*(?P<d>\d{1,2})(?!\d)"
)
_NO_AUTHOR = {"佚名", "未知", "本站", "admin", "管理员", "编辑部", "网络", "本网"}
# A person's name in a byline: 2-4 characters standing alone (not the start of a longer word).
_NAME = r"\p{Han}{2,4}(?!\p{Han})"
_NAMES = rf"{_NAME}(?:[ 、,]+{_NAME})*"
_BYLINE_ROLE = regex.compile(rf"(?:记者|通讯员|作者|撰稿|文/|文\s|摄影|摄|□)\s*[:：]?\s*(?P<v>{_NAMES})")
_BYLINE_REPORT = regex.compile(rf"(?P<v>{_NAME})\s+\p{{Han}}{{2,4}}报道")
# A closing parenthesis of names at the very end of the body: …有效开辟了第二课堂。(庹中丽)
_TRAILING_NAMES = regex.compile(rf"[(]\s*(?P<v>{_NAMES})\s*[)]\s*\|?\s*$")
_BYLINE_ZONE = 120  # characters at the start of the body where a byline may stand
_TITLE_SITE_SUFFIX = regex.compile(r"\s*[_|｜-]\s*[^_|｜-]{2,20}(?:网|政府|门户|频道|新闻)$")
_ROLE_WORDS = regex.compile(r"^(?:记者|通讯员|本报记者|见习记者|特约记者)\s*")
_ROLE_INSIDE = regex.compile(r"\s*(?:记者|通讯员)\s*")
_NAME_SEP = regex.compile(r"[ 、,]+")


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


def _clean_author(value: str | None) -> str | None:
    if not value:
        return None
    value = _ROLE_WORDS.sub("", value.strip())
    value = _ROLE_INSIDE.sub(" ", value).strip()
    return None if not value or value in _NO_AUTHOR else value


def _byline_author(body: str) -> str | None:
    head = body[:_BYLINE_ZONE]
    names = [m["v"] for m in _BYLINE_ROLE.finditer(head)]
    if names:
        return " ".join(" ".join(_NAME_SEP.split(n)) for n in names)
    m = _BYLINE_REPORT.search(head) or _TRAILING_NAMES.search(body[-_BYLINE_ZONE:])
    return m["v"].strip() if m else None


def _clean_title(title: str | None) -> str | None:
    if not title:
        return None
    return _TITLE_SITE_SUFFIX.sub("", title).strip() or None


def extract_meta(clean: CleanText, supplied: dict[str, str] | None = None) -> ArticleMeta:
    """Metadata from the cleaned page; fields a container supplied (HTML, JSON) win."""
    supplied = supplied or {}
    lines = clean.meta_lines
    meta = ArticleMeta(
        title=_clean_title(clean.title or _field(lines, "title")),
        published=parse_date("\n".join(lines)),
        source=_field(lines, "source"),
        publisher=_field(lines, "publisher"),
        author=_clean_author(_field(lines, "author")) or _clean_author(_byline_author(clean.body)),
        url=_field(lines, "url"),
    )
    for key in ("title", "url", "source", "author", "publisher"):
        if supplied.get(key):
            setattr(meta, key, supplied[key].strip())
    if supplied.get("published"):
        meta.published = parse_date(supplied["published"]) or meta.published
    return meta
