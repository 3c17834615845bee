"""Which stored articles the writer compares with a new one: those sharing enough band keys."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from extractor import lsh
from extractor.db import reposts
from extractor.db.engine import make_engine
from extractor.db.migrate import upgrade


def _bands(path: Path, keys: dict[int, list[int]]) -> sqlite3.Connection:
    """A schema at head whose article_bands hold these articles' keys (band i of article a: keys[a][i])."""
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    conn = sqlite3.connect(path)  # foreign keys off: band rows need no article rows here
    conn.executemany("INSERT INTO article_bands (article_id, band, hash) VALUES (?, ?, ?)",
                     [(a, b, h) for a, hashes in keys.items() for b, h in enumerate(hashes)])
    return conn


def test_candidates_share_two_band_keys_or_more(tmp_path: Path) -> None:
    assert lsh.MIN_SHARED_BANDS == 2
    base = list(range(100, 100 + lsh.BANDS))
    other = list(range(500, 500 + lsh.BANDS))
    keys = {
        1: base,
        2: [base[0], *other[1:]],  # one band in common with 1: no candidate
        3: [base[0], *other[1:5], base[5], *other[6:]],  # two: a candidate
        4: [other[0] + 1000, other[1], *(h + 1000 for h in other[2:])],  # one band in common with 2 and with 3
        5: base[1:] + base[:1],  # 1's keys, each in another band: none in common
    }
    conn = _bands(tmp_path / "bands.db", keys)
    assert set(conn.execute(reposts.pairs_query([1])).fetchall()) == {(1, 1), (1, 3)}
    assert set(conn.execute(reposts.pairs_query(sorted(keys))).fetchall()) == {
        (1, 1), (2, 2), (3, 3), (4, 4), (5, 5), (1, 3), (3, 1),
        (2, 3), (3, 2),  # 31 bands in common
    }
    conn.close()
