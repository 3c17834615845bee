"""Schema upgrades through Alembic, configured in code so an installed extractor finds its
migrations (shipped as the extractor.migrations package) from any working directory.

Every command checks the schema first (verify). When it is at head, as on almost every run, that
check reads alembic_version, the names of the migration files (revision ids are their numeric
prefixes, 0003_…) and the columns of our tables; Alembic itself is not even imported.

Only the commands that write (ingest, reextract, db upgrade) upgrade a schema; the commands that
read never change a database and ask for `extractor db upgrade` when it is behind. A database
that is not ours — our table names without our alembic_version, a revision we do not know, our
tables at head without our columns — is refused before anything is written.
"""
from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import SQLAlchemyError

from .engine import DatabaseError, NoDatabase, display, make_engine, write_transaction

if TYPE_CHECKING:
    from alembic.config import Config


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(resources.files("extractor.migrations")))
    return config


def head() -> str | None:
    """The newest revision, as Alembic reads it from the migration scripts."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def file_revisions() -> list[str]:
    """The revisions of the migration files, oldest first: files are named <revision>_<what>.py."""
    versions = resources.files("extractor.migrations").joinpath("versions")
    return sorted(p.name.split("_", 1)[0] for p in versions.iterdir() if p.name[:1].isdigit() and p.name.endswith(".py"))


def newest_file_revision() -> str:
    """The newest revision by file name."""
    return file_revisions()[-1]


def _versions(conn: Connection) -> list[str] | None:
    """The rows of alembic_version; None when the database has no such table."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    return [str(v) for v in conn.scalars(text("SELECT version_num FROM alembic_version"))]


def current(engine: Engine) -> str | None:
    """The revision the database is at; None for an empty database."""
    with engine.connect() as conn:
        versions = _versions(conn)
    return versions[0] if versions else None


def _missing_columns(conn: Connection) -> list[str]:
    """table.column of the schema at head that the database lacks (whole tables as table.*)."""
    from .models import Base

    found = inspect(conn)
    tables = set(found.get_table_names())
    missing = []
    for name, table in Base.metadata.tables.items():
        if name not in tables:
            missing.append(f"{name}.*")
            continue
        have = {c["name"] for c in found.get_columns(name)}
        missing += [f"{name}.{c.name}" for c in table.columns if c.name not in have]
    return missing


def _state(conn: Connection) -> tuple[list[str] | None, list[str], list[str]]:
    """What verify judges: alembic_version's rows, our table names found, columns missing at head."""
    from .models import Base

    versions = _versions(conn)
    ours = sorted(set(inspect(conn).get_table_names()) & set(Base.metadata.tables))
    missing = _missing_columns(conn) if versions == [newest_file_revision()] else []
    return versions, ours, missing


def _judge(where: str, state: tuple[list[str] | None, list[str], list[str]], *, writing: bool) -> str | None:
    """The revision of a database in this state, or DatabaseError saying what is wrong with it."""
    versions, ours, missing = state
    if versions is None:
        if ours:
            raise DatabaseError(f"{where} has tables named like extractor's ({', '.join(ours)}) but no alembic_version: "
                                "not an extractor database; nothing was changed")
        if not writing:
            raise DatabaseError(f"{where} has no extractor schema: run `extractor ingest` or `extractor db upgrade` first")
        return None
    if len(versions) != 1:
        state_text = "is empty" if not versions else f"holds {len(versions)} revisions ({', '.join(versions)})"
        raise DatabaseError(f"{where}: its alembic_version table {state_text}, so its schema is unknown; nothing was changed")
    revision, newest = versions[0], newest_file_revision()
    if revision not in file_revisions():
        raise DatabaseError(f"{where} is at schema revision {revision!r}, which this extractor does not know "
                            "(a newer extractor's or another application's database); nothing was changed")
    if missing:
        shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        raise DatabaseError(f"{where} says schema {revision} but lacks {shown}: not the schema extractor made; nothing was changed")
    if revision != newest and not writing:
        raise DatabaseError(f"{where} has schema {revision}, this extractor reads {newest}: run `extractor db upgrade` first")
    return revision


def verify(engine: Engine, *, writing: bool) -> str | None:
    """The database's revision (None: no schema yet, which only a writer accepts), or DatabaseError
    naming the database and what is wrong with it. Reads only."""
    where = display(engine.url)
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                # One snapshot for all the reads: under READ COMMITTED another writer's upgrade
                # could commit between them (no alembic_version yet, then all our tables).
                conn.execution_options(isolation_level="REPEATABLE READ")
            state = _state(conn)
    except SQLAlchemyError as exc:
        raise DatabaseError(f"cannot read the schema of {where}: {getattr(exc, 'orig', exc)}") from None
    return _judge(where, state, writing=writing)


def upgrade(engine: Engine) -> bool:
    """Bring the schema to head; True when anything was applied. A foreign database is refused.

    Safe when several writers start at once on a new or old database: the upgrade runs in one
    transaction under the writer lock (engine.write_transaction), and the schema is judged again
    once the lock is held, so the writer that waited finds it at head and applies nothing.
    """
    if verify(engine, writing=True) == newest_file_revision():
        return False  # the usual case, decided without waiting for any lock
    from alembic import command

    config = alembic_config()
    where = display(engine.url)
    try:
        with write_transaction(engine) as conn:
            if _judge(where, _state(conn), writing=True) == newest_file_revision():
                return False
            # Alembic runs inside this transaction (it does not begin its own on a connection in
            # one): the schema appears whole when the lock is released, or not at all.
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
    except SQLAlchemyError as exc:
        raise DatabaseError(f"cannot upgrade the schema of {where}: {getattr(exc, 'orig', exc)}") from None
    return True


def open_database(url: str | None, *, write: bool) -> Engine:
    """An engine on a database of ours, or DatabaseError.

    Readers get a read-only engine on a database that exists and is at head. Writers get an
    engine that may create the database, for upgrade(); an existing one is verified through a
    read-only connection first, so a database that is not ours is not touched (not even switched
    to WAL).
    """
    try:
        probe = make_engine(url, read_only=True)
    except NoDatabase:
        if not write:
            raise
    else:
        try:
            verify(probe, writing=write)
        finally:
            if write:
                probe.dispose()
        if not write:
            return probe
    return make_engine(url)
