"""Stopping an ingest: Ctrl-C stops the workers quietly, rolls back the batch in flight, prints the
summary so far and exits 130; kill -9 leaves no worker, traceback or leaked semaphore behind; and
a re-run completes, with every file logged exactly once."""
from __future__ import annotations

import contextlib
import math
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from extractor.db.engine import make_engine
from extractor.db.migrate import upgrade
from extractor.db.store import Store
from extractor.ingest import BATCH_SIZE, ingest
from extractor.pool import WorkerError, Workers

from .conftest import SEEDS

EXE = str(Path(sys.executable).parent / "extractor")
VARIANTS = 4 * BATCH_SIZE // 5  # per seed: 5 × VARIANTS distinct articles, four batches
# A figure in digits before a counting word: shifting it changes the body, not dates or numbers of URLs.
FIGURE = re.compile(r"(?<![\d.:/+-])(\d+)(?=[个個名人户戶项項场場次余多万元%])")
QUIET = ("Traceback", "leaked semaphore", "resource_tracker", "BrokenPipe")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    root = tmp_path_factory.mktemp("many")
    files = []
    for seed in sorted(SEEDS.glob("*.txt")):
        original = seed.read_text(encoding="utf-8")
        for k in range(VARIANTS):
            path = root / f"{seed.stem}_{k:03d}.txt"
            path.write_text(FIGURE.sub(lambda m, k=k: str(int(m.group(1)) + k), original), encoding="utf-8")
            files.append(str(path))
    return sorted(files)


def _logged(db: Path) -> int:
    try:
        with contextlib.closing(sqlite3.connect(db, timeout=0)) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM ingest_log").fetchone()[0])
    except sqlite3.Error:  # no table yet, or locked for a moment
        return 0


def _log(db: Path) -> list[tuple[str, int]]:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return conn.execute("SELECT file, COUNT(*) FROM ingest_log GROUP BY file").fetchall()


def _start(db: Path, corpus: list[str]) -> subprocess.Popen[str]:
    # A session of its own: the signal goes to the whole process group, as Ctrl-C in a terminal does.
    return subprocess.Popen([EXE, "ingest", str(Path(corpus[0]).parent), "--db", f"sqlite:///{db}", "--workers", "2"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def _after_first_batch(proc: subprocess.Popen[str], db: Path) -> None:
    deadline = time.monotonic() + 90
    while _logged(db) == 0:
        assert proc.poll() is None, f"ingest ended before its first batch was seen: {proc.communicate()[1]}"
        assert time.monotonic() < deadline, "no batch committed in 90 s"
        time.sleep(0.02)


def _finish_rerun(db: Path, corpus: list[str]) -> str:
    rerun = subprocess.run([EXE, "ingest", str(Path(corpus[0]).parent), "--db", f"sqlite:///{db}", "--workers", "2"],
                           stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=180)
    assert rerun.returncode == 0, rerun.stderr
    assert not [w for w in QUIET if w in rerun.stderr], rerun.stderr
    assert sorted(_log(db)) == [(f, 1) for f in corpus]  # every file logged, exactly once
    return rerun.stderr


def test_ctrl_c_stops_quietly_with_the_summary_so_far(tmp_path: Path, corpus: list[str]) -> None:
    db = tmp_path / "ctrl_c.db"
    proc = _start(db, corpus)
    try:
        _after_first_batch(proc, db)
        os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=60)  # returns once every process holding stderr has ended
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 130, err
    assert not [w for w in QUIET if w in err], err
    assert re.search(r"^inputs: \d+  ingested: \d+", err, re.M), err
    assert "interrupted" in err and "re-run to complete" in err
    logged = _logged(db)
    assert 0 < logged < len(corpus) and logged % BATCH_SIZE == 0, f"{logged} files logged: not whole batches"
    assert f"unchanged: {logged}" in _finish_rerun(db, corpus)


def test_kill_9_leaves_no_worker_traceback_or_leaked_semaphore(tmp_path: Path, corpus: list[str]) -> None:
    db = tmp_path / "kill_9.db"
    proc = _start(db, corpus)
    try:
        _after_first_batch(proc, db)
        proc.send_signal(signal.SIGKILL)  # the parent only: its workers must notice and end by themselves
        _, err = proc.communicate(timeout=60)  # every worker and the resource tracker ended
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert not [w for w in QUIET if w in err], err
    _finish_rerun(db, corpus)


# --- in one process: where the interrupt falls ----------------------------------------------


def _few(tmp_path: Path, n: int) -> list[str]:
    files = []
    for i in range(n):
        path = tmp_path / f"{i:02d}.txt"
        path.write_text(f"某某镇:党建引领\n时间:2024-07-16 来源:某某先锋\n今年以来,某某镇开展宣讲{i + 10}场次,"
                        "惠及群众2500多人,发展党员10名,全镇党员干部积极参与,基层党组织的凝聚力进一步增强。",
                        encoding="utf-8")
        files.append(str(path))
    return files


def _engine(tmp_path: Path):  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite:///{tmp_path / 'one.db'}")
    upgrade(engine)
    return engine


def test_interrupt_while_extracting_keeps_whole_batches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = _few(tmp_path, 10)
    engine = _engine(tmp_path)
    from extractor import work

    real, calls = work.process_path, []

    def ctrl_c_at_the_seventh(path: str):  # type: ignore[no-untyped-def]
        calls.append(path)
        if len(calls) == 7:
            raise KeyboardInterrupt
        return real(path)

    monkeypatch.setattr(work, "process_path", ctrl_c_at_the_seventh)
    summary = ingest(files, engine, workers=1, batch_size=3)
    assert summary.interrupted and summary.counts == {"ingested": 6}
    assert summary.totals["articles"] == 6
    monkeypatch.undo()
    again = ingest(files, engine, workers=1, batch_size=3)
    assert not again.interrupted and again.counts == {"unchanged": 6, "ingested": 4}


def test_interrupt_while_writing_rolls_the_batch_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = _few(tmp_path, 6)
    engine = _engine(tmp_path)
    real, calls = Store._log, []

    def ctrl_c_in_the_second_batch(self, *args):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 2:  # its articles and claims are written, its log rows not yet
            raise KeyboardInterrupt
        return real(self, *args)

    monkeypatch.setattr(Store, "_log", ctrl_c_in_the_second_batch)
    summary = ingest(files, engine, workers=1, batch_size=3)
    assert summary.interrupted and summary.counts == {"ingested": 3}
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT COUNT(*) FROM articles")) == 3
        assert conn.scalar(text("SELECT COUNT(*) FROM ingest_log")) == 3
        assert conn.scalar(text("SELECT COUNT(DISTINCT article_id) FROM metrics")) == 3


# --- the worker pool --------------------------------------------------------------------------


def test_pool_keeps_the_order_of_its_inputs() -> None:
    with Workers(2, abs) as pool:
        assert list(pool.imap(range(0, -500, -1), chunksize=7)) == list(range(500))
        assert list(pool.imap([])) == []


def test_pool_reports_a_failing_worker_in_one_line() -> None:
    with pytest.raises(WorkerError, match="^an extraction worker failed: ValueError: math domain error$"):
        with Workers(2, math.sqrt) as pool:
            list(pool.imap([4.0, -1.0, 9.0]))


def test_pool_reports_a_dead_worker() -> None:
    with pytest.raises(WorkerError, match=r"an extraction worker died \(exit code 3\)"):
        with Workers(1, os._exit) as pool:
            list(pool.imap([3]))


def test_ctrl_c_during_reextract_exits_130_with_what_was_done(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from extractor.cli import app

    files = _few(tmp_path, 3)
    url = f"sqlite:///{tmp_path / 'one.db'}"
    assert CliRunner().invoke(app, ["ingest", *files, "--db", url]).exit_code == 0

    def ctrl_c(self, records):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    monkeypatch.setattr(Store, "rewrite_batch", ctrl_c)
    result = CliRunner().invoke(app, ["reextract", "--all", "--db", url, "--workers", "1"])
    assert result.exit_code == 130
    assert "re-extracted 0 articles" in result.output and "interrupted" in result.output
    assert "Traceback" not in result.output
