"""extractor show: the claim, its article and its sentence with the span marked, N sentences around."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.cli import app
from extractor.db.engine import make_engine
from extractor.segment import sentences
from extractor.show import COLOR_ON, claim, render

from .seeded import seeded, seeded_copy  # noqa: F401  (fixtures)

runner = CliRunner()


def show(path: Path, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["show", *args, "--db", f"sqlite:///{path}"])


def metric(path: Path, span: str) -> tuple[int, str, str, str, str]:
    with sqlite3.connect(path) as conn:
        row = conn.execute("SELECT metric_id, title, file, locality_path, sentence FROM metric_facts WHERE span_text = ?",
                           (span,)).fetchone()
    conn.close()
    return row


@pytest.mark.parametrize("span, fields", [
    ("约8万元", ["80000", "approx", "money"]),
    ("25000多人", ["25000", "over", "群众", "去年"]),
])
def test_the_claim_its_article_and_its_sentence(seeded: Path, span: str, fields: list[str]) -> None:
    metric_id, title, file, place, sentence = metric(seeded, span)
    result = show(seeded, str(metric_id))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert f"[{span}]" in out and title in out and file in out and place in out
    for value in fields:
        assert value in out
    marked = next(line for line in out.splitlines() if line.startswith("> "))
    assert marked[2:].replace(f"[{span}]", span) == sentence
    assert "\x1b[" not in out  # no colour when stdout is not a terminal


@pytest.mark.parametrize("around", [0, 1, 2])
def test_context_is_the_sentences_around(seeded: Path, around: int) -> None:
    metric_id, *_ = metric(seeded, "25000多人")
    out = show(seeded, str(metric_id), "--context", str(around)).stdout
    shown = out.split("\n\n", 1)[1].splitlines()
    engine = make_engine(f"sqlite:///{seeded}", read_only=True)
    with engine.connect() as conn:
        body, start = conn.exec_driver_sql(
            "SELECT a.body, m.char_start FROM metrics m JOIN articles a ON a.id = m.article_id WHERE m.id = ?",
            (metric_id,)).one()
    spans = sentences(body)
    hit = next(i for i, (s, e) in enumerate(spans) if s <= start < e)
    expected = [body[s:e] for s, e in spans[max(hit - around, 0):hit + around + 1]]
    assert [line[2:].replace("[", "").replace("]", "") for line in shown] == [t.replace("[", "").replace("]", "") for t in expected]
    assert sum(line.startswith("> ") for line in shown) == 1


def test_colour_marks_the_span_on_a_terminal(seeded: Path) -> None:
    metric_id, *_ = metric(seeded, "约8万元")
    text = render(claim(make_engine(f"sqlite:///{seeded}", read_only=True), metric_id), color=True)
    assert f"{COLOR_ON}约8万元\x1b[0m" in text and "[约8万元]" not in text


def test_flags_and_base_unit_of_the_claim_are_shown(seeded_copy: Path) -> None:
    metric_id, *_ = metric(seeded_copy, "约8万元")
    with sqlite3.connect(seeded_copy) as conn:
        conn.execute("UPDATE metrics SET is_target = 1, is_rate = 0, is_threshold = 0 WHERE id = ?", (metric_id,))
    conn.close()
    lines = show(seeded_copy, str(metric_id)).stdout.splitlines()
    assert [line.split() for line in lines if line.split()[:1] in (["flags"], ["base_unit"])] == [["base_unit", "元"], ["flags", "target"]]


def test_no_such_claim_is_one_line(seeded: Path) -> None:
    result = show(seeded, "999999")
    assert result.exit_code == 2 and result.stderr == "error: no claim with id 999999\n"
