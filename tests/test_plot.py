"""Charts: the figures a chart sums (checked against SQL), the PNG it writes, and its errors."""
from __future__ import annotations

import sqlite3
import struct
import sys
from pathlib import Path

import numpy as np
import pytest
from matplotlib import font_manager
from matplotlib.image import imread
from typer.testing import CliRunner

from extractor.cli import app
from extractor.db.engine import make_engine
from extractor.plot import CJK_FONTS, PlotError, Series, _periods, claims_over_time, cjk_font, draw, title

from .conftest import missing

runner = CliRunner()
BAR_RGB = np.array([0x2B, 0x6A, 0x94]) / 255  # the bars' colour in draw()


@pytest.fixture(scope="module")
def font() -> str:
    try:
        return cjk_font()
    except PlotError:
        missing("a CJK font (Debian's fonts-noto-cjk)")


def sql_sums(db: Path, subject: str, place: str | None, width: int) -> tuple[str, dict[str, float], int]:
    """What the chart should show, straight from SQL: the commonest unit and its sums per period."""
    where = "subject LIKE ? AND published IS NOT NULL"
    params: list[str] = [f"%{subject}%"]
    if place:
        where += " AND (locality_path = ? OR locality_path LIKE ?)"
        params += [place, place + "/%"]
    with sqlite3.connect(db) as conn:
        unit, = conn.execute(f"SELECT unit FROM metric_facts WHERE {where} GROUP BY unit ORDER BY COUNT(*) DESC LIMIT 1",
                             params).fetchone()
        sums = dict(conn.execute(f"SELECT substr(published, 1, {width}), SUM(value) FROM metric_facts "
                                 f"WHERE {where} AND unit = ? GROUP BY 1", [*params, unit]).fetchall())
        others, = conn.execute(f"SELECT COUNT(*) FROM metric_facts WHERE {where} AND unit <> ?", [*params, unit]).fetchone()
    return unit, sums, others


@pytest.mark.parametrize(("subject", "place", "by", "width"), [
    ("党员", None, "year", 4),
    ("党员", "湖南省", "year", 4),
    ("党员", "湖南省", "month", 7),
    ("群众", None, "month", 7),
])
def test_series_sums_one_unit_per_period(seeds_db: Path, subject: str, place: str | None, by: str, width: int) -> None:
    series = claims_over_time(make_engine(f"sqlite:///{seeds_db}"), subject, place, by)
    unit, sums, others = sql_sums(seeds_db, subject, place, width)
    assert series.unit == unit and series.other_units == others
    assert {p: t for p, t in zip(series.periods, series.totals) if t} == sums
    # A time axis without holes: consecutive periods from the first to the last.
    assert series.periods == _periods(min(sums), max(sums)) and series.periods == sorted(series.periods)


@pytest.mark.parametrize(("first", "last", "periods"), [
    ("2021", "2024", ["2021", "2022", "2023", "2024"]),
    ("2022-11", "2023-02", ["2022-11", "2022-12", "2023-01", "2023-02"]),
    ("2023-05", "2023-05", ["2023-05"]),
])
def test_periods_are_consecutive(first: str, last: str, periods: list[str]) -> None:
    assert _periods(first, last) == periods


@pytest.mark.parametrize(("subject", "place"), [("没有这种主语", None), ("党员", "西藏自治区"), ("党员", "湖南")])
def test_nothing_matches_is_an_error(seeds_db: Path, subject: str, place: str | None) -> None:
    # A place is a path prefix of whole names: 湖南 is not 湖南省.
    with pytest.raises(PlotError, match="no claims about"):
        claims_over_time(make_engine(f"sqlite:///{seeds_db}"), subject, place)


def test_title_says_what_was_left_out() -> None:
    series = Series("党员", "湖南省", "year", "名", ["2022"], [5.0], claims=2, other_units=1, undated=3)
    assert title(series) == "党员 in 湖南省, by year: sum of 2 claims in 名\nleft out: 1 in other units, 3 without a date"
    assert "left out" not in title(Series("党员", None, "year", "名", ["2022"], [5.0], 2, 0, 0))


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_chart_is_a_png_with_bars(seeds_db: Path, tmp_path: Path, font: str) -> None:
    series = claims_over_time(make_engine(f"sqlite:///{seeds_db}"), "党员")
    out = tmp_path / "chart.png"
    bars = draw(series, out, font)
    assert [b.get_height() for b in bars] == series.totals and len(bars) == len(series.periods) >= 2
    width, height = png_size(out)
    assert width >= 600 and height >= 400
    pixels = imread(out)[:, :, :3]
    assert pixels.std() > 0.05  # not blank
    bar_pixels = (np.abs(pixels - BAR_RGB).max(axis=2) < 0.02).mean()
    assert bar_pixels > 0.05  # the bars are there, in their colour


def test_plot_command_writes_the_chart(seeds_db: Path, tmp_path: Path, font: str) -> None:
    out = tmp_path / "党员.png"
    result = runner.invoke(app, ["plot", "--subject", "党员", "--place", "湖南省", "--by", "month", "-o", str(out),
                                 "--db", f"sqlite:///{seeds_db}"])
    assert result.exit_code == 0, result.output
    assert png_size(out)[0] > 0 and f"wrote {out}" in result.output


@pytest.mark.parametrize(("args", "code", "message"), [
    (["--subject", "没有这种主语"], 1, "error: no claims about 没有这种主语\n"),
    (["--subject", "党员", "--by", "week"], 2, "'week' is not one of 'year', 'month'"),
])
def test_plot_command_errors(seeds_db: Path, tmp_path: Path, font: str, args: list[str], code: int, message: str) -> None:
    result = runner.invoke(app, ["plot", *args, "-o", str(tmp_path / "c.png"), "--db", f"sqlite:///{seeds_db}"])
    assert result.exit_code == code and message in result.output
    assert not (tmp_path / "c.png").exists()


def test_no_cjk_font_names_the_package(seeds_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(font_manager.fontManager, "ttflist", [f for f in font_manager.fontManager.ttflist
                                                              if "CJK" not in f.name and f.name not in CJK_FONTS])
    monkeypatch.setattr(font_manager, "findSystemFonts", lambda: [])
    result = runner.invoke(app, ["plot", "--subject", "党员", "-o", str(tmp_path / "c.png"), "--db", f"sqlite:///{seeds_db}"])
    assert result.exit_code == 2
    assert result.output == ("error: no CJK font found: install Debian's fonts-noto-cjk "
                             "(apt-get install fonts-noto-cjk)\n")


def test_without_matplotlib_plot_says_what_to_install(seeds_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now fails as if not installed
    result = runner.invoke(app, ["plot", "--subject", "党员", "-o", str(tmp_path / "c.png"), "--db", f"sqlite:///{seeds_db}"])
    assert result.exit_code == 2
    assert result.output == "error: plot needs matplotlib: pip install 'extractor[plot]'\n"
