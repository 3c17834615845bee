"""What each process of an ingest imports: RSS summed over the tree is the memory target (issue #9).

A worker imports the module of the function it is sent; the writer imports that module to name it.
"""
from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from extractor import ingest as ingest_module


def _loads(module: str, heavy: tuple[str, ...]) -> list[str]:
    """The modules among heavy that importing module loads, in a fresh interpreter."""
    code = f"import sys, {module}; print(' '.join(m for m in {heavy!r} if m in sys.modules))"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()


def test_workers_are_sent_a_function_whose_module_brings_no_database_code(monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[Any] = []

    class Recorder:
        def __init__(self, count: int, func: Any, *args: Any) -> None:
            sent.append(func)

        def __enter__(self) -> Recorder:
            return self

        def __exit__(self, *exc: object) -> None:
            pass

        def imap(self, *args: Any) -> list[Any]:
            return []

    monkeypatch.setattr("extractor.pool.Workers", Recorder)
    with ingest_module._results([f"f{i}" for i in range(ingest_module._POOL_THRESHOLD)], 2, {}, 200):
        pass
    (func,) = sent
    # SQLAlchemy and the models cost each worker 35 MB of RSS; alembic more.
    assert _loads(func.__module__, ("sqlalchemy", "alembic", "extractor.db.store")) == []


def test_the_writer_loads_neither_the_rules_nor_numpy() -> None:
    # numpy cost the writer 16 MB of RSS: it only compares signatures (lsh.py).
    heavy = ("numpy", "extractor.pipeline", "extractor.gazetteer", "regex")
    assert _loads("extractor.ingest, extractor.cli, extractor.db.migrate", heavy) == []
