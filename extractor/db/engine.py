"""Database connections: one engine per URL, SQLite tuned for bulk writes, errors as one line."""
from __future__ import annotations

import os

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError, ProgrammingError

DEFAULT_URL = "sqlite:///extractor.db"


class DatabaseError(Exception):
    """The database cannot be opened or used; the message is one line for people."""


def resolve_url(url: str | None) -> str:
    """--db wins, then EXTRACTOR_DB, then extractor.db in the working directory."""
    return url or os.environ.get("EXTRACTOR_DB") or DEFAULT_URL


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    # WAL lets readers work during an ingest; NORMAL sync is safe with WAL and much faster.
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON", "busy_timeout=30000"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def make_engine(url: str | None = None) -> Engine:
    """An engine for url, checked by connecting once; DatabaseError if that fails."""
    resolved = resolve_url(url)
    try:
        engine = create_engine(resolved)
    except (ArgumentError, NoSuchModuleError, ImportError) as exc:
        raise DatabaseError(f"cannot use database URL {resolved!r}: {exc}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except (OperationalError, ProgrammingError) as exc:
        raise DatabaseError(f"cannot open database {engine.url.render_as_string(hide_password=True)}: {exc.orig}") from None
    return engine
