"""China's administrative divisions: lookup, place mentions in text, and an article's locality.

    gz = load()
    primary, mentions = gz.resolve_article(title, body, context=[source, publisher], url=url)
    [d.name for d in gz.path(primary.division.code)]   # ['湖南省', '长沙市', '长沙县', '路口镇']

The data and its index are in place_index.py, finding the mentions in mentions.py; this module decides.
Deciding: an ambiguous name is settled by its parent in the chain, then by related places elsewhere in the
text, then by outlet names in the metadata, then by the URL host, and a bare stem that fits a city and a
county (长沙) goes to the larger unit.  A county directly followed by a town the 2022 list does not hold
under it (惠来县龙江镇) places that town under the county, and the town's other mentions with it.  The
primary locality walks down from the province, following the clearly dominant branch while it carries more
than half the weight of the unit above it; the branch of the title's place is followed whatever the body's
counts, and below a unit the title names one part must outweigh all its siblings together (support.py
weighs and walks).
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from .memo import memo
from .mentions import Found, Mention, MentionFinder
from .place_index import DIVISIONS_FILE, NOT_A_PLACE, Division, PlaceIndex, short_stem, town_stem
from .support import ROOT, SUPPORT_SOURCES, SupportBySource, SupportTree

__all__ = ["DIVISIONS_FILE", "NOT_A_PLACE", "Division", "Found", "Gazetteer", "Mention", "Resolution", "Weighed",
           "load", "short_stem", "town_stem"]

# 全县/我县/该镇/本市 ...: the article's own unit, named only by its kind.
SCOPE = re.compile(r"[全我该本](县|市|区|镇|乡|旗|盟|州)(?![委长级直属域内外县])")
SCOPE_LEVELS = {"县": ("county",), "旗": ("county",), "区": ("county",), "市": ("county", "city"),
                "镇": ("town",), "乡": ("town",), "盟": ("city",), "州": ("city",)}

# Weights of one mention by where it is.  The title states the topic; the body's first place
# mention usually introduces it; metadata and URLs name the publisher, who is usually but not always the place.
SOURCE_WEIGHT = {"title": 3.0, "body": 1.0, "context": 0.5, "url": 0.5}
LEAD_BONUS = 2.0  # for the first place the body names
OUTLET_WEIGHT = 0.5  # 台山政府网 inside the body: the publisher
DATELINE_WEIGHT = 0.2  # 人民网银川6月4日电, 记者 长沙报道: where the reporter was
BARE_SHORT_WEIGHT = 0.5  # a short form whose full name appears nowhere in the article


@dataclass(frozen=True, slots=True)
class Resolution:
    division: Division | None
    # unique | parent-in-text | co-mention | outlet-name | url | higher-level | common-parent | unresolved
    method: str
    candidates: tuple[Division, ...] = ()  # when unresolved: the divisions it could be
    # A town under `division` that the gazetteer does not list there (renamed, merged or new since
    # 2022), known from the text naming it right after its county: 惠来县龙江镇.
    town: str | None = None


class Weighed(NamedTuple):
    """A mention, what it was decided to be, and how much it says about the article's locality."""

    found: Found
    resolution: Resolution
    weight: float
    strong: bool  # may on its own make a place the article's locality


class Gazetteer:
    def __init__(self, index: PlaceIndex) -> None:
        self.index = index
        self._finder = MentionFinder(index)
        self._lex = index.lex
        # The same in every article: (code, method, unlisted town), and the candidates of an ambiguous name.
        # Bounded, so a crawl naming every town of the country keeps memory flat.
        self._resolved = memo(self._resolution)
        self._unresolved = memo(self._unresolved_among)

    def get(self, code: str) -> Division | None:
        return self.index.get(code)

    def path(self, code: str) -> list[Division]:
        """Province first, down to `code`; empty for an unknown code."""
        return self.index.path(code)

    def find_mentions(self, text: str) -> list[Mention]:
        """Place mentions in `text`, leftmost first; town stems count once their full name appears."""
        return self._finder.find_mentions(text)

    def resolve_article(
        self,
        title: str | None,
        body: str,
        context: Sequence[str] = (),
        url: str | None = None,
    ) -> tuple[Resolution, list[tuple[Mention, Resolution]]]:
        """The primary locality of an article, and every place mention with what it was taken to be.

        `body` should be cleaned of navigation and footers (link lists of other counties would vote);
        `context` holds metadata strings: source outlet, publisher, byline.  Mentions carry the name
        of the string their offsets index (Mention.source).
        """
        primary, weighed = self.weigh_article(title, body, context, url)
        return primary, [(w.found.hit.mention(w.found.source), w.resolution) for w in weighed]

    def weigh_article(self, title: str | None, body: str, context: Sequence[str] = (),
                      url: str | None = None) -> tuple[Resolution, list[Weighed]]:
        """resolve_article, with each mention as found (Found: its text, source and offsets) and weighed."""
        texts = [("title", title or ""), ("body", body), *(("context", c) for c in context)]
        found, attested = self._finder.find_all(texts)
        found += self._finder.url_hits(url)
        # what each mention could be, for settling the ambiguous ones by the others
        support = (_Support([(o.source, o.hit.codes) for o in found])
                   if any(len(o.hit.codes) > 1 for o in found) else None)
        unlisted = self._unlisted(found)
        settled: dict[tuple[tuple[str, ...], str, str], Resolution] = {}  # ambiguous names, as decided in this article
        weighed: list[Weighed] = []
        lead = True  # the first plain place mention of the body introduces the article's subject
        for f in found:
            weight, strong = self._weigh(f, attested)
            if lead and weight == SOURCE_WEIGHT["body"] and strong and f.source == "body":
                weight *= LEAD_BONUS
                lead = False
            weighed.append(Weighed(f, self._decide(f, support, attested, unlisted, settled), weight, strong))
        return self._primary(weighed, texts), weighed

    def _resolution(self, code: str, method: str, town: str | None = None) -> Resolution:
        return Resolution(self.index.get(code), method, town=town)

    def _unlisted(self, found: list[Found]) -> dict[str, tuple[str, str]]:
        """Town names (and their stems) the article places under a county the gazetteer does not
        list them under: name → (county code, town name)."""
        out: dict[str, tuple[str, str]] = {}
        for f in found:
            if f.hit.kind == "unlisted" and f.hit.town:
                out[f.hit.town] = (f.hit.codes[0], f.hit.town)
                if (stem := town_stem(f.hit.town)) and stem not in self._lex.short_stop:
                    out[stem] = (f.hit.codes[0], f.hit.town)
        return out

    def _decide(self, f: Found, support: _Support | None, attested: set[str],
                unlisted: Mapping[str, tuple[str, str]], settled: dict[tuple[tuple[str, ...], str, str], Resolution]) -> Resolution:
        hit = f.hit
        codes = hit.codes
        if hit.kind == "unlisted":
            return self._resolved(codes[0], "parent-in-text", hit.town)
        if hit.text in unlisted and hit.kind in ("full", "alias") and not any(
            c.startswith(unlisted[hit.text][0]) for c in codes
        ):  # 龙江镇 again, after 惠来县龙江镇: the same town, not one of that name elsewhere
            county, town = unlisted[hit.text]
            return self._resolved(county, "co-mention", town)
        if len(codes) == 1:
            return self._resolved(codes[0], "parent-in-text" if hit.narrowed else "unique")
        # An ambiguous name is settled by what the whole article says: the same way each time it is named.
        key = (codes, hit.kind, f.source)
        known = settled.get(key)
        if known is None:
            known = settled[key] = self._settle(codes, hit.kind, f.source, support, attested)
        return known

    def _settle(self, codes: tuple[str, ...], kind: str, source: str, support: _Support | None,
                attested: set[str]) -> Resolution:
        """Which of its candidates an ambiguous name of `source` is."""
        own = codes
        if kind == "short":  # a stem whose full name is in the article: 长沙 with 长沙县
            named = tuple(c for c in codes if c in attested)
            if len(named) == 1:
                return self._resolved(named[0], "co-mention")
            codes = named or codes
        for method, sources in SUPPORT_SOURCES:
            best = support.best(sources, codes, source, own) if support else None
            if best:
                return self._resolved(best, method)
        if kind == "short":  # 长沙 (市 or 县), 吉林 (省 or 市): the larger unit
            top = min(len(c) for c in codes)
            upper = [c for c in codes if len(c) == top]
            if len(upper) == 1:
                return self._resolved(upper[0], "higher-level")
        return self._unresolved(codes)

    def _unresolved_among(self, codes: tuple[str, ...]) -> Resolution:
        return Resolution(None, "unresolved", tuple(d for c in codes if (d := self.index.get(c))))

    def _weigh(self, f: Found, attested: set[str]) -> tuple[float, bool]:
        """How much a mention says the article is about this place, and whether it may decide alone."""
        weight = SOURCE_WEIGHT[f.source]
        if f.source not in ("title", "body"):
            return weight, True
        if self._lex.dateline_after.match(f.text, f.hit.end):
            return weight * DATELINE_WEIGHT, False
        if f.outlet:
            return weight * OUTLET_WEIGHT, True
        if f.hit.kind == "short" and not attested.intersection(f.hit.codes):
            # province and city stems are distinctive; county stems are often other words
            return weight * BARE_SHORT_WEIGHT, all(len(c) <= 4 for c in f.hit.codes)
        return weight, True

    def _primary(self, weighed: list[Weighed], texts: list[tuple[str, str]]) -> Resolution:
        tree = SupportTree(self.index)
        scopes = [(suffix, SOURCE_WEIGHT[src]) for src, text in texts if src in ("title", "body")
                  for suffix in SCOPE.findall(text)]
        if all((w.weight * 4).is_integer() for w in weighed):
            self._add_summed(tree, weighed, scopes)
        else:  # a weight such as 0.2 rounds, and sums that round depend on their order: each in turn
            self._add_each(tree, weighed, scopes)
        node = tree.walk()
        if isinstance(node, frozenset):
            return Resolution(None, "unresolved", tuple(d for c in sorted(node) if (d := self.index.get(c))))
        if node == ROOT:
            return Resolution(None, "unresolved")
        if isinstance(node, tuple):  # a town the gazetteer does not list under its county
            return Resolution(self.index.get(node[0]), "parent-in-text", town=node[1])
        return Resolution(self.index.get(node), self._method_for(node, weighed))

    @staticmethod
    def _add_each(tree: SupportTree, weighed: list[Weighed], scopes: list[tuple[str, float]]) -> None:
        """The mentions into the tree one by one, in the article's order, then the scopes."""
        for w in weighed:
            in_title = w.found.source == "title" and w.strong
            if w.resolution.division:
                tree.add(w.resolution.division.code, w.weight, w.strong, in_title, w.resolution.town)
            elif len(w.found.hit.codes) > 1:
                tree.add_group(w.found.hit.codes, w.weight, w.strong, in_title)
        for suffix, weight in scopes:
            tree.add_scope(SCOPE_LEVELS[suffix], suffix, weight)

    @staticmethod
    def _add_summed(tree: SupportTree, weighed: list[Weighed], scopes: list[tuple[str, float]]) -> None:
        """The mentions into the tree, each place once with the sum of its weights: multiples of 1/4 add up
        exactly in any order, so the tree is the one adding them one by one makes (its units are first
        added in the same order). So are the scopes: all of one kind go to the same unit, and the units of
        two kinds never are the same (their names end in different characters)."""
        nodes: dict[tuple[str | None, str | tuple[str, ...] | None], list[float | bool]] = {}
        for w in weighed:
            res = w.resolution
            if res.division:
                key: tuple[str | None, str | tuple[str, ...] | None] = (res.division.code, res.town)
            elif len(w.found.hit.codes) > 1:
                key = (None, w.found.hit.codes)
            else:
                continue
            in_title = w.found.source == "title" and w.strong
            known = nodes.get(key)
            if known is None:
                nodes[key] = [w.weight, w.strong, in_title]
            else:
                known[0] += w.weight
                known[1] = known[1] or w.strong
                known[2] = known[2] or in_title
        for (code, other), (weight, strong, in_title) in nodes.items():
            if code is None:
                tree.add_group(other, weight, strong, in_title)
            else:
                tree.add(code, weight, strong, in_title, other)
        summed: dict[str, float] = {}
        for suffix, weight in scopes:
            summed[suffix] = summed.get(suffix, 0.0) + weight
        for suffix, weight in summed.items():
            tree.add_scope(SCOPE_LEVELS[suffix], suffix, weight)

    @staticmethod
    def _method_for(code: str, weighed: list[Weighed]) -> str:
        """How the primary was decided: by its heaviest mention, or by the metadata it came from."""
        support = [w for w in weighed if w.resolution.division and w.resolution.division.code.startswith(code)]
        best = max(support, key=lambda w: w.weight, default=None)
        if best is None:  # only unresolved names under it, all within this unit
            return "common-parent"
        return {"context": "outlet-name", "url": "url"}.get(best.found.source, best.resolution.method)


_GROUP = {source: group for _, group in SUPPORT_SOURCES for source in group}  # the sources asked together


class _Support:
    """The support of an article's mentions (SupportBySource), asked only about the candidates it may
    support: those in a province that a mention of the sources other than the one asking names (each
    relation it counts is within a province). A candidate no other mention is near has no support and
    cannot lead, so leaving it out changes no answer; a name none of whose candidates is near anything
    is not asked about."""

    def __init__(self, mentions: list[tuple[str, tuple[str, ...]]]) -> None:
        self._table = SupportBySource(mentions)
        # sources (of SUPPORT_SOURCES) → how many of their mentions name each province: all read in
        # one pass when first asked (a name no mention of the body supports asks the metadata next)
        self._near: dict[tuple[str, ...], Counter[str]] | None = None

    def best(self, sources: tuple[str, ...], codes: tuple[str, ...], source: str, own: tuple[str, ...]) -> str | None:
        """As SupportBySource.best, for sources one of SUPPORT_SOURCES."""
        if self._near is None:
            self._near = {group: Counter() for _, group in SUPPORT_SOURCES}
            for (s, cs), n in self._table.counts.items():
                near = self._near[_GROUP[s]]
                for p in {c[:2] for c in cs}:
                    near[p] += n
        near = self._near[sources]
        asking = source in sources  # the mention asking names the province of each of its candidates
        hopeful = tuple(c for c in codes if near[c[:2]] > asking)
        return self._table.best(sources, hopeful, source, own) if hopeful else None


@cache
def load() -> Gazetteer:
    """The gazetteer built from the packaged data file, loaded once per process."""
    return Gazetteer(PlaceIndex.load())
