"""The fixed cost of a command (issue #9): a process run loads its modules with the cycle collector
paused and freezes them once loaded, before it opens a database; a database at head is judged
without Alembic."""
from __future__ import annotations

import gc
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from extractor.cli import app
from extractor.db import migrate

from .conftest import SEEDS

SEED = SEEDS / "000_e78e95ea709d0ece.txt"


@pytest.fixture
def collector_seen(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[bool, int]]]:
    """(collector enabled, objects frozen) each time a command opens a database."""
    seen: list[tuple[bool, int]] = []
    opened = migrate.open_database

    def recording(*args: Any, **kwargs: Any) -> Any:
        seen.append((gc.isenabled(), gc.get_freeze_count()))
        return opened(*args, **kwargs)

    monkeypatch.setattr(migrate, "open_database", recording)
    frozen_before = gc.get_freeze_count()
    try:
        yield seen
    finally:
        if gc.get_freeze_count() > frozen_before:
            gc.unfreeze()  # this test process's heap is pytest's, not to be kept from the collector
        gc.enable()


def _process_run(*args: str) -> int:
    """The command as the console script runs it (app called), here in this process."""
    return app(list(args), standalone_mode=False) or 0  # the exit status, not raised


def test_a_process_run_freezes_what_it_loaded_before_it_opens_the_database(
        collector_seen: list[tuple[bool, int]], tmp_path: Path) -> None:
    frozen_before = gc.get_freeze_count()
    assert _process_run("ingest", str(SEED), "--db", f"sqlite:///{tmp_path / 'a.db'}", "--workers", "1") == 0
    ((enabled, frozen),) = collector_seen
    assert enabled and frozen > frozen_before
    assert gc.isenabled()


def test_a_command_invoked_in_a_process_not_ours_freezes_nothing(
        collector_seen: list[tuple[bool, int]], tmp_path: Path) -> None:
    frozen_before = gc.get_freeze_count()
    result = CliRunner().invoke(app, ["ingest", str(SEED), "--db", f"sqlite:///{tmp_path / 'a.db'}", "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert collector_seen == [(True, frozen_before)] and gc.get_freeze_count() == frozen_before


def test_a_command_that_ends_before_loading_gives_the_collector_back(
        collector_seen: list[tuple[bool, int]], tmp_path: Path) -> None:
    frozen_before = gc.get_freeze_count()
    assert _process_run("ingest", str(SEED), "--shard", "0/4", "--db", f"sqlite:///{tmp_path / 'a.db'}") == 2
    assert collector_seen == [] and gc.isenabled() and gc.get_freeze_count() == frozen_before
    assert _process_run("--version") == 0
    assert gc.isenabled() and gc.get_freeze_count() == frozen_before


def test_every_command_says_when_it_has_loaded() -> None:
    # Until started() (open_engine calls it) the collector stays paused: a command that ran long
    # without it (serve does) would never collect a cycle.
    import inspect

    from extractor.cli import db_app

    commands = [c.callback for typer_app in (app, db_app) for c in typer_app.registered_commands]
    assert len(commands) >= 10
    for command in commands:
        source = inspect.getsource(command)  # type: ignore[arg-type]
        assert "started()" in source or "open_engine(" in source, command


def _extractor() -> str:
    exe = shutil.which("extractor", path=str(Path(sys.executable).parent))
    assert exe, "the extractor console script is installed beside this Python"
    return exe


def test_the_console_script_closes_the_database_it_wrote(tmp_path: Path) -> None:
    # What the command opened is not frozen: its connections close at exit and SQLite merges the
    # write-ahead log into the file (a -wal left over would read as an ingest still running).
    db = tmp_path / "a.db"
    for _ in ("new database", "at head"):
        proc = subprocess.run([_extractor(), "ingest", str(SEED), "--db", f"sqlite:///{db}", "--workers", "1"],
                              capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
        assert sorted(p.name for p in tmp_path.iterdir()) == ["a.db"]


def _loaded(modules: tuple[str, ...], *args: str) -> list[str]:
    """Which of modules a process run of the command imports."""
    code = ("import sys; from extractor.cli import app\n"
            f"try: app({list(args)!r})\n"
            "except SystemExit: pass\n"
            f"print(*(m for m in {modules!r} if m in sys.modules), file=sys.stderr)")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stderr.splitlines()[-1].split()


def test_only_a_schema_to_create_or_upgrade_loads_alembic(tmp_path: Path) -> None:
    # A database at head is judged by the migration files' names (test_migrations: they give
    # Alembic's head), so the start-up of nearly every run does without Alembic and its templates.
    url = f"sqlite:///{tmp_path / 'a.db'}"
    alembic = ("alembic", "mako")
    assert "alembic" in _loaded(alembic, "ingest", str(SEED), "--db", url, "--workers", "1")  # creates the schema
    for args in (["ingest", str(SEED)], ["stats"], ["db", "upgrade"]):
        assert _loaded(alembic, *args, "--db", url) == [], args


def test_a_re_ingest_with_nothing_to_read_loads_no_extraction_code(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    extraction = ("extractor.work", "extractor.pool", "extractor.lexicon", "multiprocessing")
    assert _loaded(extraction, "ingest", str(SEED), "--db", url, "--workers", "1") != []
    assert _loaded(extraction, "ingest", str(SEED), "--db", url, "--workers", "1") == []
