"""Finding place mentions in an article's texts (gazetteer.py decides what they are).

Full names (斗山镇), chains of parent and child (长沙县路口镇 → the 路口镇 under 长沙县), short forms of county
level and up (台山 for 台山市) unless the stem is a common word, and, inside one article, the stem of a town
already named in full (路口 once 路口镇 appears). A county directly followed by a town the 2022 list does not
hold under it (惠来县龙江镇: renamed, merged or new) is one mention of that town under the county.

Each text is scanned once, the title and body together (surface_index.py); the candidates carry what their surface names, so no
surface is looked up again, and a text is read a second time only where the stems of the article's towns
occur in it. Metadata strings (the outlet, the publisher) recur from article to article: their mentions are
remembered.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import urlsplit

from .memo import memo
from .place_index import Entry, PlaceIndex, town_stem
from .surface_index import SurfaceIndex, occurrences

HAN = re.compile(r"[\u4e00-\u9fff]")
_Candidate = tuple[int, int, Entry]  # start, end, what the surface there names


@dataclass(frozen=True, slots=True)
class Mention:
    start: int  # offsets into the string named by `source`, end exclusive
    end: int
    text: str
    codes: tuple[str, ...]  # candidate divisions
    # full | chain (parent+child, codes of the child) | short (台山) | alias (town stem)
    # | unlisted (a county and a town the gazetteer does not list under it, codes of the county)
    kind: str = "full"
    source: str = "body"  # title | body | context | url
    town: str | None = None  # for unlisted: the town's name


class Hit(NamedTuple):  # a tuple, not a dataclass: a dozen are made per article, and a tuple is made in C
    """A mention while it is being found: Mention plus the divisions it names in full."""

    start: int
    end: int
    text: str
    codes: tuple[str, ...]
    kind: str
    named: tuple[str, ...] = ()  # codes spelled out in full, both parts of a chain
    narrowed: bool = False  # a chain parent cut the candidates down
    town: str | None = None  # kind unlisted: the town named after the county

    def mention(self, source: str) -> Mention:
        return Mention(self.start, self.end, self.text, self.codes, self.kind, source, self.town)


class Found(NamedTuple):
    """One mention in an article, with the text it is in and where that text came from."""

    source: str  # title | body | context | url
    text: str  # the whole string the mention is in
    hit: Hit
    outlet: bool  # in metadata, or followed by an outlet word: 台山政府网, 上海智慧党建网


class _Plain(NamedTuple):
    """A text's candidates, and what was chosen from them before the article's aliases were known."""

    candidates: list[_Candidate]
    chosen: dict[tuple[int, int], Hit | None]  # the matches chosen, each with its hit (None: not fitting its context)
    hits: list[Hit]
    taken: bytearray  # at each character, the length of the match chosen there (0: none)


_FEW_ALIASES = 32  # up to this many, the aliases are looked for one by one
_RUNS = [bytes((n,)) * n for n in range(256)]  # what marks a chosen match of n characters in `taken`


def _longest_leftmost(c: _Candidate) -> tuple[int, int]:
    return c[0] - c[1], c[0]


def _alias_finder(aliases: Mapping[str, Entry]) -> Callable[[str], list[tuple[int, int]]]:
    """Where in a text the aliases occur: str.find for each, when they are few (an article names a
    few towns in full). A long report names thousands, and looking for each of them through the whole
    report is quadratic (a 1 MB list of towns took 8 s): there they are indexed, and each text read once."""
    if len(aliases) <= _FEW_ALIASES:
        return lambda text: occurrences(text, aliases)
    index = SurfaceIndex(aliases)
    return lambda text: [(start, end) for start, end, _ in index.find(text)]


class MentionFinder:
    def __init__(self, index: PlaceIndex) -> None:
        self._index = index
        self._lex = lex = index.lex
        self._followers = {w: (*lex.not_before, *more) for w, more in lex.not_before_word.items()}
        self._alias_of = memo(self._alias)  # town name → its stem and what it names
        # metadata strings: their candidates and mentions before aliases (the same in every article)
        self._metadata = memo(self._plain)

    def find_mentions(self, text: str) -> list[Mention]:
        """Place mentions in `text`, leftmost first; town stems count once their full name appears."""
        return [f.hit.mention(f.source) for f in self.find_all([("body", text)])[0]]

    def find_all(self, texts: Sequence[tuple[str, str]]) -> tuple[list[Found], set[str]]:
        """Mentions in all of an article's texts, and the divisions the article clearly names."""
        own = [t for src, t in texts if src != "context"]  # the article's title and body: read in one pass
        candidates = iter(self._index.index.find_each(own))
        plain = [self._metadata(t) if src == "context" else self._choose(t, next(candidates)) for src, t in texts]
        aliases = self._aliases(h for p in plain for h in p.hits)
        find_aliases = _alias_finder(aliases)
        found: list[Found] = []
        for (src, t), p in zip(texts, plain):
            hits = p.hits
            if aliases and (alias_spans := find_aliases(t)):
                hits = self._with_aliases(t, p, aliases, alias_spans)
            found += [Found(src, t, h, src == "context" or bool(self._lex.outlet_after.match(t, h.end))) for h in hits]
        attested: set[str] = set().union(*(f.hit.named for f in found))
        attested |= {f.hit.codes[0] for f in found if len(f.hit.codes) == 1 and f.outlet}
        return [f for f in found if f.hit.kind != "short" or self._plausible(f, attested)], attested

    def url_hits(self, url: str | None) -> list[Found]:
        """Host labels that are a place's pinyin: linli.gov.cn → 临澧县."""
        if not url:
            return []
        host = urlsplit(url if "//" in url else "//" + url).hostname or ""
        offset = url.lower().find(host)
        pinyin = self._index.pinyin
        return [Found("url", url, Hit(offset + label.start(), offset + label.end(), label.group(), tuple(codes), "short"), True)
                for label in re.finditer(r"[a-z]+", host) if (codes := pinyin.get(label.group()))]

    def _plain(self, text: str) -> _Plain:
        """The candidates in a text, and its mentions without the article's aliases."""
        return self._choose(text, self._index.index.find(text))

    def _choose(self, text: str, candidates: list[_Candidate]) -> _Plain:
        """Longest matches first, then leftmost, without overlaps; those that fit their context,
        parents and children joined into chains."""
        taken = bytearray(len(text))
        chosen: dict[tuple[int, int], Hit | None] = {}
        for start, end, entry in sorted(candidates, key=_longest_leftmost):
            # a chosen match overlapping this one is no shorter, so it covers one of its ends
            if taken[start] or taken[end - 1]:
                continue
            taken[start:end] = _RUNS[end - start]
            chosen[start, end] = self._hit(text, start, end, entry)
        return _Plain(candidates, chosen, self._finish(text, chosen.values()), taken)

    def _with_aliases(self, text: str, p: _Plain, aliases: Mapping[str, Entry], spans: list[tuple[int, int]]) -> list[Hit]:
        """The mentions of a text once the aliases occurring at `spans` are candidates too (an alias wins
        over a surface of the same span): what choosing anew from all of them gives, mostly without doing so.

        Matches are chosen longest first, and a match's fate depends only on the matches overlapping it that
        come before it. An alias inside a longer match chosen before is never chosen and blocks nothing (路口
        inside the 路口镇 that made it an alias, the usual case); one spanning a chosen match is that match,
        read as the alias; one overlapping no candidate and no other alias is chosen and changes nothing
        else. Any other alias may change the choices around it: there they are made anew."""
        added: list[tuple[int, int, Hit | None]] = []
        for s, e in spans:
            if max(p.taken[s:e]) > e - s:
                continue
            if (s, e) not in p.chosen and any(cs < e and s < ce for cs, ce, _ in p.candidates):
                return self._choose_anew(text, p, aliases, spans)
            added.append((s, e, self._hit(text, s, e, aliases[text[s:e]])))
        if not added:
            return p.hits
        added.sort()
        if any(a[1] > b[0] for a, b in zip(added, added[1:])):  # aliases overlapping each other
            return self._choose_anew(text, p, aliases, spans)
        return self._finish(text, {**p.chosen, **{(s, e): hit for s, e, hit in added}}.values())

    def _choose_anew(self, text: str, p: _Plain, aliases: Mapping[str, Entry], spans: list[tuple[int, int]]) -> list[Hit]:
        where = {(s, e): entry for s, e, entry in p.candidates}
        where.update(((s, e), aliases[text[s:e]]) for s, e in spans)  # an alias wins over a surface
        return self._choose(text, [(s, e, entry) for (s, e), entry in where.items()]).hits

    def _hit(self, text: str, start: int, end: int, entry: Entry) -> Hit | None:
        """The mention a chosen match makes, unless it belongs to another word."""
        codes, kind = entry
        surface = text[start:end]
        if self._fits_context(text, start, end, surface, kind):
            return Hit(start, end, surface, codes, kind, codes if kind == "full" else ())
        return None

    def _finish(self, text: str, chosen: Iterable[Hit | None]) -> list[Hit]:
        """The chosen matches that fit their context, by start, parents and children joined into chains."""
        kept = sorted(h for h in chosen if h)  # by start: the chosen matches do not overlap
        return [h for h in self._chain(kept) if h.kind != "full" or len(h.text) > 2 or self._stands_alone(text, h)]

    def _fits_context(self, text: str, start: int, end: int, surface: str, kind: str) -> bool:
        """Drop matches that belong to another word: 部分乡镇 is not 分乡镇, 中山路 not 中山市."""
        after = text[end : end + 4]
        if kind == "full":
            words = self._lex.suffix_words
            before = text[start - 1] + surface[0] if start else ""
            return surface[-2:] not in words and surface[-1] + after[:1] not in words and before not in self._lex.prefix_words
        return not after.startswith(self._followers.get(surface, self._lex.not_before))

    @staticmethod
    def _chain(hits: list[Hit]) -> list[Hit]:
        """Merge a parent directly followed by its child (衡阳市雁峰区) into one mention of the child."""
        if not any(a.end == b.start for a, b in zip(hits, hits[1:])):
            return hits  # nothing directly follows another: the usual case
        out: list[Hit] = []
        for hit in hits:
            prev = out[-1] if out else None
            if prev and prev.end == hit.start and hit.kind != "short":  # 泰安泰山控股 is a company
                keep = tuple(c for c in hit.codes if any(c != p and c.startswith(p) for p in prev.codes))
                if keep:
                    parents = tuple(p for p in prev.named if any(c.startswith(p) for c in keep))
                    out[-1] = Hit(prev.start, hit.end, prev.text + hit.text, keep, "chain",
                                  parents + keep, len(keep) < len(hit.codes))
                    continue
                counties = tuple(c for c in prev.named if len(c) == 6)
                if len(counties) == 1 and all(len(c) == 9 for c in hit.codes):
                    # 惠来县龙江镇 where 2022's list has no 龙江镇 under 惠来县: the text knows better
                    out[-1] = Hit(prev.start, hit.end, prev.text + hit.text, counties, "unlisted",
                                  counties, town=hit.text)
                    continue
            out.append(hit)
        return out

    def _stands_alone(self, text: str, hit: Hit) -> bool:
        """A one-character stem with its suffix (和县, 张镇: a full name of two characters) is often part
        of a longer word."""
        before = text[hit.start - 1] if hit.start else ""
        after = text[hit.end : hit.end + 2]
        if hit.text[-1] in "镇乡" and after.startswith("长"):
            return False  # 张镇长: a person, the town head
        return not HAN.match(before) or after.startswith(self._lex.one_char_after)

    def _aliases(self, hits: Iterable[Hit]) -> dict[str, Entry]:
        """Stems of towns named in full, as mentions of those towns: 路口 once 路口镇 is in the text."""
        aliases: dict[str, Entry] = {}
        names = self._index.names
        # a stem names every town of its name: asked once per name (路口镇 is five towns)
        for name in {names[c] for h in hits for c in h.named if len(c) == 9}:
            if known := self._alias_of(name):
                stem, entry = known
                other = aliases.get(stem, entry)
                # 路口镇 and 路口乡 both named: 路口 may be either (whatever order the codes come in)
                aliases[stem] = entry if other == entry else (tuple(sorted({*other[0], *entry[0]})), "alias")
        return aliases

    def _alias(self, name: str) -> tuple[str, Entry] | None:
        stem = town_stem(name)
        if not stem or stem in self._lex.short_stop or name not in self._index.surfaces:
            return None
        return stem, (self._index.surfaces[name][0], "alias")

    def _plausible(self, f: Found, attested: set[str]) -> bool:
        """(For a short form.) A county stem the article never names in full must at least stand like a place name:
        after punctuation, or before punctuation or a word such as 等地 (夏津、巨鹿等地), not 搭建平台."""
        hit, text = f.hit, f.text
        if f.outlet or any(len(c) < 6 or c in attested for c in hit.codes):
            return True
        before = text[hit.start - 1] if hit.start else ""
        after = text[hit.end : hit.end + 2]
        return not HAN.match(before) or not HAN.match(after[:1]) or after.startswith(self._lex.place_after)
