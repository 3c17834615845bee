"""The records of the seeds and of 200 generated articles stay what they were when frozen.

Speed work must not change a single record. When a rule change is meant to change records, refreeze
(and say so in the commit):

    .venv/bin/python benchmarks/freeze.py write tests/data/frozen_seeds.json.gz --seeds
    .venv/bin/python benchmarks/freeze.py write tests/data/frozen_generated.json.gz --generated 200
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


def _freeze_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("freeze", ROOT / "benchmarks" / "freeze.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("freeze", module)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(("name", "seeds", "generated"), [("seeds", True, 0), ("generated", False, 200)])
def test_records_are_frozen(name: str, seeds: bool, generated: int) -> None:
    freeze = _freeze_module()
    expected = freeze.load(DATA / f"frozen_{name}.json.gz")
    actual = freeze.freeze(freeze.texts(seeds, generated, freeze.DEFAULT_SEED, []))
    assert len(expected) == len(actual)
    assert freeze.differences(expected, actual) == []
