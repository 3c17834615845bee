"""Literal strings that every match of a pattern holds: a cheap test of where it cannot match.

Furniture patterns (lexicon/boilerplate.toml, a user's lexicon too) are searched on every long line of
prose, where they almost never match; most of them hold a literal word (版权所有, 责任编辑). A line
holding none of the words of a list of patterns is matched by none of them, and one search of the
standard re module, which finds literal words severalfold faster than regex tries a list of
patterns, says so. The reading here is conservative: a pattern it does not fully understand (inline
flags other than a leading (?i), (?s) or (?m), conditionals, fuzzy matching, sets inside sets,
escapes it does not know) makes the whole list "may match anywhere", never a wrong "cannot match".
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import product
from math import prod

from .lexicon import alternation_order

_ANYWHERE = re.compile("")  # matches every text: the test for a list that cannot be read
_QUANTIFIER = re.compile(r"[?*+]|\{(\d*)(?:,(\d*))?\}")
_LEADING_FLAGS = re.compile(r"\(\?([a-zA-Z]+)\)")
_SAFE_FLAGS = set("ims")  # none of them changes what a literal character matches but i (handled)
# ASCII characters that regex, ignoring case, matches one more character for (checked on every code point)
_OTHER_CASES = {"i": "\u0130", "I": "\u0131", "k": "\u212a", "K": "\u212a", "s": "\u017f", "S": "\u017f"}
_PIECE = 3  # characters of a word that ignores case that are spelt out in all their cases
_ESCAPE_ARGUMENT = {"p": r"\{[^}]*\}|.", "P": r"\{[^}]*\}|.", "N": r"\{[^}]*\}", "x": r"\{[^}]*\}|[0-9a-fA-F]{0,2}",
                    "u": r"[0-9a-fA-F]{0,4}", "U": r"[0-9a-fA-F]{0,8}", "o": r"\{[^}]*\}", "g": r"<[^>]*>",
                    "L": r"<[^>]*>"}
_PLAIN_ESCAPES = set("dDsSwWbBAZGmMXntrfva")  # classes, anchors and control characters of one letter
_GROUP_OPENINGS = (("?:", False), ("?>", False), ("?=", True), ("?!", True), ("?<=", True), ("?<!", True))
_NAMED_GROUP = re.compile(r"\?P?<\w+>")

# Words one of which a match holds: a frozenset of them, or None for nothing known.
Words = frozenset[str] | None


class _Unreadable(Exception):
    """The pattern uses syntax this reading does not know."""


@dataclass
class _Reader:
    pattern: str
    at: int = 0

    def alternation(self) -> Words:
        """Branches up to a closing bracket or the end: a match holds a word of the branch it took."""
        branches = [self.sequence()]
        while self.at < len(self.pattern) and self.pattern[self.at] == "|":
            self.at += 1
            branches.append(self.sequence())
        if any(b is None for b in branches):
            return None
        return frozenset().union(*branches)  # type: ignore[arg-type]

    def sequence(self) -> Words:
        """The best-known words of one branch: its longest run of required literal characters, or a
        required group's words if those are longer."""
        found: list[frozenset[str]] = []
        run = ""
        p = self.pattern
        while self.at < len(p) and p[self.at] not in "|)":
            char, words = self.atom()
            least, repeats = self.quantifier()
            if char is not None and least:
                run += char
            if char is None or not least or repeats:  # the run of literals ends here
                if run:
                    found.append(frozenset([run]))
                run = ""
            if words is not None and least:
                found.append(words)
        if run:
            found.append(frozenset([run]))
        return max(found, key=lambda w: (min(map(len, w)), -len(w)), default=None)

    def quantifier(self) -> tuple[int, bool]:
        """(the least number of times the atom just read stands, whether it may stand more often)."""
        p = self.pattern
        m = _QUANTIFIER.match(p, self.at)
        if not m:
            if p.startswith("{", self.at):
                raise _Unreadable("a brace that is no counted repeat")
            return 1, False
        self.at = m.end()
        if self.at < len(p) and p[self.at] in "?+":  # lazy or possessive
            self.at += 1
        q = m.group()
        if q in "?*+":
            return int(q == "+"), q != "?"
        return int(m[1] or 0), True

    def atom(self) -> tuple[str | None, Words]:
        """One item: (its literal character, None) or (None, the words of a group, if any)."""
        p = self.pattern
        c = p[self.at]
        self.at += 1
        if c == "\\":
            return self.escape(), None
        if c == "[":
            self.skip_class()
            return None, None
        if c == "(":
            return None, self.group()
        if c in ".^$":
            return None, None
        return c, None

    def escape(self) -> str | None:
        p = self.pattern
        if self.at >= len(p):
            raise _Unreadable("a trailing backslash")
        c = p[self.at]
        self.at += 1
        if c.isascii() and not c.isalnum():
            return c  # an escaped mark stands for itself
        if c in _ESCAPE_ARGUMENT:
            m = re.compile(_ESCAPE_ARGUMENT[c]).match(p, self.at)
            if not m:
                raise _Unreadable(f"\\{c} without its argument")
            self.at = m.end()
        elif c.isdigit():
            while self.at < len(p) and p[self.at].isdigit():
                self.at += 1
        elif c not in _PLAIN_ESCAPES:
            raise _Unreadable(f"\\{c}")
        return None  # a class, an anchor, a code or a backreference: no literal known

    def skip_class(self) -> None:
        p, i = self.pattern, self.at
        if i < len(p) and p[i] == "^":
            i += 1
        if i < len(p) and p[i] == "]":
            i += 1  # a ] first is a member
        while i < len(p) and p[i] != "]":
            if p[i] == "\\":
                i += 1
            elif p.startswith("[:", i):  # a POSIX class: [:alpha:]
                i = p.find(":]", i + 2) + 1
                if not i:
                    raise _Unreadable("an unclosed POSIX class")
            elif p[i] == "[":
                raise _Unreadable("a set inside a set")
            i += 1
        if i >= len(p):
            raise _Unreadable("an unclosed set")
        self.at = i + 1

    def group(self) -> Words:
        p = self.pattern
        zero_width = False
        named = _NAMED_GROUP.match(p, self.at)
        if named:
            self.at = named.end()
        elif p.startswith("?#", self.at):
            end = p.find(")", self.at)
            if end < 0:
                raise _Unreadable("an unclosed comment")
            self.at = end + 1
            return None
        elif p.startswith("?", self.at):
            for opening, lookaround in _GROUP_OPENINGS:
                if p.startswith(opening, self.at):
                    self.at += len(opening)
                    zero_width = lookaround
                    break
            else:
                raise _Unreadable("a group of a kind not read here")
        words = self.alternation()
        if self.at >= len(p) or p[self.at] != ")":
            raise _Unreadable("an unclosed group")
        self.at += 1
        return None if zero_width else words


def words(pattern: str) -> frozenset[str] | None:
    """Words one of which every match of the `regex` pattern holds, as written (a pattern that
    ignores case has each word's shortest-spelt piece in every case), or None when the pattern
    shows no such words or is not read here."""
    flags = _LEADING_FLAGS.match(pattern)
    ignore_case = False
    body = pattern
    if flags:
        if not set(flags[1]) <= _SAFE_FLAGS:
            return None
        ignore_case = "i" in flags[1]
        body = pattern[flags.end():]
    try:
        reader = _Reader(body)
        found = reader.alternation()
        if reader.at != len(body):
            raise _Unreadable("a closing bracket without its group")
    except (_Unreadable, IndexError):
        return None
    if found is None or not ignore_case:
        return found
    if not all(w.isascii() for w in found):
        return None  # the cases of ASCII characters only are known here
    return frozenset(v for w in found for v in _spellings(w))


def cases(char: str) -> frozenset[str]:
    """The characters regex matches for an ASCII character when ignoring case (K, k and the Kelvin sign)."""
    return frozenset({char.lower(), char.upper(), *_OTHER_CASES.get(char, "")})


def _spellings(word: str) -> list[str]:
    """Every spelling, in any case, of the piece of word (up to 3 characters) that has the fewest."""
    size = min(_PIECE, len(word))
    piece = min((word[i : i + size] for i in range(len(word) - size + 1)), key=lambda p: prod(len(cases(c)) for c in p))
    return ["".join(chars) for chars in product(*(sorted(cases(c)) for c in piece))]


def prefilter(patterns: list[str]) -> re.Pattern[str]:
    """A re pattern found in every text that one of the patterns matches (it finds the empty string,
    so every text, when some pattern holds no words known here)."""
    found: set[str] = set()
    for pattern in patterns:
        known = words(pattern)
        if known is None:
            return _ANYWHERE
        found |= known
    # Literal words only: re then looks for their first characters, not for every word everywhere.
    return re.compile("|".join(map(re.escape, alternation_order(found))))  # none: anywhere
