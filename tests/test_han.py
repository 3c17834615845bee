"""The Han class for re: the same characters as regex's \\p{Han}."""
from __future__ import annotations

import re

import numpy as np
import pytest
import regex

from extractor.han import han_class


def test_han_class_is_regex_han_on_every_code_point() -> None:
    points = np.arange(0x110000, dtype="<u4")
    points[0xD800:0xE000] = ord("a")
    every = points.tobytes().decode("utf-32-le")
    assert re.findall(f"[{han_class()}]", every) == regex.findall(r"\p{Han}", every)


@pytest.mark.parametrize(("char", "han"), [
    ("党", True), ("〇", True), ("々", True), ("\U00020000", True), ("⺀", True),
    ("a", False), ("。", False), ("ㄱ", False), ("あ", False), ("?", False),
])
def test_han_class_holds_ideographs_and_no_other_script(char: str, han: bool) -> None:
    assert bool(re.fullmatch(f"[{han_class()}]", char)) is han
