from __future__ import annotations

import os
from pathlib import Path
from typing import NoReturn

import pytest

# The PostgreSQL server fixtures (a throwaway server when EXTRACTOR_TEST_PG names none).
pytest_plugins = ("tests.pg",)

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture(scope="session")
def seeds_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds ingested once into a SQLite file, for tests that only read it."""
    from extractor.db.engine import make_engine
    from extractor.db.migrate import upgrade
    from extractor.ingest import ingest

    path = tmp_path_factory.mktemp("seeds") / "seeds.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    ingest([str(SEEDS)], engine, workers=1)
    engine.dispose()
    return path


def missing(what: str) -> NoReturn:
    """Skip a test whose system package is not installed here; fail it in CI, which installs it."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is missing, but .ci/run installs it")
    pytest.skip(f"{what} is missing")
