"""Claims over time as a bar chart: the figures of a subject summed per year or month.

Only figures of one unit are added up (党员 in 名 and 党员 in % do not sum): when the matching
claims mix units, the most common unit is charted and the title says how many were left out.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text

if TYPE_CHECKING:
    from matplotlib.container import BarContainer

PERIODS = {"year": 4, "month": 7}  # characters of an ISO date that name the period
# Debian's fonts-noto-cjk; any other font whose name says CJK will do as well.
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans CJK TC", "Noto Sans SC", "Source Han Sans SC")


class PlotError(Exception):
    """A chart cannot be made; the message is one line for people."""


class NoClaims(PlotError):
    """No claim matches what was asked for."""


@dataclass(frozen=True)
class Series:
    """What a chart shows: one summed figure per period, gaps filled with zero."""

    subject: str
    place: str | None
    by: str
    unit: str
    periods: list[str]
    totals: list[float]
    claims: int  # claims summed into the bars
    other_units: int  # matching claims left out because their unit differs
    undated: int  # matching claims whose article has no date


def _next_period(period: str) -> str:
    if len(period) == 4:
        return str(int(period) + 1)
    year, month = int(period[:4]), int(period[5:7])
    return f"{year + month // 12:04d}-{month % 12 + 1:02d}"


def _periods(first: str, last: str) -> list[str]:
    out = [first]
    while out[-1] < last:
        out.append(_next_period(out[-1]))
    return out


def claims_over_time(engine: Engine, subject: str, place: str | None = None, by: str = "year") -> Series:
    """The claims whose subject contains `subject`, about `place` (a path prefix such as 湖南省 or
    湖南省/长沙市) or anywhere, summed per period of their article's date."""
    if by not in PERIODS:
        raise PlotError(f"--by takes {' or '.join(PERIODS)}, not {by!r}")
    sql = "SELECT published, value, unit FROM metric_facts WHERE subject LIKE :subject"
    params = {"subject": f"%{subject}%"}
    if place:
        sql += " AND (locality_path = :place OR locality_path LIKE :below)"
        params |= {"place": place.rstrip("/"), "below": place.rstrip("/") + "/%"}
    with engine.connect() as conn:
        rows = conn.execute(text(sql), params).all()
    where = f" in {place}" if place else ""
    if not rows:
        raise NoClaims(f"no claims about {subject}{where}")
    dated = [(str(published)[:PERIODS[by]], value, unit) for published, value, unit in rows if published]
    if not dated:
        raise NoClaims(f"no claims about {subject}{where} have a date")
    unit = Counter(u for _, _, u in dated).most_common(1)[0][0]
    sums: Counter[str] = Counter()
    for period, value, u in dated:
        if u == unit:
            sums[period] += value
    periods = _periods(min(sums), max(sums))
    return Series(subject, place, by, unit, periods, [sums[p] for p in periods],
                  claims=sum(1 for _, _, u in dated if u == unit), other_units=sum(1 for _, _, u in dated if u != unit),
                  undated=len(rows) - len(dated))


def cjk_font() -> str:
    """The family name of an installed font with Chinese glyphs; PlotError when there is none."""
    from matplotlib import font_manager

    def families() -> set[str]:
        return {f.name for f in font_manager.fontManager.ttflist}

    names = families()
    if not any("CJK" in n for n in names):
        # Installed after matplotlib cached its font list: add the files themselves.
        for path in font_manager.findSystemFonts():
            if "CJK" in Path(path).name:
                font_manager.fontManager.addfont(path)
        names = families()
    for name in (*CJK_FONTS, *sorted(n for n in names if "CJK" in n)):
        if name in names:
            return name
    raise PlotError("no CJK font found: install Debian's fonts-noto-cjk (apt-get install fonts-noto-cjk)")


def title(series: Series) -> str:
    where = f" in {series.place}" if series.place else ""
    lines = [f"{series.subject}{where}, by {series.by}: sum of {series.claims} claims in {series.unit}"]
    left_out = [f"{series.other_units} in other units" if series.other_units else "",
                f"{series.undated} without a date" if series.undated else ""]
    if any(left_out):
        lines.append("left out: " + ", ".join(p for p in left_out if p))
    return "\n".join(lines)


def draw(series: Series, output: Path | str, font: str) -> BarContainer:
    """Write the chart as PNG to output, its Chinese text in font (cjk_font()); returns the bars."""
    # A Figure of its own rather than pyplot: no GUI backend, no global state between charts.
    from matplotlib.figure import Figure

    fig = Figure(figsize=(max(6.0, 0.5 * len(series.periods) + 2), 4.5), dpi=100, layout="constrained")
    ax = fig.subplots()
    bars = ax.bar(series.periods, series.totals, color="#2b6a94")
    ax.bar_label(bars, labels=[f"{t:,.0f}" if t else "" for t in series.totals], fontsize=8)
    ax.set_title(title(series), fontfamily=font, fontsize=11)
    ax.set_ylabel(f"sum of figures ({series.unit})", fontfamily=font)
    ax.set_xlabel(series.by)
    ax.tick_params(axis="x", labelrotation=90 if series.by == "month" else 0)
    ax.spines[["top", "right"]].set_visible(False)
    fig.savefig(output, format="png")
    return bars
