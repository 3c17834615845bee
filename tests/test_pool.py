"""The worker pool keeps its workers busy while the consumer of its results is not reading them,
runs ahead of the consumer by its window only, cannot deadlock on chunks or replies larger than a
pipe holds, and its workers, forked with the shipped rules built, still take a user's lexicon."""
from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from extractor.pool import WorkerError, Workers

from .test_userlexicon import ARTICLE, MY_TOML

EXE = str(Path(sys.executable).parent / "extractor")


def _finished_at(seconds: float) -> float:
    """Work for `seconds`, then say when it was done (CLOCK_MONOTONIC: one clock for every process)."""
    time.sleep(seconds)
    return time.monotonic()


def test_workers_keep_working_while_the_consumer_is_busy() -> None:
    with Workers(2, _finished_at) as pool:
        results = pool.imap([0.05] * 24, chunksize=1, window=30)
        next(results)
        time.sleep(2.0)  # the consumer writing a batch: 23 × 0.05 s of work fit in it twice over
        woke = time.monotonic()
        rest = list(results)
    assert len(rest) == 23 and all(t < woke for t in rest)


def test_workers_run_ahead_of_the_consumer_by_the_window_only() -> None:
    with Workers(2, _finished_at) as pool:
        results = pool.imap([0.01] * 40, chunksize=1, window=6)
        next(results)  # chunk 0 taken: chunks 1 to 6 may be sent, no more
        time.sleep(1.0)
        woke = time.monotonic()
        rest = list(results)
    assert len(rest) == 39 and sum(t < woke for t in rest) == 6


def test_chunks_and_replies_larger_than_a_pipe_holds() -> None:
    texts = [f"{i}" + "x" * 2**20 for i in range(12)]  # a megabyte each: several fill a pipe's buffer
    with Workers(2, str.upper) as pool:
        assert list(pool.imap(texts, chunksize=2, window=6)) == [t.upper() for t in texts]
        assert list(pool.imap(["a", "b"])) == ["A", "B"]  # and the pool serves the next imap


def _exit_on_zero(x: int) -> int:
    if x == 0:
        os._exit(3)
    time.sleep(0.02)
    return x


def test_a_worker_dying_while_others_work_is_reported() -> None:
    with pytest.raises(WorkerError, match=r"died \(exit code 3\)"), Workers(2, _exit_on_zero) as pool:
        list(pool.imap([*range(1, 20), 0, *range(20, 60)], chunksize=2, window=10))


def test_workers_forked_with_the_shipped_rules_built_take_my_lexicon(tmp_path: Path) -> None:
    """The forkserver builds the rules from the shipped lexicons before it forks the workers (in a
    fresh process, as every `extractor ingest` is): a user's lexicon must still be the one in force."""
    (tmp_path / "my.toml").write_text(MY_TOML, encoding="utf-8")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(48):  # enough for a worker pool to start
        (corpus / f"{i}.txt").write_text(ARTICLE.format(n=i + 1), encoding="utf-8")
    counts = {}
    for name, extra in (("mine", ["--lexicon", str(tmp_path / "my.toml")]), ("shipped", [])):
        db = tmp_path / f"{name}.db"
        run = subprocess.run([EXE, "ingest", str(corpus), "--db", f"sqlite:///{db}", "--workers", "2", *extra],
                             capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stderr
        with contextlib.closing(sqlite3.connect(db)) as conn:
            counts[name] = conn.execute("SELECT COUNT(*) FROM metrics WHERE unit = '羽'").fetchone()[0]
    assert counts == {"mine": 48, "shipped": 0}
