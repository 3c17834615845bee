"""A database of the seeds, ingested once per test module, its rows read directly, and a fingerprint
of a directory to prove that a command changed nothing in it."""
from __future__ import annotations

import contextlib
import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.cli import app

from .conftest import SEEDS


def fingerprint(folder: Path) -> dict[str, str]:
    """Every file in folder with the SHA-256 of its bytes, but for SQLite's -shm and -wal side files:
    a read-only connection to a WAL database may create them (empty of data) and cannot remove them."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())
            if p.is_file() and not p.name.endswith(("-shm", "-wal"))}


def db_rows(path: Path, sql: str, params: tuple = ()) -> list[tuple]:  # type: ignore[type-arg]
    """The rows of one query on a SQLite file, read directly (what a command's output is checked against)."""
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return conn.execute(sql, params).fetchall()


def settle(path: Path) -> None:
    """Write the WAL back into the database file, so the file alone holds the data."""
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds ingested into a SQLite file of their own (tests copy it before changing it)."""
    path = tmp_path_factory.mktemp("seeded") / "seeds.db"
    result = CliRunner().invoke(app, ["ingest", str(SEEDS), "--db", f"sqlite:///{path}", "--workers", "1"])
    assert result.exit_code == 0, result.output
    settle(path)
    return path


@pytest.fixture
def seeded_copy(seeded: Path, tmp_path: Path) -> Path:
    """A copy of the seeded database alone in a fresh directory, for a test that alters it."""
    copy = tmp_path / "db" / "copy.db"
    copy.parent.mkdir()
    shutil.copy(seeded, copy)
    return copy
