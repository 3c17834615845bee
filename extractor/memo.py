"""The bound of every memoized reading of the rules (numerals, clauses, furniture lines, places).

Each worker keeps these for the whole crawl, so they must stop growing early: with 4,096 entries
each a worker grew by about 10 MB more over 10,000 generated articles than with 1,024, for the
same CPU time (the strings that recur, recur often). tests/test_caches.py holds every cache of the
rules to this bound.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any, TypeVar

ENTRIES = 1024

F = TypeVar("F", bound=Callable[..., Any])


def memo(fn: F) -> F:
    """fn memoized, at most ENTRIES results, least recently used first out."""
    return lru_cache(maxsize=ENTRIES)(fn)  # type: ignore[return-value]
