"""The same code on PostgreSQL: migrations, ingest of the seeds, idempotence, and exports that
match SQLite's. The server comes from tests/pg.py ($EXTRACTOR_TEST_PG, or a throwaway one);
each test gets a database of its own."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from typer.testing import CliRunner

from extractor.cli import app
from extractor.db.engine import make_engine
from extractor.db.export import TABLES
from extractor.db.migrate import current, head, upgrade
from extractor.db.models import Base

from .conftest import SEEDS


runner = CliRunner()
TABLES_WRITTEN = ("articles", "metrics", "initiatives", "article_initiatives", "localities", "ingest_log")


def run(*args: str):  # type: ignore[no-untyped-def]
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output, result.output
    return result


def test_empty_to_head(pg_url: str) -> None:
    engine = make_engine(pg_url)
    assert engine.dialect.name == "postgresql"
    try:
        assert current(engine) is None
        assert upgrade(engine) is True
        assert current(engine) == head()
        assert upgrade(engine) is False
        names = set(inspect(engine).get_table_names())
        assert set(TABLES_WRITTEN) | {"alembic_version"} <= names
        assert "metric_facts" in inspect(engine).get_view_names()
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT COUNT(*) FROM metric_facts")) == 0
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diff == []  # the models and the migration agree on PostgreSQL too
    finally:
        engine.dispose()


def test_db_upgrade_command(pg_url: str) -> None:
    first = run("db", "upgrade", "--db", pg_url)
    assert first.exit_code == 0 and "schema upgraded to head" in first.output
    again = run("db", "upgrade", "--db", pg_url)
    assert again.exit_code == 0 and "schema already at head" in again.output


def test_ingest_seeds_then_query(pg_url: str) -> None:
    result = run("ingest", str(SEEDS), "--db", pg_url, "--workers", "1")
    assert result.exit_code == 0, result.output
    assert "ingested: 5" in result.output and "failed: 0" in result.output
    engine = make_engine(pg_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text(
                "SELECT value, unit, qualifier, subject, title FROM metric_facts WHERE subject LIKE '%党员%'")).all()
            donation = conn.execute(text("SELECT value, unit, qualifier FROM metrics WHERE span_text = '约8万元'")).one()
            people = dict(conn.execute(text(
                "SELECT title, SUM(value) FROM metric_facts WHERE unit_class = 'people' GROUP BY title")).all())
            log = conn.execute(text("SELECT status, COUNT(*) FROM ingest_log GROUP BY status")).all()
    finally:
        engine.dispose()
    assert (10, "名", "exact", "党员", "斗山镇:锻造坚强有力的机关党支部") in [tuple(r) for r in rows]
    assert tuple(donation) == (80000, "元", "approx")
    assert people and all(total > 0 for total in people.values())
    assert [tuple(r) for r in log] == [("ingested", 5)]


def test_reingest_changes_nothing(pg_url: str) -> None:
    assert run("ingest", str(SEEDS), "--db", pg_url, "--workers", "1").exit_code == 0
    engine = make_engine(pg_url)

    def snapshot() -> dict[str, list[tuple]]:  # every table, whatever the schema has grown to
        with engine.connect() as conn:
            tables = inspect(conn).get_table_names()
            return {t: sorted((tuple(r) for r in conn.execute(text(f"SELECT * FROM {t}"))), key=repr) for t in tables}

    try:
        before = snapshot()
        assert len(before["articles"]) == 5 and len(before["metrics"]) > 50
        again = run("ingest", str(SEEDS), "--db", pg_url, "--workers", "1")
        assert again.exit_code == 0
        assert "unchanged: 5" in again.output and "database is unchanged" in again.output
        assert snapshot() == before
    finally:
        engine.dispose()


def export(table: str, url: str) -> list[list[str]]:
    result = run("export", table, "--db", url)
    assert result.exit_code == 0, result.output
    return list(csv.reader(io.StringIO(result.stdout)))


def test_exports_match_sqlite(pg_url: str, db_url: str) -> None:
    for url in (db_url, pg_url):
        assert run("ingest", str(SEEDS), "--db", url, "--workers", "1").exit_code == 0
    on_sqlite, on_postgres = export("metrics", db_url), export("metrics", pg_url)
    assert len(on_sqlite) > 50
    assert on_postgres[0] == on_sqlite[0]
    assert on_postgres == on_sqlite  # same rows, same values as text, same order
    for table in TABLES:  # every other export has the same rows (order aside)
        lite, pg = export(table, db_url), export(table, pg_url)
        assert pg[0] == lite[0], table
        assert sorted(pg[1:]) == sorted(lite[1:]), table


def test_export_file_and_excel_bom(pg_url: str, tmp_path: Path) -> None:
    assert run("ingest", str(SEEDS / "004_e4975b498e3e3feb.txt"), "--db", pg_url).exit_code == 0
    out = tmp_path / "i.csv"
    assert run("export", "initiatives", "-o", str(out), "--excel", "--db", pg_url).exit_code == 0
    assert out.read_bytes().startswith("\ufeff".encode())
    assert "我为群众办实事" in out.read_text(encoding="utf-8-sig")
