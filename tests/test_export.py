"""extractor export: --where, --format jsonl, and --excel output that is safe to open (formulas
neutralised, numbers left alone), while the plain CSV stays the data exactly as stored."""
from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from extractor.cli import app
from extractor.db.export import QUERIES, neutralise

from .seeded import fingerprint, seeded, seeded_copy  # noqa: F401  (fixtures)

runner = CliRunner()


def export(path: Path, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["export", *args, "--db", f"sqlite:///{path}"])


def table(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"),
    ("+x", "'+x"),
    ("-x", "'-x"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"),
    ("\rx", "'\rx"),
    ("-3.2", "'-3.2"),  # text, even if it looks like a number
    ("x=1", "x=1"),
    ("群众", "群众"),
    ("", ""),
    (-3.2, -3.2),  # a number stays a number
    (-3, -3),
    (None, None),
])
def test_neutralise(value: Any, expected: Any) -> None:
    assert neutralise(value) == expected


def test_codes_are_text_for_spreadsheets() -> None:
    assert neutralise("440781000000", code=True) == "'440781000000"
    assert neutralise("", code=True) == ""


def test_plain_csv_is_the_stored_data_byte_for_byte(seeded_copy: Path, tmp_path: Path) -> None:
    with sqlite3.connect(seeded_copy) as conn:
        conn.execute("UPDATE metrics SET subject = '=HYPERLINK(\"http://x\")', value = -3.2 WHERE id = 1")
        rows = conn.execute(QUERIES["metrics"]).fetchall()
        names = [d[0] for d in conn.execute(QUERIES["metrics"]).description]
    conn.close()
    expected = io.StringIO()
    writer = csv.writer(expected)
    writer.writerow(names)
    writer.writerows([int(v) if isinstance(v, float) and v.is_integer() else "" if v is None else v for v in row] for row in rows)
    assert export(seeded_copy, "metrics").stdout_bytes == expected.getvalue().encode()
    assert export(seeded_copy, "metrics", "-o", str(tmp_path / "m.csv")).exit_code == 0
    assert (tmp_path / "m.csv").read_bytes() == expected.getvalue().encode()


def test_excel_neutralises_text_and_leaves_numbers(seeded_copy: Path) -> None:
    with sqlite3.connect(seeded_copy) as conn:
        conn.execute("UPDATE metrics SET subject = '=HYPERLINK(\"http://x\")', predicate = '@cmd', value = -3.2 WHERE id = 1")
    conn.close()
    result = export(seeded_copy, "metrics", "--excel")
    assert result.stdout.startswith("\ufeff")
    row = next(r for r in table(result.stdout) if r["metric_id"] == "1")
    assert (row["subject"], row["predicate"], row["value"]) == ("'=HYPERLINK(\"http://x\")", "'@cmd", "-3.2")
    assert row["locality_code"].startswith("'") and row["locality_code"][1:].isdigit()
    plain = next(r for r in table(export(seeded_copy, "metrics").stdout) if r["metric_id"] == "1")
    assert (plain["subject"], plain["predicate"]) == ("=HYPERLINK(\"http://x\")", "@cmd")
    assert plain["locality_code"].isdigit()


def test_where_filters_and_keeps_the_order(seeded: Path) -> None:
    everything = table(export(seeded, "metrics").stdout)
    result = export(seeded, "metrics", "--where", "unit_class = 'people' AND value >= 10")
    assert result.exit_code == 0, result.output
    people = table(result.stdout)
    assert people == [r for r in everything if r["unit_class"] == "people" and float(r["value"]) >= 10]
    assert len(people) > 3
    articles = table(export(seeded, "articles", "--where", "locality_path LIKE '湖南省%'").stdout)
    assert len(articles) == 2 and all(a["locality_path"].startswith("湖南省") for a in articles)


@pytest.mark.parametrize("where", ["nosuchcolumn = 1", "1=1; DELETE FROM metrics", "1=1) UNION SELECT 1 --"])
def test_a_bad_where_is_one_line_and_changes_nothing(seeded_copy: Path, where: str, tmp_path: Path) -> None:
    before = fingerprint(seeded_copy.parent)
    out = tmp_path / "m.csv"
    out.write_text("previous export\n")
    result = export(seeded_copy, "metrics", "--where", where, "-o", str(out))
    assert result.exit_code == 2 and result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.output
    assert fingerprint(seeded_copy.parent) == before
    assert out.read_text() == "previous export\n"  # a failed export leaves the previous file in place
    assert not list(tmp_path.glob("*.partial"))


def test_jsonl_is_one_object_a_line_with_types(seeded: Path, tmp_path: Path) -> None:
    out = tmp_path / "m.jsonl"
    result = export(seeded, "metrics", "--format", "jsonl", "-o", str(out))
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == len(table(export(seeded, "metrics").stdout))
    donation = next(r for r in records if r["span_text"] == "约8万元")
    assert donation["value"] == 80000 and isinstance(donation["char_start"], int)
    assert all(isinstance(r["locality_code"], str) for r in records if r["locality_code"] is not None)
    assert any(r["initiative"] is None for r in records)  # null, not ""


def test_excel_is_csv_only_and_formats_are_checked(seeded: Path) -> None:
    for args in (["--format", "jsonl", "--excel"], ["--format", "xlsx"]):
        result = export(seeded, "metrics", *args)
        assert result.exit_code == 2 and result.stderr.count("\n") == 1


def test_codes_read_as_text_with_the_documented_pandas_call(seeded: Path) -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.read_csv(io.StringIO(export(seeded, "metrics").stdout), dtype={"locality_code": str})
    assert all(isinstance(c, str) and c.isdigit() for c in frame["locality_code"].dropna())
