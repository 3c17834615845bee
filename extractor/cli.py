"""The command line: a thin skin over ingest, export, eval, query/show/stats, serve, plot and migrate.
Errors are one line.

The database layer is imported inside the commands: extraction worker processes import this
module as their main module, and must not carry SQLAlchemy and Alembic for nothing.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from .options import (INTERRUPTED, NO_INPUTS, DbOption, LexiconOption, Period, WorkersOption, cluster_runner, err, fail,
                      list_problems, open_engine, progress_bar, start_up, started, user_lexicon, worker_count)


class _App(typer.Typer):
    """Called, it is the process's own run of a command (the console script, python -m
    extractor): start-up then runs with the cycle collector paused (options.start_up), and every
    command calls started() once its modules are loaded, before it opens anything or runs long.
    CliRunner (the tests) invokes the click command instead, in a process that is not ours."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        with start_up():
            return super().__call__(*args, **kwargs)


app = _App(
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema commands.", no_args_is_help=True)
app.add_typer(db_app, name="db")


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


@app.command("ingest")
def ingest_cmd(
    paths: Annotated[list[str], typer.Argument(help="Files and folders (searched recursively for articles).")],
    db: DbOption = None,
    workers: WorkersOption = None,
    shard: Annotated[str | None, typer.Option(help="K/N: take only the K-th of N stable parts of the inputs (one per machine).", show_default=False)] = None,
    lexicon: LexiconOption = None,
    dask: Annotated[str | None, typer.Option(help="Extract on a Dask cluster: its scheduler's address (tcp://host:8786), or 'local' for one of --workers processes here.", show_default=False)] = None,
) -> None:
    """Extract claims from article files and store them; re-running on the same files changes nothing."""
    from collections import Counter

    from .db.engine import resolve_url
    from .ingest import ingest, parse_shard

    try:
        part = parse_shard(shard) if shard else None
    except ValueError as exc:
        fail(str(exc))
    processes, words = worker_count(workers), user_lexicon(lexicon)
    engine = open_engine(db, write=True)
    tables = words.tables if words else None
    with cluster_runner(dask, processes, tables) as runner, progress_bar(sys.stderr.isatty()) as progress:
        summary = ingest(paths, engine, workers=processes, progress=progress, shard=part, lexicons=tables, runner=runner)
    c, t = summary.counts, summary.totals
    err(
        f"inputs: {summary.seen}  ingested: {c['ingested']}  duplicate: {c['duplicate']}  "
        f"unchanged: {c['unchanged'] - len([f for f in summary.failures if f.status == 'unchanged'])}  "
        f"failed: {len(summary.failures)}  skipped: {len(summary.skipped)}"
        + (f"  lexicon: {words.path} (sha256 {words.sha256[:12]})" if words else "")
    )
    err(f"new metrics: {summary.new_metrics}")
    err(f"database {resolve_url(db)}: articles {t['articles']}, metrics {t['metrics']}, "
         f"initiatives {t['initiatives']}, localities {t['localities']}")
    list_problems(summary)
    if summary.skipped:
        kinds = Counter(why.removeprefix("unsupported file type ") for _, why in summary.skipped)
        files = "file" if len(summary.skipped) == 1 else "files"
        err(f"skipped {len(summary.skipped)} {files} of other types ({', '.join(f'{k} {n}' for k, n in kinds.most_common())}): "
             "listed in `extractor export log`")
    if summary.interrupted:
        err("interrupted: the batch in flight was not stored; re-run to complete")
        raise typer.Exit(INTERRUPTED)
    if summary.seen and not summary.changed:
        err("nothing new: the database is unchanged")
    if summary.seen == 0 and not part:
        err(f"error: {NO_INPUTS}")
        raise typer.Exit(1)
    if summary.seen and summary.seen == len(summary.failures):
        raise typer.Exit(1)


@app.command("reextract")
def reextract_cmd(
    db: DbOption = None,
    all_articles: Annotated[bool, typer.Option("--all", help="Every article, not only those of older extractor versions.")] = False,
    workers: WorkersOption = None,
    lexicon: LexiconOption = None,
) -> None:
    """Extract again from the stored article bodies, after the rules changed (no files needed)."""
    from . import __version__
    from .reextract import reextract

    processes, words = worker_count(workers), user_lexicon(lexicon)
    engine = open_engine(db, write=True)
    done = [0]  # articles rewritten so far, for the summary of an interrupted run
    with progress_bar(sys.stderr.isatty()) as progress:

        def track(n: int, total: int) -> None:
            done[0] = n
            if progress:
                progress(n, total)

        try:
            reextract(engine, processes, only_outdated=not all_articles, progress=track,
                      lexicons=words.tables if words else None)
            interrupted = False
        except KeyboardInterrupt:
            interrupted = True
    err(f"re-extracted {done[0]} articles with extractor {__version__}"
         + (f" and lexicon {words.path} (sha256 {words.sha256[:12]})" if words else ""))
    if interrupted:
        err("interrupted: the batch in flight was not stored; re-run to complete")
        raise typer.Exit(INTERRUPTED)
    if words and not all_articles:
        err("note: without --all only the articles of older extractor versions were re-extracted with your lexicon")


@app.command("export")
def export_cmd(
    table: Annotated[str, typer.Argument(help="What to export: metrics, articles, initiatives, localities or log.",
                                         show_default=False)],
    output: Annotated[str, typer.Option("-o", "--output", help="File to write; - for standard output.")] = "-",
    db: DbOption = None,
    where: Annotated[str | None, typer.Option("--where", help="Only rows matching this SQL condition on the export's columns, e.g. \"unit_class = 'people'\".", show_default=False)] = None,
    fmt: Annotated[str, typer.Option("--format", help="csv or jsonl (one JSON object a line).")] = "csv",
    excel: Annotated[bool, typer.Option("--excel", help="CSV for spreadsheets: a BOM, and cells that would run as formulas (or codes that would become numbers) prefixed with an apostrophe.")] = False,
) -> None:
    """Write a table as UTF-8 CSV or JSON lines. Reads only: the database is opened read-only."""
    from .db.export import TABLES, write, write_file
    from .query import QueryError

    if table not in TABLES:
        fail(f"unknown export {table!r}; choose one of: {', '.join(TABLES)}")
    engine = open_engine(db)
    options = {"fmt": fmt, "where": where, "excel": excel}
    try:
        if output == "-":
            write(engine, table, sys.stdout, **options)
            return
        n = write_file(engine, table, Path(output), **options)
    except QueryError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror}")
    err(f"wrote {n} rows to {Path(output)}")


@app.command("eval")
def eval_cmd(
    gold: Annotated[Path, typer.Argument(help="Gold file: one JSON line per annotated article (docs/ANNOTATING.md).",
                                         show_default=False)],
    paths: Annotated[list[str] | None, typer.Argument(help="Article files and folders, ingested into a temporary database.",
                                                      show_default=False)] = None,
    db: Annotated[str | None, typer.Option("--db", help="Score this database instead (PATHs, if given, are ingested into it first).",
                                           show_default=False)] = None,
    workers: WorkersOption = None,
    by_doc: Annotated[bool, typer.Option("--by-doc", help="Also the figures of each article.")] = False,
    errors: Annotated[bool, typer.Option("--errors", help="List every miss, false hit and wrong field, with its sentence.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object (for scripts) instead of text.")] = False,
) -> None:
    """Score the extraction against your own annotated articles: precision, recall and F1."""
    import json
    import tempfile

    from .evalreport import as_json as to_json, text_report
    from .evaluate import evaluate_database
    from .gold import GoldError, load_gold
    from .ingest import ingest

    try:
        gold_docs = load_gold(gold)
    except GoldError as exc:
        fail(str(exc))
    if not paths and db is None:
        fail("give the article files or folders to score, or --db URL for a database that holds them")
    with tempfile.TemporaryDirectory(prefix="extractor-eval-") as tmp:
        engine = open_engine(db or f"sqlite:///{Path(tmp) / 'eval.db'}", write=bool(paths))
        if paths:
            with progress_bar(sys.stderr.isatty()) as progress:
                summary = ingest(paths, engine, workers=worker_count(workers), progress=progress)
            if summary.interrupted:
                err("interrupted: nothing scored")
                raise typer.Exit(INTERRUPTED)
            list_problems(summary)
            if summary.seen == 0:
                err(f"error: {NO_INPUTS}")
                raise typer.Exit(1)
        evaluation = evaluate_database(engine, gold_docs, with_sentences=errors)
        engine.dispose()
    if evaluation.docs_not_in_input:
        missing = evaluation.docs_not_in_input
        err(f"warning: {len(missing)} of {len(gold_docs)} gold articles have no input of that file name: "
             f"{', '.join(missing[:5])}{' …' if len(missing) > 5 else ''}")
    if as_json:
        typer.echo(json.dumps(to_json(evaluation, by_doc, errors), ensure_ascii=False))
    else:
        typer.echo(text_report(evaluation, by_doc, errors))


@app.command("query")
def query_cmd(
    sql: Annotated[str, typer.Argument(help="One SQL statement, e.g. \"SELECT unit_class, COUNT(*) FROM metric_facts GROUP BY 1\".", show_default=False)],
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
    db: DbOption = None,
) -> None:
    """Run one read-only SQL statement; a statement that would write is refused."""
    from .query import FORMATS, QueryError, run, write

    if fmt not in FORMATS:
        fail(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    engine = open_engine(db)
    try:
        write(run(engine, sql), fmt, sys.stdout)
    except QueryError as exc:
        fail(str(exc))


@app.command("show")
def show_cmd(
    metric_id: Annotated[int, typer.Argument(help="The claim's metric_id (a column of metric_facts and of the metrics export).", show_default=False)],
    context: Annotated[int, typer.Option("--context", min=0, help="Sentences to show before and after the claim's own.")] = 1,
    db: DbOption = None,
) -> None:
    """One claim: its fields, its article, and its sentence with the figure highlighted."""
    import os

    from .show import NotFound, claim, render

    engine = open_engine(db)
    try:
        shown = claim(engine, metric_id, context)
    except NotFound as exc:
        fail(str(exc))
    typer.echo(render(shown, color=sys.stdout.isatty() and not os.environ.get("NO_COLOR")), nl=False)


@app.command("stats")
def stats_cmd(
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="As one JSON object.")] = False,
) -> None:
    """What the database holds: articles, claims by unit class, qualifier and year, top subjects,
    places and programmes, and articles lacking a title, date or place."""
    from .stats import render, stats, to_json

    summary = stats(open_engine(db))
    typer.echo(to_json(summary) if as_json else render(summary), nl=False)


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
        fail("serve needs Datasette: pip install 'extractor[serve]'")
    started()
    try:
        path = sqlite_path(resolve_url(db))
    except ServeError as exc:
        fail(str(exc))
    if unmerged_writes(path):
        err(f"warning: {path}-wal holds writes not yet in the file (an ingest running?); they are not shown")
    err(f"serving {path} read-only at http://127.0.0.1:{port}/{path.stem}/metric_facts (Ctrl-C stops)")
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
        fail("plot needs matplotlib: pip install 'extractor[plot]'")
    except PlotError as exc:
        fail(str(exc))
    try:
        series = claims_over_time(open_engine(db), subject, place, by.value)
    except NoClaims as exc:
        err(f"error: {exc}")
        raise typer.Exit(1) from None
    try:
        draw(series, output, font)
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror}")
    err(f"wrote {output}: {len(series.periods)} bars, {series.claims} claims in {series.unit}")


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None) -> None:
    """Create the schema or upgrade it to the newest version."""
    from .db.engine import DatabaseError
    from .db.migrate import open_database, upgrade

    started()
    try:
        changed = upgrade(open_database(db, write=True))
    except DatabaseError as exc:
        fail(str(exc))
    err("schema upgraded to head" if changed else "schema already at head")
