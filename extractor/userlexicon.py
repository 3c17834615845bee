"""A user's own lexicon: one TOML file of words merged over the shipped lexicons (--lexicon my.toml).

Its top-level tables are named after the shipped lexicon files (units, phrases, exclusions,
initiatives …) and hold the same keys. Lists are extended (each word once, shipped words first),
tables are merged key by key, single values replaced. A key the shipped lexicon does not have is
an error, not ignored: a misspelt key would otherwise change nothing without a word.
"""
from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import lexicon

# Tables whose keys are the words themselves (a noun → its unit), so a user may add keys to them.
_OPEN_TABLES = {("unit_context", "implied")}


class UserLexiconError(ValueError):
    """The user lexicon cannot be used; the message is one line naming the file and the problem."""


@dataclass(frozen=True, slots=True)
class UserLexicon:
    path: str
    sha256: str
    tables: dict[str, dict[str, Any]]  # the merged lexicons the file changes, by name, whole


def load(path: str) -> UserLexicon:
    """Read, check and merge a user lexicon; raises UserLexiconError saying what is wrong."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise UserLexiconError(f"{path}: cannot read the lexicon: {exc.strerror or exc}") from None
    try:
        given = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise UserLexiconError(f"{path}: the lexicon is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise UserLexiconError(f"{path}: not valid TOML: {exc}") from None
    known = lexicon.names()
    tables: dict[str, dict[str, Any]] = {}
    for name, table in given.items():
        if name not in known:
            raise UserLexiconError(f"{path}: [{name}] is no lexicon; the lexicons are {', '.join(known)}")
        shipped = lexicon.shipped(name)
        _check(path, (name,), shipped, table)
        tables[name] = merge(shipped, table)
    _compile(path, tables)
    return UserLexicon(path, hashlib.sha256(data).hexdigest(), tables)


def merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """base with extra merged in: lists extended (no word twice), tables merged, values replaced."""
    out = dict(base)
    for key, value in extra.items():
        old = out.get(key)
        if isinstance(old, dict) and isinstance(value, dict):
            out[key] = merge(old, value)
        elif isinstance(old, list) and isinstance(value, list):
            out[key] = list(dict.fromkeys([*old, *value]))
        else:
            out[key] = value
    return out


def _check(path: str, where: tuple[str, ...], shipped: Any, given: Any) -> None:
    """given has the shape of shipped: the same keys (open tables: any), values of the same types."""
    key = ".".join(where)
    if isinstance(shipped, dict):
        if not isinstance(given, dict):
            raise UserLexiconError(f"{path}: {key} must be a table, as in the shipped {where[0]} lexicon")
        for k, value in given.items():
            if k in shipped:
                _check(path, (*where, k), shipped[k], value)
            elif where in _OPEN_TABLES and shipped:
                _check(path, (*where, k), next(iter(shipped.values())), value)
            else:
                raise UserLexiconError(
                    f"{path}: {key}.{k}: no such key in the shipped {where[0]} lexicon (it has: {', '.join(shipped)})")
    elif isinstance(shipped, list):
        kinds = {type(v) for v in shipped} or {str}
        if not isinstance(given, list) or any(type(v) not in kinds for v in given):
            raise UserLexiconError(f"{path}: {key} must be a list of {_kind(next(iter(kinds)))}s")
    elif type(given) is not type(shipped):
        raise UserLexiconError(f"{path}: {key} must be a {_kind(type(shipped))}")


def _kind(t: type) -> str:
    return {str: "string", int: "whole number", float: "number", bool: "boolean", list: "list"}.get(t, t.__name__)


def _compile(path: str, tables: dict[str, dict[str, Any]]) -> None:
    """Build every rule with the merged lexicons, so a bad pattern is reported here, once."""
    from . import pipeline  # noqa: F401  (imports every rule module, which declares its builders)

    with lexicon.using(tables):
        try:
            lexicon.build_all()
        except Exception as exc:  # regex.error, mostly; whatever it is, it is the file's
            raise UserLexiconError(f"{path}: the rules do not build with this lexicon: {type(exc).__name__}: {exc}") from None
