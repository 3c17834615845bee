"""The memoized readings of the extraction rules are bounded, so a worker's memory stays flat over
a crawl: with caches of 16,384–65,536 entries the ingest process tree grew from 341 MB at 2,000
articles to 454 MB at 20,000 (the benchmark's memory targets are flat in N and under 400 MB)."""
from __future__ import annotations

import functools
import gc
from pathlib import Path

from extractor.memo import ENTRIES
from extractor.pipeline import extract

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
MOST = ENTRIES  # the largest bound any cache of the rules may have (memo.py)
FEW = 64  # an unbounded cache (functools.cache) must be one of rules built from the lexicons


def _rule_caches() -> list[functools._lru_cache_wrapper]:  # type: ignore[type-arg]
    for path in sorted(SEEDS.glob("*.txt")):
        extract(path.read_text(encoding="utf-8"))  # instance caches (the gazetteer's) exist by now
    return [o for o in gc.get_objects()
            if isinstance(o, functools._lru_cache_wrapper) and str(getattr(o, "__module__", "")).startswith("extractor")]


def test_rule_caches_are_bounded() -> None:
    caches = _rule_caches()
    assert len(caches) >= 10  # the rules' caches were found (not an empty check)
    too_big = [f"{c.__module__}.{c.__qualname__}: maxsize {c.cache_info().maxsize}" for c in caches
               if c.cache_info().maxsize is not None and c.cache_info().maxsize > MOST]
    assert too_big == []


def test_unbounded_caches_hold_only_rules() -> None:
    grown = [f"{c.__module__}.{c.__qualname__}: {c.cache_info().currsize} entries" for c in _rule_caches()
             if c.cache_info().maxsize is None and c.cache_info().currsize > FEW]
    assert grown == []
