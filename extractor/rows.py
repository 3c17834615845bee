"""An article as the writer stores it: plain tuples ready for executemany, made by the worker.

An extraction worker turns each ArticleRecord into ArticleRows (`article_rows`) before sending it
to the writer. Tuples of strings and numbers pickle and unpickle several times faster than a
dataclass per metric, place and programme, and a metric's sentence travels as offsets into the
body, not as a copy of its text. Everything that needs no database is done here, in the worker:
the writer, the one process that stores, only looks up the ids of places (by locality key) and of
programmes (by name) and runs one executemany per table.

No database code here: workers import only the extraction core.
"""
from __future__ import annotations

from collections.abc import Iterable
from operator import attrgetter
from typing import Any, NamedTuple

from . import lsh
from .records import ArticleRecord, Place

# The columns of `articles` in the order of ArticleRows.article; the writer adds the file, the
# content hash, the locality id, the extractor version and the time of ingest.
ARTICLE_COLUMNS = ("title", "published", "source", "publisher", "author", "url", "locality_method", "minhash",
                   "body", "script", "pinyin_stripped", "converted", "garbled")
# The columns of `metrics` a metric tuple starts with, in its order. Then come the locality key,
# the programme's name, and the sentence: its start and end in the body, and its text when it is
# not that slice of the body (None when it is).
METRIC_COLUMNS = ("value", "unit", "unit_class", "qualifier", "subject", "predicate", "period", "span_text",
                  "char_start", "char_end", "base_value", "base_unit", "is_rate", "is_target", "is_threshold")
METRIC_LOCALITY, METRIC_INITIATIVE, METRIC_SENTENCE = len(METRIC_COLUMNS), len(METRIC_COLUMNS) + 1, len(METRIC_COLUMNS) + 2
_metric_columns = attrgetter(*METRIC_COLUMNS)  # a Metric's values of METRIC_COLUMNS, as a tuple
_PUBLISHED, _METHOD, _MINHASH, _BODY = (ARTICLE_COLUMNS.index(c) for c in ("published", "locality_method", "minhash", "body"))
# The columns of `place_mentions` after article_id and locality_id, in the order of a mention
# tuple (which starts with the locality key instead).
MENTION_COLUMNS = ("text", "char_start", "char_end", "method")

# A place as a locality row would hold it: (key, name, level, code, parent key, path of names).
PlaceRow = tuple[str, str, str | None, str | None, str | None, str]


class ArticleRows(NamedTuple):
    """One article's rows. A NamedTuple, as what crosses between processes pickles fastest as
    plain tuples (a dataclass is restored attribute by attribute)."""

    content_hash: str
    warning: str | None  # what a person should check (the ingest log's reason)
    article: tuple[Any, ...]  # values of ARTICLE_COLUMNS
    locality: str | None  # the key of the article's locality
    # Every place a locality row is needed for, parents before children, in three groups: the
    # article's locality path, the places its metrics name, the places it mentions (the writer
    # creates new localities in this order, group by group over a batch, so ids do not change).
    places: tuple[tuple[PlaceRow, ...], tuple[PlaceRow, ...], tuple[PlaceRow, ...]]
    metrics: tuple[tuple[Any, ...], ...]  # METRIC_COLUMNS, locality key, programme, sentence
    echoes: tuple[tuple[int, int], ...]  # (headline metric, body metric it repeats), as indexes into metrics
    mentions: tuple[tuple[Any, ...], ...]  # (locality key, *MENTION_COLUMNS)
    # (name, its first kind, the kind the article gives it last, mentions) of each programme, in
    # order of first mention.
    initiatives: tuple[tuple[str, str | None, str | None, int], ...]
    bands: tuple[int, ...]  # the MinHash band keys (none without a signature)

    @property
    def published(self) -> str | None:
        return self.article[_PUBLISHED]

    @property
    def locality_method(self) -> str | None:
        return self.article[_METHOD]

    @property
    def minhash(self) -> bytes | None:
        return self.article[_MINHASH]

    def sentences(self) -> list[str]:
        """Each metric's sentence, as stored."""
        body = self.article[_BODY]
        return [body[m[METRIC_SENTENCE] : m[METRIC_SENTENCE + 1]] if m[METRIC_SENTENCE + 2] is None else m[METRIC_SENTENCE + 2]
                for m in self.metrics]


def keys(path: Iterable[Place]) -> list[str]:
    """The locality key of each place on a path: its code, else name@parent key."""
    out: list[str] = []
    for place in path:
        out.append(place.code or f"{place.name}@{out[-1] if out else ''}")
    return out


def _path_rows(path: list[Place] | tuple[Place, ...], seen: dict[PlaceRow, PlaceRow]) -> tuple[PlaceRow, ...]:
    """The place row of each place on a path, province first (so the last one's key is the path's);
    through `seen`, equal rows share one tuple, which pickle then writes once."""
    rows: list[PlaceRow] = []
    parent: str | None = None
    names = ""
    for place in path:
        key = place.code or f"{place.name}@{parent or ''}"  # as keys() gives it
        names = f"{names}/{place.name}" if parent is not None else place.name
        row = (key, place.name, place.level, place.code, parent, names)
        rows.append(seen.setdefault(row, row))
        parent = key
    return tuple(rows)


def article_rows(rec: ArticleRecord) -> ArticleRows:
    """The rows an ArticleRecord is stored as (pure: the same record gives the same rows)."""
    meta, body = rec.meta, rec.body
    seen: dict[PlaceRow, PlaceRow] = {}
    # The rows of each path, once: a place the article mentions again has the same path object
    # (the gazetteer's), and its rows serve the place groups, the mention and the metrics alike.
    # Keyed by identity: the record holds every path while this runs, so no id is reused.
    by_path: dict[int, tuple[PlaceRow, ...]] = {}

    def path_rows(path: list[Place] | tuple[Place, ...]) -> tuple[PlaceRow, ...]:
        rows = by_path.get(id(path))
        if rows is None:
            rows = by_path[id(path)] = _path_rows(path, seen)
        return rows

    def group(paths: Iterable[list[Place] | tuple[Place, ...]]) -> tuple[PlaceRow, ...]:
        rows: dict[str, PlaceRow] = {}  # by key: the first place of a key fixes its position, the last its row
        for path in paths:
            for row in path_rows(path):
                rows[row[0]] = row
        return tuple(rows.values())

    places = (group([rec.locality_path]), group(rec.place_paths.values()), group([pm.path for pm in rec.place_mentions]))
    mention_rows = [path_rows(pm.path) for pm in rec.place_mentions]
    metric_keys = {name: rows[-1][0] for name, path in rec.place_paths.items() if (rows := path_rows(path))}
    metrics = tuple([
        (*_metric_columns(m), metric_keys.get(m.locality) if m.locality else None, m.initiative or None,
         m.sentence_start, m.sentence_start + len(m.sentence),
         None if body.startswith(m.sentence, m.sentence_start) else m.sentence)
        for m in rec.metrics])
    programmes: dict[str, list[Any]] = {}  # name → [first kind, last kind, mentions]
    for i in rec.initiatives:
        entry = programmes.get(i.name)
        if entry is None:
            entry = programmes[i.name] = [None, None, 0]
        if i.kind is not None:
            entry[1] = i.kind
            if entry[0] is None:
                entry[0] = i.kind
        entry[2] += 1
    locality = path_rows(rec.locality_path)
    return ArticleRows(
        content_hash=rec.content_hash,
        warning=rec.warning,
        article=(meta.title, meta.published, meta.source, meta.publisher, meta.author, meta.url, rec.locality_method,
                 rec.minhash or None, body, rec.script, rec.pinyin_stripped, rec.converted, rec.garbled),
        locality=locality[-1][0] if locality else None,
        places=places,
        metrics=metrics,
        echoes=tuple([(i, m.echo_of) for i, m in enumerate(rec.metrics) if m.echo_of is not None]),
        mentions=tuple([(rows[-1][0] if rows else None, pm.text, pm.char_start, pm.char_end, pm.method)
                        for pm, rows in zip(rec.place_mentions, mention_rows)]),
        initiatives=tuple([(name, first, last, n) for name, (first, last, n) in programmes.items()]),
        bands=tuple(lsh.bands(rec.minhash)) if rec.minhash else (),
    )
