"""Writing extraction results: one transaction per batch, nothing lost.

Every input gets a row in ingest_log. An article is identified by its content hash, so a
second copy of the same text (or a re-run) adds nothing. A batch is written with a fixed number
of statements whatever its size (one executemany per table), which keeps a remote PostgreSQL
server from costing a round trip per claim. Writers take turns (see Store._writing) and the
unique constraints (INSERT … ON CONFLICT DO NOTHING) keep every article, place and programme once.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import Connection, Engine, Table, bindparam, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from .. import __version__ as EXTRACTOR_VERSION
from .. import dedupe
from ..records import ArticleRecord, Item, Place, ReadFailure
from . import reposts
from .engine import write_transaction
from .models import Article, ArticleBand, ArticleInitiative, IngestLog, Initiative, Locality, Metric, PlaceMention

STATUSES = ("ingested", "duplicate", "unchanged", "failed", "skipped")


@dataclass(frozen=True, slots=True)
class Outcome:
    file: str
    status: str  # one of STATUSES
    reason: str | None = None
    article_id: int | None = None
    metrics: int = 0


def _insert_ignore(conn: Connection, table: Table, rows: list[dict[str, Any]], key: str) -> None:
    """Insert rows, skipping those whose `key` already exists (portable ON CONFLICT DO NOTHING)."""
    if not rows:
        return
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(dialect.insert(table).on_conflict_do_nothing(index_elements=[key]), rows)


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
        rows = [{"file": f, "status": "skipped", "reason": why, "source_file": f, "seen_at": _now()} for f, why in skipped]
        if not rows:
            return
        with self._writing() as conn:
            for start in range(0, len(rows), 500):
                _insert_ignore(conn, IngestLog.__table__, rows[start : start + 500], "file")

    def rewrite_batch(self, records: list[tuple[int, ArticleRecord]]) -> None:
        """Replace stored articles' claims, programmes and places with a new extraction of them."""
        with self._writing() as conn:
            ids = [article_id for article_id, _ in records]
            for table in (Metric, ArticleInitiative, PlaceMention):
                conn.execute(delete(table).where(table.article_id.in_(ids)))
            self._ensure_places(conn, [rec for _, rec in records])
            conn.execute(
                update(Article).where(Article.id == bindparam("article_id")).values(
                    locality_id=bindparam("locality_id"), locality_method=bindparam("locality_method"),
                    extractor_version=EXTRACTOR_VERSION),
                [{"article_id": article_id, "locality_id": self._place_id(rec.locality_path),
                  "locality_method": rec.locality_method} for article_id, rec in records],
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
        stored = dict(conn.execute(select(Article.content_hash, Article.id).where(Article.content_hash.in_(list(fresh)))).all())
        new: dict[int, tuple[str, ArticleRecord]] = {}  # item index → (file, record) to store
        for h, i in fresh.items():
            record = items[i].result
            if h not in stored and isinstance(record, ArticleRecord):
                new[i] = (items[i].file, record)
        stored |= self._insert_articles(conn, list(new.values()))
        for i, item in enumerate(items):
            record = item.result
            if outcomes[i] is None and isinstance(record, ArticleRecord):
                created = i in new
                outcomes[i] = Outcome(item.file, "ingested" if created else "duplicate", record.warning,
                                      stored[record.content_hash], len(record.metrics) if created else 0)
        return [o for o in outcomes if o is not None]

    def _insert_articles(self, conn: Connection, new: list[tuple[str, ArticleRecord]]) -> dict[str, int]:
        """Insert new articles with their claims, places, programmes and band keys; hash → id."""
        if not new:
            return {}
        records = [record for _, record in new]
        self._ensure_places(conn, records)
        rows = [self._article_row(file, record) for file, record in new]
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        stmt = dialect.insert(Article.__table__).on_conflict_do_nothing(index_elements=["content_hash"])
        ids = dict(conn.execute(stmt.returning(Article.content_hash, Article.id), rows).all())
        stored = [(ids[r.content_hash], r) for r in records]
        self._children(conn, stored)
        bands = [{"article_id": i, "band": b, "hash": h} for i, r in stored if r.minhash for b, h in enumerate(dedupe.bands(r.minhash))]
        if bands:
            conn.execute(ArticleBand.__table__.insert(), bands)
        reposts.link(conn, stored)
        return ids

    def _article_row(self, file: str, rec: ArticleRecord) -> dict[str, Any]:
        meta = rec.meta
        return {
            "file": file,
            "content_hash": rec.content_hash,
            "title": meta.title,
            "published": date.fromisoformat(meta.published) if meta.published else None,
            "source": meta.source,
            "publisher": meta.publisher,
            "author": meta.author,
            "url": meta.url,
            "locality_id": self._place_id(rec.locality_path),
            "locality_method": rec.locality_method,
            "canonical_id": None,  # until reposts.link groups it
            "similarity": None,
            "minhash": rec.minhash or None,
            "body": rec.body,
            "script": rec.script,
            "pinyin_stripped": rec.pinyin_stripped,
            "converted": rec.converted,
            "garbled": rec.garbled,
            "extractor_version": EXTRACTOR_VERSION,
            "ingested_at": _now(),
        }

    # -- claims, programmes, places -------------------------------------------------------------

    def _children(self, conn: Connection, records: list[tuple[int, ArticleRecord]]) -> None:
        """Insert the metrics, programme links and place mentions of stored articles."""
        kinds: dict[str, str | None] = {}
        for _, rec in records:
            for i in rec.initiatives:
                if kinds.get(i.name) is None:
                    kinds[i.name] = i.kind
        ids = self._initiatives(conn, kinds)
        links, metrics, mentions = [], [], []
        echoes: list[tuple[int, int]] = []  # (headline metric, body metric it repeats) as rows of metrics
        for article_id, rec in records:
            counts = Counter(i.name for i in rec.initiatives)
            named = {i.name: i.kind for i in rec.initiatives if i.kind}
            links += [{"article_id": article_id, "initiative_id": ids[n], "kind": named.get(n), "mentions": c}
                      for n, c in counts.items()]
            metrics += [
                {
                    "article_id": article_id,
                    "value": m.value,
                    "unit": m.unit,
                    "unit_class": m.unit_class,
                    "qualifier": m.qualifier,
                    "subject": m.subject,
                    "predicate": m.predicate,
                    "period": m.period,
                    "locality_id": self._place_id(rec.place_paths.get(m.locality, [])) if m.locality else None,
                    "initiative_id": ids.get(m.initiative) if m.initiative else None,
                    "span_text": m.span_text,
                    "char_start": m.char_start,
                    "char_end": m.char_end,
                    "sentence": m.sentence,
                    "base_value": m.base_value,
                    "base_unit": m.base_unit,
                    "is_rate": m.is_rate,
                    "is_target": m.is_target,
                    "is_threshold": m.is_threshold,
                }
                for m in rec.metrics
            ]
            first = len(metrics) - len(rec.metrics)
            echoes += [(first + i, first + m.echo_of) for i, m in enumerate(rec.metrics) if m.echo_of is not None]
            mentions += [
                {"article_id": article_id, "locality_id": self._place_id(list(pm.path)), "text": pm.text,
                 "char_start": pm.char_start, "char_end": pm.char_end, "method": pm.method}
                for pm in rec.place_mentions
            ]
        for table, rows in ((ArticleInitiative, links), (PlaceMention, mentions)):
            if rows:
                conn.execute(table.__table__.insert(), rows)
        self._metrics(conn, metrics, echoes)

    @staticmethod
    def _metrics(conn: Connection, rows: list[dict[str, Any]], echoes: list[tuple[int, int]]) -> None:
        """Insert metric rows; a headline echo learns its body metric's id once both have one."""
        if not rows:
            return
        if not echoes:
            conn.execute(Metric.__table__.insert(), rows)
            return
        ids = conn.execute(Metric.__table__.insert().returning(Metric.id, sort_by_parameter_order=True), rows).scalars().all()
        conn.execute(update(Metric).where(Metric.id == bindparam("echo")).values(echo_of_id=bindparam("body")),
                     [{"echo": ids[e], "body": ids[b]} for e, b in echoes])

    def _initiatives(self, conn: Connection, kinds: dict[str, str | None]) -> dict[str, int]:
        missing = [n for n in kinds if n not in self._initiative_ids]
        for start in range(0, len(missing), 500):
            chunk = missing[start : start + 500]
            _insert_ignore(conn, Initiative.__table__, [{"name": n, "kind": kinds[n]} for n in chunk], "name")
            self._initiative_ids.update(conn.execute(select(Initiative.name, Initiative.id).where(Initiative.name.in_(chunk))).all())
        return {n: self._initiative_ids[n] for n in kinds}

    @staticmethod
    def _keys(path: list[Place] | tuple[Place, ...]) -> list[str]:
        """The locality key of each place on a path: its code, else name@parent key."""
        keys: list[str] = []
        for place in path:
            keys.append(place.code or f"{place.name}@{keys[-1] if keys else ''}")
        return keys

    def _ensure_places(self, conn: Connection, records: list[ArticleRecord]) -> None:
        """Make sure every place the records name is a locality row (parents first), in bulk."""
        paths = [rec.locality_path for rec in records]
        paths += [p for rec in records for p in rec.place_paths.values()]
        paths += [list(pm.path) for rec in records for pm in rec.place_mentions]
        wanted: dict[str, tuple[Place, str | None, str]] = {}  # key → (place, parent key, path)
        for path in paths:
            keys = self._keys(path)
            for depth, (place, key) in enumerate(zip(path, keys)):
                if key not in self._locality_ids:
                    wanted[key] = (place, keys[depth - 1] if depth else None, "/".join(p.name for p in path[: depth + 1]))
        for depth in sorted({w[2].count("/") for w in wanted.values()}):  # parents before children
            level = {k: w for k, w in wanted.items() if w[2].count("/") == depth}
            rows = [{"key": k, "name": p.name, "level": p.level, "code": p.code, "path": path,
                     "parent_id": self._locality_ids[parent] if parent else None} for k, (p, parent, path) in level.items()]
            for start in range(0, len(rows), 500):
                chunk = rows[start : start + 500]
                _insert_ignore(conn, Locality.__table__, chunk, "key")
                self._locality_ids.update(conn.execute(
                    select(Locality.key, Locality.id).where(Locality.key.in_([r["key"] for r in chunk]))).all())

    def _place_id(self, path: list[Place] | tuple[Place, ...]) -> int | None:
        """The locality id of the last place on a path (created by _ensure_places)."""
        return self._locality_ids[self._keys(path)[-1]] if path else None

    # -- the log --------------------------------------------------------------------------------

    def _log(self, conn: Connection, items: list[Item], outcomes: list[Outcome], logged: dict[str, Any]) -> None:
        """Record what became of every item (an unchanged file keeps its status and reason)."""
        rows = []
        for item, outcome in zip(items, outcomes):
            before = logged.get(item.file)
            kept = outcome.status == "unchanged" and before is not None
            status, reason = (before.status, before.reason) if kept else (outcome.status, outcome.reason)
            result = item.result
            rows.append({
                "file": item.file, "status": status, "reason": reason, "article_id": outcome.article_id,
                "content_hash": result.content_hash if isinstance(result, ArticleRecord) else None,
                "source_file": item.source_file, "file_size": item.size, "file_mtime_ns": item.mtime_ns,
                "seen_at": _now(),
            })
        _insert_ignore(conn, IngestLog.__table__, [r for r in rows if r["file"] not in logged], "file")
        changed = [{**r, "log_file": r["file"]} for r in rows if r["file"] in logged]
        if changed:
            values = {k: bindparam(k) for k in rows[0] if k != "file"}
            conn.execute(update(IngestLog).where(IngestLog.file == bindparam("log_file")).values(**values), changed)
