"""The command line: a thin skin over ingest, export, eval and migrate. Errors are one line.

The database layer is imported inside the commands: extraction worker processes import this
module as their main module, and must not carry SQLAlchemy and Alembic for nothing.
"""
from __future__ import annotations

import sys
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Iterator

import typer

app = typer.Typer(
    help="Extract quantified claims from Chinese local-government news into a database.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema commands.", no_args_is_help=True)
app.add_typer(db_app, name="db")

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="SQLAlchemy URL [default: $EXTRACTOR_DB or sqlite:///extractor.db]", show_default=False),
]


LexiconOption = Annotated[
    str | None,
    typer.Option("--lexicon", help="Your own words (a TOML file), merged over the shipped lexicons: see README.",
                 show_default=False),
]
WorkersOption = Annotated[
    int | None, typer.Option(help="Extraction processes [default: the machine's cores].", show_default=False)
]
INTERRUPTED = 130  # the shell's exit status for a run stopped by Ctrl-C (128 + SIGINT)


def _err(message: str) -> None:
    typer.echo(message, err=True)


def _workers(requested: int | None) -> int:
    """The number of extraction processes to start: a bad --workers is one line and exit 2."""
    import os

    cores = os.cpu_count() or 1
    if requested is None:
        return cores
    if requested < 1:
        _err(f"error: --workers must be at least 1 (got {requested})")
        raise typer.Exit(2)
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
        _err(f"error: {exc}")
        raise typer.Exit(2) from None


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
    lexicon: LexiconOption = None,
) -> None:
    """Extract claims from article files and store them; re-running on the same files changes nothing."""
    from collections import Counter

    from .db.engine import resolve_url
    from .ingest import ingest, parse_shard

    try:
        part = parse_shard(shard) if shard else None
    except ValueError as exc:
        _err(f"error: {exc}")
        raise typer.Exit(2) from None
    processes, words = _workers(workers), _lexicon(lexicon)
    engine = _open(db)
    with _progress(sys.stderr.isatty()) as progress:
        summary = ingest(paths, engine, workers=processes, progress=progress, shard=part,
                         lexicons=words.tables if words else None)
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
    for f in summary.failures:
        _err(f"failed: {f.file}: {f.reason}")
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
        _err("error: no input files found (looked for .txt, .html, .htm, .jsonl and their .gz)")
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
    engine = _open(db)
    with _progress(sys.stderr.isatty()) as progress:
        n, interrupted = reextract(engine, processes, only_outdated=not all_articles, progress=progress,
                                   lexicons=words.tables if words else None)
    _err(f"re-extracted {n} articles with extractor {__version__}"
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
        _err(f"error: {exc}")
        raise typer.Exit(2) from None
    if not paths and db is None:
        _err("error: give the article files or folders to score, or --db URL for a database that holds them")
        raise typer.Exit(2)
    with tempfile.TemporaryDirectory(prefix="extractor-eval-") as tmp:
        engine = _open(db or f"sqlite:///{Path(tmp) / 'eval.db'}")
        if paths:
            with _progress(sys.stderr.isatty()) as progress:
                summary = ingest(paths, engine, workers=_workers(workers), progress=progress)
            if summary.interrupted:
                _err("interrupted: nothing scored")
                raise typer.Exit(INTERRUPTED)
            for f in summary.failures:
                _err(f"failed: {f.file}: {f.reason}")
            if summary.seen == 0:
                _err("error: no input files found (looked for .txt, .html, .htm, .jsonl and their .gz)")
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
