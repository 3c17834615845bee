"""extractor query: rows in three formats, and read-only by construction: every statement that
would write is refused in one line, exit code 2, and the database file is byte for byte the same."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from extractor.cli import app
from extractor.query import QueryError, single_statement

from .seeded import db_rows, fingerprint, seeded, seeded_copy  # noqa: F401  (fixtures)

runner = CliRunner()


def query(path: Path, sql: str, *options: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["query", sql, "--db", f"sqlite:///{path}", *options])


def test_csv_rows_are_the_database_rows(seeded: Path) -> None:
    sql = "SELECT unit_class, COUNT(*) AS n FROM metric_facts GROUP BY unit_class ORDER BY unit_class"
    result = query(seeded, sql, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["unit_class", "n"]
    assert [(c, int(n)) for c, n in rows[1:]] == db_rows(seeded, sql)
    assert len(rows) > 3


def test_json_is_one_object_a_row(seeded: Path) -> None:
    sql = "SELECT metric_id, value, span_text, locality_code FROM metric_facts ORDER BY metric_id"
    result = query(seeded, sql, "--format", "json")
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert [tuple(r.values()) for r in records] == [(i, int(v) if v.is_integer() else v, s, c) for i, v, s, c in db_rows(seeded, sql)]
    assert all(isinstance(r["locality_code"], str) for r in records if r["locality_code"] is not None)


def test_table_columns_line_up_in_terminal_cells(seeded: Path) -> None:
    result = query(seeded, "SELECT title, metric_id FROM metric_facts ORDER BY metric_id LIMIT 5")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["title", "metric_id"] and lines[-1] == "(5 rows)"
    # Titles are Chinese (two cells a character): the ids end in the same terminal column.
    ends = {cell_len(line) for line in lines[2:-1]}
    assert len(ends) == 1 and cell_len(lines[0]) == ends.pop()


def test_reading_pragmas_and_ctes_run(seeded: Path) -> None:
    assert query(seeded, "PRAGMA user_version", "--format", "csv").stdout.split() == ["user_version", "0"]
    result = query(seeded, "WITH t AS (SELECT COUNT(*) AS n FROM articles) SELECT n FROM t;", "--format", "csv")
    assert result.stdout.split() == ["n", "5"]


WRITES = [
    "INSERT INTO localities (key, name) VALUES ('x', 'x')",
    "UPDATE metrics SET value = 0",
    "DELETE FROM metrics",
    "DROP TABLE metrics",
    "DROP VIEW metric_facts",
    "CREATE TABLE t (x)",
    "CREATE TEMP TABLE t (x)",
    "ATTACH 'other.db' AS other",
    "PRAGMA user_version = 5",
    "PRAGMA journal_mode = DELETE",
    "VACUUM",
    "VACUUM INTO 'copy2.db'",
    "WITH t AS (SELECT 1) DELETE FROM metrics",
    "SELECT 1; DELETE FROM metrics",
    "SELECT 1 -- ; \n ; DROP TABLE metrics",
]


@pytest.mark.parametrize("sql", WRITES)
def test_a_statement_that_writes_is_refused_and_nothing_changes(seeded_copy: Path, sql: str,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(seeded_copy.parent)  # where ATTACH and VACUUM INTO would create their files
    before = fingerprint(seeded_copy.parent)
    result = query(seeded_copy, sql)
    assert result.exit_code == 2
    assert result.stdout == "" and "Traceback" not in result.output
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert fingerprint(seeded_copy.parent) == before  # the database as it was, and no new files
    wal = seeded_copy.parent / "copy.db-wal"
    assert not wal.exists() or wal.stat().st_size == 0  # nothing waiting to be written back either


@pytest.mark.parametrize("sql, expected", [
    ("SELECT 1", "SELECT 1"),
    ("SELECT 1;", "SELECT 1"),
    ("  SELECT 1 ;  ;\n", "SELECT 1"),
    ("SELECT ';' AS s", "SELECT ';' AS s"),
    ('SELECT 1 AS "a;b"', 'SELECT 1 AS "a;b"'),
    ("SELECT 1 /* ; */", "SELECT 1 /* ; */"),
    ("SELECT 1; -- the end", "SELECT 1"),
])
def test_single_statement(sql: str, expected: str) -> None:
    assert single_statement(sql) == expected


@pytest.mark.parametrize("sql", ["", " ; ", "SELECT 1; SELECT 2", "SELECT ';'; DELETE FROM t"])
def test_not_one_statement(sql: str) -> None:
    with pytest.raises(QueryError):
        single_statement(sql)


def test_sql_errors_are_one_line(seeded: Path) -> None:
    result = query(seeded, "SELEC 1")
    assert result.exit_code == 2 and result.stderr.startswith("error: query failed:") and result.stderr.count("\n") == 1
    result = query(seeded, "SELECT 1", "--format", "xml")
    assert result.exit_code == 2 and "table, csv, json" in result.stderr


def test_postgresql_is_read_only_too(pg_url: str) -> None:
    from sqlalchemy import text

    from extractor.db.engine import make_engine

    from .conftest import SEEDS

    assert runner.invoke(app, ["ingest", str(SEEDS / "000_e78e95ea709d0ece.txt"), "--db", pg_url, "--workers", "1"]).exit_code == 0
    for sql in ("DELETE FROM metrics", "CREATE TABLE t (x int)", "SELECT 1; DELETE FROM metrics"):
        result = runner.invoke(app, ["query", sql, "--db", pg_url])
        assert result.exit_code == 2 and result.stderr.count("\n") == 1 and "Traceback" not in result.output
    assert runner.invoke(app, ["query", "SELECT COUNT(*) AS n FROM metrics", "--db", pg_url, "--format", "csv"]).exit_code == 0
    engine = make_engine(pg_url)
    try:
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT COUNT(*) FROM metrics")) > 0
            assert "t" not in {r[0] for r in conn.execute(text("SELECT tablename FROM pg_tables"))}
    finally:
        engine.dispose()
