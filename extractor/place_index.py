"""The gazetteer's data: the packaged divisions, their word lists, and the table of surfaces to find.

The divisions are `data/divisions.tsv.gz` (built by scripts/build_gazetteer.py from NBS 2022 codes); the word
lists that keep ordinary words from being read as places are in `data/gazetteer.toml`. Everything here is
built once per process (`PlaceIndex.load()`); the rules that use it are in mentions.py and gazetteer.py.
"""
from __future__ import annotations

import gc
import gzip
import re
import tomllib
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .support import LEVELS
from .surface_index import SurfaceIndex

DATA_DIR = Path(__file__).with_name("data")
DIVISIONS_FILE = DATA_DIR / "divisions.tsv.gz"
LEXICON_FILE = DATA_DIR / "gazetteer.toml"

TOWN_SUFFIX = re.compile(r"(?:街道办事处|街道|民族乡|苏木|地区|镇|乡)$")
ADMIN_SUFFIX = re.compile(r"(?:自治区|自治州|自治县|自治旗|新区|林区|特区|地区|省|市|区|县|旗|盟)$")
# County-level units that are zones or offices, not places people name by a stem.
NOT_A_PLACE = re.compile(r"开发区|园区|风景名胜区|示范区|管理区|实验区|试验区|合作区|产业区|新城|群岛|海域|委员会|管委会")


@dataclass(frozen=True, slots=True)
class Division:
    code: str
    name: str
    level: str  # "province" | "city" | "county" | "town"
    parent_code: str | None


# What a surface names: its candidate codes, and how it names them:
# full | short (台山 for 台山市) | alias (a town's stem, 路口 once 路口镇 is in the text).
Entry = tuple[tuple[str, ...], str]


@dataclass(frozen=True, slots=True)
class Lexicon:
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
def lexicon() -> Lexicon:
    with open(LEXICON_FILE, "rb") as f:
        data = tomllib.load(f)
    short, full, ctx, eth = data["short_forms"], data["full_names"], data["context"], data["ethnic"]
    multi = "|".join(eth["names"])
    single = "|".join(eth["single"])
    return Lexicon(
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
        stem = lexicon().ethnic_suffix.sub("", stem)
    return stem if len(stem) >= 2 and stem != name else None


class PlaceIndex:
    """The divisions by code (names, parents, paths), the pinyin of their short forms, and every
    surface that names one, with the index that finds them in a text."""

    def __init__(self, rows: list[tuple[str, str, str]]) -> None:
        self.lex = lexicon()
        self.names: dict[str, str] = {code: name for code, name, _ in rows}
        self.pinyin: dict[str, list[str]] = defaultdict(list)
        full: dict[str, list[str]] = defaultdict(list)
        short: dict[str, list[str]] = defaultdict(list)
        for code, name, pinyin in rows:
            if name not in self.lex.full_stop:
                full[name].append(code)
            if len(code) == 9:  # towns have neither a short form nor a pinyin
                continue
            stem = short_stem(name)
            if pinyin and stem not in self.lex.short_stop:
                self.pinyin[pinyin].append(code)
            if stem is None:
                continue
            if "自治州" in name or "自治县" in name or "自治旗" in name:  # 江华县, 恩施州: common in news
                full[stem + name[-1]].append(code)
            if stem not in self.lex.short_stop:
                short[stem].append(code)
        surfaces: dict[str, Entry] = {s: (tuple(codes), "short") for s, codes in short.items()}
        surfaces.update({s: (tuple(codes), "full") for s, codes in full.items()})  # full wins
        self.surfaces = surfaces
        self.index = SurfaceIndex(surfaces)
        self._ancestry: dict[str, tuple[str, ...]] = {}  # filled as codes are asked about
        self._divisions: dict[str, Division] = {}  # the same

    @classmethod
    def load(cls, path: Path = DIVISIONS_FILE) -> PlaceIndex:
        # Building makes some 150,000 tuples, all kept for the life of the process: the cycle
        # collector, set off again and again meanwhile, would find nothing to free (it took a third
        # of the load time).
        collecting = gc.isenabled()
        gc.disable()
        try:
            return cls(read_rows(path))
        finally:
            if collecting:
                gc.enable()

    def get(self, code: str) -> Division | None:
        known = self._divisions.get(code)
        if known is None:
            name = self.names.get(code)
            if name is None:
                return None
            above = self.ancestors(code)
            known = self._divisions[code] = Division(code, name, LEVELS[len(code)], above[-1] if above else None)
        return known

    def path(self, code: str) -> list[Division]:
        """Province first, down to `code`; empty for an unknown code."""
        return [d for c in (*self.ancestors(code), code) if (d := self.get(c))]

    def ancestors(self, code: str) -> tuple[str, ...]:
        """Codes above `code`, province first: those of its first 2, 4 and 6 digits that are divisions.
        (Municipalities and directly administered county-level cities have no city row, so a county's
        parent is its city when there is one, else its province.)"""
        known = self._ancestry.get(code)
        if known is None:
            heads = (code[:2], code[:4], code[:6])[: max(0, min(3, (len(code) - 1) // 2))]  # those shorter than code
            known = tuple(filter(self.names.__contains__, heads))
            if code in self.names:  # remembered for divisions only: callers may ask about any string
                self._ancestry[code] = known
        return known

    def common_ancestor(self, codes: Sequence[str]) -> str | None:
        """The lowest division above all of `codes` (None when they are in different provinces)."""
        shortest = min(map(len, codes))
        for n in (6, 4, 2):
            if n < shortest and (head := codes[0][:n]) in self.names and all(c.startswith(head) for c in codes):
                return head
        return None


def read_rows(path: Path) -> list[tuple[str, str, str]]:
    """(code, name, pinyin or "") of every division in the file."""
    with gzip.open(path, "rt", encoding="utf-8") as f:
        lines = f.read().splitlines()
    rows = []
    for line in lines:
        if not line.startswith("#"):
            code, name, *rest = line.split("\t")
            rows.append((code, name, rest[0] if rest else ""))
    return rows
