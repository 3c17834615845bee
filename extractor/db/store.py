"""Writing extraction results: one transaction per batch, Core inserts, nothing lost.

Every input gets a row in ingest_log. An article is identified by its content hash, so a
second copy of the same text (or a re-run) adds nothing; concurrent writers are kept apart by
the unique constraints (INSERT … ON CONFLICT DO NOTHING), not by locks.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import Connection, Engine, Table, delete, func, select, text, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite

from .. import dedupe
from ..pipeline import EXTRACTOR_VERSION
from ..records import ArticleRecord, Place, ReadFailure
from .engine import WRITE
from .models import Article, ArticleBand, ArticleInitiative, IngestLog, Initiative, Locality, Metric, PlaceMention

STATUSES = ("ingested", "duplicate", "unchanged", "failed")
_WRITER_LOCK = 0x65787472  # the advisory lock key of extractor's writers ("extr")


@dataclass(frozen=True, slots=True)
class Outcome:
    file: str
    status: str  # one of STATUSES
    reason: str | None = None
    article_id: int | None = None
    metrics: int = 0


@dataclass(frozen=True, slots=True)
class Item:
    """One extraction result to store, with the file on disk it came from and that file's stamp."""

    file: str
    result: ArticleRecord | ReadFailure
    source_file: str
    size: int | None = None
    mtime_ns: int | None = None


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
        with self.engine.connect().execution_options(**{WRITE: True}) as conn, conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _WRITER_LOCK})
            yield conn

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
        try:
            with self._writing() as conn:
                return self._write_all(conn, items)
        except Exception:
            # The transaction rolled back: ids cached during it may name rows that never landed.
            self._locality_ids.clear()
            self._initiative_ids.clear()
            raise

    def rewrite_batch(self, records: list[tuple[int, ArticleRecord]]) -> None:
        """Replace stored articles' claims, programmes and places with a new extraction of them."""
        with self._writing() as conn:
            ids = [article_id for article_id, _ in records]
            for table in (Metric, ArticleInitiative, PlaceMention):
                conn.execute(delete(table).where(table.article_id.in_(ids)))
            for article_id, rec in records:
                conn.execute(update(Article).where(Article.id == article_id).values(
                    locality_id=self._locality(conn, rec.locality_path), locality_method=rec.locality_method,
                    extractor_version=EXTRACTOR_VERSION))
                self._children(conn, article_id, rec)

    def _write_all(self, conn: Connection, items: list[Item]) -> list[Outcome]:
        logged = {
            row.file: row
            for row in conn.execute(
                select(IngestLog.file, IngestLog.status, IngestLog.reason, IngestLog.content_hash, IngestLog.article_id)
                .where(IngestLog.file.in_([item.file for item in items]))
            )
        }
        return [self._write_one(conn, item, logged.get(item.file)) for item in items]

    def _write_one(self, conn: Connection, item: Item, logged: Any) -> Outcome:
        result = item.result
        if isinstance(result, ReadFailure):
            if logged is not None and logged.status == "failed" and logged.reason == result.reason:
                self._log(conn, item, "failed", result.reason, None, None, logged)
                return Outcome(item.file, "unchanged", result.reason)
            self._log(conn, item, "failed", result.reason, None, None, logged)
            return Outcome(item.file, "failed", result.reason)
        if logged is not None and logged.content_hash == result.content_hash and logged.article_id is not None:
            self._log(conn, item, logged.status, None, logged.article_id, result.content_hash, logged)
            return Outcome(item.file, "unchanged", None, logged.article_id)
        article_id, created = self._article(conn, item.file, result)
        status = "ingested" if created else "duplicate"
        self._log(conn, item, status, None, article_id, result.content_hash, logged)
        return Outcome(item.file, status, None, article_id, len(result.metrics) if created else 0)

    def _log(self, conn: Connection, item: Item, status: str, reason: str | None, article_id: int | None,
             content_hash: str | None, logged: Any) -> None:
        values = {"status": status, "reason": reason, "article_id": article_id, "content_hash": content_hash,
                  "source_file": item.source_file, "file_size": item.size, "file_mtime_ns": item.mtime_ns,
                  "seen_at": _now()}
        if logged is None:
            _insert_ignore(conn, IngestLog.__table__, [{"file": item.file, **values}], "file")
        conn.execute(update(IngestLog).where(IngestLog.file == item.file).values(**values))

    def _article(self, conn: Connection, file: str, rec: ArticleRecord) -> tuple[int, bool]:
        """(article id, created?) — an article whose body is already stored is not stored again."""
        existing = conn.scalar(select(Article.id).where(Article.content_hash == rec.content_hash))
        if existing is not None:
            return existing, False
        meta = rec.meta
        canonical_id, similarity = self._repost_of(conn, rec.minhash)
        row = {
            "file": file,
            "content_hash": rec.content_hash,
            "title": meta.title,
            "published": date.fromisoformat(meta.published) if meta.published else None,
            "source": meta.source,
            "publisher": meta.publisher,
            "author": meta.author,
            "url": meta.url,
            "locality_id": self._locality(conn, rec.locality_path),
            "locality_method": rec.locality_method,
            "canonical_id": canonical_id,
            "similarity": similarity,
            "minhash": rec.minhash or None,
            "body": rec.body,
            "script": rec.script,
            "pinyin_stripped": rec.pinyin_stripped,
            "converted": rec.converted,
            "garbled": rec.garbled,
            "extractor_version": EXTRACTOR_VERSION,
            "ingested_at": _now(),
        }
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        stmt = dialect.insert(Article.__table__).on_conflict_do_nothing(index_elements=["content_hash"])
        article_id = conn.execute(stmt.returning(Article.id), row).scalar()
        if article_id is None:  # another writer stored the same body a moment ago
            return conn.scalar(select(Article.id).where(Article.content_hash == rec.content_hash)), False
        self._children(conn, article_id, rec)
        if rec.minhash:
            conn.execute(ArticleBand.__table__.insert(),
                         [{"article_id": article_id, "band": i, "hash": h} for i, h in enumerate(dedupe.bands(rec.minhash))])
        return article_id, True

    def _repost_of(self, conn: Connection, minhash: bytes) -> tuple[int | None, float | None]:
        """The canonical article this body repeats (found through shared MinHash bands), if any."""
        if not minhash:
            return None, None
        keys = list(enumerate(dedupe.bands(minhash)))
        candidates = conn.execute(
            select(Article.id, Article.canonical_id, Article.minhash)
            .where(Article.id.in_(select(ArticleBand.article_id).where(tuple_(ArticleBand.band, ArticleBand.hash).in_(keys))))
        ).all()
        best = max(((dedupe.similarity(minhash, c.minhash), c) for c in candidates if c.minhash), default=None, key=lambda x: x[0])
        if best is None or best[0] < dedupe.REPOST_SIMILARITY:
            return None, None
        score, match = best
        return match.canonical_id or match.id, score

    def _children(self, conn: Connection, article_id: int, rec: ArticleRecord) -> None:
        mentions = Counter(i.name for i in rec.initiatives)
        kinds = {i.name: i.kind for i in rec.initiatives if i.kind}
        ids = self._initiatives(conn, {name: kinds.get(name) for name in mentions})
        if mentions:
            conn.execute(
                ArticleInitiative.__table__.insert(),
                [{"article_id": article_id, "initiative_id": ids[n], "kind": kinds.get(n), "mentions": c} for n, c in mentions.items()],
            )
        rows = [
            {
                "article_id": article_id,
                "value": m.value,
                "unit": m.unit,
                "unit_class": m.unit_class,
                "qualifier": m.qualifier,
                "subject": m.subject,
                "predicate": m.predicate,
                "period": m.period,
                "locality_id": self._locality(conn, rec.place_paths.get(m.locality, [])) if m.locality else None,
                "initiative_id": ids.get(m.initiative) if m.initiative else None,
                "span_text": m.span_text,
                "char_start": m.char_start,
                "char_end": m.char_end,
                "sentence": m.sentence,
            }
            for m in rec.metrics
        ]
        if rows:
            conn.execute(Metric.__table__.insert(), rows)
        mentions = [
            {"article_id": article_id, "locality_id": self._locality(conn, list(pm.path)) if pm.path else None,
             "text": pm.text, "char_start": pm.char_start, "char_end": pm.char_end, "method": pm.method}
            for pm in rec.place_mentions
        ]
        if mentions:
            conn.execute(PlaceMention.__table__.insert(), mentions)

    def _initiatives(self, conn: Connection, kinds: dict[str, str | None]) -> dict[str, int]:
        missing = [n for n in kinds if n not in self._initiative_ids]
        if missing:
            _insert_ignore(conn, Initiative.__table__, [{"name": n, "kind": kinds[n]} for n in missing], "name")
            for name, id_ in conn.execute(select(Initiative.name, Initiative.id).where(Initiative.name.in_(missing))):
                self._initiative_ids[name] = id_
        return {n: self._initiative_ids[n] for n in kinds}

    def _locality(self, conn: Connection, path: list[Place]) -> int | None:
        """The id of the last place in path, creating it and its parents as needed."""
        parent_id: int | None = None
        parent_key = ""
        for depth, place in enumerate(path, 1):
            key = place.code or f"{place.name}@{parent_key}"
            if key not in self._locality_ids:
                row = {"key": key, "name": place.name, "level": place.level, "code": place.code, "parent_id": parent_id,
                       "path": "/".join(p.name for p in path[:depth])}
                _insert_ignore(conn, Locality.__table__, [row], "key")
                self._locality_ids[key] = conn.scalar(select(Locality.id).where(Locality.key == key))
            parent_id, parent_key = self._locality_ids[key], key
        return parent_id
