"""Number spans: where a text states a number with a unit, its value, unit and qualifier.

This is the extractor step (find spans) and the parser step (value, qualifier) for figures;
what the figure counts is decided later, in claims.py. Units, qualifiers and exclusions come
from the lexicon files; this module only applies them.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

import regex

from . import lexicon
from .alternations import Pattern, first_chars, grouped, parts, spans_in_parts
from .numbers import CHINESE_NUMERAL_CHARS, Numeral, parse_arabic, parse_chinese, parse_percent_words, scaled
from .records import Quantity
from .segment import Covered

QUALIFIERS = ("approx", "over", "at_least", "under", "at_most")
_SLOGAN_MAX = 27  # characters, marks included
_SPEECH = ",。;!?"  # a quoted span holding one of these is speech, not a name
_TITLE_MARKS = "《〈"
_CLAUSE_BREAKS = ",;:!?，。；：！？、\n"
_LAST_BREAK = regex.compile(f"[{regex.escape(_CLAUSE_BREAKS)}]", regex.REVERSE)
_RANGE_MARKS = "-—–~～至"  # not 到: 由5万元到100万元 is a change, not a range
_REACH_WINDOW = 12  # how far back a comparative may stand from its number (不低于上年度职工工资总额1%)
# Every figure's numeral starts with one of these (百 of 百分之, the minus of -1.6%).
_NUMERAL_FIRST = rf"[\d{regex.escape(CHINESE_NUMERAL_CHARS)}\-−]"
_NUMERAL_START = regex.compile(_NUMERAL_FIRST)
# regex's \s (Unicode White_Space) spelled out for the stdlib engine, whose \s also takes \x1c-\x1f.
_SPACES = r"\t\n\x0b\x0c\r\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_SPACE = f"[{_SPACES}]"


class _Groups(NamedTuple):
    """The figure pattern's groups in their order, read once per match: regex looks a group up by name
    slowly (m["unit"] costs five times m.groups()[12]), and a match's groups are read a dozen times.
    It holds the groups' texts (None when absent); of their spans only the unit's is read (_UNIT)."""
    low: Any
    cnlow: Any
    dash: Any
    pct: Any
    tenths: Any
    neg: Any
    ar: Any
    armult: Any
    cn: Any
    ins: Any
    mult: Any
    unit: Any
    per: Any
    post: Any


_groups = tuple.__new__  # _Groups from a match's tuple, without namedtuple's checks in Python
_UNIT = _Groups._fields.index("unit") + 1  # the unit's group number (m.regs builds every group's span)


@dataclass(frozen=True, slots=True)
class _Rules:
    pattern: re.Pattern[str]  # a figure from its numeral on; the qualifier word before it is looked up
    before: frozenset[str]  # qualifier words standing right before a numeral (约, 超过)
    before_lengths: tuple[int, ...]  # their lengths, longest first
    before_last: frozenset[str]  # their last characters: most numerals follow none, and skip the lookup
    unit_class: dict[str, str]
    arabic_only: frozenset[str]
    qualifier_of: dict[tuple[str, str], str]  # (position, word) → qualifier
    reach: regex.Pattern[str]
    reach_first: frozenset[str]  # the first characters of its words: looked for before a search
    not_qualifier: tuple[str, ...]
    prefix_blocks: tuple[str, ...]
    unit_blocks: dict[str, tuple[str, ...]]  # unit → longer words that begin with its first character (if any)
    slogans: re.Pattern[str]  # quoted spans, their kind told by the last group matched (_slogan_pattern)
    title_groups: int  # groups 1 to this one close a title
    idioms: regex.Pattern[str]
    idiom_parts: tuple[Pattern, ...]  # its branches in parts (alternations.spans_in_parts)
    needs_before: dict[str, tuple[str, ...]]  # unit → words one of which its clause must hold
    code_before: regex.Pattern[str]  # 电话:, 邮编: right before digits
    code_last: frozenset[str]  # what code_before's match can end in, but spaces: searched only after one
    code_min_digits: int
    honour_verbs: tuple[str, ...]
    implied: re.Pattern[str]  # 参与人次超过270万: the unit named before a bare figure
    implied_unit: dict[str, str]


@lexicon.cached
def rules() -> _Rules:
    units = lexicon.load("units")
    quals = lexicon.load("qualifiers")
    excl = lexicon.load("exclusions")
    context = lexicon.load("unit_context")
    unit_class: dict[str, str] = {}
    arabic_only: set[str] = set()
    needs_before: dict[str, tuple[str, ...]] = {}
    for cls, table in units.items():
        for u in table.get("units", []):
            unit_class[u] = cls
        for u in table.get("arabic_only", []):
            unit_class[u] = cls
            arabic_only.add(u)
        for u in (*table.get("units", []), *table.get("arabic_only", [])):
            if "needs_before" in table:
                needs_before[u] = tuple(table["needs_before"])
    # 千米, 千瓦, 千克: after 千 these complete a unit, so that 千 is no multiplier.
    prefixed = lexicon.alternation([u[1:] for u in unit_class if u.startswith("千") and len(u) > 1])
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
    slogans, title_groups = _slogan_pattern(excl["quote_pairs"])
    before = frozenset(w for (p, w) in qualifier_of if p == "before")
    if bad := sorted(w for w in before if _NUMERAL_START.search(w)):
        # A word before the figure is found by looking back from the numeral (find_quantities), which
        # is exact only when no such word holds a character a numeral may start with.
        raise ValueError(f"qualifiers: a 'before' word may not hold a numeral or minus sign: {bad}")
    # The stdlib engine, not regex: led by the class of what a numeral starts with, re skips to the next
    # such character at C speed, where regex tries the whole pattern at every character (twice the time).
    # Its \d holds the digits of Python's Unicode tables, the ones Decimal reads (regex also takes newer
    # ones, 𑽑, on which reading the value failed).
    pattern = re.compile(
        rf"""
        (?={_NUMERAL_FIRST})                              # every figure starts at a numeral
        (?:(?P<low>\d+(?:\.\d+)?|(?P<cnlow>[{cn}]+)){_SPACE}?(?P<dash>(?(cnlow)[至到~～—]|[-—–~～至到])))?  # 2—3个, 三至五名
        (?:
            百分之(?P<pct>\d+(?:\.\d+)?|[{cn}点]+)          # 百分之十五
          | (?P<tenths>[一二三四五六七八九])成(?![立员为效果绩本都功熟群长就型])  # 八成以上: 80%
          | (?P<neg>(?<![\dA-Za-z.-])[-−])?                # 增长-1.6%: an explicit minus
            (?P<ar>\d{{1,3}}(?:,\d{{3}})+(?!\d)|\d+(?:\.\d+)?){_SPACE}?
            (?P<armult>[十百千]?[万亿]|百|千(?!{prefixed}))?   # 千 of 3千名, not of 18.4千米
          | (?P<cn>[{cn}]+)
        )
        (?P<ins>{words("inside")})?                       # 140余场次, 五百余万元
        (?P<mult>(?<=[余多来])[万亿])?                      # the 万 of 五百余万元
        (?(pct)|(?(tenths)|{_SPACE}?(?={first_chars(unit_class)})(?P<unit>{grouped(unit_class)})
            (?P<per>/(?:{lexicon.alternation(context["per"])}))?))  # 3000元/亩: the rate's denominator
        (?P<post>{words("after")})?                       # 以上, 左右
        """,
        re.VERBOSE,
    )
    assert tuple(pattern.groupindex) == _Groups._fields  # _Groups reads the groups by position
    return _Rules(
        pattern=pattern,
        before=before,
        before_lengths=tuple(sorted({len(w) for w in before}, reverse=True)),
        before_last=frozenset(w[-1] for w in before),
        unit_class=unit_class,
        arabic_only=frozenset(arabic_only),
        qualifier_of=qualifier_of,
        reach=regex.compile(rf"(?:{lexicon.alternation(reach_words)})(?=[^\d,.;:!?，。；：！？\s]{{0,{_REACH_WINDOW}}}$)"),
        reach_first=frozenset(w[0] for w in reach_words),
        not_qualifier=tuple(quals["not_qualifier"]["words"]),
        prefix_blocks=tuple(excl["numeral_prefix_blocks"]),
        unit_blocks=_blocks_of(unit_class, excl["unit_word_blocks"]),
        slogans=slogans,
        title_groups=title_groups,
        idioms=regex.compile("|".join(f"(?:{p})" for p in excl["numeral_idioms"])),
        idiom_parts=parts(excl["numeral_idioms"]),
        needs_before=needs_before,
        code_before=regex.compile(rf"(?:{lexicon.alternation(excl['code_words'])})[:\s]*(?:为|是)?[:\s]*$"),
        code_last=frozenset({*(w[-1] for w in excl["code_words"]), ":", "为", "是"}),
        code_min_digits=excl["code_min_digits"],
        honour_verbs=tuple(excl["honour_verbs"]),
        implied=re.compile(  # on the stdlib engine, as the figure pattern (faster, the digits Decimal reads)
            rf"""
            (?P<noun>{lexicon.alternation(context["implied"])})
            (?:{lexicon.alternation(lexicon.load("phrases")["links"])})?
            (?P<pre>{words("before")})?
            (?:(?P<ar>\d+(?:\.\d+)?)(?P<armult>[万亿]*)|(?P<cn>[{cn}]+))
            (?P<post>{words("after")})?
            (?=[,;:!?、。；：！？){_SPACES}]|$)                # no unit follows: the noun named it
            """,
            re.VERBOSE,
        ),
        implied_unit=dict(context["implied"]),
    )


def _blocks_of(units: Iterable[str], words: list[str]) -> dict[str, tuple[str, ...]]:
    """For each unit that has some, the words longer than it that begin with its first character (部门 for 部)."""
    return {u: found for u in units if (found := tuple(w for w in words if w[0] == u[0] and len(w) > len(u)))}


def _slogan_pattern(pairs: list[str]) -> tuple[re.Pattern[str], int]:
    """Any span between a pair of quotation marks, within one line, its kind told by its last group:
    none for quoted speech, one up to the count returned for a title in 《》 or 〈〉, a later one for a
    name or slogan (short and unpunctuated: “三会一课” is a slogan; “每亩地的价格只有三百元,……” is
    somebody talking). One scan decides what a filter over the spans did. The stdlib engine, each
    alternative led by its opening mark: re skips to the next one at C speed."""
    speech = regex.escape(_SPEECH)
    titles, quotes = [], []
    for pair in pairs:
        o, c = regex.escape(pair[0]), regex.escape(pair[1])
        held = f"[^{o}{c}\\n"  # what a span holds: neither of its marks, no line break
        if pair[0] in _TITLE_MARKS:
            titles.append(f"{o}{held}]{{1,120}}{c}()")
        else:  # short and without speech marks (a slogan), else no group (speech)
            quotes.append(f"{o}(?:{held}{speech}]{{1,{_SLOGAN_MAX - 2}}}{c}()|{held}]{{1,120}}{c})")
    return re.compile("|".join(titles + quotes)), len(titles)


def _numeral(g: _Groups) -> Numeral | None:
    """The figure's value; for a range (2—3个), its high end."""
    if g.pct:
        return parse_percent_words(g.pct)
    if g.tenths:
        return Numeral(parse_chinese(g.tenths).value * 10, False, False)  # type: ignore[union-attr]
    if g.ar:
        value: Numeral | None = parse_arabic(("-" if g.neg else "") + g.ar, g.armult or "")
    else:
        value = parse_chinese(g.cn)
    if value and g.mult:  # 20余万元, 五百余万元: the multiplier stands after the qualifier
        value = Numeral(scaled(value.value, g.mult), value.round_figure, value.range_low)
    return value


def _range_low(g: _Groups) -> float | None:
    """The low end of 2—3万元 or 三至五万人; the high end's 万/亿 applies to it too."""
    if g.cnlow:
        low = parse_chinese(g.cnlow)
        mult = "".join(c for c in g.cn or "" if c in "万亿") if not g.cnlow.endswith(("万", "亿")) else ""
        return scaled(low.value, mult[-1:]) if low else None
    return scaled(g.low, (g.armult or "") + (g.mult or ""))


def _qualifier(g: _Groups, start: int, text: str, num: Numeral, r: _Rules, pre: str | None) -> str | None:
    """The stated qualifier; None when nothing is said (the caller decides: exact, or a range's ends)."""
    if g.post:
        return r.qualifier_of[("after", g.post)]
    if g.ins:
        return r.qualifier_of[("inside", g.ins)]
    if pre:
        return r.qualifier_of[("before", pre)]
    if num.range_low or num.round_figure:
        return "approx"
    window = text[max(0, start - _REACH_WINDOW - 4) : start]
    reach = None if r.reach_first.isdisjoint(window) else r.reach.search(window)
    return r.qualifier_of[("reach", reach.group())] if reach else None


def _before_word(text: str, start: int, floor: int, r: _Rules) -> str | None:
    """The qualifier word ending where a numeral starts (约8万元, 不少于3次), not reaching back over
    `floor` (the figure before); the longest one, as an alternation of them before the numeral finds.
    Looked up here, not in the pattern: an optional word leading it made the pattern try every character.
    Asked only after a character one ends in (r.before_last): most numerals follow none."""
    for n in r.before_lengths:
        if start - n >= floor and (word := text[start - n : start]) in r.before:
            return word
    return None


def _is_code(digits: str, r: _Rules) -> bool:
    """0751, 440781199001011234: a leading zero or a very long run marks a phone, postal or ID number."""
    return (len(digits) > 1 and digits[0] == "0" and digits[1] != ".") or len(digits) >= r.code_min_digits


def _after_code_word(text: str, pos: int, r: _Rules) -> bool:
    """电话:0751…, 邮编 529200: a code word (with a colon) right before pos."""
    last = text[pos - 1 : pos]
    return (last in r.code_last or last.isspace()) and r.code_before.search(text, max(0, pos - 12), pos) is not None


def _clause_start(text: str, pos: int) -> int:
    last = _LAST_BREAK.search(text, 0, pos)  # read backwards from pos: the nearest break only
    return last.end() if last else 0


class _Quoted(NamedTuple):
    titles: Covered | None  # in 《》 or 〈〉; None when the text has none (most have none)
    any: Covered | None  # in any slogan-like quotation


def _quoted(text: str, r: _Rules) -> _Quoted:
    titles, slogans = [], []
    for m in r.slogans.finditer(text):  # in order of start: the spans do not overlap
        if m.lastindex:  # quoted speech matched no group
            slogans.append(m.span())
            if m.lastindex <= r.title_groups:
                titles.append(m.span())
    return _Quoted(Covered(titles) if titles else None, Covered(slogans) if slogans else None)


def _excluded(g: _Groups, num_start: int, end: int, unit_at: tuple[int, int], text: str, spans: _Quoted,
              r: _Rules) -> bool:
    """Whether the figure (groups g, from its numeral at num_start to end, its unit at unit_at) is no
    count: an ordinal, a code …"""
    before = text[max(0, num_start - 4) : num_start]
    unit = g.unit or ""
    if before.endswith(("第", "+", "No.", "NO.", "每")) or text.startswith("+", end):
        # Ordinals, formula names (5+2+7), and 每百人拥有医生3.2名, 每10户: the denominator of a rate.
        return True
    if (blocks := r.unit_blocks.get(unit)) and text.startswith(blocks, unit_at[0]):
        return True  # 14部门, 一个人: the unit character begins another word
    if spans.titles and spans.titles.inside(num_start):
        return True  # document titles
    if unit in r.needs_before:  # 用时3天 is a duration; 优良天数达318天 counts days
        clause = text[_clause_start(text, num_start) : num_start]
        if not any(w in clause for w in r.needs_before[unit]):
            return True
    if g.cn is None and g.tenths is None:
        if unit in r.arabic_only and before[-1:].isascii() and before[-1:].isalpha():
            return True  # PM2.5平均浓度: digits glued to Latin letters name something
        low = None if g.cnlow else g.low
        return bool(low and _is_code(low, r) or g.ar and _is_code(g.ar, r)) or _after_code_word(text, num_start, r)
    if (g.cn or g.tenths) == "一" and not g.mult and not g.cnlow:
        return True  # a bare 一 is "a / once", not a count (GUIDE.md: optional at most)
    if unit in r.arabic_only or before.endswith(r.prefix_blocks) or (spans.any and spans.any.inside(num_start)):
        return True
    if g.cn and all(c in "百千万" for c in g.cn) and text[max(0, num_start - 4) : num_start].endswith(r.honour_verbs):
        return True  # 入选百名标兵: a round figure after an honour verb is the honour's name
    return bool(unit) and text.startswith(unit, unit_at[1])  # 一个个: rhetoric


def _implied_quantities(text: str, r: _Rules) -> list[Quantity]:
    """Bare figures whose unit the noun before them names (参与人次超过270万)."""
    found = []
    for m in r.implied.finditer(text):
        if m["ar"]:
            if _is_code(m["ar"], r):
                continue
            value = scaled(m["ar"], m["armult"])
        else:
            num = parse_chinese(m["cn"])
            if num is None or m["cn"] == "一":
                continue
            value = num.value
        unit = r.implied_unit[m["noun"]]
        start = m.start("pre") if m["pre"] else m.start("ar") if m["ar"] else m.start("cn")
        word = ("after", m["post"]) if m["post"] else ("before", m["pre"]) if m["pre"] else None
        found.append(Quantity(value=value, unit=unit, unit_class=r.unit_class[unit],
                              qualifier=r.qualifier_of[word] if word else "exact",
                              start=start, end=m.end(), text=text[start : m.end()]))
    return found


def find_quantities(text: str) -> list[Quantity]:
    """Every number-with-unit in text that counts or measures something, left to right.

    A range (2—3个, 三至五名) gives one quantity for each end, with the whole range as its span.
    """
    r = rules()
    spans = _quoted(text, r)
    idiom_spans = spans_in_parts(text, r.idiom_parts, r.idioms)
    idioms = Covered(idiom_spans) if idiom_spans else None  # most texts hold none: no lookups then
    found: list[Quantity] = []
    previous_end = 0
    for m in r.pattern.finditer(text):
        # The pattern starts at the numeral (of the low end, of 百分之 …): the match's start is the numeral's.
        g, (start, end), unit_at = _groups(_Groups, m.groups()), m.span(), m.span(_UNIT)
        floor, previous_end = previous_end, end
        if _excluded(g, start, end, unit_at, text, spans, r) or (idioms and idioms.covers(unit_at[0])):
            continue
        pre = _before_word(text, start, floor, r) if text[start - 1 : start] in r.before_last else None
        num = _numeral(g)
        if num is None:
            continue
        begin = start - len(pre) if pre else start  # where the figure's words begin
        if pre and text[max(0, begin - 2) : start].endswith(r.not_qualifier):
            pre = None  # 最近3次: 近 belongs to 最近, it is not "about"
        else:
            start = begin
        qualifier = _qualifier(g, begin, text, num, r, pre)
        unit = g.unit or "%"
        ends = [(num.value, qualifier or "exact")]
        if g.low and (low := _range_low(g)) is not None:
            ends = [(low, qualifier or "at_least"), (num.value, qualifier or "at_most")]
        for value, q in ends:  # positional: a frozen dataclass takes keywords more slowly
            found.append(Quantity(value, unit, r.unit_class.get(unit, "percent"), q, start, end, text[start:end]))
    # A cheap test before the implied-unit scan; found is in order of start until it adds to it.
    if ("数" in text or "口" in text or "量" in text or "次" in text) and (implied := _implied_quantities(text, r)):
        found.extend(implied)
        found.sort(key=lambda q: q.start)
    return _join_ranges(text, found)


def _join_ranges(text: str, found: list[Quantity]) -> list[Quantity]:
    """100元至300元: two figures of one unit joined by a range mark are the ends of one range."""
    out = list(found)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        if (a.unit == b.unit and a.qualifier == b.qualifier == "exact" and b.start == a.end + 1
                and text[a.end] in _RANGE_MARKS and a.value < b.value):
            span = text[a.start : b.end]
            out[i] = replace(a, qualifier="at_least", end=b.end, text=span)
            out[i + 1] = replace(b, qualifier="at_most", start=a.start, text=span)
    return out
