"""Script detection: counted characters decide, OpenCC converts only pages it can call traditional."""
from __future__ import annotations

import pytest

from extractor.script import convertible, to_simplified


@pytest.mark.parametrize(("text", "count"), [
    ("党建引领乡村振兴", 0),
    ("黨建領航", 2),  # 黨 and 領; 建 and 航 are written alike in both scripts
    ("路口鎮開展基層黨組織書記培訓", 9),
    ("ABC 123", 0),
    ("\U00020000黨", 1),  # a character above the basic block, then one t2s changes
    ("乾县", 1),  # 乾 alone would become 干
])
def test_convertible_counts_characters_t2s_changes_alone(text: str, count: int) -> None:
    assert convertible(text) == count


@pytest.mark.parametrize(("text", "expected"), [
    ("黨建領航風帆勁,路口鎮開展基層黨組織書記培訓。", ("党建领航风帆劲,路口镇开展基层党组织书记培训。", "traditional", True)),
    ("乾县开展宣讲140余场次。", ("乾县开展宣讲140余场次。", "simplified", False)),  # one character only
    ("黨員三名", ("黨員三名", "simplified", False)),  # fewer than four changed characters
    ("全县" * 60 + "黨員領導幹部", ("全县" * 60 + "黨員領導幹部", "simplified", False)),  # too small a share
    ("", ("", "simplified", False)),
    ("Party building 2024", ("Party building 2024", "simplified", False)),
])
def test_to_simplified(text: str, expected: tuple[str, str, bool]) -> None:
    assert to_simplified(text) == expected
