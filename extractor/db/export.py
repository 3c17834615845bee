"""Exports as CSV or JSON lines: one SELECT per table, written row by row (no table is held in
memory), optionally filtered by a WHERE clause on the export's own columns.

The plain CSV is the data as stored. --excel output is for spreadsheets: a BOM so Excel reads
UTF-8, text cells that a spreadsheet would run as a formula (starting with = + - @ tab or CR)
prefixed with an apostrophe as OWASP recommends, and division codes prefixed the same way so
they stay text. Numbers are never touched: a value of -3.2 is a number, not a formula.
"""
from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from ..query import QueryError, plain, refusal, single_statement

# The column contract the scorer and users rely on; SELECTs are plain SQL so they read the same
# on SQLite and PostgreSQL.
QUERIES: dict[str, str] = {
    "metrics": """
        SELECT file, value, unit, unit_class, qualifier, subject, predicate, period, locality, initiative,
               span_text, sentence, char_start, char_end, title, published, locality_code, locality_path,
               article_id, canonical_article_id, metric_id,
               base_value, base_unit, is_rate, is_target, is_threshold, echo_of_id
        FROM metric_mentions ORDER BY article_id, char_start, metric_id""",
    "articles": """
        SELECT a.file, a.title, a.published, a.source, a.publisher, a.author, a.url, l.name AS locality,
               l.path AS locality_path, l.code AS locality_code, a.locality_method,
               a.script, (SELECT COUNT(*) FROM metrics m WHERE m.article_id = a.id) AS metrics,
               c.file AS repost_of, a.similarity, a.converted, a.pinyin_stripped, a.garbled, a.content_hash,
               a.extractor_version, a.id AS article_id
        FROM articles a LEFT JOIN localities l ON l.id = a.locality_id
        LEFT JOIN articles c ON c.id = a.canonical_id ORDER BY a.id""",
    "initiatives": """
        SELECT a.file, i.name, COALESCE(ai.kind, i.kind) AS kind, ai.mentions, a.id AS article_id
        FROM article_initiatives ai JOIN initiatives i ON i.id = ai.initiative_id
        JOIN articles a ON a.id = ai.article_id ORDER BY a.id, i.name""",
    "localities": """
        SELECT l.name, l.level, l.code, p.name AS parent, p.code AS parent_code, l.path, l.id AS locality_id
        FROM localities l LEFT JOIN localities p ON p.id = l.parent_id ORDER BY l.path""",
    "log": """
        SELECT file, status, reason, article_id FROM ingest_log ORDER BY id""",
}
TABLES = tuple(QUERIES)


FORMATS = ("csv", "jsonl")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what makes a spreadsheet evaluate a cell (OWASP)


def _cell(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)  # 80000, not 80000.0
    if isinstance(value, bool):
        return int(value)
    return "" if value is None else value


def is_code(column: str) -> bool:
    """Division codes (code, locality_code, parent_code): digits that are names, not numbers."""
    return column == "code" or column.endswith("_code")


def neutralise(value: Any, code: bool = False) -> Any:
    """A cell safe to open in a spreadsheet: text that would run as a formula, or a code that would
    turn into a number, gets a leading apostrophe. Numbers are returned as they are."""
    if isinstance(value, str) and value and (code or value.startswith(FORMULA_START)):
        return "'" + value
    return value


def select(table: str, where: str | None = None) -> str:
    """The export's SELECT, filtered by where (SQL on the export's columns) when given."""
    if not where:
        return QUERIES[table]
    # The inner ORDER BY is kept: the filter over it is not a join or an aggregate, so SQLite
    # flattens the subquery with its order and PostgreSQL filters the sorted rows.
    return single_statement(f"SELECT * FROM ({QUERIES[table]}) AS export WHERE {where}")


def rows(engine: Engine, table: str, where: str | None = None) -> Iterable[list[Any]]:
    """The header row, then every data row of an export, as the database returns them."""
    with engine.connect() as conn:
        result = conn.execution_options(stream_results=True).execute(text(select(table, where)))
        yield list(result.keys())
        yield from (list(row) for row in result)


def write(engine: Engine, table: str, out: IO[str], *, fmt: str = "csv", where: str | None = None,
          excel: bool = False) -> int:
    """Write an export to out; returns the number of data rows. QueryError for a bad --where."""
    if fmt not in FORMATS:
        raise QueryError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    if excel and fmt != "csv":
        raise QueryError("--excel is for CSV only")
    n = 0
    try:
        data = iter(rows(engine, table, where))
        header = next(data)
        if fmt == "jsonl":
            for n, row in enumerate(data, 1):
                out.write(json.dumps(dict(zip(header, map(plain, row))), ensure_ascii=False) + "\n")
            return n
        if excel:
            out.write("\ufeff")
        writer = csv.writer(out)
        writer.writerow(header)
        codes = [is_code(c) for c in header]
        for n, row in enumerate(data, 1):
            cells = [_cell(v) for v in row]
            writer.writerow([neutralise(v, c) for v, c in zip(cells, codes)] if excel else cells)
    except DBAPIError as exc:
        raise refusal(exc) from None
    return n


def write_file(engine: Engine, table: str, path: Path, **options: Any) -> int:
    """write() into path, through a temporary file: a failed export leaves no half-written file
    and the previous one in place. OSError when path cannot be written."""
    partial = path.with_name(path.name + ".partial")
    try:
        with partial.open("w", encoding="utf-8", newline="") as fh:
            n = write(engine, table, fh, **options)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return n
