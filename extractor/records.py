"""The small typed records that flow through the pipeline: text in, these out."""
from __future__ import annotations

from dataclasses import dataclass, field, fields, make_dataclass
from operator import attrgetter
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from .rows import ArticleRows


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number with its unit and qualifier, as found in a sentence."""

    value: float
    unit: str
    unit_class: str
    qualifier: str
    start: int  # offsets in the cleaned body
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Metric:
    """A quantified claim: a quantity plus what it counts and its context."""

    value: float
    unit: str
    unit_class: str
    qualifier: str
    subject: str | None
    predicate: str | None
    period: str | None
    span_text: str
    char_start: int
    char_end: int
    sentence: str
    sentence_start: int
    locality: str | None = None
    initiative: str | None = None
    # Filled by measures.annotate, so sums neither mix units nor count a figure twice.
    base_value: float | None = None  # value in base_unit, the class's base unit (公里 → 米)
    base_unit: str | None = None
    is_rate: bool = False  # per something: 每人每月150元, 亩产1200斤
    is_target: bool = False  # planned, not done: 预计, 计划, 力争
    is_threshold: bool = False  # defines or locates: 5万元以上的村, 距县城30公里
    echo_of: int | None = None  # headline figure: index of the body metric that states it again


_METRIC_FIELDS = tuple(Metric.__dataclass_fields__)
_METRIC_VALUES = attrgetter(*_METRIC_FIELDS)
_METRIC_INDEX = {name: i for i, name in enumerate(_METRIC_FIELDS)}
# Metric's twin without the frozen guard, with the same slots in the same order: built as a plain
# slotted object (one store per field), then made a Metric. That is the Metric the frozen __init__
# gives, at a third of its cost (it calls object.__setattr__ for each of the 20 fields).
_OpenMetric = make_dataclass(
    "_OpenMetric", [(f.name, f.type, field(default=f.default)) for f in fields(Metric)],
    slots=True, repr=False, eq=False, match_args=False)


def new_metric(*values: object) -> Metric:
    """Metric(*values): the fields in order, those with defaults may be left out (claims.py gives
    the first twelve, for every figure)."""
    metric = _OpenMetric(*values)
    metric.__class__ = Metric  # the layouts are the same (checked by CPython, or TypeError)
    return metric


def replace_metric(metric: Metric, **changes: object) -> Metric:
    """dataclasses.replace for a Metric, in a fraction of the time (分别 and the parts of a long body change some)."""
    values = list(_METRIC_VALUES(metric))
    for name, value in changes.items():
        values[_METRIC_INDEX[name]] = value
    return new_metric(*values)


_CLAIM_VALUES = attrgetter(*_METRIC_FIELDS[: _METRIC_INDEX["locality"]])  # the fields claims.py fills


def complete_metric(metric: Metric, locality: str | None, initiative: str | None, base_value: float, base_unit: str,
                    is_rate: bool, is_target: bool, is_threshold: bool, echo_of: int | None) -> Metric:
    """The claim with the fields the later stages give it, built once (a frozen dataclass of 20 fields
    costs 2 µs to build through its __init__, and an article has dozens of metrics)."""
    built = _OpenMetric(*_CLAIM_VALUES(metric), locality, initiative, base_value, base_unit,
                        is_rate, is_target, is_threshold, echo_of)
    built.__class__ = Metric  # as in new_metric, here without a call more (annotate makes every metric here)
    return built


@dataclass(frozen=True, slots=True)
class Initiative:
    """A named programme mentioned in an article (name without quotes or kind word)."""

    name: str
    kind: str | None
    char_start: int
    char_end: int


@dataclass(frozen=True, slots=True)
class Place:
    """A place the article names, with its administrative level where known."""

    name: str
    level: str | None
    parent: str | None = None
    code: str | None = None


@dataclass(frozen=True, slots=True)
class PlaceMention:
    """A place named in the body, what it was resolved to, and how (gazetteer method)."""

    text: str
    char_start: int  # offsets in the cleaned body
    char_end: int
    path: tuple[Place, ...]  # province first; empty when the name could not be resolved
    method: str


@dataclass(slots=True)
class ArticleMeta:
    """Metadata stated in the article's header, footer or supplied by the reader."""

    title: str | None = None
    published: str | None = None  # YYYY-MM-DD
    source: str | None = None
    publisher: str | None = None
    author: str | None = None
    url: str | None = None


@dataclass(slots=True)
class CleanText:
    """The cleaned body, the page lines set apart for metadata, and what cleaning did."""

    body: str
    title: str | None  # the headline line, when the page layout shows one
    meta_lines: list[str]  # bylines, date and source lines, links to the original
    script: str  # "simplified" | "traditional" (of the original)
    converted: bool = False
    pinyin_stripped: bool = False
    garbled: bool = False
    page_chars: int = 0  # length of the page text the body was cut from (0: not known)


@dataclass(slots=True)
class ArticleRecord:
    """Everything extracted from one article: the pure pipeline's output."""

    body: str
    content_hash: str
    meta: ArticleMeta
    script: str
    converted: bool
    pinyin_stripped: bool
    garbled: bool
    locality_path: list[Place]  # province first, down to the article's primary locality
    locality_method: str | None = None  # how the gazetteer decided it
    minhash: bytes = b""  # near-duplicate signature of the body (dedupe.py)
    place_mentions: list[PlaceMention] = field(default_factory=list)
    # Every place a metric names, by name, with its path from the province down.
    place_paths: dict[str, list[Place]] = field(default_factory=dict)
    metrics: list[Metric] = field(default_factory=list)
    initiatives: list[Initiative] = field(default_factory=list)
    warning: str | None = None  # what a person should check about this page (ingest_log reason)


@dataclass(frozen=True, slots=True)
class RawDocument:
    """One input article as read from disk, before cleaning.

    `file` is the path as given (``path#line`` for a JSON Lines record); `meta` holds
    fields the container supplied (HTML meta tags, JSON fields): title, url, published, source.
    """

    file: str
    text: str
    encoding: str
    meta: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ReadFailure:
    """An input that could not be read as an article, and why (one line, for people)."""

    file: str
    reason: str


class Item(NamedTuple):
    """One input's extraction result, as the rows to store, with the file on disk it came from and
    that file's stamp (size and modification time, so an unchanged file need not be read again).
    A NamedTuple: every article crosses from a worker to the writer in one, and a frozen dataclass
    pickles and unpickles through Python (its __getstate__/__setstate__ walk its fields)."""

    file: str
    result: ArticleRows | ReadFailure
    source_file: str
    size: int | None = None
    mtime_ns: int | None = None
