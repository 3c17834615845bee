"""Never a traceback: every database a command cannot use is one line on stderr naming it, exit
code 2, and the file (or its absence) exactly as it was."""
from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.cli import app
from extractor.db.engine import SQLITE_HEADER

from .conftest import SEEDS
from .seeded import fingerprint, seeded, seeded_copy  # noqa: F401  (fixtures)

runner = CliRunner()
SEED = str(SEEDS / "000_e78e95ea709d0ece.txt")
READS = [["query", "SELECT 1"], ["show", "1"], ["stats"], ["export", "metrics"]]
WRITES = [["ingest", SEED], ["db", "upgrade"], ["reextract"]]


def run(args: list[str], url: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, [*args, "--db", url])


def assert_one_line(result, *words: str) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and result.stdout == ""
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    for word in words:
        assert word in result.stderr


def _sql(*statements: str) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        with sqlite3.connect(path) as conn:
            for s in statements:
                conn.execute(s)
        conn.close()
    return make


BAD = {
    "not SQLite": lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4),
    "an input text file": lambda p: shutil.copy(SEED, p),
    "shorter than a header": lambda p: p.write_bytes(SQLITE_HEADER[:10]),
    "unknown revision": _sql("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)",
                             "INSERT INTO alembic_version VALUES ('9f3e2a1b')"),
    "empty alembic_version": _sql("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"),
    "foreign tables of our names": _sql("CREATE TABLE articles (id INTEGER PRIMARY KEY, headline TEXT)",
                                        "CREATE TABLE metrics (id INTEGER PRIMARY KEY, amount REAL)"),
}
SAYS = {"not SQLite": "is not a SQLite database", "an input text file": "is not a SQLite database",
        "shorter than a header": "is not a SQLite database", "unknown revision": "'9f3e2a1b'",
        "empty alembic_version": "alembic_version table is empty", "foreign tables of our names": "not an extractor database"}


@pytest.mark.parametrize("args", READS + WRITES, ids=lambda a: a[0])
@pytest.mark.parametrize("case", BAD)
def test_a_database_we_cannot_use_is_one_line_and_untouched(case: str, args: list[str], tmp_path: Path) -> None:
    path = tmp_path / "bad.db"
    BAD[case](path)
    before = fingerprint(tmp_path)
    assert_one_line(run(args, f"sqlite:///{path}"), str(path), SAYS[case])
    assert fingerprint(tmp_path) == before


@pytest.mark.parametrize("args", READS + WRITES, ids=lambda a: a[0])
def test_our_revision_without_our_columns_is_refused(seeded_copy: Path, args: list[str]) -> None:
    with sqlite3.connect(seeded_copy) as conn:  # same names and revision, another shape
        conn.execute("DROP VIEW metric_facts")
        conn.execute("DROP VIEW metric_mentions")
        conn.execute("ALTER TABLE metrics DROP COLUMN span_text")
    conn.close()
    before = fingerprint(seeded_copy.parent)
    assert_one_line(run(args, f"sqlite:///{seeded_copy}"), str(seeded_copy), "metrics.span_text")
    assert fingerprint(seeded_copy.parent) == before


@pytest.mark.parametrize("args", READS, ids=lambda a: a[0])
def test_reading_a_missing_database_does_not_create_it(args: list[str], tmp_path: Path) -> None:
    path = tmp_path / "missing.db"
    assert_one_line(run(args, f"sqlite:///{path}"), f"no database at {path}")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args", READS, ids=lambda a: a[0])
def test_reading_an_empty_database_says_how_to_fill_it(args: list[str], tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.write_bytes(b"")
    assert_one_line(run(args, f"sqlite:///{path}"), str(path), "no extractor schema")
    assert path.read_bytes() == b""


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
@pytest.mark.parametrize("args", READS + WRITES, ids=lambda a: a[0])
def test_in_memory_databases_are_refused(args: list[str], url: str) -> None:
    assert_one_line(run(args, url), "in-memory")


def test_a_path_instead_of_a_url_gets_a_hint(tmp_path: Path) -> None:
    assert_one_line(run(["stats"], "extractor.db"), "sqlite:///extractor.db")


def test_readers_do_not_upgrade_an_older_schema_writers_do(tmp_path: Path) -> None:
    from alembic import command

    from extractor.db.engine import make_engine
    from extractor.db.migrate import alembic_config, current, newest_file_revision

    path = tmp_path / "old.db"
    engine = make_engine(f"sqlite:///{path}")
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0002")
    engine.dispose()
    before = fingerprint(tmp_path)
    for args in READS:
        assert_one_line(run(args, f"sqlite:///{path}"), str(path), "schema 0002", "extractor db upgrade")
    assert fingerprint(tmp_path) == before
    assert run(["db", "upgrade"], f"sqlite:///{path}").exit_code == 0
    assert current(make_engine(f"sqlite:///{path}")) == newest_file_revision()


def test_a_directory_is_not_a_database(tmp_path: Path) -> None:
    assert_one_line(run(["ingest", SEED], f"sqlite:///{tmp_path}"), str(tmp_path), "directory")
