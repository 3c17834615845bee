"""How a SQLite connection is set up: the writer's settings on a read-write engine, SQLite's own on a
reader's."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from extractor.db.engine import WRITER_CACHE_KB, make_engine
from extractor.db.migrate import upgrade

_SETTINGS = ("journal_mode", "synchronous", "foreign_keys", "cache_size")


def _settings(url: str, read_only: bool) -> dict[str, object]:
    engine = make_engine(url, read_only=read_only)
    with engine.connect() as conn:
        found = {name: conn.exec_driver_sql(f"PRAGMA {name}").scalar() for name in _SETTINGS}
    engine.dispose()
    return found


def test_a_writer_has_wal_foreign_keys_and_a_cache_for_its_batches(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'w.db'}"
    upgrade(make_engine(url))
    assert WRITER_CACHE_KB >= 16 * 1024  # a batch's index pages: SQLite's 2 MB default is too small
    # synchronous NORMAL is 1; a negative cache size is in KiB
    assert _settings(url, read_only=False) == {"journal_mode": "wal", "synchronous": 1, "foreign_keys": 1,
                                               "cache_size": -WRITER_CACHE_KB}
    reader = _settings(url, read_only=True)
    assert reader["journal_mode"] == "wal" and reader["cache_size"] != -WRITER_CACHE_KB  # SQLite's default


def test_a_writer_binds_none_and_bool_through_registered_adapters_as_sqlite3_would(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    # Found at once for these types, instead of failed __adapt__/__conform__ lookups per value.
    assert {(type(None), sqlite3.PrepareProtocol), (bool, sqlite3.PrepareProtocol)} <= sqlite3.adapters.keys()
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (a, b, c)")
        conn.exec_driver_sql("INSERT INTO t VALUES (?, ?, ?)", [(None, True, False), (1, None, True)])
        rows = conn.exec_driver_sql("SELECT a, typeof(a), b, typeof(b), c, typeof(c) FROM t ORDER BY rowid").all()
    assert rows == [(None, "null", 1, "integer", 0, "integer"), (1, "integer", None, "null", 1, "integer")]
