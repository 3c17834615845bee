"""The database in a browser: Datasette over the SQLite file, read-only, with labels and queries.

The file is opened in Datasette's immutable mode and nothing is ever written to it, so the views
cannot be extended with derived columns. Province and year are facets all the same: two facet
types of our own group rows by the first segment of `locality_path` and the first four characters
of `published`, and a click on a value filters with Datasette's own `column__startswith`.
"""
from __future__ import annotations

import sqlite3
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import quote

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.facets import Facet
from datasette.utils import escape_sqlite, path_with_added_args, path_with_removed_args

VIEWS = ("metric_facts", "metric_mentions", "initiative_summary")

# What each column of the claim views means, shown above the table.
CLAIM_COLUMNS: dict[str, str] = {
    "metric_id": "the claim's id (metrics.id)",
    "value": "the figure, multipliers applied (5.2万 → 52000)",
    "unit": "the counting word as written (名, 场次, 元, %)",
    "unit_class": "what kind of thing is counted: people, events, money, area …",
    "qualifier": "exact, approx (约), over (余, 多), at_least (以上), under (不到), at_most (以内)",
    "subject": "what the figure counts (党员, 群众)",
    "predicate": "the verb before the figure (发展, 惠及)",
    "period": "the time the claim speaks of, as written (去年, 三年来)",
    "span_text": "the figure exactly as written",
    "sentence": "the sentence the claim came from",
    "char_start": "where the figure starts in the stored body (0-based, in characters)",
    "char_end": "where it ends (exclusive)",
    "article_id": "the article's id",
    "canonical_article_id": "the original of a repost (its own id otherwise)",
    "file": "the input the article came from",
    "title": "the article's title",
    "published": "the article's date",
    "source": "来源 of the article",
    "url": "原文链接 of the article",
    "locality": "the place the claim is about",
    "locality_code": "its official division code",
    "locality_path": "its place in the hierarchy: province/city/county/town",
    "initiative": "the programme the claim belongs to",
    "initiative_kind": "the programme's kind word (活动, 工程 …)",
}
CLAIM_FACETS: list[Any] = ["unit_class", "qualifier", {"province": "locality_path"}, {"year": "published"}]

# Canned queries, each with :named parameters Datasette turns into a form.
QUERIES: dict[str, dict[str, str]] = {
    "claims_of_a_place": {
        "title": "Claims of a place",
        "description": "Every claim about a place and the places under it. The place is a name "
                       "(长沙县) or a path (湖南省/长沙市).",
        # A path is matched segment by segment, so 长沙县 finds 湖南省/长沙市/长沙县/路口镇 but
        # 长沙 finds nothing of 长沙县.
        "sql": """SELECT locality_path, value, unit, qualifier, subject, span_text, title, published, metric_id
FROM metric_facts
WHERE '/' || locality_path || '/' LIKE '%/' || :place || '/%'
ORDER BY locality_path, published, article_id, char_start""",
    },
    "programme_across_the_corpus": {
        "title": "A programme across the corpus",
        "description": "The articles that mention a programme (我为群众办实事), oldest first, with the "
                       "claims made under it.",
        "sql": """SELECT a.published, a.title, ai.kind, ai.mentions,
       (SELECT COUNT(*) FROM metric_facts f WHERE f.article_id = a.id AND f.initiative = i.name) AS claims,
       a.canonical_id AS repost_of, a.file
FROM initiatives i
JOIN article_initiatives ai ON ai.initiative_id = i.id
JOIN articles a ON a.id = ai.article_id
WHERE i.name = :programme
ORDER BY a.published, a.id""",
    },
    "claim_with_its_sentence": {
        "title": "A claim with its sentence",
        "description": "One claim (its metric_id) with the sentence it came from and the stored body "
                       "around it.",
        "sql": """SELECT f.metric_id, f.span_text, f.value, f.unit, f.qualifier, f.subject, f.predicate, f.period,
       f.sentence, f.char_start, f.char_end,
       substr(a.body, max(1, f.char_start - 39), f.char_end - f.char_start + 80) AS context,
       f.title, f.published, f.locality_path, f.file
FROM metric_facts f JOIN articles a ON a.id = f.article_id
WHERE f.metric_id = :metric_id""",
    },
}


class ServeError(Exception):
    """The database cannot be served; the message is one line for people."""


def _with_columns(description: str) -> str:
    # Folded away: Datasette's own list of column descriptions would push the rows off the screen.
    items = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in CLAIM_COLUMNS.items())
    return f"<p>{escape(description)}</p><details><summary>What the columns mean</summary><dl>{items}</dl></details>"


def metadata(database: str) -> dict[str, Any]:
    """Datasette metadata for an extractor database Datasette names `database`."""
    claims = {"facets": CLAIM_FACETS, "sort": "metric_id", "size": 50}
    tables: dict[str, dict[str, Any]] = {
        "metric_facts": claims | {
            "title": "Claims, each counted once",
            "description_html": _with_columns("One row per quantified claim; a repost of another article is "
                                              "left out. Facets: unit class, qualifier, province and year."),
        },
        "metric_mentions": claims | {
            "title": "Claim mentions, reposts included",
            "description_html": _with_columns("As metric_facts, with every repost's mentions; "
                                              "canonical_article_id tells the original."),
        },
        "initiative_summary": {
            "title": "Programmes",
            "description": "A programme across the corpus: first and last article date, articles "
                           "(reposts counted once) and mentions.",
            "facets": ["kind"],
            "sort_desc": "articles",
        },
        # Internals no reader needs: the repost index and the migration marker.
        "article_bands": {"hidden": True},
        "alembic_version": {"hidden": True},
    }
    return {
        "title": "extractor: quantified claims",
        "description": "Claims from Chinese local-government news, each traceable to its sentence. "
                       "Read-only.",
        "databases": {database: {"tables": tables, "queries": QUERIES}},
    }


class _PrefixFacet(Facet):
    """Rows grouped by the leading part of a column; a value filters with column__startswith.

    Subclasses give the SQL of the leading part (`{col}` stands for the column) and the order of
    the values.
    """

    part = ""
    order = "count DESC, value"

    async def facet_results(self):  # type: ignore[no-untyped-def]
        results, timed_out = [], []
        args = dict(self.get_querystring_pairs())
        size = self.get_facet_size()
        for source_and_config in self.get_configs():
            config, source = source_and_config["config"], source_and_config["source"]
            column = config.get("column") or config["simple"]
            part = self.part.format(col=escape_sqlite(column))
            # Named apart: the rows have a column `value` of their own, which GROUP BY would take.
            sql = (f"SELECT facet_value AS value, COUNT(*) AS count FROM (SELECT {part} AS facet_value "
                   f"FROM ({self.sql})) WHERE facet_value <> '' GROUP BY facet_value "
                   f"ORDER BY {self.order} LIMIT {size + 1}")
            try:
                rows = await self.ds.execute(self.database, sql, self.params, truncate=False,
                                             custom_time_limit=self.ds.setting("facet_time_limit_ms"))
            except QueryInterrupted:
                timed_out.append(column)
                continue
            key = f"{column}__startswith"
            values = []
            for row in rows.rows[:size]:
                selected = args.get(key) == row["value"]
                change = path_with_removed_args if selected else path_with_added_args
                values.append({
                    "value": row["value"], "label": row["value"], "count": row["count"], "selected": selected,
                    "toggle_url": self.ds.absolute_url(self.request, change(self.request, {key: row["value"]})),
                })
            results.append({
                "name": column, "type": self.type, "results": values, "hideable": source != "metadata",
                "toggle_url": path_with_removed_args(self.request, {f"_facet_{self.type}": column}),
                "truncated": len(rows) > size,
            })
        return results, timed_out


class ProvinceFacet(_PrefixFacet):
    """The first segment of a path such as locality_path (湖南省 of 湖南省/长沙市/长沙县).

    Filtering by prefix is exact here: no province's name begins with another's.
    """

    type = "province"
    part = "CASE WHEN instr({col}, '/') > 0 THEN substr({col}, 1, instr({col}, '/') - 1) ELSE {col} END"


class YearFacet(_PrefixFacet):
    """The year of an ISO date such as published (2022 of 2022-06-07), in order."""

    type = "year"
    part = "CASE WHEN {col} GLOB '[0-9][0-9][0-9][0-9]*' THEN substr({col}, 1, 4) END"
    order = "value"


@hookimpl
def register_facet_classes():  # type: ignore[no-untyped-def]
    return [ProvinceFacet, YearFacet]


def sqlite_path(url: str) -> Path:
    """The file of a SQLite URL that holds an extractor database at the newest schema."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from .db.migrate import newest_file_revision

    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ServeError(f"cannot use database URL {url!r}") from None
    if parsed.get_backend_name() != "sqlite":
        raise ServeError("serve needs a SQLite database; export or use Datasette against a copy")
    if not parsed.database or parsed.database == ":memory:":
        raise ServeError("serve needs a SQLite database file, not an in-memory one")
    path = Path(parsed.database)
    if not path.is_file():
        raise ServeError(f"no database at {path}")
    try:
        # The same read-only, lock-free open Datasette's immutable mode uses.
        with sqlite3.connect(f"file:{quote(str(path.resolve()))}?immutable=1", uri=True) as conn:
            revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        raise ServeError(f"{path} is not an extractor database") from None
    if not revision or revision[0] != newest_file_revision():
        raise ServeError(f"{path} has an older schema; run `extractor db upgrade --db {url}` first")
    return path


def unmerged_writes(path: Path) -> bool:
    """Whether the file's write-ahead log holds writes not yet in the file (an ingest running, or
    killed): immutable mode reads the file alone and does not show them."""
    wal = path.with_name(path.name + "-wal")
    return wal.is_file() and wal.stat().st_size > 0


def datasette(path: Path):  # type: ignore[no-untyped-def]
    """A Datasette over the file, immutable, with our metadata and facet types."""
    import sys

    from datasette.app import Datasette
    from datasette.plugins import pm

    plugin = sys.modules[__name__]
    if not pm.is_registered(plugin):
        pm.register(plugin, name="extractor")
    # Datasette names a database after its file's stem.
    return Datasette(immutables=[str(path)], metadata=metadata(path.stem),
                     settings={"truncate_cells_html": 300, "suggest_facets": False})


def serve(path: Path, host: str, port: int) -> None:
    """Run Datasette on host:port until interrupted."""
    import asyncio

    import uvicorn

    ds = datasette(path)
    asyncio.run(ds.invoke_startup())
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning", lifespan="on")
