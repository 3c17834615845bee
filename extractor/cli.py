"""The command line: a thin skin over ingest, export, eval, query/show/stats, serve, plot and migrate.
Errors are one line.

The database layer is imported inside the commands: extraction worker processes import this
module as their main module, and must not carry SQLAlchemy and Alembic for nothing.
"""
from __future__ import annotations

import sys
from collections.abc import Callable
from contextlib import ExitStack, contextmanager
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Iterator, NoReturn

import typer

if TYPE_CHECKING:
    from .ingest import Summary
    from .records import Item

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


LexiconOption = Annotated[
    str | None,
    typer.Option("--lexicon", help="Your own words (a TOML file), merged over the shipped lexicons: see README.",
                 show_default="none"),
]
INTERRUPTED = 130  # the shell's exit status for a run stopped by Ctrl-C (128 + SIGINT)


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


def _open(url: str | None, *, write: bool = False):  # type: ignore[no-untyped-def]
    """An engine, or exit with one line saying why not.

    write: the database may be created and its schema is brought to head (ingest, reextract).
    Otherwise it must exist and be at head, and is opened read-only: reading never changes it.
    """
    from .db.engine import DatabaseError
    from .db.migrate import open_database, upgrade

    try:
        engine = open_database(url, write=write)
        if write:
            upgrade(engine)
    except DatabaseError as exc:
        _fail(str(exc))
    return engine


def _fail(message: str) -> NoReturn:
    _err(f"error: {message}")
    raise typer.Exit(2)


def _workers(requested: int | None) -> int:
    """The number of extraction processes to start: a bad --workers is one line and exit 2."""
    import os

    cores = os.cpu_count() or 1
    if requested is None:
        return cores
    if requested < 1:
        _fail(f"--workers must be at least 1 (got {requested})")
    if requested > cores:
        _err(f"warning: --workers {requested} is more than this machine's {cores} cores; extraction will not be faster")
    return requested


def _lexicon(path: str | None):  # type: ignore[no-untyped-def]
    """The user lexicon at path (None: none), or exit with one line saying what is wrong with it."""
    if path is None:
        return None
    from .userlexicon import UserLexiconError, load

    try:
        return load(path)
    except UserLexiconError as exc:
        _fail(str(exc))


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


@contextmanager
def _cluster(address: str | None, workers: int | None,
             lexicons: dict[str, Any] | None) -> Iterator[Callable[[list[str]], Iterator[list[Item]]] | None]:
    """The Dask runner for ingest (None: no --dask), or exit with one line saying why there is none."""
    if address is None:
        yield None
        return
    from functools import partial

    from .dask_runner import DaskError, connect, results

    with ExitStack() as stack:
        try:
            client = stack.enter_context(connect(address, workers))
        except DaskError as exc:
            _fail(str(exc))
        yield partial(results, client, lexicons=lexicons or {})


_NO_INPUTS = "no input files found (looked for .txt, .html, .htm, .jsonl and their .gz)"


def _list_problems(summary: Summary) -> None:
    """The inputs that failed, and the stored ones worth a look (a body that is a small part of its page)."""
    for f in summary.failures:
        _err(f"failed: {f.file}: {f.reason}")
    for f in summary.notes:
        _err(f"check: {f.file}: {f.reason}")


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
        _fail(str(exc))
    processes, words = _workers(workers), _lexicon(lexicon)
    engine = _open(db, write=True)
    tables = words.tables if words else None
    with _cluster(dask, processes, tables) as runner, _progress(sys.stderr.isatty()) as progress:
        summary = ingest(paths, engine, workers=processes, progress=progress, shard=part, lexicons=tables, runner=runner)
    c, t = summary.counts, summary.totals
    _err(
        f"inputs: {summary.seen}  ingested: {c['ingested']}  duplicate: {c['duplicate']}  "
        f"unchanged: {c['unchanged'] - len([f for f in summary.failures if f.status == 'unchanged'])}  "
        f"failed: {len(summary.failures)}  skipped: {len(summary.skipped)}"
        + (f"  lexicon: {words.path} (sha256 {words.sha256[:12]})" if words else "")
    )
    _err(f"new metrics: {summary.new_metrics}")
    _err(f"database {resolve_url(db)}: articles {t['articles']}, metrics {t['metrics']}, "
         f"initiatives {t['initiatives']}, localities {t['localities']}")
    _list_problems(summary)
    if summary.skipped:
        kinds = Counter(why.removeprefix("unsupported file type ") for _, why in summary.skipped)
        files = "file" if len(summary.skipped) == 1 else "files"
        _err(f"skipped {len(summary.skipped)} {files} of other types ({', '.join(f'{k} {n}' for k, n in kinds.most_common())}): "
             "listed in `extractor export log`")
    if summary.interrupted:
        _err("interrupted: the batch in flight was not stored; re-run to complete")
        raise typer.Exit(INTERRUPTED)
    if summary.seen and not summary.changed:
        _err("nothing new: the database is unchanged")
    if summary.seen == 0 and not part:
        _err(f"error: {_NO_INPUTS}")
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

    processes, words = _workers(workers), _lexicon(lexicon)
    engine = _open(db, write=True)
    done = [0]  # articles rewritten so far, for the summary of an interrupted run
    with _progress(sys.stderr.isatty()) as progress:

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
    _err(f"re-extracted {done[0]} articles with extractor {__version__}"
         + (f" and lexicon {words.path} (sha256 {words.sha256[:12]})" if words else ""))
    if interrupted:
        _err("interrupted: the batch in flight was not stored; re-run to complete")
        raise typer.Exit(INTERRUPTED)
    if words and not all_articles:
        _err("note: without --all only the articles of older extractor versions were re-extracted with your lexicon")


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
        _fail(f"unknown export {table!r}; choose one of: {', '.join(TABLES)}")
    engine = _open(db)
    options = {"fmt": fmt, "where": where, "excel": excel}
    try:
        if output == "-":
            write(engine, table, sys.stdout, **options)
            return
        n = write_file(engine, table, Path(output), **options)
    except QueryError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"cannot write {output}: {exc.strerror}")
    _err(f"wrote {n} rows to {Path(output)}")


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
        _fail(str(exc))
    if not paths and db is None:
        _fail("give the article files or folders to score, or --db URL for a database that holds them")
    with tempfile.TemporaryDirectory(prefix="extractor-eval-") as tmp:
        engine = _open(db or f"sqlite:///{Path(tmp) / 'eval.db'}", write=bool(paths))
        if paths:
            with _progress(sys.stderr.isatty()) as progress:
                summary = ingest(paths, engine, workers=_workers(workers), progress=progress)
            if summary.interrupted:
                _err("interrupted: nothing scored")
                raise typer.Exit(INTERRUPTED)
            _list_problems(summary)
            if summary.seen == 0:
                _err(f"error: {_NO_INPUTS}")
                raise typer.Exit(1)
        evaluation = evaluate_database(engine, gold_docs, with_sentences=errors)
        engine.dispose()
    if evaluation.docs_not_in_input:
        missing = evaluation.docs_not_in_input
        _err(f"warning: {len(missing)} of {len(gold_docs)} gold articles have no input of that file name: "
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
        _fail(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    engine = _open(db)
    try:
        write(run(engine, sql), fmt, sys.stdout)
    except QueryError as exc:
        _fail(str(exc))


@app.command("show")
def show_cmd(
    metric_id: Annotated[int, typer.Argument(help="The claim's metric_id (a column of metric_facts and of the metrics export).", show_default=False)],
    context: Annotated[int, typer.Option("--context", min=0, help="Sentences to show before and after the claim's own.")] = 1,
    db: DbOption = None,
) -> None:
    """One claim: its fields, its article, and its sentence with the figure highlighted."""
    import os

    from .show import NotFound, claim, render

    engine = _open(db)
    try:
        shown = claim(engine, metric_id, context)
    except NotFound as exc:
        _fail(str(exc))
    typer.echo(render(shown, color=sys.stdout.isatty() and not os.environ.get("NO_COLOR")), nl=False)


@app.command("stats")
def stats_cmd(
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="As one JSON object.")] = False,
) -> None:
    """What the database holds: articles, claims by unit class, qualifier and year, top subjects,
    places and programmes, and articles lacking a title, date or place."""
    from .stats import render, stats, to_json

    summary = stats(_open(db))
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
        _fail("serve needs Datasette: pip install 'extractor[serve]'")
    try:
        path = sqlite_path(resolve_url(db))
    except ServeError as exc:
        _fail(str(exc))
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
        _fail("plot needs matplotlib: pip install 'extractor[plot]'")
    except PlotError as exc:
        _fail(str(exc))
    try:
        series = claims_over_time(_open(db), subject, place, by.value)
    except NoClaims as exc:
        _err(f"error: {exc}")
        raise typer.Exit(1) from None
    try:
        draw(series, output, font)
    except OSError as exc:
        _fail(f"cannot write {output}: {exc.strerror}")
    _err(f"wrote {output}: {len(series.periods)} bars, {series.claims} claims in {series.unit}")


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None) -> None:
    """Create the schema or upgrade it to the newest version."""
    from .db.engine import DatabaseError
    from .db.migrate import open_database, upgrade

    try:
        changed = upgrade(open_database(db, write=True))
    except DatabaseError as exc:
        _fail(str(exc))
    _err("schema upgraded to head" if changed else "schema already at head")
