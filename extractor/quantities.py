"""Number spans: where a text states a number with a unit, its value, unit and qualifier.

This is the extractor step (find spans) and the parser step (value, qualifier) for figures;
what the figure counts is decided later, in claims.py. Units, qualifiers and exclusions come
from the lexicon files; this module only applies them.
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from functools import cache

import regex

from . import lexicon
from .numbers import CHINESE_NUMERAL_CHARS, Numeral, multiplier, parse_arabic, parse_chinese, parse_percent_words
from .records import Quantity

QUALIFIERS = ("approx", "over", "at_least", "under", "at_most")
_SLOGAN_MAX = 27  # characters, marks included
_SPEECH = regex.compile(r"[,。;!?]")
_REACH_WINDOW = 12  # how far back a comparative may stand from its number (不低于上年度职工工资总额1%)


@dataclass(frozen=True, slots=True)
class _Rules:
    pattern: regex.Pattern[str]
    unit_class: dict[str, str]
    arabic_only: frozenset[str]
    qualifier_of: dict[tuple[str, str], str]  # (position, word) → qualifier
    reach: regex.Pattern[str]
    not_qualifier: tuple[str, ...]
    prefix_blocks: tuple[str, ...]
    unit_blocks: dict[str, tuple[str, ...]]  # first character → words that begin with it
    quoted: regex.Pattern[str]  # any span between a pair of quotation marks, within one line
    idioms: regex.Pattern[str]


@cache
def rules() -> _Rules:
    units = lexicon.load("units")
    quals = lexicon.load("qualifiers")
    excl = lexicon.load("exclusions")
    unit_class: dict[str, str] = {}
    arabic_only: set[str] = set()
    for cls, table in units.items():
        for u in table.get("units", []):
            unit_class[u] = cls
        for u in table.get("arabic_only", []):
            unit_class[u] = cls
            arabic_only.add(u)
    qualifier_of: dict[tuple[str, str], str] = {}
    reach_words: list[str] = []
    for q in QUALIFIERS:
        for position in ("before", "inside", "after"):
            for w in quals[q].get(position, []):
                qualifier_of[(position, w)] = q
        for w in quals[q].get("reach", []):
            qualifier_of[("reach", w)] = q
            reach_words.append(w)

    def words(position: str) -> str:
        return lexicon.alternation([w for (p, w) in qualifier_of if p == position])

    cn = regex.escape(CHINESE_NUMERAL_CHARS)
    pattern = regex.compile(
        rf"""
        (?P<pre>{words("before")})?                       # 约, 超过, 不少于 …
        (?:(?P<low>\d+(?:\.\d+)?)\s?[-—–~～至到])?          # the low end of a range: 2—3个
        (?:
            百分之(?P<pct>\d+(?:\.\d+)?|[{cn}点]+)          # 百分之十五
          | (?P<tenths>[一二三四五六七八九])成(?![立员为效果绩本都功熟群长就型])  # 八成以上: 80%
          | (?P<ar>\d{{1,3}}(?:,\d{{3}})+(?!\d)|\d+(?:\.\d+)?)\s?(?P<armult>(?:[十百千]?[万亿])|[百千])?
          | (?P<cn>[{cn}]+)
        )
        (?P<ins>{words("inside")})?                       # 140余场次, 五百余万元
        (?P<mult>(?<=[余多来])[万亿])?                      # the 万 of 五百余万元
        (?(pct)|(?(tenths)|\s?(?P<unit>{lexicon.alternation(unit_class)})))
        (?P<post>{words("after")})?                       # 以上, 左右
        """,
        regex.VERBOSE,
    )
    return _Rules(
        pattern=pattern,
        unit_class=unit_class,
        arabic_only=frozenset(arabic_only),
        qualifier_of=qualifier_of,
        reach=regex.compile(rf"(?:{lexicon.alternation(reach_words)})(?=[^\d,.;:!?，。；：！？\s]{{0,{_REACH_WINDOW}}}$)"),
        not_qualifier=tuple(quals["not_qualifier"]["words"]),
        prefix_blocks=tuple(excl["numeral_prefix_blocks"]),
        unit_blocks=_by_first_char(excl["unit_word_blocks"]),
        quoted=regex.compile("|".join(
            rf"{regex.escape(o)}[^{regex.escape(o + c)}\n]{{1,120}}{regex.escape(c)}" for o, c in excl["quote_pairs"])),
        idioms=regex.compile("|".join(f"(?:{p})" for p in excl["numeral_idioms"])),
    )


def _by_first_char(words: list[str]) -> dict[str, tuple[str, ...]]:
    index: dict[str, list[str]] = {}
    for w in words:
        index.setdefault(w[0], []).append(w)
    return {c: tuple(ws) for c, ws in index.items()}


def quoted_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, opening mark) of each span in quotation marks or 《》, within one line."""
    spans = [(m.start(), m.end(), m.group()[0]) for m in rules().quoted.finditer(text)]
    return sorted(spans)


def _inside(pos: int, spans: list[tuple[int, int, str]], marks: str | None = None) -> bool:
    # Spans are sorted and rarely nested: look only at those starting before pos.
    for s, e, o in reversed(spans[: bisect_left(spans, (pos,))]):
        if s < pos < e and (marks is None or o in marks):
            return True
    return False


def slogan_spans(text: str) -> list[tuple[int, int, str]]:
    """Quoted spans short and unpunctuated enough to be names or slogans, not quoted speech
    (“三会一课” is a slogan; “每亩地的价格只有三百元,……” is somebody talking)."""
    return [
        (s, e, o) for s, e, o in quoted_spans(text)
        if o in "《〈" or (e - s <= _SLOGAN_MAX and not _SPEECH.search(text, s + 1, e - 1))
    ]


def _numeral(m: regex.Match[str]) -> Numeral | None:
    if m["pct"]:
        return parse_percent_words(m["pct"])
    if m["tenths"]:
        return Numeral(parse_chinese(m["tenths"]).value * 10, False, False)  # type: ignore[union-attr]
    if m["low"]:
        value = parse_arabic(m["low"], m["armult"] or "")  # a range counts as its low end, approx
    elif m["ar"]:
        value = parse_arabic(m["ar"], m["armult"] or "")
    else:
        value = parse_chinese(m["cn"])
    if value and m["mult"]:  # 20余万元, 五百余万元: the multiplier stands after the qualifier
        value = Numeral(round(value.value * multiplier(m["mult"]), 6), value.round_figure, value.range_low)
    return value


def _qualifier(m: regex.Match[str], text: str, num: Numeral, r: _Rules, pre: str | None) -> str:
    for position, word in (("after", m["post"]), ("inside", m["ins"]), ("before", pre)):
        if word:
            return r.qualifier_of[(position, word)]
    if m["low"] or num.range_low or num.round_figure:
        return "approx"
    reach = r.reach.search(text[max(0, m.start() - _REACH_WINDOW - 4) : m.start()])
    return r.qualifier_of[("reach", reach.group())] if reach else "exact"


def _excluded(m: regex.Match[str], text: str, spans: list[tuple[int, int, str]], r: _Rules) -> bool:
    num_start = (m.start("low") if m["low"] else m.start("pct") - 3 if m["pct"] else m.start("tenths") if m["tenths"]
                 else m.start("ar") if m["ar"] else m.start("cn"))
    before = text[max(0, num_start - 4) : num_start]
    unit = m["unit"] or ""
    if before.endswith(("第", "+", "No.", "NO.")) or text[m.end() : m.end() + 1] == "+":
        return True  # ordinals and formula names (5+2+7)
    if unit and any(len(b) > len(unit) and text.startswith(b, m.start("unit")) for b in r.unit_blocks.get(unit[0], ())):
        return True  # 14部门, 一个人: the unit character begins another word
    if _inside(num_start, spans, "《〈"):
        return True  # document titles
    if m["cn"] is None and m["tenths"] is None:
        return False
    if (m["cn"] or m["tenths"]) == "一" and not m["mult"]:
        return True  # a bare 一 is "a / once", not a count (GUIDE.md: optional at most)
    if unit in r.arabic_only or before.endswith(r.prefix_blocks) or _inside(num_start, spans):
        return True
    return bool(unit) and text[m.end("unit") : m.end("unit") + len(unit)] == unit  # 一个个: rhetoric


def find_quantities(text: str) -> list[Quantity]:
    """Every number-with-unit in text that counts or measures something, left to right."""
    r = rules()
    spans = slogan_spans(text)
    idioms = [(i.start(), i.end()) for i in r.idioms.finditer(text)]
    found: list[Quantity] = []
    for m in r.pattern.finditer(text):
        if _excluded(m, text, spans, r) or any(s <= m.start("unit") < e for s, e in idioms):
            continue
        num = _numeral(m)
        if num is None:
            continue
        start, pre = m.start(), m["pre"]
        if pre and text[max(0, start - 2) : start + len(pre)].endswith(r.not_qualifier):
            start, pre = start + len(pre), None  # 最近3次: 近 belongs to 最近, it is not "about"
        qualifier = _qualifier(m, text, num, r, pre)
        unit = m["unit"] or "%"
        found.append(
            Quantity(
                value=num.value,
                unit=unit,
                unit_class=r.unit_class.get(unit, "percent"),
                qualifier=qualifier,
                start=start,
                end=m.end(),
                text=text[start : m.end()],
            )
        )
    return found
