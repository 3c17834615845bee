"""Ingest: files → extraction (in worker processes) → batched writes by one writer."""
from __future__ import annotations

import multiprocessing
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import Engine, func, select

from .db.models import Article, Initiative, Locality, Metric
from .db.store import Outcome, Store
from .pipeline import extract
from .readers import discover, read
from .records import ArticleRecord, ReadFailure

Result = tuple[str, ArticleRecord | ReadFailure]
BATCH_SIZE = 200
_POOL_THRESHOLD = 40  # fewer files than this are not worth starting worker processes for


@dataclass
class Summary:
    counts: Counter[str] = field(default_factory=Counter)
    new_metrics: int = 0
    failures: list[Outcome] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)

    def add(self, outcome: Outcome) -> None:
        self.counts[outcome.status] += 1
        self.new_metrics += outcome.metrics
        if outcome.status == "failed" or (outcome.status == "unchanged" and outcome.reason):
            self.failures.append(outcome)

    @property
    def seen(self) -> int:
        return sum(self.counts.values())

    @property
    def changed(self) -> bool:
        return bool(self.counts["ingested"] or self.counts["duplicate"] or self.counts["failed"])


def process_path(path: str) -> list[Result]:
    """Read one input and extract every article in it; failures become ReadFailure, never raise."""
    out: list[Result] = []
    for doc in read(path):
        if isinstance(doc, ReadFailure):
            out.append((doc.file, doc))
            continue
        try:
            record = extract(doc.text, doc.meta)
        except Exception as exc:  # one bad article must not cost the rest of the corpus
            out.append((doc.file, ReadFailure(doc.file, f"extraction failed: {type(exc).__name__}: {exc}")))
            continue
        if not record.body.strip():
            out.append((doc.file, ReadFailure(doc.file, "no article text left after removing page boilerplate")))
        else:
            out.append((doc.file, record))
    return out


def _results(files: list[str], workers: int) -> Iterator[list[Result]]:
    if workers <= 1 or len(files) < _POOL_THRESHOLD:
        yield from map(process_path, files)
        return
    # Workers only extract; the parent is the single writer, so SQLite sees one connection.
    with multiprocessing.get_context("spawn" if os.name == "nt" else "fork").Pool(workers) as pool:
        yield from pool.imap(process_path, files, chunksize=8)


def _batches(results: Iterable[list[Result]], size: int) -> Iterator[list[Result]]:
    batch: list[Result] = []
    for items in results:
        batch.extend(items)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


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
) -> Summary:
    """Ingest every article under paths into the database at engine; returns what happened."""
    files = list(discover(paths))
    store = Store(engine)
    summary = Summary()
    done = 0
    for batch in _batches(_results(files, workers or os.cpu_count() or 1), batch_size):
        for outcome in store.write_batch(batch):
            summary.add(outcome)
        done += len({f.split("#", 1)[0] for f, _ in batch})
        if progress:
            progress(min(done, len(files)), len(files))
    summary.totals = totals(engine)
    return summary
