"""The words claims.py reads subjects with, compiled once from lexicon/phrases.toml, periods.toml
and the comparatives of qualifiers.toml."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

import regex

from . import lexicon
from .numbers import CHINESE_NUMERAL_CHARS


class Words:
    """Literal words found at a position, longest first: what the regex alternation of them
    (lexicon.alternation) matches there, by a table lookup instead of a regex (claims ask hundreds of
    times per article whether a noun or a stop word starts at a character).

    `not_before`: characters a word must not stand before (then a shorter word is tried);
    `then`: the words tried when none of these stands there (an alternation of two groups)."""

    def __init__(self, words: list[str], not_before: str = "", then: Words | None = None) -> None:
        own, blocked = frozenset(words), frozenset(not_before)
        lengths: dict[str, set[int]] = {}
        for w in own:
            lengths.setdefault(w[0], set()).add(len(w))
        # first character → the (length, words, characters they must not stand before) to try there, in
        # order: these words longest first, then those of `then` (one lookup, not one per group).
        tries = {c: [(n, own, blocked) for n in sorted(ns, reverse=True)] for c, ns in lengths.items()}
        for c, more in (then._tries.items() if then else ()):
            tries.setdefault(c, []).extend(more)
        self._tries = {c: tuple(t) for c, t in tries.items()}
        # The characters a word starts with: tested by a caller reading character by character, a set
        # lookup instead of a call of end() where no word can start (most characters).
        self.firsts = frozenset(self._tries)

    def end(self, text: str, pos: int) -> int:
        """Where the longest word starting at pos ends; -1 when none starts there."""
        for n, words, blocked in self._tries.get(text[pos : pos + 1], ()):
            word = text[pos : pos + n]
            if word in words and text[pos + n : pos + n + 1] not in blocked:
                return pos + len(word)
        return -1


class Chars(dict[str, bool]):
    """Whether a character (or "" past the text's end) is in a character class: a dict lookup, the
    class's regex asked once per distinct character (a regex call costs more than the lookup, and
    claims ask for every character of every phrase they read)."""

    def __init__(self, pattern: str) -> None:
        super().__init__()
        self._class = regex.compile(pattern)

    def __missing__(self, ch: str) -> bool:
        self[ch] = found = self._class.match(ch) is not None
        return found


class Ending:
    """A pattern that must end where the text ends ($), found as its own search finds it, but searched
    for only once a copy read from the end (regex.REVERSE) says it is there: a forward search tries
    the pattern at every character, and most texts before a figure have none of these endings."""

    def __init__(self, pattern: str) -> None:
        self.pattern = regex.compile(pattern)
        self._from_end = regex.compile(pattern, regex.REVERSE)

    def search(self, text: str) -> regex.Match[str] | None:
        return self.pattern.search(text) if self._from_end.search(text) else None

    @staticmethod
    def any_of(endings: Iterable[Ending]) -> regex.Pattern[str]:
        """One pattern, read from the end, that is there when one of the endings is: where none is
        (the last of every round of stripping), one search answers instead of one per ending."""
        return regex.compile("|".join(f"(?:{e.pattern.pattern})" for e in endings), regex.REVERSE)


@dataclass(frozen=True, slots=True)
class Phrases:
    verb: regex.Pattern[str]  # a verb in group "verb"; nouns that contain verbs match without it
    noun: Words
    verb_word: Words  # a verb, not before a noun suffix (增加值)
    stop_after: Words  # a stop word or change verb, else a verb
    strip_before: regex.Pattern[str]
    link_end: Ending
    adverb_end: Ending
    trailing: Ending
    list_end: regex.Pattern[str]
    comparative: regex.Pattern[str]
    measure_nouns: frozenset[str]
    compound_head: regex.Pattern[str]
    describes_figure: frozenset[str]
    rate_nouns: frozenset[str]
    title_verbs: regex.Pattern[str]
    figure_modifier: regex.Pattern[str]  # 80周岁以上 between a classifier and its noun
    self_counting: frozenset[str]
    classifiers: frozenset[str]
    pivot_verbs: frozenset[str]
    change_verbs: frozenset[str]
    function_word: Words
    period: regex.Pattern[str]
    period_end: Ending  # a time phrase closing the text before a figure (由2019年的)
    change_end: Ending  # 同比增长, 提高到: group "level" when the figure is the new level
    comparison_end: Ending
    from_to_end: Ending
    level_end: Ending  # 发展到: a verb reaching the figure
    light_verbs: frozenset[str]
    share: regex.Pattern[str]
    bare_measures: frozenset[str]
    enumerator: regex.Pattern[str]
    per_end: Ending
    peel_end: regex.Pattern[str]  # Ending.any_of the endings above that _peel strips


@lexicon.cached
def phrases() -> Phrases:
    """The compiled word lists (read once per process)."""
    p = lexicon.load("phrases")
    num = rf"(?:\d+|[{CHINESE_NUMERAL_CHARS}]+)"

    def patterns(xs: list[str]) -> str:
        return "|".join(f"(?:{x.replace('NUM', num)})" for x in xs)

    periods = patterns(lexicon.load("periods")["patterns"])
    # 增加值, 覆盖率: a verb before one of these suffixes is inside a noun.
    suffixes = "".join(p["noun_suffixes"])
    verbs = rf"(?:{lexicon.alternation(p['verbs'])})(?![{suffixes}])"
    changes = lexicon.alternation(p["change_verbs"])
    verb_word = Words(p["verbs"], not_before=suffixes)  # what group "verb" of `verb` matches at a position
    # The endings _peel strips off the text before a figure, in the order it tries them.
    endings = dict(
        change_end=Ending(rf"(?:{changes})了?(?P<level>到|至)?$"),
        link_end=Ending(rf"(?:{lexicon.alternation(p['links'])})$"),
        adverb_end=Ending(rf"(?:{lexicon.alternation(p['adverbs'])})$"),
        comparison_end=Ending(f"(?:{patterns(p['comparisons'])})$"),
        period_end=Ending(f"(?:{periods})的?$"),
        from_to_end=Ending(f"(?:{patterns(p['from_to'])})$"),
        level_end=Ending(rf"(?:{lexicon.alternation(p['verbs'] + p['change_verbs'])})[到至]$"),
        per_end=Ending(f"(?:{p['per_units']})$"),
        trailing=Ending(rf"(?:{lexicon.alternation(p['trailing'])})$"),
    )
    return Phrases(
        **endings,
        peel_end=Ending.any_of(endings.values()),
        verb=regex.compile(rf"(?:{lexicon.alternation(p['nouns'])})|(?P<verb>{verbs})"),
        noun=Words(p["nouns"]),
        stop_after=Words(p["stops_after"] + p["change_verbs"], then=verb_word),
        verb_word=verb_word,
        strip_before=regex.compile(lexicon.alternation(p["strip_before"])),
        # 等 ends a list (……等宣讲), but not in 一等奖, 同等, 等级.
        list_end=regex.compile(r"(?<![一二三四五六七八九十\d同平对])等(?![奖级次待同于])"),
        comparative=regex.compile(lexicon.alternation(
            [w for q in lexicon.load("qualifiers").values() for w in q.get("reach", [])])),
        measure_nouns=frozenset(p["measure_nouns"]),
        compound_head=regex.compile(lexicon.alternation(p["compound_heads"])),
        describes_figure=frozenset(p["describes_figure"]),
        rate_nouns=frozenset(p["rate_nouns"]),
        title_verbs=regex.compile(lexicon.alternation(p["title_verbs"])),
        figure_modifier=regex.compile(patterns(p["figure_modifiers"])),
        self_counting=frozenset(p["self_counting_units"]),
        classifiers=frozenset(p["classifiers"]),
        pivot_verbs=frozenset(p["pivot_verbs"]),
        change_verbs=frozenset(p["change_verbs"]),
        function_word=Words(p["stops_after"]),
        period=regex.compile(periods),
        light_verbs=frozenset(p["light_verbs"]),
        share=regex.compile(p["share"]),
        bare_measures=frozenset(p["bare_measures"]),
        enumerator=regex.compile(f"^(?:{patterns(p['enumerators'])})"),
    )


class Verb(NamedTuple):
    """A verb found in a text: where it starts and ends, and the word."""

    start: int
    end: int
    word: str


def verbs(text: str) -> list[Verb]:
    """The verbs in text, left to right, skipping those inside nouns like 党组织: the verbs
    phrases().verb finds (a noun, else a verb, at each character), by table lookups, not a regex
    scan (which costs half a microsecond a character for its hundreds of words)."""
    ph = phrases()
    found = []
    pos = 0
    nouns, verb_words = ph.noun, ph.verb_word
    while pos < len(text):
        ch = text[pos]
        if ch in nouns.firsts and (end := nouns.end(text, pos)) >= 0:
            pos = end
        elif ch in verb_words.firsts and (end := verb_words.end(text, pos)) >= 0:
            found.append(Verb(pos, end, text[pos:end]))
            pos = end
        else:
            pos += 1
    return found
