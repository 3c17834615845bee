"""CSV exports: one SELECT per table, written row by row (no table is held in memory)."""
from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO, Any

from sqlalchemy import Engine, text

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


def _cell(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)  # 80000, not 80000.0
    if isinstance(value, bool):
        return int(value)
    return "" if value is None else value


def rows(engine: Engine, table: str) -> Iterable[list[Any]]:
    """The header row, then every data row of an export."""
    with engine.connect() as conn:
        result = conn.execution_options(stream_results=True).execute(text(QUERIES[table]))
        yield list(result.keys())
        for row in result:
            yield [_cell(v) for v in row]


def write_csv(engine: Engine, table: str, out: IO[str], excel: bool = False) -> int:
    """Write an export as CSV to out; returns the number of data rows. excel adds a BOM."""
    if excel:
        out.write("\ufeff")
    writer = csv.writer(out)
    n = -1
    for n, row in enumerate(rows(engine, table)):
        writer.writerow(row)
    return max(n, 0)
