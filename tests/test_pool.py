"""The worker pool keeps its workers busy while the consumer of its results is not reading them,
runs ahead of the consumer by its window only, cannot deadlock on chunks or replies larger than a
pipe holds, and reports a worker that dies while the others work."""
from __future__ import annotations

import os
import time

import pytest

from extractor.pool import WorkerError, Workers


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



def test_a_worker_starts_with_its_lexicons_and_the_rules_frozen() -> None:
    """work.start, each ingest worker's first step: the user's words in force, the gazetteer loaded
    and kept out of the cycle collector's walks (a library call of extract() freezes nothing)."""
    import gc

    from extractor import lexicon, work

    from extractor.pipeline import extract

    extract("三年来发展党员10名。")
    assert gc.get_freeze_count() == 0  # the rules loaded in a caller's process leave its collector alone
    words = {"units": {"people": ["羽"]}}
    try:
        work.start(words)
        assert lexicon.in_force() == words
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        lexicon.use({})
