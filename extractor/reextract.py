"""Re-extraction from stored bodies: after the rules change, bring every article up to date
without the original files (the article's cleaned body and metadata are in the database).

Each batch is rewritten in one transaction: Ctrl-C rolls back the batch in flight, and a re-run
(of outdated articles, the default) goes on from there."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from sqlalchemy import Engine, func, select

from . import lexicon, work
from .db.models import Article
from .db.store import Store
from . import __version__ as EXTRACTOR_VERSION
from .pipeline import reanalyse
from .pool import Workers
from .records import ArticleMeta, CleanText
from .rows import ArticleRows, article_rows

BATCH_SIZE = 200

Row = tuple[int, str, ArticleMeta, CleanText]


def _rows(engine: Engine, only_outdated: bool) -> Iterator[list[Row]]:
    """Stored articles in id order, a batch at a time (keyset paging: memory stays flat)."""
    last = 0
    while True:
        t = Article.__table__.c
        query = (select(t.id, t.body, t.title, t.published, t.source, t.publisher, t.author, t.url, t.script,
                        t.converted, t.pinyin_stripped, t.garbled)
                 .where(t.id > last).order_by(t.id).limit(BATCH_SIZE))
        if only_outdated:
            query = query.where(Article.extractor_version != EXTRACTOR_VERSION)
        with engine.connect() as conn:
            batch = [
                (a.id, a.body,
                 ArticleMeta(a.title, a.published.isoformat() if a.published else None, a.source, a.publisher, a.author, a.url),
                 CleanText(a.body, a.title, [], a.script, a.converted, a.pinyin_stripped, a.garbled))
                for a in conn.execute(query)
            ]
        if not batch:
            return
        yield batch
        last = batch[-1][0]


def _reanalyse(row: Row) -> tuple[int, ArticleRows]:
    article_id, body, meta, flags = row
    return article_id, article_rows(reanalyse(body, meta, flags))


def count(engine: Engine, only_outdated: bool) -> int:
    query = select(func.count()).select_from(Article)
    if only_outdated:
        query = query.where(Article.extractor_version != EXTRACTOR_VERSION)
    with engine.connect() as conn:
        return conn.scalar(query) or 0


def _pool(workers: int, tables: dict[str, Any]) -> AbstractContextManager[Workers[Row, tuple[int, ArticleRows]] | None]:
    return Workers(workers, _reanalyse, work.start, tables) if workers > 1 else nullcontext()


def reextract(engine: Engine, workers: int = 1, only_outdated: bool = True,
              progress: Callable[[int, int], None] | None = None,
              lexicons: dict[str, Any] | None = None) -> int:
    """Re-run extraction on stored articles (by default those of an older extractor version),
    with `lexicons` in place of the shipped ones if given. On Ctrl-C the workers are stopped and
    the batch being rewritten rolled back before KeyboardInterrupt goes on up."""
    store = Store(engine)
    total, done = count(engine, only_outdated), 0
    tables = lexicons or {}
    with lexicon.using(tables), _pool(workers, tables) as pool:
        for batch in _rows(engine, only_outdated):
            results = list(pool.imap(batch) if pool else map(_reanalyse, batch))
            store.rewrite_batch(results)
            done += len(results)
            if progress:
                progress(done, total)
    return done
