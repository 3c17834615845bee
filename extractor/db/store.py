"""Writing extraction results: one transaction per batch, nothing lost.

Every input gets a row in ingest_log. An article is identified by its content hash, so a
second copy of the same text (or a re-run) adds nothing. A batch is written with a fixed number
of statements whatever its size (one executemany per table), which keeps a remote PostgreSQL
server from costing a round trip per claim. Writers take turns (see Store._writing) and the
unique constraints (INSERT … ON CONFLICT DO NOTHING) keep every article, place and programme once.

The workers send each article as ArticleRows (rows.py): tuples in the tables' column order, with
places as locality keys and programmes by name. The writer gives them their ids and hands the
tuples to the driver as they are (bulk.py): SQLAlchemy's per-row parameter processing cost
more than the database's own work on the big tables (metrics, bands, place mentions).
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, delete, func, select, update

from .. import __version__ as EXTRACTOR_VERSION
from ..records import Item, ReadFailure
from ..rows import ARTICLE_COLUMNS, MENTION_COLUMNS, METRIC_COLUMNS, METRIC_INITIATIVE, METRIC_LOCALITY, ArticleRows, PlaceRow
from . import reposts
from .bulk import bind, insert_rows
from .engine import write_transaction
from .models import Article, ArticleInitiative, IngestLog, Initiative, Locality, Metric, PlaceMention

# Entries of each of the writer's id caches (places, programmes) beyond which it is emptied before
# the next batch: a national crawl names tens of thousands of each, and a batch's rows name every
# place with its ancestors, so an emptied cache costs one batch a look-up of what it names.
ID_CACHE_LIMIT = 8192
STATUSES = ("ingested", "duplicate", "unchanged", "failed", "skipped")
# The columns of ingest_log a row of _log has, in its order (then seen_at, on insert).
_LOG_COLUMNS = ("file", "status", "reason", "article_id", "content_hash", "source_file", "file_size", "file_mtime_ns")


@dataclass(frozen=True, slots=True)
class Outcome:
    file: str
    status: str  # one of STATUSES
    reason: str | None = None
    article_id: int | None = None
    metrics: int = 0


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Store:
    """Writes batches of results; caches the ids of places and programmes."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._locality_ids: dict[str, int] = {}
        self._initiative_ids: dict[str, int] = {}

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        """A write transaction that holds the database's writer lock until it commits.

        Writers take turns, so each reads the ingest log and the articles as the one before it
        left them: two ingests at once neither deadlock nor log a file as a duplicate of itself.
        SQLite gets this from BEGIN IMMEDIATE (engine.py); PostgreSQL from an advisory lock.
        """
        for cache in (self._locality_ids, self._initiative_ids):
            if len(cache) > ID_CACHE_LIMIT:
                cache.clear()
        try:
            with write_transaction(self.engine) as conn:
                yield conn
        except Exception:
            # The transaction rolled back: ids cached during it may name rows that never landed.
            self._locality_ids.clear()
            self._initiative_ids.clear()
            raise

    def stamps(self, source_files: list[str]) -> dict[str, tuple[int | None, int | None, int]]:
        """For files already stored: (size, mtime_ns, inputs logged from it) as last read.

        Failed files are left out, so a re-run reads them again and reports them again."""
        found: dict[str, tuple[int | None, int | None, int]] = {}
        with self.engine.connect() as conn:
            for i in range(0, len(source_files), 500):
                chunk = source_files[i : i + 500]
                rows = conn.execute(
                    select(IngestLog.source_file, IngestLog.file_size, IngestLog.file_mtime_ns, func.count())
                    .where(IngestLog.source_file.in_(chunk), IngestLog.status != "failed")
                    .group_by(IngestLog.source_file, IngestLog.file_size, IngestLog.file_mtime_ns)
                )
                for source, size, mtime, n in rows:
                    found[source] = (size, mtime, n) if source not in found else (None, None, found[source][2] + n)
        return found

    def write_batch(self, items: list[Item]) -> list[Outcome]:
        """Store a batch in one transaction; an Outcome for every item, in order."""
        with self._writing() as conn:
            logged = {
                row.file: row
                for row in conn.execute(
                    select(IngestLog.file, IngestLog.status, IngestLog.reason, IngestLog.content_hash, IngestLog.article_id)
                    .where(IngestLog.file.in_([item.file for item in items]))
                )
            }
            outcomes = self._articles(conn, items, logged)
            self._log(conn, items, outcomes, logged)
        return outcomes

    def log_skipped(self, skipped: list[tuple[str, str]]) -> None:
        """Log files that are no inputs (file, why) as `skipped`, each once however often seen."""
        if not skipped:
            return
        with self._writing() as conn:
            now = bind(conn, IngestLog.__table__.c.seen_at)(_now())
            insert_rows(conn, IngestLog.__table__, ("file", "status", "reason", "source_file", "seen_at"),
                        [(f, "skipped", why, f, now) for f, why in skipped], conflict="file")

    def rewrite_batch(self, records: list[tuple[int, ArticleRows]]) -> None:
        """Replace stored articles' claims, programmes and places with a new extraction of them."""
        with self._writing() as conn:
            ids = [article_id for article_id, _ in records]
            for table in (Metric, ArticleInitiative, PlaceMention):
                conn.execute(delete(table).where(table.article_id.in_(ids)))
            self._ensure_places(conn, [rows for _, rows in records])
            conn.execute(
                update(Article).where(Article.id == bindparam("article_id")).values(
                    locality_id=bindparam("locality_id"), locality_method=bindparam("locality_method"),
                    extractor_version=EXTRACTOR_VERSION),
                [{"article_id": article_id, "locality_id": self._locality_id(rows.locality),
                  "locality_method": rows.locality_method} for article_id, rows in records],
            )
            self._children(conn, records)

    # -- articles -------------------------------------------------------------------------------

    def _articles(self, conn: Connection, items: list[Item], logged: dict[str, Any]) -> list[Outcome]:
        """Decide every item's fate and store the new articles; outcomes in item order."""
        outcomes: list[Outcome | None] = [None] * len(items)
        fresh: dict[str, int] = {}  # content hash → index of the first item that brings it
        for i, item in enumerate(items):
            result, before = item.result, logged.get(item.file)
            if isinstance(result, ReadFailure):
                repeated = before is not None and before.status == "failed" and before.reason == result.reason
                outcomes[i] = Outcome(item.file, "unchanged" if repeated else "failed", result.reason)
            elif before is not None and before.content_hash == result.content_hash and before.article_id is not None:
                outcomes[i] = Outcome(item.file, "unchanged", None, before.article_id)
            else:
                fresh.setdefault(result.content_hash, i)
        stored = self._ids(conn, list(fresh))
        new: dict[int, tuple[str, ArticleRows]] = {}  # item index → (file, rows) to store
        for h, i in fresh.items():
            rows = items[i].result
            if h not in stored and isinstance(rows, ArticleRows):
                new[i] = (items[i].file, rows)
        stored |= self._insert_articles(conn, list(new.values()))
        for i, item in enumerate(items):
            rows = item.result
            if outcomes[i] is None and isinstance(rows, ArticleRows):
                created = i in new
                outcomes[i] = Outcome(item.file, "ingested" if created else "duplicate", rows.warning,
                                      stored[rows.content_hash], len(rows.metrics) if created else 0)
        return [o for o in outcomes if o is not None]

    @staticmethod
    def _ids(conn: Connection, hashes: list[str]) -> dict[str, int]:
        """The ids of the stored articles among these content hashes."""
        return dict(conn.execute(select(Article.content_hash, Article.id).where(Article.content_hash.in_(hashes))).all())

    def _insert_articles(self, conn: Connection, new: list[tuple[str, ArticleRows]]) -> dict[str, int]:
        """Insert new articles with their claims, places, programmes and band keys; hash → id."""
        if not new:
            return {}
        self._ensure_places(conn, [rows for _, rows in new])
        published, now = bind(conn, Article.__table__.c.published), bind(conn, Article.__table__.c.ingested_at)(_now())
        at = ARTICLE_COLUMNS.index("published")
        insert_rows(conn, Article.__table__, ("file", "content_hash", "locality_id", "extractor_version", "ingested_at",
                                              *ARTICLE_COLUMNS),
                    [(file, r.content_hash, self._locality_id(r.locality), EXTRACTOR_VERSION, now, *r.article[:at],
                      published(date.fromisoformat(r.published)) if r.published else None, *r.article[at + 1 :])
                     for file, r in new], conflict="content_hash")
        ids = self._ids(conn, [r.content_hash for _, r in new])
        stored = [(ids[r.content_hash], r) for _, r in new]
        self._children(conn, stored)
        reposts.link(conn, stored)
        return ids

    # -- claims, programmes, places -------------------------------------------------------------

    def _children(self, conn: Connection, records: list[tuple[int, ArticleRows]]) -> None:
        """Insert the metrics, programme links and place mentions of stored articles."""
        kinds: dict[str, str | None] = {}
        for _, rows in records:
            for name, first_kind, _, _ in rows.initiatives:
                if kinds.get(name) is None:
                    kinds[name] = first_kind
        ids = self._initiatives(conn, kinds)
        place = self._locality_id
        links, metrics, mentions = [], [], []
        echoes: list[tuple[int, int]] = []  # (headline metric, body metric it repeats) as rows of metrics
        for article_id, rows in records:
            links += [(article_id, ids[name], kind, n) for name, _, kind, n in rows.initiatives]
            first = len(metrics)
            metrics += [(article_id, *m[:METRIC_LOCALITY], place(m[METRIC_LOCALITY]),
                         ids.get(m[METRIC_INITIATIVE]) if m[METRIC_INITIATIVE] else None, sentence)
                        for m, sentence in zip(rows.metrics, rows.sentences())]
            echoes += [(first + e, first + b) for e, b in rows.echoes]
            mentions += [(article_id, place(key), *rest) for key, *rest in rows.mentions]
        insert_rows(conn, ArticleInitiative.__table__, ("article_id", "initiative_id", "kind", "mentions"), links)
        insert_rows(conn, PlaceMention.__table__, ("article_id", "locality_id", *MENTION_COLUMNS), mentions)
        self._metrics(conn, metrics, echoes)

    @staticmethod
    def _metrics(conn: Connection, rows: list[tuple[Any, ...]], echoes: list[tuple[int, int]]) -> None:
        """Insert metric rows; a headline echo learns its body metric's id once both have one."""
        insert_rows(conn, Metric.__table__, ("article_id", *METRIC_COLUMNS, "locality_id", "initiative_id", "sentence"), rows)
        if not echoes:
            return
        # The writer lock is held, and ids grow in the order rows are inserted (SQLite's rowids and
        # PostgreSQL's sequence alike): an article's metrics in id order are its rows in order.
        articles = sorted({rows[e][0] for pair in echoes for e in pair})
        ids: dict[int, list[int]] = {}
        for article_id, metric_id in conn.execute(
                select(Metric.article_id, Metric.id).where(Metric.article_id.in_(articles)).order_by(Metric.id)):
            ids.setdefault(article_id, []).append(metric_id)
        first = {}  # article id → index of its first row in rows
        for i, row in enumerate(rows):
            first.setdefault(row[0], i)

        def metric_id(i: int) -> int:
            return ids[rows[i][0]][i - first[rows[i][0]]]

        conn.execute(update(Metric).where(Metric.id == bindparam("echo")).values(echo_of_id=bindparam("body")),
                     [{"echo": metric_id(e), "body": metric_id(b)} for e, b in echoes])

    def _initiatives(self, conn: Connection, kinds: dict[str, str | None]) -> dict[str, int]:
        missing = [n for n in kinds if n not in self._initiative_ids]
        for start in range(0, len(missing), 500):
            chunk = missing[start : start + 500]
            insert_rows(conn, Initiative.__table__, ("name", "kind"), [(n, kinds[n]) for n in chunk], conflict="name")
            self._initiative_ids.update(conn.execute(select(Initiative.name, Initiative.id).where(Initiative.name.in_(chunk))).all())
        return {n: self._initiative_ids[n] for n in kinds}

    def _ensure_places(self, conn: Connection, records: list[ArticleRows]) -> None:
        """Make sure every place the records name is a locality row (parents first), in bulk.

        New places are numbered in a fixed order: by depth, then as the batch names them, group by
        group (the articles' localities, then the places of metrics, then the mentions)."""
        wanted: dict[str, PlaceRow] = {}
        for group in range(3):
            for rows in records:
                for place in rows.places[group]:
                    if place[0] not in self._locality_ids:
                        wanted[place[0]] = place
        depths: dict[int, list[PlaceRow]] = {}
        for place in wanted.values():
            depths.setdefault(place[5].count("/"), []).append(place)
        for depth in sorted(depths):  # parents before children
            level = [(key, name, kind, code, path, self._locality_ids[parent] if parent else None)
                     for key, name, kind, code, parent, path in depths[depth]]
            for start in range(0, len(level), 500):
                chunk = level[start : start + 500]
                insert_rows(conn, Locality.__table__, ("key", "name", "level", "code", "path", "parent_id"), chunk,
                            conflict="key")
                self._locality_ids.update(conn.execute(
                    select(Locality.key, Locality.id).where(Locality.key.in_([r[0] for r in chunk]))).all())

    def _locality_id(self, key: str | None) -> int | None:
        """The locality id of a place key (created by _ensure_places)."""
        return self._locality_ids[key] if key else None

    # -- the log --------------------------------------------------------------------------------

    def _log(self, conn: Connection, items: list[Item], outcomes: list[Outcome], logged: dict[str, Any]) -> None:
        """Record what became of every item (an unchanged file keeps its status and reason)."""
        now = bind(conn, IngestLog.__table__.c.seen_at)(_now())
        rows, changed = [], []
        for item, outcome in zip(items, outcomes):
            before = logged.get(item.file)
            kept = outcome.status == "unchanged" and before is not None
            status, reason = (before.status, before.reason) if kept else (outcome.status, outcome.reason)
            result = item.result
            row = (item.file, status, reason, outcome.article_id,
                   result.content_hash if isinstance(result, ArticleRows) else None,
                   item.source_file, item.size, item.mtime_ns)
            if before is None:
                rows.append((*row, now))
            else:
                changed.append(dict(zip(_LOG_COLUMNS, row)))
        insert_rows(conn, IngestLog.__table__, (*_LOG_COLUMNS, "seen_at"), rows, conflict="file")
        if changed:
            values = {k: bindparam(k) for k in _LOG_COLUMNS if k != "file"}
            conn.execute(update(IngestLog).where(IngestLog.file == bindparam("log_file")).values(**values, seen_at=_now()),
                         [{**r, "log_file": r["file"]} for r in changed])
