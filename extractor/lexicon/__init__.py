"""Lexicons: the words and patterns the rules apply, kept as TOML data beside this file.

A researcher extends a lexicon by editing its TOML file; the engine reads them once. A user's own
lexicon file (extractor.userlexicon) is merged over these and put in force with use(): the rule
builders are declared with @cached, so that use() can drop what they built from the old words.
"""
from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from importlib import resources
from typing import Any, TypeVar

T = TypeVar("T")

_in_force: dict[str, dict[str, Any]] = {}  # lexicon name → the merged tables that replace the shipped file
_builders: list[Any] = []  # every @cached builder (functools cache wrappers), cleared by use()
_dependents: list[Any] = []  # caches of results that depend on lexicons (@depends), cleared by use()


def names() -> list[str]:
    """The shipped lexicons, by file name without .toml."""
    return sorted(p.name.removesuffix(".toml") for p in resources.files(__package__).iterdir() if p.name.endswith(".toml"))


@cache
def shipped(name: str) -> dict[str, Any]:
    """The parsed ``<name>.toml`` of this package (read once per process)."""
    text = resources.files(__package__).joinpath(f"{name}.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def load(name: str) -> dict[str, Any]:
    """The lexicon `name` in force: the shipped one, or what use() put in its place."""
    return _in_force.get(name) or shipped(name)


def cached(builder: Callable[[], T]) -> Callable[[], T]:
    """functools.cache for a function that builds rules from lexicons; use() clears it."""
    wrapped = cache(builder)
    _builders.append(wrapped)
    return wrapped


def depends(memo: T) -> T:
    """Register an lru_cache'd function whose results follow from the lexicons: use() clears it."""
    _dependents.append(memo)
    return memo


def use(tables: Mapping[str, dict[str, Any]]) -> None:
    """Put these lexicons (by name, whole) in force in this process, the others shipped ones."""
    _in_force.clear()
    _in_force.update(tables)
    for memo in (*_builders, *_dependents):
        memo.cache_clear()


def in_force() -> dict[str, dict[str, Any]]:
    """The lexicons use() put in force (empty: all shipped)."""
    return dict(_in_force)


@contextmanager
def using(tables: Mapping[str, dict[str, Any]]) -> Iterator[None]:
    """use(tables) for the duration of a block, then what was in force before."""
    before = in_force()
    if before == tables:  # nothing to change: keep the rules built so far
        yield
        return
    use(tables)
    try:
        yield
    finally:
        use(before)


def build_all() -> None:
    """Build every rule from the lexicons in force (raises what a bad pattern raises)."""
    for builder in _builders:
        builder()


def alternation_order(words: Iterable[str]) -> list[str]:
    """The words, each once, in the order an alternation tries them: longest first (then in code
    point order), so that where several stand at one position the longest one wins."""
    return sorted(set(words), key=lambda w: (-len(w), w))


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of literal words, in alternation_order."""
    import regex

    return "|".join(map(regex.escape, alternation_order(words)))
