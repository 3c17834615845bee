"""Deciding an article's locality from its weighed place mentions (used by gazetteer.py).

Mentions add weight to their division and every unit above it; the primary locality is found by walking
down from the root while one branch clearly dominates.  Ambiguous names are settled by how their candidates
nest with the other mentions' candidates (codes nest by prefix: 430121 is inside 4301 and 43).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from math import lcm
from typing import TYPE_CHECKING, NamedTuple

from .memo import memo

if TYPE_CHECKING:
    from .place_index import PlaceIndex

LEVELS = {2: "province", 4: "city", 6: "county", 9: "town"}  # by the length of an NBS code
ROOT = ""
# Walking down: a child must carry more than this share of its parent's own weight, and beat its
# strongest sibling by this factor.
DESCEND_RATIO = 0.5
DOMINANCE = 1.5
_ASK_EACH = 64  # mentions: up to this many, Support asks each one; above, it sums them up first


# A node of the support tree: a division's code, an unresolved name's candidates, or
# (county code, name) for a town the gazetteer does not list under that county.
_Node = str | frozenset[str] | tuple[str, str]


class SupportTree:
    """Weights of mentions, summed up the division tree, for walking down to the primary locality."""

    def __init__(self, index: PlaceIndex) -> None:
        self._index = index
        self.own: dict[_Node, float] = defaultdict(float)
        self.sub: dict[_Node, float] = defaultdict(float)
        self.kids: dict[_Node, set[_Node]] = defaultdict(set)
        self.strong: set[_Node] = set()
        self.titled: set[_Node] = set()  # the units the title names
        self.in_title: set[_Node] = set()  # ... and the units above them
        self._scope_units: dict[tuple[tuple[str, ...], str], _Node | None] = {}  # add_scope's unit of each kind

    def add(self, code: str, weight: float, strong: bool, in_title: bool = False, town: str | None = None) -> None:
        node: _Node = (code, town) if town else code
        if node not in self.own:
            self._scope_units.clear()
        path: tuple[_Node, ...] = (ROOT, *self._index.ancestors(code), code, *((node,) if town else ()))
        self.own[node] += weight
        self._propagate(path, weight, strong, in_title)

    def add_group(self, codes: tuple[str, ...], weight: float, strong: bool, in_title: bool = False) -> None:
        """An unresolved name sits under the lowest unit that contains all its candidates."""
        lca = self._index.common_ancestor(codes)
        path = (ROOT, *self._index.ancestors(lca), lca) if lca else (ROOT,)
        self._propagate((*path, frozenset(codes)), weight, strong, in_title)

    def add_scope(self, levels: tuple[str, ...], suffix: str, weight: float) -> None:
        """全县/我县 adds to the most mentioned county whose name ends in 县, and so on."""
        # Adding to the most mentioned unit keeps it the most mentioned, so it is looked for once
        # per kind of scope (a report says 全县 hundreds of times), until a new unit is added.
        key = (levels, suffix)
        if key not in self._scope_units:
            units = [n for n in self.own if (unit := self._unit(n)) and unit[0] in levels and unit[1].endswith(suffix)]
            self._scope_units[key] = max(units, key=self.own.__getitem__) if units else None
        best = self._scope_units[key]
        if best is not None:
            code, town = (best[0], best[1]) if isinstance(best, tuple) else (best, None)
            self.add(code, weight, strong=False, town=town)

    def _unit(self, node: _Node) -> tuple[str, str] | None:
        """(level, name) of a node that is one unit."""
        if isinstance(node, tuple):
            return "town", node[1]
        if isinstance(node, str) and node:
            return LEVELS[len(node)], self._index.names[node]
        return None

    def _propagate(self, path: tuple[_Node, ...], weight: float, strong: bool, in_title: bool) -> None:
        # A node's path from the root is always the same: once the last node is in the tree (or
        # strong), so is every node above it.
        leaf = path[-1]
        if leaf not in self.sub:
            for parent, child in zip(path, path[1:]):
                self.kids[parent].add(child)
        sub = self.sub
        for node in path:
            sub[node] += weight
        if strong and leaf not in self.strong:
            self.strong.update(path)
        if in_title:
            self.in_title.update(path)
            self.titled.add(path[-1])

    def walk(self) -> _Node:
        node: _Node = ROOT
        while isinstance(node, str):
            kids = sorted((k for k in self.kids[node] if k in self.strong), key=self.sub.__getitem__, reverse=True)
            if not kids:
                break
            titled = [k for k in kids if k in self.in_title]
            if len(titled) == 1 and node not in self.titled:
                node = titled[0]  # the title's place outranks places the body names more often
                continue
            best = kids[0]
            if self.sub[best] <= DESCEND_RATIO * self.own[node]:
                break
            # below a unit the title names, one part of it must outweigh all the others together:
            # 锡林郭勒盟 with three of its 旗 in the body stays the 盟
            if node in self.titled:
                rivals = sum(self.sub[k] for k in kids[1:])
                if rivals and self.sub[best] <= DOMINANCE * rivals:
                    break
            elif len(kids) > 1 and self.sub[best] < DOMINANCE * self.sub[kids[1]]:
                break
            node = best
        return node


_PREFIX_SLICES = tuple(slice(n) for n in LEVELS)


@memo  # the same few thousand codes are asked about in article after article
def _prefixes(code: str) -> frozenset[str]:
    """The codes a code starts with, itself included: 430121 → 43, 4301, 430121."""
    return frozenset(map(code.__getitem__, _PREFIX_SLICES))


class CodeSets(NamedTuple):  # hashed and compared in C (a dataclass's __hash__ is Python)
    """A mention's candidate codes, arranged to test quickly whether a code nests with any of them:
    `code in prefixes` when the code is a candidate or above one, `not _prefixes(code).isdisjoint(codes)`
    when a candidate is above the code."""

    codes: frozenset[str]
    prefixes: frozenset[str]  # every prefix of every candidate, the candidates included
    size: int

    @staticmethod
    @memo  # bounded: each entry holds two sets (memory must stay flat in N)
    def of(codes: tuple[str, ...]) -> CodeSets:
        return CodeSets(frozenset(codes), frozenset().union(*map(_prefixes, codes)), len(codes))


def _nests(codes: tuple[str, ...], code: str) -> bool:
    """Whether code is one of codes or above one, or one of them is above code (codes nest by prefix)."""
    for k in codes:
        if k.startswith(code) or code.startswith(k):
            return True
    return False


class Support:
    """How much the other mentions of an article support each candidate of one mention.

    A mention o supports code c when c is a candidate of o or above one, or a candidate of o is above
    c (they nest); it adds 1/size of o (an ambiguous mention counts as a fraction). Shares are counted
    in whole multiples of 1/lcm(sizes), so that sums are exact and a tie is a tie whatever the order
    of the mentions.

    An article names a few dozen places, and asking each of them is cheapest: only those in the
    province of c, as nesting codes share their first two digits. A long report names thousands, and
    asking all of them for every ambiguous name is quadratic (2 MB took minutes); there the support is
    read from sums over all mentions made once. Of the candidates of o above c, exactly one is a "top"
    candidate (no other candidate of o above it) when any is, so the support of c is
        above[c] + sum over the prefixes q of c of (top[q] - both[q, c]),
    where `both` takes out the mentions counted twice."""

    def __init__(self, mentions: Mapping[tuple[str, ...], int]) -> None:
        """mentions: the candidates of each distinct mention, with how many times the article makes it."""
        self.unit = lcm(*map(len, mentions)) if mentions else 1
        self._scores: dict[str, int] = {}  # code → its support by all the mentions, once asked
        # each distinct mention is asked once, its share times its count; under each of its provinces
        self._near: dict[str, list[tuple[tuple[str, ...], int]]] | None = None
        self.above: dict[str, int] = defaultdict(int)
        self.top: dict[str, int] = defaultdict(int)
        self.both: dict[tuple[str, str], int] = defaultdict(int)
        if sum(mentions.values()) <= _ASK_EACH:
            self._near = defaultdict(list)
            for codes, n in mentions.items():
                for p in {c[:2] for c in codes}:
                    self._near[p].append((codes, self.unit // len(codes) * n))
            return
        for codes, n in mentions.items():
            o = CodeSets.of(codes)
            share = self.unit // o.size * n
            tops = {q for q in o.codes if all(k == q or k not in o.codes for k in _prefixes(q))}
            for q in tops:
                self.top[q] += share
            for x in o.prefixes:
                self.above[x] += share
                for q in _prefixes(x) & tops:
                    self.both[q, x] += share

    def score(self, code: str, without: tuple[str, ...] | None = None) -> int:
        """The support of code by the mentions (in 1/unit), less that of `without` (the candidates of
        the mention asking)."""
        total = self._scores.get(code)
        if total is None:
            total = self._scores[code] = self._score(code)
        if without is not None and _nests(without, code):
            total -= self.unit // len(without)
        return total

    def _score(self, code: str) -> int:
        if self._near is not None:
            return sum(w for codes, w in self._near.get(code[:2], ()) if _nests(codes, code))
        get_top, get_both = self.top.get, self.both.get
        return self.above.get(code, 0) + sum(get_top(q, 0) - get_both((q, code), 0) for q in _prefixes(code))

    def best(self, codes: Sequence[str], without: tuple[str, ...] | None = None) -> str | None:
        """The candidate most related to the other mentions (as parent, child or same), if one leads."""
        scores = {c: self.score(c, without) for c in codes}
        ranked = sorted(scores.values(), reverse=True)
        if ranked[0] > 0 and (len(ranked) == 1 or ranked[0] > ranked[1]):
            return max(scores, key=scores.__getitem__)
        return None


# How an ambiguous name is settled by the other mentions: first by those of the title and body,
# then by the metadata, then by the URL.
SUPPORT_SOURCES = (("co-mention", ("title", "body")), ("outlet-name", ("context",)), ("url", ("url",)))


class SupportBySource:
    """The support of an article's mentions, given as (source, candidate codes): one Support per
    group of sources, built when a mention first asks."""

    def __init__(self, mentions: list[tuple[str, tuple[str, ...]]]) -> None:
        # an article names the same place again and again: each distinct mention is counted once
        self.counts = Counter(mentions)
        self._sources = {s for s, _ in self.counts}
        self._tables: dict[tuple[str, ...], Support] = {}
        # ... and each question is answered once
        self._answers: dict[tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], bool], str | None] = {}

    def best(self, sources: tuple[str, ...], codes: tuple[str, ...], source: str, own: tuple[str, ...]) -> str | None:
        """The best supported of codes for a mention of `source` whose candidates are `own`
        (it is left out of its own support)."""
        if self._sources.isdisjoint(sources):
            return None  # no mention there to support anything (often: no metadata names a place)
        key = (sources, codes, own, source in sources)
        if key not in self._answers:
            table = self._tables.get(sources)
            if table is None:
                table = self._tables[sources] = Support(self._counted(sources))
            self._answers[key] = table.best(codes, own if key[3] else None)
        return self._answers[key]

    def _counted(self, sources: tuple[str, ...]) -> dict[tuple[str, ...], int]:
        """The distinct mentions of `sources` as Support takes them, with their counts."""
        counted: dict[tuple[str, ...], int] = {}
        for (s, codes), n in self.counts.items():
            if s in sources:
                counted[codes] = counted.get(codes, 0) + n
        return counted
