"""China's administrative divisions: lookup, place mentions in text, and an article's locality.

The index is `data/divisions.tsv.gz` (built by scripts/build_gazetteer.py from NBS 2022 codes); the word
lists that keep ordinary words from being read as places are in `data/gazetteer.toml`.

    gz = load()
    primary, mentions = gz.resolve_article(title, body, context=[source, publisher], url=url)
    [d.name for d in gz.path(primary.division.code)]   # ['湖南省', '长沙市', '长沙县', '路口镇']

Finding: full names (斗山镇), chains of parent and child (长沙县路口镇 → the 路口镇 under 长沙县), short forms of
county level and up (台山 for 台山市) unless the stem is a common word, and, inside one article, the stem of a
town already named in full (路口 once 路口镇 appears).  Deciding: an ambiguous name is settled by its parent
in the chain, then by related places elsewhere in the text, then by outlet names in the metadata, then by
the URL host, and a bare stem that fits a city and a county (长沙) goes to the larger unit.  A county
directly followed by a town the 2022 list does not hold under it (惠来县龙江镇: renamed, merged or new)
places that town under the county, and the town's other mentions with it.  The primary locality walks
down from the province, following the clearly dominant branch while it carries more than half the weight
of the unit above it; the branch of the title's place is followed whatever the body's counts, and below
a unit the title names one part must outweigh all its siblings together (support.py weighs and walks;
surface_index.py finds the names).
"""
from __future__ import annotations

import gzip
import re
import tomllib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from .support import LEVELS, ROOT, SUPPORT_SOURCES, SupportBySource, SupportTree
from .surface_index import SurfaceIndex, occurrences

DATA_DIR = Path(__file__).with_name("data")
DIVISIONS_FILE = DATA_DIR / "divisions.tsv.gz"
LEXICON_FILE = DATA_DIR / "gazetteer.toml"

TOWN_SUFFIX = re.compile(r"(?:街道办事处|街道|民族乡|苏木|地区|镇|乡)$")
ADMIN_SUFFIX = re.compile(r"(?:自治区|自治州|自治县|自治旗|新区|林区|特区|地区|省|市|区|县|旗|盟)$")
# County-level units that are zones or offices, not places people name by a stem.
NOT_A_PLACE = re.compile(r"开发区|园区|风景名胜区|示范区|管理区|实验区|试验区|合作区|产业区|新城|群岛|海域|委员会|管委会")
HAN = re.compile(r"[\u4e00-\u9fff]")
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
class Division:
    code: str
    name: str
    level: str  # "province" | "city" | "county" | "town"
    parent_code: str | None


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


@dataclass(frozen=True, slots=True)
class Resolution:
    division: Division | None
    # unique | parent-in-text | co-mention | outlet-name | url | higher-level | common-parent | unresolved
    method: str
    candidates: tuple[Division, ...] = ()  # when unresolved: the divisions it could be
    # A town under `division` that the gazetteer does not list there (renamed, merged or new since
    # 2022), known from the text naming it right after its county: 惠来县龙江镇.
    town: str | None = None


@dataclass(frozen=True, slots=True)
class _Lexicon:
    short_stop: frozenset[str]
    not_before: tuple[str, ...]
    not_before_word: Mapping[str, tuple[str, ...]]
    full_stop: frozenset[str]
    suffix_words: frozenset[str]
    prefix_words: frozenset[str]
    one_char_after: tuple[str, ...]
    place_after: tuple[str, ...]
    outlet_after: re.Pattern[str]
    dateline_after: re.Pattern[str]
    ethnic_suffix: re.Pattern[str]


@cache
def _lexicon() -> _Lexicon:
    with open(LEXICON_FILE, "rb") as f:
        data = tomllib.load(f)
    short, full, ctx, eth = data["short_forms"], data["full_names"], data["context"], data["ethnic"]
    multi = "|".join(eth["names"])
    single = "|".join(eth["single"])
    return _Lexicon(
        short_stop=frozenset(short["stop"]),
        not_before=tuple(short["not_before"]),
        not_before_word={k: tuple(v) for k, v in short["not_before_word"].items()},
        full_stop=frozenset(full["stop"]),
        suffix_words=frozenset(full["suffix_words"]),
        prefix_words=frozenset(full["prefix_words"]),
        one_char_after=tuple(full["one_char_stem_after"]),
        place_after=tuple(short["place_after"]),
        # up to four characters may stand between the place and the outlet word (上海智慧党建网);
        # 网格, 网络, 网点, 网民, 网友 are not outlets
        outlet_after=re.compile(rf"[\u4e00-\u9fff]{{0,4}}?(?:{'|'.join(ctx['outlet_after'])})(?![格络点民友])"),
        dateline_after=re.compile(ctx["dateline_after"]),
        ethnic_suffix=re.compile(rf"(?:(?:{multi})族?|(?:{single})族)+$"),
    )


def short_stem(name: str) -> str | None:
    """The usual short form of a province, city or county name: 台山市 → 台山, 江华瑶族自治县 → 江华."""
    if NOT_A_PLACE.search(name):
        return None
    return _stem(name, ADMIN_SUFFIX)


def town_stem(name: str) -> str | None:
    """斗山镇 → 斗山, 东华门街道 → 东华门, 长坪瑶族乡 → 长坪."""
    return _stem(name, TOWN_SUFFIX)


def _stem(name: str, suffix: re.Pattern[str]) -> str | None:
    stem = suffix.sub("", name)
    if "自治" in name or "族" in name:  # 东乡区 keeps 东乡; 东乡族自治县 has no stem
        stem = _lexicon().ethnic_suffix.sub("", stem)
    return stem if len(stem) >= 2 and stem != name else None


@dataclass(slots=True)
class _Hit:
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


@dataclass(slots=True)
class _Found:
    """One mention in an article, with where it came from and what it was decided to be."""

    source: str
    text: str  # the whole string the mention is in
    hit: _Hit
    resolution: Resolution = field(default_factory=lambda: Resolution(None, "unresolved"))
    weight: float = 0.0
    strong: bool = False  # may on its own make a place the article's locality


class Gazetteer:
    def __init__(self, rows: Iterable[tuple[str, str, str]]) -> None:
        self._names: dict[str, str] = {}
        self._pinyin: dict[str, list[str]] = defaultdict(list)
        self._lex = _lexicon()
        for code, name, pinyin in rows:
            self._names[code] = name
            if pinyin and short_stem(name) not in self._lex.short_stop:
                self._pinyin[pinyin].append(code)
        self._surfaces = self._build_surfaces()
        self._index = SurfaceIndex(self._surfaces)
        self._ancestry: dict[str, tuple[str, ...]] = {}  # filled as codes are asked about
        self._divisions: dict[str, Division] = {}  # the same

    # -- lookup ---------------------------------------------------------------------------------

    def get(self, code: str) -> Division | None:
        known = self._divisions.get(code)
        if known is None:
            name = self._names.get(code)
            if name is None:
                return None
            known = self._divisions[code] = Division(code, name, LEVELS[len(code)], self._parent(code))
        return known

    def path(self, code: str) -> list[Division]:
        """Province first, down to `code`; empty for an unknown code."""
        return [d for c in (*self._ancestors(code), code) if (d := self.get(c))]

    def _parent(self, code: str) -> str | None:
        # Municipalities and directly administered county-level cities have no city row,
        # so a county's parent is its city when there is one, else its province.
        for n in (6, 4, 2):
            if n < len(code) and code[:n] in self._names:
                return code[:n]
        return None

    def _ancestors(self, code: str) -> tuple[str, ...]:
        """Codes above `code`, province first."""
        known = self._ancestry.get(code)
        if known is not None:
            return known
        out: list[str] = []
        parent = self._parent(code)
        while parent:
            out.append(parent)
            parent = self._parent(parent)
        known = tuple(reversed(out))
        if code in self._names:  # remembered for divisions only: callers may ask about any string
            self._ancestry[code] = known
        return known

    # -- the surface index ----------------------------------------------------------------------

    def _build_surfaces(self) -> dict[str, tuple[tuple[str, str], ...]]:
        full: dict[str, list[str]] = defaultdict(list)
        short: dict[str, list[str]] = defaultdict(list)
        for code, name in self._names.items():
            if name not in self._lex.full_stop:
                full[name].append(code)
            stem = short_stem(name) if len(code) < 9 else None
            if stem is None:
                continue
            if "自治州" in name or "自治县" in name or "自治旗" in name:  # 江华县, 恩施州: common in news
                full[stem + name[-1]].append(code)
            if stem not in self._lex.short_stop:
                short[stem].append(code)
        surfaces = {s: tuple((c, "short") for c in codes) for s, codes in short.items()}
        surfaces.update({s: tuple((c, "full") for c in codes) for s, codes in full.items()})  # full wins
        return surfaces

    # -- finding mentions -----------------------------------------------------------------------

    def find_mentions(self, text: str) -> list[Mention]:
        """Place mentions in `text`, leftmost first; town stems count once their full name appears."""
        return [f.hit.mention(f.source) for f in self._find_all([("body", text)])[0]]

    def _find_all(self, texts: Sequence[tuple[str, str]]) -> tuple[list[_Found], set[str]]:
        """Mentions in all of an article's texts, and the divisions the article clearly names."""
        spans = [self._index.spans(t) for _, t in texts]  # both passes look for the same names
        first = [self._hits(t, {}, sp) for (_, t), sp in zip(texts, spans)]
        aliases = self._aliases(h for hits in first for h in hits)
        found: list[_Found] = []
        for (src, t), sp, hits in zip(texts, spans, first):
            if alias_spans := occurrences(t, aliases):  # else the aliases change nothing in this text
                hits = self._hits(t, aliases, [*sp, *alias_spans])
            found += [_Found(src, t, h) for h in hits]
        attested = {c for f in found for c in f.hit.named}
        attested |= {f.hit.codes[0] for f in found if len(f.hit.codes) == 1 and self._is_outlet(f)}
        return [f for f in found if self._plausible(f, attested)], attested

    def _hits(self, text: str, aliases: Mapping[str, tuple[tuple[str, str], ...]],
              spans: Iterable[tuple[int, int]] | None = None) -> list[_Hit]:
        hits = [h for h in self._scan(text, aliases, spans) if self._fits_context(text, h)]
        return [h for h in self._chain(hits) if h.kind == "chain" or self._stands_alone(text, h)]

    def _scan(self, text: str, aliases: Mapping[str, tuple[tuple[str, str], ...]],
              spans: Iterable[tuple[int, int]] | None = None) -> list[_Hit]:
        """Longest matches first, then leftmost, without overlaps.

        Candidates are every occurrence of a surface or of an alias (`spans`, from the indexes); an alias
        takes precedence over a surface spelled the same."""
        candidates = set(self._index.spans(text) if spans is None else spans)
        found = []
        for start, end in candidates:
            surface = text[start:end]
            entries = aliases.get(surface) or self._surfaces.get(surface)
            if entries:
                found.append((start, end, entries))
        found.sort(key=lambda f: (f[0] - f[1], f[0]))
        taken = bytearray(len(text))
        hits = []
        for start, end, entries in found:
            if any(taken[start:end]):
                continue
            taken[start:end] = b"\1" * (end - start)
            codes, kind = tuple(c for c, _ in entries), entries[0][1]
            hits.append(_Hit(start, end, text[start:end], codes, kind, codes if kind == "full" else ()))
        return sorted(hits, key=lambda h: h.start)

    def _fits_context(self, text: str, hit: _Hit) -> bool:
        """Drop matches that belong to another word: 部分乡镇 is not 分乡镇, 中山路 not 中山市."""
        after = text[hit.end : hit.end + 4]
        if hit.kind == "full":
            words = self._lex.suffix_words
            before = text[hit.start - 1] + hit.text[0] if hit.start else ""
            return hit.text[-2:] not in words and hit.text[-1] + after[:1] not in words and before not in self._lex.prefix_words
        followers = (*self._lex.not_before, *self._lex.not_before_word.get(hit.text, ()))
        return not after.startswith(followers)

    def _chain(self, hits: list[_Hit]) -> list[_Hit]:
        """Merge a parent directly followed by its child (衡阳市雁峰区) into one mention of the child."""
        out: list[_Hit] = []
        for hit in hits:
            prev = out[-1] if out else None
            if prev and prev.end == hit.start and hit.kind != "short":  # 泰安泰山控股 is a company
                keep = tuple(c for c in hit.codes if any(c != p and c.startswith(p) for p in prev.codes))
                if keep:
                    parents = tuple(p for p in prev.named if any(c.startswith(p) for c in keep))
                    out[-1] = _Hit(prev.start, hit.end, prev.text + hit.text, keep, "chain",
                                   parents + keep, len(keep) < len(hit.codes))
                    continue
                counties = tuple(c for c in prev.named if len(c) == 6)
                if len(counties) == 1 and all(len(c) == 9 for c in hit.codes):
                    # 惠来县龙江镇 where 2022's list has no 龙江镇 under 惠来县: the text knows better
                    out[-1] = _Hit(prev.start, hit.end, prev.text + hit.text, counties, "unlisted",
                                   counties, town=hit.text)
                    continue
            out.append(hit)
        return out

    def _stands_alone(self, text: str, hit: _Hit) -> bool:
        """A one-character stem with its suffix (和县, 张镇) is often part of a longer word."""
        if hit.kind != "full" or len(hit.text) > 2:
            return True
        before = text[hit.start - 1] if hit.start else ""
        after = text[hit.end : hit.end + 2]
        if hit.text[-1] in "镇乡" and after.startswith("长"):
            return False  # 张镇长: a person, the town head
        return not HAN.match(before) or after.startswith(self._lex.one_char_after)

    def _aliases(self, hits: Iterable[_Hit]) -> dict[str, tuple[tuple[str, str], ...]]:
        """Stems of towns named in full, as mentions of those towns: 路口 once 路口镇 is in the text."""
        aliases: dict[str, tuple[tuple[str, str], ...]] = {}
        for code in {c for h in hits for c in h.named if len(c) == 9}:
            name = self._names[code]
            stem = town_stem(name)
            if stem and stem not in self._lex.short_stop:
                aliases[stem] = tuple((c, "alias") for c, _ in self._surfaces.get(name, ()))
        return aliases

    def _is_outlet(self, f: _Found) -> bool:
        """In metadata, or followed by an outlet word: 台山政府网, 上海智慧党建网."""
        return f.source in ("context", "url") or bool(self._lex.outlet_after.match(f.text, f.hit.end))

    def _plausible(self, f: _Found, attested: set[str]) -> bool:
        """A county stem the article never names in full must at least stand like a place name:
        after punctuation, or before punctuation or a word such as 等地 (夏津、巨鹿等地), not 搭建平台."""
        hit, text = f.hit, f.text
        if hit.kind != "short" or self._is_outlet(f) or any(len(c) < 6 or c in attested for c in hit.codes):
            return True
        before = text[hit.start - 1] if hit.start else ""
        after = text[hit.end : hit.end + 2]
        return not HAN.match(before) or not HAN.match(after[:1]) or after.startswith(self._lex.place_after)

    def _url_hits(self, url: str | None) -> list[_Hit]:
        """Host labels that are a place's pinyin: linli.gov.cn → 临澧县."""
        if not url:
            return []
        host = urlsplit(url if "//" in url else "//" + url).hostname or ""
        offset = url.lower().find(host)
        return [_Hit(offset + label.start(), offset + label.end(), label.group(), tuple(codes), "short")
                for label in re.finditer(r"[a-z]+", host) if (codes := self._pinyin.get(label.group()))]

    # -- resolving an article -------------------------------------------------------------------

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
        texts = [("title", title or ""), ("body", body), *(("context", c) for c in context)]
        found, attested = self._find_all(texts)
        found += [_Found("url", url or "", h) for h in self._url_hits(url)]
        # what each mention could be, for settling the ambiguous ones by the others
        support = (SupportBySource([(o.source, o.hit.codes) for o in found])
                   if any(len(o.hit.codes) > 1 for o in found) else None)
        unlisted = self._unlisted(found)
        for f in found:
            f.resolution = self._decide(f, support, attested, unlisted)
            f.weight, f.strong = self._weigh(f, attested)
        self._mark_lead(found)
        primary = self._primary(found, texts)
        return primary, [(f.hit.mention(f.source), f.resolution) for f in found]

    def _unlisted(self, found: list[_Found]) -> dict[str, tuple[str, str]]:
        """Town names (and their stems) the article places under a county the gazetteer does not
        list them under: name → (county code, town name)."""
        out: dict[str, tuple[str, str]] = {}
        for f in found:
            if f.hit.kind == "unlisted" and f.hit.town:
                out[f.hit.town] = (f.hit.codes[0], f.hit.town)
                if (stem := town_stem(f.hit.town)) and stem not in self._lex.short_stop:
                    out[stem] = (f.hit.codes[0], f.hit.town)
        return out

    def _decide(self, f: _Found, support: SupportBySource | None, attested: set[str],
                unlisted: Mapping[str, tuple[str, str]]) -> Resolution:
        codes = f.hit.codes
        if f.hit.kind == "unlisted":
            return Resolution(self.get(codes[0]), "parent-in-text", town=f.hit.town)
        if f.hit.text in unlisted and f.hit.kind in ("full", "alias") and not any(
            c.startswith(unlisted[f.hit.text][0]) for c in codes
        ):  # 龙江镇 again, after 惠来县龙江镇: the same town, not one of that name elsewhere
            county, town = unlisted[f.hit.text]
            return Resolution(self.get(county), "co-mention", town=town)
        if len(codes) == 1:
            return Resolution(self.get(codes[0]), "parent-in-text" if f.hit.narrowed else "unique")
        if f.hit.kind == "short":  # a stem whose full name is in the article: 长沙 with 长沙县
            named = tuple(c for c in codes if c in attested)
            if len(named) == 1:
                return Resolution(self.get(named[0]), "co-mention")
            codes = named or codes
        for method, sources in SUPPORT_SOURCES:
            best = support.best(sources, codes, f.source, f.hit.codes) if support else None
            if best:
                return Resolution(self.get(best), method)
        if f.hit.kind == "short":  # 长沙 (市 or 县), 吉林 (省 or 市): the larger unit
            top = min(len(c) for c in codes)
            upper = [c for c in codes if len(c) == top]
            if len(upper) == 1:
                return Resolution(self.get(upper[0]), "higher-level")
        return Resolution(None, "unresolved", tuple(d for c in codes if (d := self.get(c))))

    def _weigh(self, f: _Found, attested: set[str]) -> tuple[float, bool]:
        """How much a mention says the article is about this place, and whether it may decide alone."""
        weight = SOURCE_WEIGHT[f.source]
        if f.source not in ("title", "body"):
            return weight, True
        if self._lex.dateline_after.match(f.text, f.hit.end):
            return weight * DATELINE_WEIGHT, False
        if self._is_outlet(f):
            return weight * OUTLET_WEIGHT, True
        if f.hit.kind == "short" and not attested.intersection(f.hit.codes):
            # province and city stems are distinctive; county stems are often other words
            return weight * BARE_SHORT_WEIGHT, all(len(c) <= 4 for c in f.hit.codes)
        return weight, True

    @staticmethod
    def _mark_lead(found: list[_Found]) -> None:
        """The first plain place mention of the body introduces the article's subject."""
        plain = SOURCE_WEIGHT["body"]
        lead = next((f for f in found if f.source == "body" and f.strong and f.weight == plain), None)
        if lead:
            lead.weight *= LEAD_BONUS

    def _primary(self, found: list[_Found], texts: list[tuple[str, str]]) -> Resolution:
        tree = SupportTree(self)
        for f in found:
            in_title = f.source == "title" and f.strong
            if f.resolution.division:
                tree.add(f.resolution.division.code, f.weight, f.strong, in_title, f.resolution.town)
            elif len(f.hit.codes) > 1:
                tree.add_group(f.hit.codes, f.weight, f.strong, in_title)
        for src, text in texts:
            if src in ("title", "body"):
                for m in SCOPE.finditer(text):
                    tree.add_scope(SCOPE_LEVELS[m.group(1)], m.group(1), SOURCE_WEIGHT[src])
        node = tree.walk()
        if isinstance(node, frozenset):
            return Resolution(None, "unresolved", tuple(d for c in sorted(node) if (d := self.get(c))))
        if node == ROOT:
            return Resolution(None, "unresolved")
        if isinstance(node, tuple):  # a town the gazetteer does not list under its county
            return Resolution(self.get(node[0]), "parent-in-text", town=node[1])
        return Resolution(self.get(node), self._method_for(node, found))

    @staticmethod
    def _method_for(code: str, found: list[_Found]) -> str:
        """How the primary was decided: by its heaviest mention, or by the metadata it came from."""
        support = [f for f in found if f.resolution.division and f.resolution.division.code.startswith(code)]
        best = max(support, key=lambda f: f.weight, default=None)
        if best is None:  # only unresolved names under it, all within this unit
            return "common-parent"
        return {"context": "outlet-name", "url": "url"}.get(best.source, best.resolution.method)


def _read_rows(path: Path) -> Iterable[tuple[str, str, str]]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            if not line.startswith("#"):
                code, name, *rest = line.rstrip("\n").split("\t")
                yield code, name, rest[0] if rest else ""


@cache
def load() -> Gazetteer:
    """The gazetteer built from the packaged data file, loaded once per process."""
    return Gazetteer(_read_rows(DIVISIONS_FILE))
