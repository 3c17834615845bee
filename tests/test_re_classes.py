"""regex's classes spelt out for re: the same characters as regex matches."""
from __future__ import annotations

import re

import numpy as np
import pytest
import regex

from extractor.re_classes import CLASSES, for_re, members


@pytest.mark.parametrize("regex_class", CLASSES)
def test_the_class_for_re_is_regex_class_on_every_code_point(regex_class: str) -> None:
    points = np.arange(0x110000, dtype="<u4")
    points[0xD800:0xE000] = ord("a")
    every = points.tobytes().decode("utf-32-le")
    assert re.findall(f"[{members(regex_class)}]", every) == regex.findall(regex_class, every)


@pytest.mark.parametrize(("char", "han"), [
    ("党", True), ("〇", True), ("々", True), ("\U00020000", True), ("⺀", True),
    ("a", False), ("。", False), ("ㄱ", False), ("あ", False), ("?", False),
])
def test_han_class_holds_ideographs_and_no_other_script(char: str, han: bool) -> None:
    assert bool(re.fullmatch(for_re(r"\p{Han}"), char)) is han


@pytest.mark.parametrize(("regex_class", "char", "member"), [
    (r"\s", " ", True), (r"\s", "\u3000", True), (r"\s", "\n", True), (r"\s", "\x1c", False),  # re's own \s has \x1c
    (r"\d", "7", True), (r"\d", "٣", True), (r"\d", "七", False), (r"\d", "①", False),
])
def test_spaces_and_digits_are_regex_own(regex_class: str, char: str, member: bool) -> None:
    assert bool(re.fullmatch(f"[{members(regex_class)}]", char)) is member


@pytest.mark.parametrize(("pattern", "texts"), [
    (r"\p{Han}{2}\s*\d+", ["党建 12", "党建12", "a党建 12", "党 12", "党建\u3000٣"]),
    (r"[^\s\d]+", ["党建 12", "\x1c\x1c", " ٣x"]),  # \x1c: a space to re, not to regex
    (r"[\]x]\p{Han}|\(\d\)", ["]党", "x党", "(7)", "(七)"]),
    (r"(?P<n>\p{Han})(?=\s)|[\n\t]", ["党 ", "党", "\t"]),
])
def test_for_re_matches_what_regex_matches(pattern: str, texts: list[str]) -> None:
    compiled, spelt = regex.compile(pattern), re.compile(for_re(pattern))
    for text in texts:
        assert [m.span() for m in spelt.finditer(text)] == [m.span() for m in compiled.finditer(text)], text


@pytest.mark.parametrize("pattern", [r"\w+", r"\bx", r"\p{L}", "(?i)ab", r"a\Sb"])
def test_for_re_refuses_what_the_modules_may_read_apart(pattern: str) -> None:
    with pytest.raises(ValueError):
        for_re(pattern)


@pytest.mark.parametrize("word", ["a b", "x\\y", "（测试）", "文/", "tab\tx", "nl\nx", "é", "#", "&~", "a-b", "[x]", "{2}", "a|b"])
def test_a_word_escaped_for_regex_reads_the_same_for_re(word: str) -> None:
    # Lexicon words reach re through lexicon.alternation, which escapes them for regex.
    assert re.fullmatch(for_re(regex.escape(word)), word)
