"""Numerals to values: Arabic (1.2万, 25,000) and Chinese (五百, 千, 一两千) with multipliers.

cn2an converts a bare Chinese numeral; the qualifier words around it (余, 多, 约) are the
caller's business and never reach cn2an, which rejects them or corrupts the value.
"""
from __future__ import annotations

from decimal import Decimal
from math import prod
from typing import NamedTuple

import cn2an

from .memo import memo

MULTIPLIERS = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}
CHINESE_DIGITS = "零〇一二两三四五六七八九"
CHINESE_NUMERAL_CHARS = CHINESE_DIGITS + "十百千万亿"
_DIGIT_VALUE = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
# 百/千/万 with no digit before them are round figures: 千名党员 is "about a thousand".
_ROUND = set("百千万亿")


class Numeral(NamedTuple):  # a tuple: built for most figures, in a third of a frozen dataclass's time
    value: float
    round_figure: bool  # 千名, 百人, 万亩: stated as an order of magnitude
    range_low: bool  # 一两千, 两三个: the low end of an approximate range


def multiplier(chars: str) -> int:
    """The product of multiplier characters (万 → 10000, 千万 → 10^7); 1 for none."""
    return prod(MULTIPLIERS[c] for c in chars) if chars else 1


@memo  # Decimal arithmetic costs microseconds a figure; digit strings recur
def scaled(digits: str | float, mult: str = "") -> float:
    """The value of written digits times multiplier characters, in decimal arithmetic.

    Binary floating point would make 64.07 × 10^8 6406999999.999999; the decimal product is
    exact and converts to the float nearest the stated figure.
    """
    if isinstance(digits, str) and (whole := digits.replace(",", "")).isdecimal():
        # Whole digits (most figures): the integer product is exact, and float() of it is the float
        # the decimal product converts to (rounding a whole float to 6 places keeps it).
        return float(int(whole) * multiplier(mult))
    number = Decimal(digits.replace(",", "") if isinstance(digits, str) else repr(digits))
    return round(float(number * multiplier(mult)), 6)


@memo
def parse_arabic(digits: str, mult: str = "") -> Numeral:
    """25,000 → 25000; 1.2 with 万 → 12000; a leading minus is kept (-1.6)."""
    return Numeral(scaled(digits, mult), False, False)


@memo  # cn2an takes tens of µs a call; the same numerals recur
def parse_chinese(numeral: str) -> Numeral | None:
    """五百 → 500, 千 → 1000 (round), 一两千 → 1000 (range low), 十五 → 15; None if not a numeral."""
    if not numeral:
        return None
    if all(c in _ROUND for c in numeral):
        return Numeral(float(multiplier(numeral)), True, False)
    if (
        len(numeral) >= 2
        and numeral[0] in _DIGIT_VALUE
        and numeral[1] in _DIGIT_VALUE
        and _DIGIT_VALUE[numeral[1]] > _DIGIT_VALUE[numeral[0]] > 0
        and all(c in MULTIPLIERS for c in numeral[2:])
    ):
        # Two adjacent digits state a range: 一两千 is 1000-2000, 三五个 is 3-5.
        return Numeral(float(_DIGIT_VALUE[numeral[0]] * multiplier(numeral[2:])), False, True)
    try:
        value = cn2an.cn2an(numeral.replace("两", "二"), "strict")  # strict mode rejects 两
    except (ValueError, KeyError, IndexError):
        return None
    return Numeral(scaled(value), False, False)


@memo
def parse_percent_words(numeral: str) -> Numeral | None:
    """The N of 百分之N, Arabic or Chinese (百分之三点五 → 3.5)."""
    if numeral.replace(".", "", 1).isdigit():
        return parse_arabic(numeral)
    try:
        return Numeral(scaled(cn2an.cn2an(numeral, "strict")), False, False)
    except (ValueError, KeyError, IndexError):
        return None
