"""Making figures safe to add up: base units, flags, and headline figures the body repeats.

`annotate` is the pipeline's last step over an article's metrics. It gives every metric
- its value in its class's base unit (lexicon/base_units.toml): 3公里 → 3000 米, 2亩 → 1333.333333 平方米;
- the flags of flags.py (rate, target, threshold);
- `echo_of`: for a headline figure the body states again, the index of that body metric, so a
  sum counts it once (the view metric_facts leaves echoes out; every mention is still stored).
"""
from __future__ import annotations

from fractions import Fraction

from . import lexicon
from .flags import flags
from .memo import memo
from .records import Metric, complete_metric

_DECIMALS = 6  # base values are rounded once, after exact arithmetic
_ONE = Fraction(1)
# Below 2^53 every whole float is its own shortest repr; above, repr rounds (5.528759659311195e+16).
_EXACT_INTEGERS = 2**53


@lexicon.cached
def conversions() -> dict[str, tuple[str, Fraction]]:
    """unit → (base unit, how many base units one unit is), from lexicon/base_units.toml."""
    out: dict[str, tuple[str, Fraction]] = {}
    for table in lexicon.load("base_units").values():
        for unit, factor in table["factors"].items():
            out[unit] = (table["base"], Fraction(factor))
    return out


@lexicon.depends
@memo  # the exact arithmetic is slow, and figures repeat
def in_base_unit(value: float, unit: str) -> tuple[float, str]:
    """The value in its class's base unit; a unit no table converts is its own base unit."""
    base, factor = conversions().get(unit, (unit, _ONE))
    if factor.denominator == 1 and value % 1 == 0 and abs(value) < _EXACT_INTEGERS:
        # A whole number of a whole factor: its repr is its own digits, the product of two ints is
        # exact, and float() of it is what rounding the Fraction gives (that arithmetic is slow).
        return float(int(value) * factor.numerator), base
    # repr gives the shortest decimal that is the float (18.4, not 18.39999…): exact from there.
    return float(round(Fraction(repr(value)) * factor, _DECIMALS)), base


def _shared(a: str | None, b: str | None) -> int:
    """How many characters two subjects have in common (a weak but safe likeness)."""
    return len(set(a or "") & set(b or ""))


def headline_echoes(metrics: list[Metric], body_start: int) -> dict[int, int]:
    """Headline metric index → index of the body metric with the same value and unit.

    The headline leads the stored body (pipeline.extract), so its metrics start before
    body_start. Among several body candidates the one whose subject is most like the
    headline's wins, then the first; each body metric answers one headline figure at most.
    """
    taken: set[int] = set()
    echoes: dict[int, int] = {}
    body = [(j, m) for j, m in enumerate(metrics) if m.char_start >= body_start]
    for i, head in enumerate(metrics):
        if head.char_start >= body_start:
            continue
        same = [(j, m) for j, m in body if j not in taken and (m.value, m.unit) == (head.value, head.unit)]
        if same:
            j = max(same, key=lambda c: (_shared(c[1].subject, head.subject), -c[0]))[0]
            echoes[i] = j
            taken.add(j)
    return echoes


def annotate(metrics: list[Metric], body_start: int, localities: list[str | None] | None = None,
             initiatives: list[str | None] | None = None) -> list[Metric]:
    """The metrics with base_value, base_unit, the flags and echo_of filled in, and the locality and
    programme of each when given (places.locate, initiatives.link_initiatives; else each keeps its own)."""
    echoes = headline_echoes(metrics, body_start)
    if localities is None:
        localities = [m.locality for m in metrics]
    if initiatives is None:
        initiatives = [m.initiative for m in metrics]
    out: list[Metric] = []
    for i, (m, locality, initiative) in enumerate(zip(metrics, localities, initiatives, strict=True)):
        base_value, base_unit = in_base_unit(m.value, m.unit)
        start = m.char_start - m.sentence_start
        f = flags(m.sentence, start, m.char_end - m.sentence_start, m.unit_class)
        out.append(complete_metric(m, locality, initiative, base_value, base_unit, f.is_rate, f.is_target,
                                   f.is_threshold, echoes.get(i)))
    return out
