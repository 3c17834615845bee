"""extractor stats: every number equals the count SQL gives directly."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from extractor.cli import app

from .seeded import db_rows, seeded, seeded_copy  # noqa: F401  (fixtures)

runner = CliRunner()


def stats(path: Path) -> dict:
    result = runner.invoke(app, ["stats", "--json", "--db", f"sqlite:///{path}"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_numbers_are_the_database_counts(seeded: Path) -> None:
    s = stats(seeded)
    assert s["articles"] == db_rows(seeded, "SELECT COUNT(*) FROM articles")[0][0] == 5
    assert s["claims"] == db_rows(seeded, "SELECT COUNT(*) FROM metric_facts")[0][0]
    assert s["mentions"] == db_rows(seeded, "SELECT COUNT(*) FROM metrics")[0][0]
    assert s["by_unit_class"] == dict(db_rows(seeded, "SELECT unit_class, COUNT(*) FROM metric_facts GROUP BY 1"))
    assert s["by_qualifier"] == dict(db_rows(seeded, "SELECT qualifier, COUNT(*) FROM metric_facts GROUP BY 1"))
    assert s["by_year"] == dict(db_rows(seeded, "SELECT substr(published, 1, 4), COUNT(*) FROM metric_facts GROUP BY 1"))
    assert list(s["by_unit_class"].values()) == sorted(s["by_unit_class"].values(), reverse=True)
    subjects = dict(db_rows(seeded, "SELECT subject, COUNT(*) FROM metric_facts WHERE subject IS NOT NULL GROUP BY 1"))
    assert all(subjects[k] == v for k, v in s["top_subjects"].items()) and len(s["top_subjects"]) == 10
    assert max(subjects.values()) == next(iter(s["top_subjects"].values()))
    places = dict(db_rows(seeded, "SELECT locality_path, COUNT(*) FROM metric_facts GROUP BY 1"))
    assert s["top_places"] == {k: v for k, v in places.items() if k}
    programmes = dict(db_rows(seeded, "SELECT name, articles FROM initiative_summary"))
    assert all(programmes[k] == v for k, v in s["top_programmes"].items())
    assert (s["without_title"], s["without_date"], s["without_place"], s["reposts"]) == (0, 0, 0, 0)


def test_articles_lacking_a_title_date_or_place(seeded_copy: Path) -> None:
    with sqlite3.connect(seeded_copy) as conn:
        conn.execute("UPDATE articles SET title = NULL WHERE id = 1")
        conn.execute("UPDATE articles SET published = NULL, locality_id = NULL WHERE id IN (2, 3)")
    conn.close()
    s = stats(seeded_copy)
    assert (s["without_title"], s["without_date"], s["without_place"]) == (1, 2, 2)
    undated = db_rows(seeded_copy, "SELECT COUNT(*) FROM metric_facts WHERE published IS NULL")[0][0]
    assert s["by_year"]["no date"] == undated > 0


def test_text_report(seeded: Path) -> None:
    result = runner.invoke(app, ["stats", "--db", f"sqlite:///{seeded}"])
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("articles  5 (0 reposts)")
    for heading in ("claims by unit class", "claims by qualifier", "claims by year", "subjects", "places", "programmes"):
        assert heading in out


def test_postgresql_stats_show_and_filtered_export(pg_url: str) -> None:
    from .conftest import SEEDS

    assert runner.invoke(app, ["ingest", str(SEEDS / "000_e78e95ea709d0ece.txt"), "--db", pg_url, "--workers", "1"]).exit_code == 0
    result = runner.invoke(app, ["stats", "--json", "--db", pg_url])
    assert result.exit_code == 0, result.output
    s = json.loads(result.stdout)
    assert s["articles"] == 1 and s["by_year"] == {"2022": s["claims"]} and s["claims"] > 0
    shown = runner.invoke(app, ["show", "1", "--db", pg_url])
    assert shown.exit_code == 0 and "[" in shown.stdout, shown.output
    people = runner.invoke(app, ["export", "metrics", "--where", "unit_class = 'people'", "--format", "jsonl", "--db", pg_url])
    assert people.exit_code == 0 and {json.loads(line)["unit_class"] for line in people.stdout.splitlines()} == {"people"}
