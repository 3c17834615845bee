"""Metadata: dates in their usual forms, labelled fields, bylines."""
from __future__ import annotations

import pytest

from extractor.cleaning import clean
from extractor.metadata import extract_meta, parse_date

from .conftest import SEEDS


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("日期:2021/8/3 11:35:21", "2021-08-03"),
        ("2022年6月7日 09:26来源:某某网", "2022-06-07"),
        ("• 2022-06-07 09:43:00", "2022-06-07"),
        ("发表于:2012.5.3", "2012-05-03"),
        ("2022年13月7日", None),
        ("联系电话:0750-5565827", None),
    ],
)
def test_parse_date(text: str, date: str | None) -> None:
    assert parse_date(text) == date


EXPECTED = {
    "000_e78e95ea709d0ece.txt": ("斗山镇:锻造坚强有力的机关党支部", "2022-06-07", "台山先锋", "台山政府网", None, None),
    "001_2ce63c94e49459b6.txt": ("衡阳市雁峰区:“四轮驱动”强化全区机关党建工作", "2022-12-13", "红星网", None, None,
                                 "https://www.hxw.gov.cn/content/2022/11/19/14026918.html"),
    "003_fb9fb0d91fc22cd5.txt": ("党建领航风帆劲 路口奋进谱新篇", "2023-05-29", "红网时刻", None, "姚宇超", None),
    "004_e4975b498e3e3feb.txt": ("长丰县吴山镇:立足落实抓成效 激发活动大能量", "2021-08-03", "吴山镇", None, None, None),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_seed_metadata(name: str) -> None:
    m = extract_meta(clean((SEEDS / name).read_text(encoding="utf-8")))
    assert (m.title, m.published, m.source, m.publisher, m.author, m.url) == EXPECTED[name]


@pytest.mark.parametrize(
    ("page", "author"),
    [
        ("某某镇开展宣讲\n来源:某某日报 作者:记者 张明华\n本报讯 今年以来,某某镇开展宣讲140余场次,惠及群众2500多人,成效明显,群众满意度不断提升。", "张明华"),
        ("本报讯(通讯员 王小明 李华 记者 赵强)3月30日,某某镇开展宣讲140余场次,惠及群众2500多人,成效明显,群众满意。", "王小明 李华 赵强"),
        ("某某镇开展宣讲140余场次,惠及群众2500多人,成效明显,群众满意度不断提升,基层党建工作扎实推进。(孙丽)", "孙丽"),
        ("近日,记者在某某镇拆迁现场看到,全镇开展宣讲140余场次,惠及群众2500多人,成效明显,群众满意。", None),
    ],
)
def test_author(page: str, author: str | None) -> None:
    assert extract_meta(clean(page)).author == author


def test_supplied_metadata_wins() -> None:
    meta = extract_meta(clean("某某镇开展宣讲140余场次。"), {"title": "某某镇宣讲", "published": "2024/7/16", "url": "http://x.gov.cn/1"})
    assert (meta.title, meta.published, meta.url) == ("某某镇宣讲", "2024-07-16", "http://x.gov.cn/1")
