"""The command line: a thin skin over ingest, export, migrate, serve and plot. Errors are one line.

The database layer is imported inside the commands: extraction worker processes import this
module as their main module, and must not carry SQLAlchemy and Alembic for nothing.
"""
from __future__ import annotations

import sys
from collections.abc import Callable
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, Iterator

import typer

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema commands.", no_args_is_help=True)
app.add_typer(db_app, name="db")

# A default that is not a value is shown through show_default: "[…]" inside help text is read as
# rich markup and vanishes.
DbOption = Annotated[
    str | None,
    typer.Option("--db", help="SQLAlchemy URL.", show_default="$EXTRACTOR_DB, else sqlite:///extractor.db"),
]
WorkersOption = Annotated[
    int | None, typer.Option(help="Extraction processes.", show_default="the machine's cores"),
]


class Period(str, Enum):
    year = "year"
    month = "month"


def _err(message: str) -> None:
    typer.echo(message, err=True)


def _version(value: bool) -> None:
    if value:
        from . import __version__

        typer.echo(f"extractor {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", help="Show the version and exit.", callback=_version,
                                          is_eager=True)] = False,
) -> None:
    """Extract quantified claims from Chinese local-government news into a database."""


def _open(url: str | None):  # type: ignore[no-untyped-def]
    """An engine with the schema at head, or exit with one line saying why not."""
    from .db.engine import DatabaseError, make_engine
    from .db.migrate import upgrade

    try:
        engine = make_engine(url)
        upgrade(engine)
    except DatabaseError as exc:
        _err(f"error: {exc}")
        raise typer.Exit(2) from None
    return engine


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr when it is a terminal; nothing otherwise (logs stay clean)."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    with Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("ingesting", total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


@app.command("ingest")
def ingest_cmd(
    paths: Annotated[list[str], typer.Argument(help="Files and folders (searched recursively for articles).")],
    db: DbOption = None,
    workers: WorkersOption = None,
    shard: Annotated[str | None, typer.Option(help="K/N: take only the K-th of N stable parts of the inputs (one per machine).", show_default=False)] = None,
) -> None:
    """Extract claims from article files and store them; re-running on the same files changes nothing."""
    from .db.engine import resolve_url
    from .ingest import ingest, parse_shard

    try:
        part = parse_shard(shard) if shard else None
    except ValueError as exc:
        _err(f"error: {exc}")
        raise typer.Exit(2) from None
    engine = _open(db)
    with _progress(sys.stderr.isatty()) as progress:
        summary = ingest(paths, engine, workers=workers, progress=progress, shard=part)
    c, t = summary.counts, summary.totals
    _err(
        f"inputs: {summary.seen}  ingested: {c['ingested']}  duplicate: {c['duplicate']}  "
        f"unchanged: {c['unchanged'] - len([f for f in summary.failures if f.status == 'unchanged'])}  "
        f"failed: {len(summary.failures)}"
    )
    _err(f"new metrics: {summary.new_metrics}")
    _err(f"database {resolve_url(db)}: articles {t['articles']}, metrics {t['metrics']}, "
         f"initiatives {t['initiatives']}, localities {t['localities']}")
    for f in summary.failures:
        _err(f"failed: {f.file}: {f.reason}")
    if summary.seen and not summary.changed:
        _err("nothing new: the database is unchanged")
    if summary.seen == 0 and not part:
        _err("error: no input files found (looked for .txt, .html, .htm, .jsonl and their .gz)")
        raise typer.Exit(1)
    if summary.seen and summary.seen == len(summary.failures):
        raise typer.Exit(1)


@app.command("reextract")
def reextract_cmd(
    db: DbOption = None,
    all_articles: Annotated[bool, typer.Option("--all", help="Every article, not only those of older extractor versions.")] = False,
    workers: WorkersOption = None,
) -> None:
    """Extract again from the stored article bodies, after the rules changed (no files needed)."""
    import os

    from . import __version__
    from .reextract import reextract

    engine = _open(db)
    with _progress(sys.stderr.isatty()) as progress:
        n = reextract(engine, workers or os.cpu_count() or 1, only_outdated=not all_articles, progress=progress)
    _err(f"re-extracted {n} articles with extractor {__version__}")


@app.command("export")
def export_cmd(
    table: Annotated[str, typer.Argument(help="What to export: metrics, articles, initiatives, localities or log.",
                                         show_default=False)],
    output: Annotated[str, typer.Option("-o", "--output", help="CSV file to write; - for standard output.")] = "-",
    db: DbOption = None,
    excel: Annotated[bool, typer.Option("--excel", help="Start with a BOM so Excel reads the Chinese text as UTF-8.")] = False,
) -> None:
    """Write a table as UTF-8 CSV."""
    from .db.export import TABLES, write_csv

    if table not in TABLES:
        _err(f"error: unknown export {table!r}; choose one of: {', '.join(TABLES)}")
        raise typer.Exit(2)
    engine = _open(db)
    if output == "-":
        write_csv(engine, table, sys.stdout, excel)
        return
    try:
        with open(output, "w", encoding="utf-8", newline="") as fh:
            n = write_csv(engine, table, fh, excel)
    except OSError as exc:
        _err(f"error: cannot write {output}: {exc.strerror}")
        raise typer.Exit(2) from None
    _err(f"wrote {n} rows to {Path(output)}")


@app.command("serve")
def serve_cmd(
    db: DbOption = None,
    port: Annotated[int, typer.Option(help="Port to listen on (on 127.0.0.1).")] = 8001,
) -> None:
    """Browse the database in Datasette, read-only: claims with facets, programmes, canned queries."""
    from .db.engine import resolve_url

    try:
        from .serve import ServeError, serve, sqlite_path, unmerged_writes
    except ModuleNotFoundError as exc:
        if exc.name not in ("datasette", "uvicorn"):
            raise
        _err("error: serve needs Datasette: pip install 'extractor[serve]'")
        raise typer.Exit(2) from None
    try:
        path = sqlite_path(resolve_url(db))
    except ServeError as exc:
        _err(f"error: {exc}")
        raise typer.Exit(2) from None
    if unmerged_writes(path):
        _err(f"warning: {path}-wal holds writes not yet in the file (an ingest running?); they are not shown")
    _err(f"serving {path} read-only at http://127.0.0.1:{port}/{path.stem}/metric_facts (Ctrl-C stops)")
    serve(path, "127.0.0.1", port)


@app.command("plot")
def plot_cmd(
    subject: Annotated[str, typer.Option(help="Claims whose subject contains this (党员).", show_default=False)],
    place: Annotated[str | None, typer.Option(help="Only claims about this place and below it: a path such as "
                                                   "湖南省 or 湖南省/长沙市.", show_default="everywhere")] = None,
    by: Annotated[Period, typer.Option(help="Period of the article date each bar sums.")] = Period.year,
    output: Annotated[Path, typer.Option("-o", "--output", help="PNG file to write.")] = Path("chart.png"),
    db: DbOption = None,
) -> None:
    """Chart claims over time: the figures of a subject summed per year or month, in one unit."""
    from .plot import NoClaims, PlotError, claims_over_time, cjk_font, draw

    try:
        font = cjk_font()  # before any database work: a missing font or matplotlib fails at once
    except ModuleNotFoundError as exc:
        if exc.name != "matplotlib":
            raise
        _err("error: plot needs matplotlib: pip install 'extractor[plot]'")
        raise typer.Exit(2) from None
    except PlotError as exc:
        _err(f"error: {exc}")
        raise typer.Exit(2) from None
    try:
        series = claims_over_time(_open(db), subject, place, by.value)
    except NoClaims as exc:
        _err(f"error: {exc}")
        raise typer.Exit(1) from None
    try:
        draw(series, output, font)
    except OSError as exc:
        _err(f"error: cannot write {output}: {exc.strerror}")
        raise typer.Exit(2) from None
    _err(f"wrote {output}: {len(series.periods)} bars, {series.claims} claims in {series.unit}")


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None) -> None:
    """Create the schema or upgrade it to the newest version."""
    from .db.engine import DatabaseError, make_engine
    from .db.migrate import upgrade

    try:
        engine = make_engine(db)
        changed = upgrade(engine)
    except DatabaseError as exc:
        _err(f"error: {exc}")
        raise typer.Exit(2) from None
    _err("schema upgraded to head" if changed else "schema already at head")
