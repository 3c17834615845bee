"""Concurrency that holds: ingests started together on a database without a schema, repost groups
that do not depend on ingest order, and a file known by its resolved path.

The races are those of benchmarks/race.py (which runs them 20 times, and on 1,000 files), here
in smaller sizes: the schema race 20 times on SQLite, 5 on PostgreSQL; the repost race once on
a few hundred generated reposts. PostgreSQL comes from tests/pg.py ($EXTRACTOR_TEST_PG, or a
throwaway server; skipped without one).
"""
from __future__ import annotations

import contextlib
import dataclasses
import importlib.util
import itertools
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from extractor.cli import app
from extractor.db.engine import make_engine
from extractor.db.migrate import upgrade
from extractor.db.reposts import canonical_key
from extractor.db.store import Store
from extractor.ingest import BATCH_SIZE
from extractor.pipeline import extract
from extractor.records import Item
from extractor.rows import article_rows

from .conftest import ROOT, SEEDS

_spec = importlib.util.spec_from_file_location("race", ROOT / "benchmarks" / "race.py")
assert _spec is not None and _spec.loader is not None
race = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(race)

runner = CliRunner()
SEED = SEEDS / "000_e78e95ea709d0ece.txt"
REPOSTS = BATCH_SIZE + 100  # generated reposts of the five seeds: more than one batch


# -- two ingests at once on a database without a schema ------------------------------------------


def test_two_ingests_on_a_missing_sqlite_database_both_succeed(tmp_path: Path) -> None:
    failures = [why for run in range(20)
                if (why := race.schema_race(f"sqlite:///{tmp_path / f'race{run}.db'}", [str(SEED)], tmp_path / f"b{run}"))]
    assert failures == []


def test_two_ingests_on_an_empty_postgres_database_both_succeed(
        pg_databases: Callable[[], contextlib.AbstractContextManager[str]], tmp_path: Path) -> None:
    failures = []
    for run in range(5):
        with pg_databases() as url:
            if why := race.schema_race(url, [str(SEED)], tmp_path / f"b{run}"):
                failures.append(why)
    assert failures == []


def test_upgrade_that_waited_for_the_lock_applies_nothing(db_url: str) -> None:
    # What the second of two racing writers sees once it holds the lock: the schema at head.
    first, second = make_engine(db_url), make_engine(db_url)
    try:
        assert upgrade(first) is True
        assert upgrade(second) is False
    finally:
        first.dispose()
        second.dispose()


# -- repost groups whatever the order --------------------------------------------------------------


@pytest.fixture(scope="module")
def reposts(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    return race.make_corpus(tmp_path_factory.mktemp("reposts"), REPOSTS)


def test_reposts_the_same_plain_reversed_and_concurrent_sqlite(reposts: list[str], tmp_path: Path) -> None:
    assert race.repost_race(reposts, race.sqlite_databases(tmp_path), tmp_path / "barrier") is None


def test_reposts_the_same_plain_reversed_and_concurrent_postgres(
        reposts: list[str], pg_databases: Callable[[], contextlib.AbstractContextManager[str]], tmp_path: Path) -> None:
    assert race.repost_race(reposts, pg_databases, tmp_path / "barrier") is None


def test_generated_reposts_are_grouped(reposts: list[str], tmp_path: Path) -> None:
    # The race above compares groups; here, that there are groups to compare.
    url = f"sqlite:///{tmp_path / 'plain.db'}"
    assert runner.invoke(app, ["ingest", *reposts, "--db", url, "--workers", "1"]).exit_code == 0
    canonical, facts = race.groups(url)
    assert len(set(canonical.values())) < len(canonical) / 10 and facts > 0


def _signature(values: list[int]) -> bytes:
    return np.array(values, dtype="<u4").tobytes()


# Three articles in a chain: A~B and B~C share 96 of 128 hashes (0.75), A and C only 64 (0.5).
_A = list(range(128))
_B = [1000 + v if v < 32 else v for v in _A]
_C = [2000 + v if 32 <= v < 64 else v for v in _B]
CHAIN = {"a": _A, "b": _B, "c": _C}


@pytest.fixture(scope="module")
def chain_items(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Item]:
    """Three seeds' extractions with the chain's signatures in place of their own."""
    items = {}
    for (name, values), seed in zip(CHAIN.items(), sorted(SEEDS.glob("*.txt"))):
        record = dataclasses.replace(extract(seed.read_text(encoding="utf-8")), minhash=_signature(values))
        items[name] = Item(f"/chain/{name}.txt", article_rows(record), f"/chain/{name}.txt", 1, 1)
    published = [i.result.published for i in items.values()]  # type: ignore[union-attr]
    assert published == sorted(published)  # a was published first: the group's canonical article
    return items


def _chain_groups(db_url: str) -> dict[str, str | None]:
    with make_engine(db_url).connect() as conn:
        return dict(conn.execute(text(
            "SELECT a.file, c.file FROM articles a LEFT JOIN articles c ON c.id = a.canonical_id")).all())


@pytest.mark.parametrize("order", [*itertools.permutations("abc"), ("abc",), ("ab", "c"), ("c", "ab"), ("ac", "b")],
                         ids=lambda o: "-".join(o))
def test_a_chain_of_reposts_is_one_group_in_any_order(order: tuple[str, ...], chain_items: dict[str, Item],
                                                      tmp_path: Path) -> None:
    # Each string of the order is one batch (one transaction).
    url = f"sqlite:///{tmp_path / 'chain.db'}"
    engine = make_engine(url)
    upgrade(engine)
    store = Store(engine)
    for batch in order:
        store.write_batch([chain_items[n] for n in batch])
    engine.dispose()
    assert _chain_groups(url) == {"/chain/a.txt": None, "/chain/b.txt": "/chain/a.txt", "/chain/c.txt": "/chain/a.txt"}


@pytest.mark.parametrize(("first", "second", "smaller"), [
    ((date(2022, 1, 2), "ff"), (date(2023, 1, 1), "00"), "first"),  # the earlier publication
    ((None, "00"), (date(2023, 1, 1), "ff"), "second"),  # a dated one before an undated one
    ((date(2022, 1, 2), "ab"), (date(2022, 1, 2), "aa"), "second"),  # the same day: by hash
    ((None, "ab"), (None, "ac"), "first"),
])
def test_canonical_key(first: tuple[date | None, str], second: tuple[date | None, str], smaller: str) -> None:
    assert (canonical_key(*first) < canonical_key(*second)) == (smaller == "first")


def test_similarity_is_to_the_canonical_article(chain_items: dict[str, Item], tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'chain.db'}"
    engine = make_engine(url)
    upgrade(engine)
    for name in "cba":  # a arrives last and becomes the canonical article of the group c and b made
        Store(engine).write_batch([chain_items[name]])
    with engine.connect() as conn:
        rows = dict(conn.execute(text("SELECT file, similarity FROM articles")).all())
    engine.dispose()
    assert rows == {"/chain/a.txt": None, "/chain/b.txt": 0.75, "/chain/c.txt": 0.5}


# -- one file, however it is named -----------------------------------------------------------------


def _log_and_articles(db_url: str) -> tuple[list[tuple[str, str]], list[str]]:
    with make_engine(db_url).connect() as conn:
        log = [tuple(r) for r in conn.execute(text("SELECT file, status FROM ingest_log"))]
        files = list(conn.scalars(text("SELECT file FROM articles")))
    return log, files  # type: ignore[return-value]


NAMES = ["seeds/000_e78e95ea709d0ece.txt", "./seeds/000_e78e95ea709d0ece.txt", str(SEED), "seeds/../seeds/000_e78e95ea709d0ece.txt"]


@pytest.mark.parametrize("together", [False, True], ids=["three runs", "one run"])
def test_one_file_under_several_names_is_one_input(together: bool, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    runs = [NAMES] if together else [[name] for name in NAMES]
    for names in runs:
        result = runner.invoke(app, ["ingest", *names, "--db", db_url, "--workers", "1"])
        assert result.exit_code == 0 and "inputs: 1 " in result.output, result.output
    assert _log_and_articles(db_url) == ([(str(SEED.resolve()), "ingested")], [str(SEED.resolve())])


def test_a_link_to_a_file_is_that_file(db_url: str, tmp_path: Path) -> None:
    link = tmp_path / "link.txt"
    os.symlink(SEED, link)
    for name in (str(link), str(SEED)):
        assert runner.invoke(app, ["ingest", name, "--db", db_url, "--workers", "1"]).exit_code == 0
    assert _log_and_articles(db_url) == ([(str(SEED.resolve()), "ingested")], [str(SEED.resolve())])
