"""The cheaper scans of quantities.py and claims.py find what the plain ones they replace found: each
is checked here against the plain way, written out, on sentences where the two could part."""
from __future__ import annotations

import random
import re
from decimal import Decimal

import pytest
import regex

from extractor import lexicon
from extractor.claim_words import Words, phrases
from extractor.claims import _CLAUSE_BREAK, _clause_before
from extractor.numbers import multiplier, scaled
from extractor.alternations import grouped, parts, spans_in_parts
from extractor.quantities import _SLOGAN_MAX, _SPEECH, _quoted, rules
from extractor.userlexicon import merge

SENTENCES = [
    "严肃规范“三会一课”,坚决做到“两个维护”,学习《关于开展“万名党员进党校”活动的实施方案》。",
    "他说:“每亩地的价格只有三百元,大家都满意。”随后又讲了“四个意识”和‘两个确立’。",
    "「一村一品」『三治融合』〈条例〉《通知》“未闭合的引号\n“下一行”",
    "“一句很长很长很长很长很长很长很长很长很长很长很长很长的口号但是没有标点”与“短的”。",
    "“含有问号吗?”“含有分号;”“含有句号。”“含有叹号!”“好”",
    "《标题里有“引号”和,逗号》之后“引号里有《书名》”",
    "万众一心一意,千千万万家,四处可见,三番五次,二次复核,第二次会议,十全十美。",
    "八位一体的七上八下,一五一十地三三两两,三五成群。",
]


def _plain_slogans(text: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(titles, slogans) as quantities.py found them before: every quoted span, then a filter."""
    pairs = lexicon.load("exclusions")["quote_pairs"]
    quoted = re.compile("|".join(
        rf"{regex.escape(o)}[^{regex.escape(o + c)}\n]{{1,120}}{regex.escape(c)}" for o, c in pairs))
    spans = [(m.start(), m.end(), text[m.start()]) for m in quoted.finditer(text)]
    slogans = [(s, e, o) for s, e, o in spans
               if o in "《〈" or (e - s <= _SLOGAN_MAX and set(_SPEECH).isdisjoint(text[s + 1 : e - 1]))]
    return [(s, e) for s, e, o in slogans if o in "《〈"], [(s, e) for s, e, _ in slogans]


def _spans(covered: object) -> list[tuple[int, int]]:
    return [] if covered is None else list(zip(covered._starts, covered._reach))  # type: ignore[attr-defined]


@pytest.mark.parametrize("text", SENTENCES)
def test_slogans_and_titles_are_those_the_filter_kept(text: str) -> None:
    titles, slogans = _plain_slogans(text)
    spans = _quoted(text, rules())
    assert _spans(spans.titles) == titles  # no span holds another: each one's reach is its own end
    assert _spans(spans.any) == slogans


def test_the_slogan_scan_tells_speech_apart() -> None:
    text = "提出“三会一课”,他说:“我们一定完成,请放心。”"
    spans = _quoted(text, rules())
    assert spans.titles is None
    assert _spans(spans.any) == [(2, 8)]


@pytest.mark.parametrize("text", SENTENCES)
def test_idioms_in_parts_are_those_of_the_one_alternation(text: str) -> None:
    r = rules()
    assert spans_in_parts(text, r.idiom_parts, r.idioms) == [m.span() for m in r.idioms.finditer(text)]


def test_overlapping_idioms_are_left_to_the_one_alternation() -> None:
    """万众一心一意: the alternation takes 万众一心 and goes on after it; 一心一意, found by another part,
    overlaps it and is no idiom of this text."""
    tables = {"exclusions": merge(lexicon.shipped("exclusions"), {"numeral_idioms": ["万众一心", "一心[一二]意"]})}
    with lexicon.using(tables):
        r = rules()
        both = sorted(m.span() for part in r.idiom_parts for m in part.finditer("万众一心一意"))
        assert both == [(0, 4), (2, 6)]  # the parts alone find both
        whole = [m.span() for m in r.idioms.finditer("万众一心一意")]
        assert spans_in_parts("万众一心一意", r.idiom_parts, r.idioms) == whole == [(0, 4)]


def test_idiom_parts_keep_plain_words_together() -> None:
    words, *others = parts(["四处", "[一二]位一体", "千家万户", "二次(?=产业)"])
    assert isinstance(words, re.Pattern) and words.pattern == "四处|千家万户"
    assert [p.pattern for p in others] == ["[一二]位一体", "二次(?=产业)"]


def test_a_user_idiom_pattern_is_scanned_too() -> None:
    tables = {"exclusions": merge(lexicon.shipped("exclusions"), {"numeral_idioms": ["百户千企", "[三四]下乡"]})}
    with lexicon.using(tables):
        r = rules()
        text = "开展百户千企行动,推进三下乡活动,四下乡。"
        whole = [m.span() for m in r.idioms.finditer(text)]
        assert spans_in_parts(text, r.idiom_parts, r.idioms) == whole == [(2, 6), (11, 14), (17, 20)]


@pytest.mark.parametrize("idioms", [["(?i)ab", "XY"], ["(a)b", "(c)\\2"]])
def test_idioms_that_read_only_as_one_alternation_are_scanned_whole(idioms: list[str]) -> None:
    """A flag set in one branch holds for all; a group reference may name another branch's group."""
    whole = regex.compile("|".join(f"(?:{p})" for p in idioms))
    assert parts(idioms) == ()
    text = "xy AB ab cc XY"
    assert spans_in_parts(text, parts(idioms), whole) == [m.span() for m in whole.finditer(text)]


def test_grouped_units_match_as_the_plain_alternation() -> None:
    units = list(rules().unit_class)
    plain = re.compile(f"(?:{lexicon.alternation(units)})")
    by_first = re.compile(f"(?:{grouped(units)})")
    rng = random.Random(7)
    text = "".join(rng.choice(units) + rng.choice(["", "度", "米", "人"]) for _ in range(3000))
    for pos in range(len(text)):
        a, b = plain.match(text, pos), by_first.match(text, pos)
        assert (a and a.span()) == (b and b.span()), text[pos : pos + 6]


def test_grouped_keeps_the_order_of_words_of_one_first_character() -> None:
    # longest first within a group: 个百分点 before 个; a word of its own stands alone
    assert grouped(["个", "个百分点", "元", "个人"]) == "个(?:百分点|人|)|元"


def _plain_scaled(digits: str, mult: str) -> float:
    return round(float(Decimal(digits.replace(",", "")) * multiplier(mult)), 6)


def test_whole_digits_are_valued_as_in_decimal_arithmetic() -> None:
    rng = random.Random(3)
    cases = ["0", "00", "25,000", "1,234,567", "9007199254740993", "123456789012345678901"]
    cases += [str(rng.randrange(10 ** rng.randrange(1, 20))) for _ in range(2000)]
    for digits in cases:
        for mult in ("", "万", "亿", "千万", "百"):
            assert repr(scaled(digits, mult)) == repr(_plain_scaled(digits, mult)), (digits, mult)


def test_signed_and_decimal_digits_keep_decimal_arithmetic() -> None:
    assert repr(scaled("-0")) == "-0.0"  # the sign of a stated -0 is kept
    assert scaled("64.07", "亿") == 6_407_000_000
    assert scaled("-1.6") == -1.6


def _plain_clause_before(text: str, floor: int, pos: int) -> str:
    """The character-by-character walk claims.py did before."""
    start, depth = pos, 0
    while start > floor and text[start - 1] not in _CLAUSE_BREAK:
        ch = text[start - 1]
        if ch == ")":
            depth += 1
        elif ch == "(":
            if depth == 0:
                break
            depth -= 1
        start -= 1
    return text[start:pos]


@pytest.mark.parametrize("text", [
    "全镇(含3个社区(居委会))共有党员1200名",
    "其中(党员)(群众)300人,另有(未闭合的说明200人",
    "经费:特困供养\t35人 低保对象 120户;全年(2022年)增长5%",
    "(((())))深层括号5个",
    "没有任何断句的一长串文字共计12项",
])
def test_clause_before_is_the_plain_walk(text: str) -> None:
    for floor in range(0, len(text), 3):
        for pos in range(floor, len(text) + 1):
            assert _clause_before(text, floor, pos) == _plain_clause_before(text, floor, pos), (floor, pos)


def test_word_tables_know_their_first_characters() -> None:
    """Callers skip end() where firsts says no word starts: it must hold the first characters of both groups."""
    words = Words(["党员", "党组织", "群众"], then=Words(["发展"]))
    assert words.firsts == {"党", "群", "发"}
    assert words.end("发展党员", 0) == 2 and words.end("展", 0) == -1
    ph = phrases()
    assert ph.noun.firsts and ph.stop_after.firsts >= ph.verb_word.firsts
