"""The Han script as a character class for the standard re module, which has no script classes.

re scans a page severalfold faster than regex where a pattern needs nothing else of regex (and a
pattern that starts with a literal is searched for that literal). The class is read off regex's own
\\p{Han} over every code point, so both modules agree on every character.
"""
from __future__ import annotations

import re
from functools import cache

import numpy as np
import regex

_CODE_POINTS = 0x110000
_SURROGATES = (0xD800, 0xE000)  # no str holds them alone: read as a space, which is no Han character


@cache
def han_class() -> str:
    """The characters of \\p{Han} as the inside of a [...] class of re (ranges, about 20 of them)."""
    points = np.arange(_CODE_POINTS, dtype="<u4")
    points[slice(*_SURROGATES)] = ord(" ")
    every = points.tobytes().decode("utf-32-le")  # every code point once, in order (10 ms)
    runs = (m.group() for m in regex.finditer(r"\p{Han}+", every))
    return "".join(re.escape(r[0]) + (f"-{re.escape(r[-1])}" if len(r) > 1 else "") for r in runs)
