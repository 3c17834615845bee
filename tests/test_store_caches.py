"""The writer's caches of place and programme ids are bounded (a national crawl names tens of
thousands of each), and a batch after the cache was emptied stores exactly what it would have."""
from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from extractor import work
from extractor.db import store as store_module
from extractor.db.engine import make_engine
from extractor.db.migrate import upgrade
from extractor.db.store import Store
from extractor.rows import ArticleRows

from .conftest import SEEDS

_TABLES = {
    "localities": "SELECT id, key, name, level, code, path, parent_id FROM localities ORDER BY id",
    "initiatives": "SELECT id, name, kind FROM initiatives ORDER BY id",
    "metrics": "SELECT id, article_id, locality_id, initiative_id FROM metrics ORDER BY id",
    "mentions": "SELECT article_id, locality_id, text, char_start FROM place_mentions ORDER BY id",
}


def _store_seeds(db: Path) -> tuple[dict[str, list[tuple]], list[set[str]]]:  # type: ignore[type-arg]
    """Each seed written as its own batch; the tables, and the place keys cached after each batch."""
    engine = make_engine(f"sqlite:///{db}")
    upgrade(engine)
    store = Store(engine)
    cached = []
    for path in sorted(SEEDS.glob("*.txt")):
        store.write_batch(work.process_path(str(path)))
        cached.append(set(store._locality_ids))
    engine.dispose()
    with closing(sqlite3.connect(db)) as conn:
        return {name: conn.execute(sql).fetchall() for name, sql in _TABLES.items()}, cached


def test_an_emptied_id_cache_stores_the_same_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work.start({})
    kept, kept_cache = _store_seeds(tmp_path / "kept.db")
    monkeypatch.setattr(store_module, "ID_CACHE_LIMIT", 0)  # emptied before every batch
    emptied, emptied_cache = _store_seeds(tmp_path / "emptied.db")
    assert emptied == kept and len(kept["localities"]) > 5 and len(kept["initiatives"]) > 2
    # Not a vacuous comparison: the kept cache grew over the batches, the other held one batch's
    # places each time.
    assert kept_cache[-1] == set().union(*emptied_cache) and all(emptied_cache)
    assert all(len(c) < len(kept_cache[-1]) for c in emptied_cache)


def test_the_places_a_batch_names_include_their_ancestors() -> None:
    # What makes emptying safe: a batch never needs the id of a place it does not name itself.
    work.start({})
    for path in sorted(SEEDS.glob("*.txt")):
        for item in work.process_path(str(path)):
            rows = item.result
            assert isinstance(rows, ArticleRows)
            named = {place[0] for group in rows.places for place in group}
            assert {place[4] for group in rows.places for place in group} - {None} <= named
