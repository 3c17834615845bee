"""NFKC by folding single characters first: the same string as unicodedata's NFKC, every time."""
from __future__ import annotations

import random
import unicodedata

import pytest

from extractor.nfkc import folds, nfkc


@pytest.mark.parametrize(("char", "folded"), [
    ("…", "..."),
    ("\u00a0", " "),
    ("\u3000", " "),
    ("，", ","),
    ("７", "7"),
    ("％", "%"),
    ("①", "1"),
    ("㎡", "m2"),
])
def test_a_compatibility_character_folds_to_its_nfkc(char: str, folded: str) -> None:
    assert folds()[char] == folded


@pytest.mark.parametrize("char", ["党", "a", ",", "\u0301", "가"])
def test_a_character_nfkc_keeps_is_no_fold(char: str) -> None:
    assert char not in folds()


@pytest.mark.parametrize("text", [
    "全镇共有党员1200余名…其中女党员300名",  # folded by replacement alone
    "发展党员１０名，占７０％。\u3000\u3000下一步",
    "ｅ\u0301党",  # a full-width letter that composes with the mark after it once folded
    "ㄱㅏ 党建",  # compatibility jamo: folded to conjoining jamo, which compose into 가
    "…\u0301\u0323",  # a fold followed by marks out of canonical order
    "\uf900\uf901㍿‥党建",  # compatibility ideographs (outside the fold blocks) and squared forms
    "党\u0301员 ＡＢＣ１２３\n建\u0323\u0307设",
    "党建引领乡村振兴",  # already in normal form
])
def test_nfkc_is_unicodedata_nfkc(text: str) -> None:
    assert nfkc(text) == unicodedata.normalize("NFKC", text)


def test_nfkc_of_random_mixtures_of_folds_marks_and_jamo() -> None:
    pieces = [*list(folds())[::7], "\u0301", "\u0323", "\u0307", "\u0327", "e", "a", "党", "\n",
              "\u1100", "\u1161", "\u11a8", "ㄱ", "ㅏ", "\uf900", "가"]
    rng = random.Random(7)
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        assert nfkc(text) == unicodedata.normalize("NFKC", text), ascii(text)
