"""The lexicons are data a researcher edits: they must load, compile, and say each word once."""
from __future__ import annotations

from collections import Counter
from importlib import resources

import pytest

from extractor import lexicon
from extractor.claims import phrases
from extractor.initiatives import words
from extractor.quantities import QUALIFIERS, rules

NAMES = sorted(p.name.removesuffix(".toml") for p in resources.files("extractor.lexicon").iterdir() if p.name.endswith(".toml"))


def _lists(node: object, path: str = "") -> list[tuple[str, list[str]]]:
    if isinstance(node, dict):
        return [item for key, value in node.items() for item in _lists(value, f"{path}.{key}")]
    return [(path, node)] if isinstance(node, list) else []


@pytest.mark.parametrize("name", NAMES)
def test_no_word_listed_twice(name: str) -> None:
    for path, values in _lists(lexicon.load(name)):
        assert not [w for w, n in Counter(values).items() if n > 1], f"{name}{path}"


def test_every_unit_has_one_class() -> None:
    seen: Counter[str] = Counter()
    for table in lexicon.load("units").values():
        seen.update(table.get("units", []) + table.get("arabic_only", []))
    assert [u for u, n in seen.items() if n > 1] == []


def test_qualifier_tables_are_the_documented_ones() -> None:
    assert set(lexicon.load("qualifiers")) == set(QUALIFIERS) | {"not_qualifier"}


def test_patterns_compile() -> None:
    assert rules().pattern and phrases().period and words().kind
