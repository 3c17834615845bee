from __future__ import annotations

from pathlib import Path

import pytest

# The PostgreSQL server fixtures (a throwaway server when EXTRACTOR_TEST_PG names none).
pytest_plugins = ("tests.pg",)

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'test.db'}"
