"""Rows straight to the driver: one executemany per table, none of SQLAlchemy's work per value.

For the writer's big tables (metrics, band keys, place mentions), SQLAlchemy's processing of
every parameter of every row cost more than the database's own work. The rows here are tuples
of values the driver takes as they are; `bind` gives, for the few columns that need it (dates),
what SQLAlchemy would have made of a value, so the stored data is the same either way.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Column, Connection, Table

# A positional parameter in the drivers' styles: sqlite3, psycopg.
_MARKS = {"qmark": "?", "format": "%s", "pyformat": "%s"}

def insert_rows(conn: Connection, table: Table, columns: Sequence[str], rows: list[tuple[Any, ...]],
                conflict: str | None = None) -> None:
    """Insert positional rows in one executemany, straight to the driver (in its parameter style),
    skipping those whose `conflict` column value exists (ON CONFLICT DO NOTHING, on SQLite and
    PostgreSQL alike). The values must be what the driver takes: see bind."""
    if not rows:
        return
    quote, mark = conn.dialect.identifier_preparer.quote, _MARKS[conn.dialect.paramstyle]
    sql = (f"INSERT INTO {quote(table.name)} ({', '.join(map(quote, columns))}) "
           f"VALUES ({', '.join([mark] * len(columns))})")
    conn.exec_driver_sql(f"{sql} ON CONFLICT ({quote(conflict)}) DO NOTHING" if conflict else sql, rows)


def bind(conn: Connection, column: Column[Any]) -> Callable[[Any], Any]:
    """What SQLAlchemy would make of a value for column before the driver sees it (a date as text
    on SQLite, say): applied once per batch or per article, not to every value of every row."""
    process = column.type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
    return process or (lambda value: value)
