"""Ingest: files → extraction (in worker processes) → batched writes by one writer.

Files whose size and modification time match the ingest log are not read again, so re-running
over an unchanged corpus costs a stat per file. Extraction runs in a process pool; the parent is
the only writer and writes one transaction per batch, so an interrupted run loses at most the
batch in flight, and the next run picks up what is missing. Ctrl-C stops the workers and rolls
back the batch being written: the summary then says how far the run got.

Files of other types inside a folder (.pdf, .png …) are logged as `skipped`, with the reason.
"""
from __future__ import annotations

import os
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, func, select

from .db.models import Article, Initiative, Locality, Metric
from .db.store import Outcome, Store
from .readers import stamp, survey
from .records import Item

# Articles a transaction (at least: a file's articles are never split). Each commit rewrites every
# index page its inserts touch, and the band and subject keys fall all over their indexes, so that
# cost per article grows with the database and falls with the batch (writer CPU at 12,000
# articles: 1.13 ms an article with 200, 0.85 with 500).
BATCH_SIZE = 500
CHUNKSIZE = 8  # files a worker is sent at a time
_POOL_THRESHOLD = 40  # fewer files than this are not worth starting worker processes for


@dataclass
class Summary:
    counts: Counter[str] = field(default_factory=Counter)
    new_metrics: int = 0
    failures: list[Outcome] = field(default_factory=list)
    notes: list[Outcome] = field(default_factory=list)  # stored, with something to check (the log's reason)
    totals: dict[str, int] = field(default_factory=dict)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, why) not read: not inputs
    interrupted: bool = False  # by Ctrl-C: the batch in flight was rolled back

    def add(self, outcome: Outcome) -> None:
        self.counts[outcome.status] += 1
        self.new_metrics += outcome.metrics
        if outcome.reason:
            (self.notes if outcome.status in ("ingested", "duplicate") else self.failures).append(outcome)

    @property
    def seen(self) -> int:
        return sum(self.counts.values())

    @property
    def changed(self) -> bool:
        return bool(self.counts["ingested"] or self.counts["duplicate"] or self.counts["failed"])


def parse_shard(spec: str) -> tuple[int, int]:
    """'2/4' → (2, 4): this process takes the second of four stable parts of the inputs."""
    try:
        k, n = (int(x) for x in spec.split("/"))
    except ValueError:
        raise ValueError(f"--shard takes K/N with whole numbers, e.g. 1/4 (got {spec!r})") from None
    if not 1 <= k <= n:
        raise ValueError(f"--shard K/N needs 1 <= K <= N (got {spec!r})")
    return k, n


def in_shard(path: str, shard: tuple[int, int] | None) -> bool:
    """Stable across runs and machines: by a checksum of the path as given."""
    if shard is None:
        return True
    k, n = shard
    return zlib.crc32(path.encode("utf-8")) % n == k - 1


@contextmanager
def _results(files: list[str], workers: int, lexicons: dict[str, Any], batch_size: int) -> Iterator[Iterable[list[Item]]]:
    """Each file's items, in file order, extracted here or by worker processes (stopped on leaving)."""
    if not files:  # all unchanged: the extraction side is not even imported
        yield ()
        return
    from . import lexicon, work
    from .pool import Workers

    if workers <= 1 or len(files) < _POOL_THRESHOLD:
        with lexicon.using(lexicons):
            yield map(work.process_path, files)
        return
    # The workers run up to two batches ahead of the writer (the next batch is done while it writes
    # one, with room to spare for slow files), and each has two chunks more in the works.
    window = 2 * batch_size // CHUNKSIZE + 2 * workers
    # The workers import the module of process_path (work.py), not this one: this one would bring
    # SQLAlchemy and the models into each of them (35 MB of RSS a worker).
    with Workers(workers, work.process_path, work.start, lexicons) as pool:
        yield pool.imap(files, CHUNKSIZE, window)


def _batches(results: Iterable[list[Item]], size: int) -> Iterator[tuple[int, list[Item]]]:
    """(files, their items) in batches of at least size items; a file's items are never split.
    The last batch may have no items: files that gave none still count as done."""
    batch: list[Item] = []
    files = 0
    for items in results:
        batch.extend(items)
        files += 1
        if len(batch) >= size:
            yield files, batch
            batch, files = [], 0
    if files:
        yield files, batch


def totals(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            name: conn.scalar(select(func.count()).select_from(model)) or 0
            for name, model in (("articles", Article), ("metrics", Metric), ("initiatives", Initiative), ("localities", Locality))
        }


def ingest(
    paths: Iterable[str],
    engine: Engine,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    batch_size: int = BATCH_SIZE,
    shard: tuple[int, int] | None = None,
    lexicons: dict[str, Any] | None = None,
    runner: Callable[[list[str]], Iterable[list[Item]]] | None = None,
) -> Summary:
    """Ingest every article under paths into the database at engine; returns what happened.

    lexicons: lexicons to extract with in place of the shipped ones (a UserLexicon's tables).
    runner: each file's items, in file order, extracted elsewhere (dask_runner.results on a
    cluster); by default this machine's worker processes.
    Ctrl-C (KeyboardInterrupt) ends the run early with summary.interrupted set; it does not raise.
    """
    # A file is known by its resolved path, in ingest_log and articles.file alike: seeds/x.txt,
    # ./seeds/x.txt and its absolute path are one input, whatever the working directory.
    # Each input is held once, as the path it resolves to (a crawl of millions of files is
    # hundreds of MB of paths held twice or as tuples).
    files: list[str] = []
    summary = Summary()
    for f, real, why in survey(paths):
        if not in_shard(f, shard):
            continue
        if why is None:
            files.append(real)
        elif not _is_database(real, engine):
            summary.skipped.append((real, why))
    store = Store(engine)
    known = store.stamps(files)
    todo = []
    for f in files:
        size, mtime, logged = known.get(f, (None, None, 0))
        if size is not None and (size, mtime) == stamp(f):
            summary.counts["unchanged"] += logged
        else:
            todo.append(f)
    done = len(files) - len(todo)
    try:
        store.log_skipped(summary.skipped)
        extracted = nullcontext(runner(todo)) if runner else _results(todo, workers or os.cpu_count() or 1, lexicons or {}, batch_size)
        with extracted as results:
            for files_done, batch in _batches(results, batch_size):
                if batch:  # else files that gave no items: nothing to write, but done
                    for outcome in store.write_batch(batch):  # one transaction: all of the batch or none
                        summary.add(outcome)
                done += files_done
                if progress:
                    progress(min(done, len(files)), len(files))
    except KeyboardInterrupt:
        summary.interrupted = True
    summary.totals = totals(engine)
    return summary


def _is_database(path: str, engine: Engine) -> bool:
    """Whether path is the SQLite database being written (or its journal), found in an input folder."""
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        return False
    real = os.path.realpath(path)
    return any(real == os.path.realpath(database + suffix) for suffix in ("", "-journal", "-wal", "-shm"))
