"""Gold files: a user's reference answers, one JSON object per article (docs/ANNOTATING.md).

Loading checks the shape of every line and names the file and line of the first fault, so a typo
in a hand-written file is one clear message rather than a wrong score.
"""
from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .quantities import QUALIFIERS

GOLD_QUALIFIERS = ("exact", *QUALIFIERS)


class GoldError(Exception):
    """The gold file cannot be used; the message names the file and line."""


@dataclass(frozen=True, slots=True)
class GoldClaim:
    """One annotated mention of a quantified claim."""

    text: str
    value: float
    unit: str
    qualifier: str
    subject: str | None
    period: str | None
    optional: bool


@dataclass(frozen=True, slots=True)
class GoldInitiative:
    name: str
    optional: bool


@dataclass(frozen=True, slots=True)
class GoldDoc:
    """The reference answers for one article; `doc` is its file name."""

    doc: str
    article: Mapping[str, Any]
    claims: tuple[GoldClaim, ...]
    initiatives: tuple[GoldInitiative, ...]


def _text(entry: Mapping[str, Any], key: str, where: str) -> str | None:
    value = entry.get(key)
    if value is not None and not isinstance(value, str):
        raise ValueError(f"{where}: {key} must be text or null")
    return value


def _claim(entry: Any, where: str) -> GoldClaim:
    if not isinstance(entry, dict):
        raise ValueError(f"{where}: not an object")
    for key in ("value", "unit"):
        if entry.get(key) is None:
            raise ValueError(f'{where}: no "{key}"')
    raw = entry["value"]
    # Numbers as text ("10") are read as numbers; booleans and anything else are faults.
    try:
        value = float(raw) if not isinstance(raw, bool) else math.nan
    except (TypeError, ValueError):
        value = math.nan
    if math.isnan(value):
        raise ValueError(f"{where}: value must be a number (got {raw!r})")
    qualifier = _text(entry, "qualifier", where) or "exact"
    if qualifier not in GOLD_QUALIFIERS:
        raise ValueError(f"{where}: qualifier must be one of {', '.join(GOLD_QUALIFIERS)} (got {qualifier!r})")
    return GoldClaim(
        text=_text(entry, "text", where) or "",
        value=value,
        unit=str(entry["unit"]),
        qualifier=qualifier,
        subject=_text(entry, "subject", where),
        period=_text(entry, "period", where),
        optional=bool(entry.get("optional", False)),
    )


def _initiative(entry: Any, where: str) -> GoldInitiative:
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
        raise ValueError(f'{where}: no "name"')
    return GoldInitiative(entry["name"], bool(entry.get("optional", False)))


def _list(obj: Mapping[str, Any], key: str) -> list[Any]:
    value = obj.get(key) or []
    if not isinstance(value, list):
        raise ValueError(f'"{key}" must be a list')
    return value


def parse_doc(line: str) -> GoldDoc:
    """One line of a gold file; ValueError says what is wrong with it."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON ({exc.msg}, column {exc.colno})") from None
    if not isinstance(obj, dict):
        raise ValueError("not a JSON object")
    if not isinstance(obj.get("doc"), str) or not obj["doc"].strip():
        raise ValueError('no "doc" (the article\'s file name)')
    article = obj.get("article") or {}
    if not isinstance(article, dict):
        raise ValueError('"article" must be an object')
    path = article.get("locality_path")
    if path is not None and not (isinstance(path, list) and all(isinstance(p, str) for p in path)):
        raise ValueError('"article" locality_path must be a list of names, province first')
    claims = tuple(_claim(m, f"metrics[{i}]") for i, m in enumerate(_list(obj, "metrics")))
    initiatives = tuple(_initiative(x, f"initiatives[{i}]") for i, x in enumerate(_list(obj, "initiatives")))
    return GoldDoc(obj["doc"], article, claims, initiatives)


def load_gold(path: str | Path) -> dict[str, GoldDoc]:
    """The gold file's articles by `doc`, in file order; GoldError for any fault, with its line."""
    try:
        with open(path, encoding="utf-8-sig") as fh:
            lines = fh.readlines()
    except OSError as exc:
        raise GoldError(f"{path}: cannot read the gold file: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise GoldError(f"{path}: the gold file is not UTF-8 text") from None
    docs: dict[str, GoldDoc] = {}
    first_line: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            gold = parse_doc(line)
        except ValueError as exc:
            raise GoldError(f"{path}:{number}: {exc}") from None
        if gold.doc in docs:
            raise GoldError(f"{path}:{number}: doc {gold.doc!r} is already annotated on line {first_line[gold.doc]}")
        docs[gold.doc] = gold
        first_line[gold.doc] = number
    if not docs:
        raise GoldError(f"{path}: the gold file has no articles")
    return docs
