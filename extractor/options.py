"""What the commands share: their options, the engine they open, one-line failures, and the
start-up of a process run (what a command loads is kept out of the cycle collector's walks).

A failure here prints `error: …` and exits 2 (typer.Exit), so the commands stay a thin skin
and no user error ends in a traceback.
"""
from __future__ import annotations

import gc
from collections.abc import Callable
from contextlib import ExitStack, contextmanager
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any, Iterator, NoReturn

import typer

if TYPE_CHECKING:
    from .ingest import Summary
    from .records import Item

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

_starting = False  # a process run of the command (start_up) is loading the command's modules


def err(message: str) -> None:
    typer.echo(message, err=True)


@contextmanager
def start_up() -> Iterator[None]:
    """A process's own run of the command (the console script, python -m extractor): the cycle
    collector is paused while the command loads its modules, until started() (or the command ends).

    Loading SQLAlchemy, the models and typer's pydantic makes some 110,000 objects and next to no
    garbage; the collections that set off, and the one at exit, walked them all: a quarter of the
    CPU of an ingest with nothing to do.
    """
    global _starting
    gc.disable()
    _starting = True
    try:
        yield
    finally:
        if _starting:  # a command that ended before started(): nothing frozen
            _starting = False
            gc.enable()


def started() -> None:
    """The command's modules are loaded (call before it opens anything). In a process run
    (start_up), what the process holds now lives until it exits: it is frozen out of the collector's
    walks, and the collector resumes for what the command makes. Elsewhere (CliRunner in the tests,
    a library caller) nothing is done: frozen objects whose cycles the caller drops later would
    never be freed."""
    global _starting
    if _starting:
        _starting = False
        gc.freeze()
        gc.enable()


def open_engine(url: str | None, *, write: bool = False):  # type: ignore[no-untyped-def]
    """An engine, or exit with one line saying why not.

    write: the database may be created and its schema is brought to head (ingest, reextract).
    Otherwise it must exist and be at head, and is opened read-only: reading never changes it.
    """
    from .db.engine import DatabaseError
    from .db.migrate import open_database, upgrade

    started()
    try:
        engine = open_database(url, write=write)
        if write:
            upgrade(engine)
    except DatabaseError as exc:
        fail(str(exc))
    return engine


def fail(message: str) -> NoReturn:
    err(f"error: {message}")
    raise typer.Exit(2)


def worker_count(requested: int | None) -> int:
    """The number of extraction processes to start: a bad --workers is one line and exit 2."""
    import os

    cores = os.cpu_count() or 1
    if requested is None:
        return cores
    if requested < 1:
        fail(f"--workers must be at least 1 (got {requested})")
    if requested > cores:
        err(f"warning: --workers {requested} is more than this machine's {cores} cores; extraction will not be faster")
    return requested


def user_lexicon(path: str | None):  # type: ignore[no-untyped-def]
    """The user lexicon at path (None: none), or exit with one line saying what is wrong with it."""
    if path is None:
        return None
    from .userlexicon import UserLexiconError, load

    try:
        return load(path)
    except UserLexiconError as exc:
        fail(str(exc))


@contextmanager
def progress_bar(enabled: bool) -> Iterator[Callable[[int, int], None] | None]:
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
def cluster_runner(address: str | None, workers: int | None,
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
            fail(str(exc))
        yield partial(results, client, lexicons=lexicons or {})


NO_INPUTS = "no input files found (looked for .txt, .html, .htm, .jsonl and their .gz)"


def list_problems(summary: Summary) -> None:
    """The inputs that failed, and the stored ones worth a look (a body that is a small part of its page)."""
    for f in summary.failures:
        err(f"failed: {f.file}: {f.reason}")
    for f in summary.notes:
        err(f"check: {f.file}: {f.reason}")
