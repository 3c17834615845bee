"""Ad-hoc SQL over the database, read-only by construction: one statement, run on an engine that
make_engine(read_only=True) opened (SQLite mode=ro with an authorizer, PostgreSQL read-only
transactions), so a statement that would write is refused by the database itself.

Results are rendered as an aligned table (widths counted in terminal cells, so Chinese text
lines up), CSV or JSON.
"""
from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

FORMATS = ("table", "csv", "json")
# How SQLite's authorizer and mode=ro, and PostgreSQL's read-only transactions, refuse a write.
_REFUSED = ("not authorized", "authorization denied", "readonly database", "read-only transaction")


class QueryError(Exception):
    """The statement was refused or failed; the message is one line for people."""


@dataclass(frozen=True)
class QueryResult:
    columns: list[str]
    rows: list[tuple[Any, ...]]


def single_statement(sql: str) -> str:
    """sql without trailing semicolons; QueryError when it holds no statement or more than one.

    Semicolons inside quotes, identifiers and comments do not count.
    """
    i, n, end = 0, len(sql), None
    while i < n:
        ch = sql[i]
        if ch in "'\"`":
            close = sql.find(ch, i + 1)
            i = n if close < 0 else close + 1
            continue
        if sql.startswith("--", i):
            close = sql.find("\n", i)
            i = n if close < 0 else close + 1
            continue
        if sql.startswith("/*", i):
            close = sql.find("*/", i + 2)
            i = n if close < 0 else close + 2
            continue
        if ch == ";":
            end = i if end is None else end
        elif not ch.isspace() and end is not None:
            raise QueryError("one statement at a time: the query holds more than one")
        i += 1
    statement = sql[:end].strip() if end is not None else sql.strip()
    if not statement:
        raise QueryError("the query is empty")
    return statement


def refusal(exc: DBAPIError) -> QueryError:
    """One line for a failed statement, from the database's own message (its first line:
    PostgreSQL adds the statement and a caret). A refused write says the database is read-only."""
    lines = str(exc.orig).strip().splitlines()
    reason = lines[0] if lines else type(exc.orig).__name__
    lowered = reason.lower()
    if any(word in lowered for word in _REFUSED):
        return QueryError(f"refused: the database is open read-only and only SELECT, WITH, EXPLAIN and "
                          f"PRAGMAs that read may run (the database said: {reason})")
    return QueryError(f"query failed: {reason}")


def run(engine: Engine, sql: str) -> QueryResult:
    """Run one statement on a read-only engine and return its columns and rows."""
    statement = single_statement(sql)
    try:
        with engine.connect() as conn:
            # exec_driver_sql: the text is the user's SQL as written (no :name bind parsing).
            result = conn.exec_driver_sql(statement)
            if not result.returns_rows:
                return QueryResult([], [])
            return QueryResult(list(result.keys()), [tuple(r) for r in result])
    except DBAPIError as exc:
        raise refusal(exc) from None


def plain(value: Any) -> Any:
    """A value as JSON holds it: integral floats as integers, dates as ISO text, bytes as hex."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, Decimal):  # PostgreSQL's SUM and AVG
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (bytes, memoryview)):
        return bytes(value).hex()
    return value


def _text(value: Any) -> str:
    value = plain(value)
    return "" if value is None else str(value)


def _cell_text(value: Any) -> str:
    return _text(value).replace("\r\n", "⏎").replace("\n", "⏎")  # a table row stays one line


def render_table(result: QueryResult) -> str:
    """Columns padded to their widest cell in terminal cells; numbers right-aligned."""
    from rich.cells import cell_len  # rich comes with typer; it knows the width of CJK text

    if not result.columns:
        return "(no rows)\n"
    cells = [[_cell_text(v) for v in row] for row in result.rows]
    widths = [max([cell_len(c)] + [cell_len(r[i]) for r in cells]) for i, c in enumerate(result.columns)]

    def line(values: Sequence[str], right: Sequence[bool]) -> str:
        padded = [(" " * (w - cell_len(v)) + v) if r else (v + " " * (w - cell_len(v)))
                  for v, w, r in zip(values, widths, right)]
        return "  ".join(padded).rstrip()

    left = [False] * len(widths)
    out = [line(result.columns, left), line(["-" * w for w in widths], left)]
    for row, texts in zip(result.rows, cells):
        out.append(line(texts, [isinstance(v, (int, float, Decimal)) and not isinstance(v, bool) for v in row]))
    n = len(result.rows)
    out.append(f"({n} row{'s' if n != 1 else ''})")
    return "\n".join(out) + "\n"


def write(result: QueryResult, fmt: str, out: IO[str]) -> None:
    """Write result to out as table, csv or json (an array of objects, one a row)."""
    if fmt == "table":
        out.write(render_table(result))
    elif fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(result.columns)
        writer.writerows([_text(v) for v in row] for row in result.rows)
    elif fmt == "json":
        records = [dict(zip(result.columns, map(plain, row))) for row in result.rows]
        json.dump(records, out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        raise QueryError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")
