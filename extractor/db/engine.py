"""Database connections: one engine per URL, SQLite tuned for bulk writes, errors as one line."""
from __future__ import annotations

import os

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError, ProgrammingError

DEFAULT_URL = "sqlite:///extractor.db"
WRITE = "extractor_write"  # execution option of a connection that will write: SQLite locks up front


class DatabaseError(Exception):
    """The database cannot be opened or used; the message is one line for people."""


def resolve_url(url: str | None) -> str:
    """--db wins, then EXTRACTOR_DB, then extractor.db in the working directory."""
    return url or os.environ.get("EXTRACTOR_DB") or DEFAULT_URL


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # The driver's own BEGIN is deferred: a transaction that reads first and writes later fails at
    # once when another process writes. _begin_immediate lets writers take the lock up front
    # instead, and busy_timeout makes the other process wait for it.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # WAL lets readers work during an ingest; NORMAL sync is safe with WAL and much faster.
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON", "busy_timeout=30000"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _begin_immediate(conn) -> None:  # type: ignore[no-untyped-def]
    # Writers ask for it (Store); readers keep a plain BEGIN and never block a writer.
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE) else "BEGIN")


def make_engine(url: str | None = None) -> Engine:
    """An engine for url, checked by connecting once; DatabaseError if that fails."""
    resolved = resolve_url(url)
    # The writer's statements carry a batch's worth of parameters and differ in length from batch
    # to batch; SQLite's per-connection statement cache would keep 128 of them (hundreds of MB).
    connect_args = {"cached_statements": 0} if resolved.startswith("sqlite") else {}
    try:
        engine = create_engine(resolved, connect_args=connect_args)
    except (ArgumentError, NoSuchModuleError, ImportError) as exc:
        raise DatabaseError(f"cannot use database URL {resolved!r}: {exc}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _begin_immediate)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except (OperationalError, ProgrammingError) as exc:
        raise DatabaseError(f"cannot open database {engine.url.render_as_string(hide_password=True)}: {exc.orig}") from None
    return engine
