"""Deciding an article's locality from its weighed place mentions (used by gazetteer.py).

Mentions add weight to their division and every unit above it; the primary locality is found by walking
down from the root while one branch clearly dominates.  Ambiguous names are settled by how their candidates
nest with the other mentions' candidates (codes nest by prefix: 430121 is inside 4301 and 43).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .gazetteer import Gazetteer

LEVELS = {2: "province", 4: "city", 6: "county", 9: "town"}  # by the length of an NBS code
ROOT = ""
# Walking down: a child must carry more than this share of its parent's own weight, and beat its
# strongest sibling by this factor.
DESCEND_RATIO = 0.5
DOMINANCE = 1.5


# A node of the support tree: a division's code, an unresolved name's candidates, or
# (county code, name) for a town the gazetteer does not list under that county.
_Node = str | frozenset[str] | tuple[str, str]


class SupportTree:
    """Weights of mentions, summed up the division tree, for walking down to the primary locality."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self._gz = gazetteer
        self.own: dict[_Node, float] = defaultdict(float)
        self.sub: dict[_Node, float] = defaultdict(float)
        self.kids: dict[_Node, set[_Node]] = defaultdict(set)
        self.strong: set[_Node] = set()
        self.titled: set[_Node] = set()  # the units the title names
        self.in_title: set[_Node] = set()  # ... and the units above them

    def add(self, code: str, weight: float, strong: bool, in_title: bool = False, town: str | None = None) -> None:
        node: _Node = (code, town) if town else code
        path: tuple[_Node, ...] = (ROOT, *self._gz._ancestors(code), code, *((node,) if town else ()))
        self.own[node] += weight
        self._propagate(path, weight, strong, in_title)

    def add_group(self, codes: tuple[str, ...], weight: float, strong: bool, in_title: bool = False) -> None:
        """An unresolved name sits under the lowest unit that contains all its candidates."""
        common = set.intersection(*(set(self._gz._ancestors(c)) for c in codes))
        lca = max(common, key=len, default=ROOT)
        path = (ROOT, *self._gz._ancestors(lca), lca) if lca else (ROOT,)
        self._propagate((*path, frozenset(codes)), weight, strong, in_title)

    def add_scope(self, levels: tuple[str, ...], suffix: str, weight: float) -> None:
        """全县/我县 adds to the most mentioned county whose name ends in 县, and so on."""
        units = [n for n in self.own if (unit := self._unit(n)) and unit[0] in levels and unit[1].endswith(suffix)]
        if units:
            best = max(units, key=self.own.__getitem__)
            code, town = (best[0], best[1]) if isinstance(best, tuple) else (best, None)
            self.add(code, weight, strong=False, town=town)

    def _unit(self, node: _Node) -> tuple[str, str] | None:
        """(level, name) of a node that is one unit."""
        if isinstance(node, tuple):
            return "town", node[1]
        if isinstance(node, str) and node:
            return LEVELS[len(node)], self._gz._names[node]
        return None

    def _propagate(self, path: tuple[_Node, ...], weight: float, strong: bool, in_title: bool) -> None:
        for parent, child in zip(path, path[1:]):
            self.kids[parent].add(child)
        for node in path:
            self.sub[node] += weight
            if strong:
                self.strong.add(node)
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


def _prefixes(code: str) -> frozenset[str]:
    """The codes a code starts with, itself included: 430121 → 43, 4301, 430121."""
    return frozenset(map(code.__getitem__, _PREFIX_SLICES))


@dataclass(frozen=True, slots=True)
class CodeSets:
    """A mention's candidate codes, arranged to test quickly whether a code nests with any of them:
    `code in prefixes` when the code is a candidate or above one, `not _prefixes(code).isdisjoint(codes)`
    when a candidate is above the code."""

    codes: frozenset[str]
    prefixes: frozenset[str]  # every prefix of every candidate, the candidates included
    size: int

    @staticmethod
    def of(codes: tuple[str, ...]) -> CodeSets:
        return CodeSets(frozenset(codes), frozenset().union(*map(_prefixes, codes)), len(codes))


def best_supported(codes: Sequence[str], others: list[CodeSets]) -> str | None:
    """The candidate most related to the other mentions (as parent, child or same), if one leads.
    An ambiguous mention counts as a fraction, split over its candidates."""
    scores = {}
    for c in codes:
        above = _prefixes(c)  # same division, or one inside the other: codes nest by prefix
        scores[c] = sum((c in o.prefixes or not above.isdisjoint(o.codes)) / o.size for o in others)
    ranked = sorted(scores.values(), reverse=True)
    if ranked[0] > 0 and (len(ranked) == 1 or ranked[0] > ranked[1]):
        return max(scores, key=scores.__getitem__)
    return None
