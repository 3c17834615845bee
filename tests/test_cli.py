"""End to end: ingest the seeds, query the database with SQL, export CSV; bad input and bad URLs."""
from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from extractor.cli import app

from .conftest import SEEDS

runner = CliRunner()


def run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def test_ingest_seeds_then_query_and_export(db_url: str, tmp_path: Path) -> None:
    result = run("ingest", str(SEEDS), "--db", db_url)
    assert result.exit_code == 0, result.output
    assert "ingested: 5" in result.output
    engine = create_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT value, unit, qualifier, subject, title FROM metric_facts WHERE subject LIKE '%党员%'")).all()
        donation = conn.execute(text("SELECT value, unit, qualifier FROM metrics WHERE span_text = '约8万元'")).one()
    assert (10, "名", "exact", "党员", "斗山镇:锻造坚强有力的机关党支部") in [tuple(r) for r in rows]
    assert tuple(donation) == (80000, "元", "approx")

    out = tmp_path / "m.csv"
    assert run("export", "metrics", "-o", str(out), "--db", db_url).exit_code == 0
    with out.open(encoding="utf-8") as fh:
        exported = list(csv.DictReader(fh))
    header = "file value unit unit_class qualifier subject predicate period locality initiative span_text sentence char_start char_end title published"
    assert set(header.split()) <= set(exported[0])
    hit = next(r for r in exported if r["span_text"] == "25000多人")
    assert (hit["value"], hit["unit"], hit["qualifier"], hit["subject"], hit["period"]) == ("25000", "人", "over", "群众", "去年")
    assert hit["file"].endswith("000_e78e95ea709d0ece.txt") and hit["published"] == "2022-06-07"
    assert "惠及群众25000多人" in hit["sentence"]


def test_export_to_stdout_and_excel_bom(db_url: str, tmp_path: Path) -> None:
    run("ingest", str(SEEDS / "004_e4975b498e3e3feb.txt"), "--db", db_url)
    result = run("export", "articles", "--db", db_url)
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows[0]["title"] == "长丰县吴山镇:立足落实抓成效 激发活动大能量"
    assert rows[0]["published"] == "2021-08-03" and rows[0]["source"] == "吴山镇"
    out = tmp_path / "i.csv"
    run("export", "initiatives", "-o", str(out), "--excel", "--db", db_url)
    assert out.read_bytes().startswith("\ufeff".encode())
    assert "我为群众办实事" in out.read_text(encoding="utf-8-sig")


def test_reingest_changes_nothing(db_url: str) -> None:
    assert run("ingest", str(SEEDS), "--db", db_url).exit_code == 0
    engine = create_engine(db_url)
    tables = ("articles", "metrics", "initiatives", "article_initiatives", "localities", "ingest_log")

    def snapshot() -> dict[str, list[tuple]]:
        with engine.connect() as conn:
            return {t: [tuple(r) for r in conn.execute(text(f"SELECT * FROM {t} ORDER BY 1"))] for t in tables}

    before = snapshot()
    again = run("ingest", str(SEEDS), "--db", db_url)
    assert again.exit_code == 0
    assert "unchanged: 5" in again.output and "database is unchanged" in again.output
    assert snapshot() == before


def test_same_article_under_another_name_is_a_duplicate(db_url: str, tmp_path: Path) -> None:
    copy = tmp_path / "copy.txt"
    shutil.copy(SEEDS / "000_e78e95ea709d0ece.txt", copy)
    result = run("ingest", str(SEEDS / "000_e78e95ea709d0ece.txt"), str(copy), "--db", db_url)
    assert "ingested: 1" in result.output and "duplicate: 1" in result.output
    with create_engine(db_url).connect() as conn:
        assert conn.scalar(text("SELECT COUNT(*) FROM articles")) == 1


def test_bad_input_is_recorded_and_costs_nothing_else(db_url: str, tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 8)
    good = tmp_path / "good.txt"
    shutil.copy(SEEDS / "004_e4975b498e3e3feb.txt", good)
    missing = str(tmp_path / "missing.txt")
    result = run("ingest", str(tmp_path), missing, "--db", db_url)
    assert result.exit_code == 0, result.output
    assert "ingested: 1" in result.output and "failed: 3" in result.output
    assert "Traceback" not in result.output
    for name in ("empty.txt", "binary.txt", "missing.txt"):
        assert name in result.output
    with create_engine(db_url).connect() as conn:
        log = dict(conn.execute(text("SELECT file, status FROM ingest_log")).all())
    assert log[str(good)] == "ingested"
    assert log[missing] == "failed" and log[str(tmp_path / "empty.txt")] == "failed"


def test_exit_code_when_nothing_could_be_ingested(db_url: str, tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    result = run("ingest", str(tmp_path), "--db", db_url)
    assert result.exit_code == 1
    assert "empty" in result.output


def test_bad_database_url_is_one_line(tmp_path: Path) -> None:
    for url in ("nosuchdb://x", f"sqlite:///{tmp_path}/no/such/dir/x.db"):
        result = run("ingest", str(SEEDS), "--db", url)
        assert result.exit_code == 2
        assert "Traceback" not in result.output
        assert result.output.strip().count("\n") == 0 and result.output.startswith("error:")


def test_db_url_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'env.db'}"
    monkeypatch.setenv("EXTRACTOR_DB", url)
    assert run("db", "upgrade").exit_code == 0
    assert (tmp_path / "env.db").exists()


def test_installed_command_finds_migrations_from_any_directory(tmp_path: Path) -> None:
    exe = shutil.which("extractor", path=str(Path(sys.executable).parent))
    assert exe, "the extractor console script is installed beside this Python"
    proc = subprocess.run([exe, "ingest", str(SEEDS / "000_e78e95ea709d0ece.txt")], cwd=tmp_path,
                          capture_output=True, text=True, env={**os.environ, "EXTRACTOR_DB": ""})
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "extractor.db").exists()
    export = subprocess.run([exe, "export", "metrics"], cwd=tmp_path, capture_output=True, text=True)
    assert export.stdout.startswith("file,value,unit")  # stdout is clean CSV; the log went to stderr
    assert "惠及群众" in export.stdout


def test_every_command_has_help() -> None:
    for args in (["--help"], ["ingest", "--help"], ["export", "--help"], ["reextract", "--help"], ["db", "upgrade", "--help"],
                 ["query", "--help"], ["show", "--help"], ["stats", "--help"]):
        result = run(*args)
        assert result.exit_code == 0 and "Usage" in result.output
    from extractor.db.export import TABLES

    export_help = " ".join(run("export", "--help").output.split())
    assert all(table in export_help for table in TABLES)


def test_worker_processes_do_not_import_the_database_layer() -> None:
    code = "import sys, extractor.cli, extractor.work; print('sqlalchemy' in sys.modules, 'alembic' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
