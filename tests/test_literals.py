"""Literal words of patterns: every match holds one, and what is not read is never filtered."""
from __future__ import annotations

import random
import string

import numpy as np
import pytest
import regex

from extractor import lexicon
from extractor.literals import cases, prefilter, words


@pytest.mark.parametrize(("pattern", "expected"), [
    ("版权所有(?![人者权])", {"版权所有"}),
    (r"\[?免责声明\]?", {"免责声明"}),
    (r"责任编辑\s*[:：]", {"责任编辑"}),
    ("^(?:上一篇|下一篇)", {"上一篇", "下一篇"}),
    ("(?:对此|概)不(?:承担|负)任何", {"任何"}),  # the longest required piece
    (r"\.(?:jpe?g|png)\s*$", {"jp", "png"}),  # an optional letter ends a run
    ("ab+c", {"ab"}),  # a repeated letter is required once
    ("x{2,}yz", {"yz"}),
    ("ab{0,3}cd", {"cd"}),
    ("(?P<n>统计)局|(?<m>县)委", {"统计", "县"}),
    ("a|b", {"a", "b"}),
    (r"\d+(?:人|户)", {"人", "户"}),
    ("(?i)ok", {"ok", "oK", "Ok", "OK", "o\u212a", "O\u212a"}),  # every case of the word (K: the Kelvin sign)
    ("(?i)Is", {a + b for a in "Iiı" for b in "Ssſ"}),  # I: also the dotless ı (and i: the dotted İ)
    (r"[\]x]你好", {"你好"}),  # a ] first in a set is a member
    (r"(?#note)版权", {"版权"}),
])
def test_words_every_match_holds(pattern: str, expected: set[str]) -> None:
    assert words(pattern) == expected


@pytest.mark.parametrize("pattern", [
    r"^[•·▪\s]*$",  # no literal at all
    r"\d{1,3}",
    "a?b*",
    "(?x)ab c",  # verbose: spaces are no literals
    "a(?i)b",  # a flag not at the start
    "(?i:ab)",  # a scoped flag
    "(?(1)a|b)",  # a conditional
    "(?:ab){e<=1}",  # fuzzy matching
    "[[:alpha:]x[y]]z",  # a set inside a set
    r"\qab",  # an escape not known here
    "(?i)版权",  # ignoring case beyond ASCII
    "ab(?=x)|",  # an empty branch
    "ab)",
    "(ab",
])
def test_what_is_not_read_holds_no_words(pattern: str) -> None:
    assert words(pattern) is None


def test_a_list_with_an_unread_pattern_may_match_anywhere() -> None:
    assert prefilter(["版权所有", r"^\d+$"]).search("全镇共有党员1200名") is not None
    assert prefilter(["版权所有", "责任编辑"]).search("全镇共有党员1200名") is None


def test_cases_are_regex_cases_on_every_code_point() -> None:
    points = np.arange(0x110000, dtype="<u4")
    points[0xD800:0xE000] = 0
    every = points.tobytes().decode("utf-32-le")
    for char in string.ascii_letters + string.digits + " .:-":
        assert set(regex.findall(f"(?i){regex.escape(char)}", every)) == cases(char), char


SHIPPED = [p for key in ("footer_start", "statement", "block_start", "drop_line") for p in lexicon.load("boilerplate")[key]]
READ = [p for p in SHIPPED if words(p) is not None]
FILLERS = [" ", ":", "：", "|", ">", ">>", "(", ")", "[", "]", "【", "】", "12", ".", "@", "-", "。", ","]


def _lines(pattern: str) -> list[str]:
    """Lines of the pattern's own words, their halves and characters, and marks: many of them match it."""
    runs = regex.findall(r"[\p{Han}\w]+", pattern)
    tokens = [*runs, *(r[: len(r) // 2] for r in runs), *(r[len(r) // 2 :] for r in runs), *"".join(runs), *FILLERS]
    rng = random.Random(pattern)
    return ["".join(rng.choice(tokens) for _ in range(rng.randint(1, 8))) for _ in range(3000)]


@pytest.mark.parametrize("pattern", READ)
def test_no_line_a_shipped_pattern_matches_escapes_its_prefilter(pattern: str) -> None:
    compiled, found = regex.compile(pattern), prefilter([pattern])
    for line in _lines(pattern):
        if compiled.search(line):
            assert found.search(line), line


def test_most_shipped_patterns_are_read_and_matched_by_those_lines() -> None:
    assert len(READ) >= 0.9 * len(SHIPPED)
    matched = [p for p in READ if any(map(regex.compile(p).search, _lines(p)))]
    assert len(matched) >= 0.8 * len(READ)


@pytest.mark.parametrize("words", [["将", "争取"], ["拟", "计划", "力争", "计划"], ["a", "ab", "b"], ["三会一课", "两学一做"]])
def test_alternation_order_is_the_order_of_lexicon_alternation(words: list[str]) -> None:
    assert "|".join(map(regex.escape, lexicon.alternation_order(words))) == lexicon.alternation(words)
