"""Places: the article's primary locality and the place each claim's sentence names.

A thin layer over the gazetteer (gazetteer.py) that turns its divisions into Place records and
finds for every metric the most specific place its own sentence names.
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from .gazetteer import Resolution, load
from .memo import memo
from .records import Metric, Place, PlaceMention


@dataclass(frozen=True, slots=True)
class Located:
    path: list[Place]
    method: str | None
    mentions: list[PlaceMention]
    localities: list[str | None]  # of each metric, in order: the place its sentence names
    place_paths: dict[str, list[Place]]


@memo  # the same places in article after article; the paths are immutable
def _path(code: str, town: str | None = None) -> tuple[Place, ...]:
    """Province first, down to the division, and to the unlisted town under it when there is one."""
    if town:
        above = _path(code)
        return (*above, Place(name=town, level="town", parent=above[-1].name))
    d = load().get(code)
    if d is None:
        return ()
    # The path above is its parent's, remembered too: a new town costs one Place, not four.
    above = _path(d.parent_code) if d.parent_code else ()
    return (*above, Place(name=d.name, level=d.level, parent=above[-1].name if above else None, code=d.code))


def _resolved(res: Resolution) -> tuple[Place, ...]:
    return _path(res.division.code, res.town) if res.division else _unresolved(res)


def _unresolved(res: Resolution) -> tuple[Place, ...]:
    """A name the gazetteer cannot place: kept without parents when all candidates agree on it."""
    names = {d.name for d in res.candidates}
    if len(names) == 1:
        d = res.candidates[0]
        return (Place(name=d.name, level=d.level),)
    return ()


def locate(title: str | None, body: str, body_offset: int, context: list[str], url: str | None,
           metrics: list[Metric]) -> Located:
    """Resolve the article's places; body offsets shift by body_offset into the stored body."""
    primary, weighed = load().weigh_article(title, body, context=context, url=url)
    path = list(_resolved(primary))
    in_body: list[PlaceMention] = []
    paths: dict[int, tuple[Place, ...]] = {}  # by the resolution's id: a name is resolved to the same object each time
    for w in weighed:
        if w.found.source == "body":
            hit, res = w.found.hit, w.resolution
            where = paths.get(id(res))
            if where is None:
                where = paths[id(res)] = _resolved(res)
            in_body.append(PlaceMention(hit.text, hit.start + body_offset, hit.end + body_offset, where, res.method))
    place_paths: dict[str, list[Place]] = {}
    located: list[str | None] = []
    resolved = sorted((m for m in in_body if m.path), key=lambda m: m.char_start)
    starts = [m.char_start for m in resolved]
    in_sentence: dict[tuple[int, int], list[PlaceMention]] = {}  # a sentence often states several figures
    for metric in metrics:
        sentence = (metric.sentence_start, metric.sentence_start + len(metric.sentence))
        named = in_sentence.get(sentence)
        if named is None:
            first = bisect_left(starts, sentence[0])
            named = in_sentence[sentence] = resolved[first : bisect_left(starts, sentence[1], first)]
        if not named:
            located.append(None)
            continue
        # The most specific place the sentence names; the nearest before the figure on a tie.
        best = max(named, key=lambda m: (len(m.path), m.char_start < metric.char_start, -abs(metric.char_start - m.char_start)))
        place_paths[best.path[-1].name] = list(best.path)
        located.append(best.path[-1].name)
    return Located(path, primary.method if path else None, in_body, located, place_paths)
