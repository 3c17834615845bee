"""Base units (exact conversion, rounded once) and headline figures the body repeats."""
from __future__ import annotations

import pytest

from extractor import lexicon
from extractor.measures import conversions, in_base_unit
from extractor.pipeline import extract
from extractor.quantities import rules


@pytest.mark.parametrize(("value", "unit", "expected"), [
    (18.4, "公里", (18400.0, "米")),
    (18.4, "千米", (18400.0, "米")),
    (5, "里", (2500.0, "米")),
    (1, "亩", (666.666667, "平方米")),
    (3000, "亩", (2000000.0, "平方米")),
    (2.5, "公顷", (25000.0, "平方米")),
    (1.2, "平方公里", (1200000.0, "平方米")),
    (1200, "斤", (600.0, "千克")),
    (3.7, "吨", (3700.0, "千克")),
    (250, "克", (0.25, "千克")),
    (20, "兆瓦", (20000000.0, "瓦")),
    (5, "千瓦", (5000.0, "瓦")),
    (80000, "元", (80000.0, "元")),  # 约8万元: the value already carries 万
    (25000, "人", (25000.0, "人")),
    (10, "名", (10.0, "人")),
    (2, "位", (2.0, "人")),
    # no conversion: the unit is its own base unit
    (1200, "人次", (1200.0, "人次")),
    (140, "场次", (140.0, "场次")),
    (8, "个", (8.0, "个")),
    (70, "%", (70.0, "%")),
    (-1.6, "%", (-1.6, "%")),
    (2400, "千瓦时", (2400.0, "千瓦时")),
    (100, "方", (100.0, "方")),
    # whole values: below 2^53 a float is its own digits; above, its repr is what is converted
    (3000.0, "公里", (3000000.0, "米")),
    (2.0**53, "公里", (9.007199254740992e18, "米")),
    (5.528759659311195e16, "兆瓦", (5.528759659311195e22, "瓦")),
])
def test_in_base_unit(value: float, unit: str, expected: tuple[float, str]) -> None:
    assert in_base_unit(value, unit) == expected


def test_conversions_stay_within_a_class() -> None:
    # A unit converts only to the base unit of its own class of units.toml (公里 and 米: length).
    unit_class = rules().unit_class
    for cls, table in lexicon.load("base_units").items():
        assert table["base"] not in unit_class or unit_class[table["base"]] == cls, cls
        for unit in table["factors"]:
            assert unit_class.get(unit) == cls, unit


def test_person_times_are_not_people() -> None:
    classes = rules().unit_class
    assert (classes["人次"], classes["户次"], classes["人"], classes["场次"]) == ("person_times", "person_times", "people", "events")
    assert conversions()["名"][0] == "人" and "人次" not in conversions()


HEADLINE = "全县83个集体经济薄弱村成功摘帽\n来源:县融媒体中心 2023-05-06\n\n"


@pytest.mark.parametrize(("text", "expected"), [
    # the headline figure is linked to the body's first statement of it, and only that
    (HEADLINE + "今年以来,全县83个集体经济薄弱村全部实现摘帽,新增村集体经济收入1200万元。其中83个村建成产业项目。",
     {"83个@headline": "83个@今年以来"}),
    # among several, the body figure that counts the same thing
    (HEADLINE + "全县建成83个光伏电站。83个集体经济薄弱村年收入均超过5万元。",
     {"83个@headline": "83个@83个集"}),
    # a headline figure the body does not repeat stays alone
    (HEADLINE + "今年以来,全县集体经济薄弱村全部实现摘帽,新增收入1200万元。", {}),
    # a body that repeats itself has no headline echo
    ("今年以来发展党员10名。三年来发展党员10名。", {}),
])
def test_headline_echoes(text: str, expected: dict[str, str]) -> None:
    record = extract(text)
    body_start = len(record.meta.title) + 1 if record.body.startswith(f"{record.meta.title}\n") else 0

    def name(i: int) -> str:
        m = record.metrics[i]
        where = "headline" if m.char_start < body_start else record.body[m.sentence_start : m.sentence_start + 4]
        return f"{m.span_text}@{where}"

    echoes = {name(i): name(m.echo_of) for i, m in enumerate(record.metrics) if m.echo_of is not None}
    assert echoes == expected


def test_every_metric_has_a_base_value() -> None:
    record = extract("修建通村道路18.4公里,流转土地3000亩,发放补贴约8万元。")
    assert [(m.base_value, m.base_unit) for m in record.metrics] == [(18400.0, "米"), (2000000.0, "平方米"), (80000.0, "元")]
