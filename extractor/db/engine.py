"""Database connections: one engine per URL, SQLite tuned for bulk writes, errors as one line.

Writers (ingest, reextract, db upgrade) may create a SQLite file; readers (query, show, stats,
export) never do, and open the database read-only: SQLite with mode=ro and an authorizer that
allows only reading statements, PostgreSQL with read-only transactions. Before SQLite opens a
file, its header is checked, so a text file given as --db is refused without being touched.
"""
from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, unquote

from sqlalchemy import URL, Connection, Engine, create_engine, event, make_url, text
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

DEFAULT_URL = "sqlite:///extractor.db"
WRITE = "extractor_write"  # execution option of a connection that will write: SQLite locks up front
WRITER_LOCK = 0x65787472  # the PostgreSQL advisory lock key of extractor's writers ("extr")
SQLITE_HEADER = b"SQLite format 3\x00"  # the first 16 bytes of every SQLite database file

# What a read-only SQLite connection may do. mode=ro alone still lets ATTACH and VACUUM INTO
# create files, and temporary tables be written; the authorizer denies everything else.
_READ_ACTIONS = frozenset({
    sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION, sqlite3.SQLITE_RECURSIVE,
    sqlite3.SQLITE_PRAGMA,  # a PRAGMA that writes is refused by mode=ro itself
    sqlite3.SQLITE_TRANSACTION, sqlite3.SQLITE_SAVEPOINT,
})


class DatabaseError(Exception):
    """The database cannot be opened or used; the message is one line for people."""


class NoDatabase(DatabaseError):
    """A reader was given a SQLite file that does not exist."""


def resolve_url(url: str | None) -> str:
    """--db wins, then EXTRACTOR_DB, then extractor.db in the working directory."""
    return url or os.environ.get("EXTRACTOR_DB") or DEFAULT_URL


def display(url: str | URL) -> str:
    """The URL as shown in messages: a SQLite file by its path, passwords hidden."""
    parsed = make_url(url) if isinstance(url, str) else url
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        # A read-only engine's database is the URI make_engine built: file:PATH?mode=ro.
        return unquote(parsed.database.removeprefix("file:").split("?", 1)[0])
    return parsed.render_as_string(hide_password=True)


def sqlite_path(url: URL) -> Path | None:
    """The file of a SQLite URL; None for another database or an in-memory one."""
    if url.get_backend_name() != "sqlite":
        return None
    database = url.database or ""
    if database.startswith("file:"):
        # A URI filename would bypass the checks below and the read-only mode readers need.
        raise DatabaseError(f"SQLite URI filenames are not supported ({database}); give sqlite:///PATH")
    return None if database in ("", ":memory:") else Path(database)


WRITER_CACHE_KB = 32 * 1024  # page cache of a connection that writes (SQLite counts it in KiB)
_LOCKED_WAIT = 30.0  # seconds, as busy_timeout: how long opening waits for another process's lock


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # The driver's own BEGIN is deferred: a transaction that reads first and writes later fails at
    # once when another process writes. _begin_immediate lets writers take the lock up front
    # instead, and busy_timeout makes the other process wait for it.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # WAL lets readers work during an ingest; NORMAL sync is safe with WAL and much faster.
    # busy_timeout first: switching a new file to WAL needs a lock another process may hold.
    # A writer's batch inserts band and subject keys all over their indexes, so it touches more
    # pages than SQLite's default cache of 2 MB holds, and would read them again before the commit
    # (writer CPU over 12,000 articles: 0.69-0.77 ms an article with 32 MB, 0.78-0.82 with 2 MB).
    for pragma in ("busy_timeout=30000", "journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON",
                   f"cache_size=-{WRITER_CACHE_KB}"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _none(_value: None) -> None:
    return None


def _adapt_none_and_bool() -> None:
    """Let sqlite3 bind None and bool without looking for an adapter each time.

    sqlite3 binds an int, float, str or bytes as it is; for any other value (None and bool among
    them) it first looks up an adapter for its type and, finding none, asks the type for __adapt__
    and __conform__, each failed lookup raising and clearing an AttributeError. A writer binds
    about 150 None and 50 bool values an article: 7 % of its instructions went to adapting them
    (callgrind), and with these adapters it needs 5.6 % fewer in all. They give what sqlite3 binds
    without them (NULL, 0 and 1), so registering them process-wide changes nothing anyone stores."""
    sqlite3.register_adapter(type(None), _none)
    sqlite3.register_adapter(bool, int)


def _sqlite_read_only(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    dbapi_connection.isolation_level = None
    dbapi_connection.execute("PRAGMA busy_timeout=30000")  # wait for a writer's lock, as writers do
    dbapi_connection.set_authorizer(
        lambda action, *_: sqlite3.SQLITE_OK if action in _READ_ACTIONS else sqlite3.SQLITE_DENY)


def _begin_immediate(conn) -> None:  # type: ignore[no-untyped-def]
    # Writers ask for it (Store); readers keep a plain BEGIN and never block a writer.
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE) else "BEGIN")


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction that holds the database's writer lock until it ends.

    Writers (a batch of an ingest, a schema upgrade) take turns, so each reads the database as
    the one before it left it. SQLite: BEGIN IMMEDIATE takes the write lock before the first read,
    and busy_timeout makes another writer wait for it (a deferred BEGIN that reads first fails at
    once with `database is locked` when it comes to write). PostgreSQL: a transaction-scoped
    advisory lock, released by the commit or the rollback, or when the connection dies.
    """
    with engine.connect().execution_options(**{WRITE: True}) as conn, conn.begin():
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITER_LOCK})
        yield conn


def _check_sqlite_file(path: Path, read_only: bool) -> None:
    """Refuse, before SQLite touches it, a file that is not a database, and for readers a missing one."""
    try:
        with path.open("rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        if read_only:
            raise NoDatabase(f"no database at {path}") from None
        return  # a writer creates it
    except IsADirectoryError:
        raise DatabaseError(f"{path} is a directory, not a SQLite database") from None
    except OSError as exc:
        raise DatabaseError(f"cannot read {path}: {exc.strerror}") from None
    # An empty file is what sqlite3 leaves after opening a new name: SQLite takes it as empty.
    if header and header != SQLITE_HEADER:
        raise DatabaseError(f"{path} is not a SQLite database")


def _parse(resolved: str) -> URL:
    try:
        return make_url(resolved)
    except ArgumentError:
        hint = f" (a SQLite file is sqlite:///{resolved})" if "://" not in resolved else ""
        raise DatabaseError(f"cannot use database URL {resolved!r}{hint}") from None


def make_engine(url: str | None = None, *, read_only: bool = False) -> Engine:
    """An engine for url, checked by connecting once; DatabaseError if that fails.

    read_only: the database must exist and is opened so that nothing can change it.
    """
    resolved = resolve_url(url)
    parsed = _parse(resolved)
    path = sqlite_path(parsed)
    is_sqlite = parsed.get_backend_name() == "sqlite"
    if is_sqlite and path is None:
        raise DatabaseError(f"{resolved} is an in-memory database: nothing would be kept; give a file (sqlite:///PATH)")
    if path is not None:
        _check_sqlite_file(path, read_only)
    # The writer's statements carry a batch's worth of parameters and differ in length from batch
    # to batch; SQLite's per-connection statement cache would keep 128 of them (hundreds of MB).
    connect_args: dict[str, object] = {"cached_statements": 0} if is_sqlite else {}
    if read_only and path is not None:
        parsed = parsed.set(database=f"file:{quote(str(path.resolve()))}?mode=ro", query={"uri": "true"})
    elif read_only and parsed.get_backend_name() == "postgresql":
        connect_args["options"] = "-c default_transaction_read_only=on"
    try:
        engine = create_engine(parsed, connect_args=connect_args)
    except (ArgumentError, NoSuchModuleError, ImportError) as exc:
        raise DatabaseError(f"cannot use database URL {display(resolved)!r}: {exc}") from None
    if is_sqlite:
        if not read_only:
            _adapt_none_and_bool()
        event.listen(engine, "connect", _sqlite_read_only if read_only else _sqlite_pragmas)
        event.listen(engine, "begin", _begin_immediate)
    deadline = time.monotonic() + _LOCKED_WAIT
    while True:
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return engine
        except DBAPIError as exc:
            # SQLite answers "database is locked" without waiting when another process is creating
            # the file or switching it to WAL (the busy handler is not called there): wait and retry.
            if is_sqlite and "locked" in str(exc.orig) and time.monotonic() < deadline:
                engine.dispose()
                time.sleep(0.05)
                continue
            raise DatabaseError(f"cannot open database {display(resolved)}: {exc.orig}") from None
