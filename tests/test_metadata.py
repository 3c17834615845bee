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


BODY = "今年以来,全镇开展宣讲140余场次,惠及群众2500多人,成效明显,群众满意度不断提升,基层党建工作扎实推进。"


@pytest.mark.parametrize(
    ("page", "author"),
    [
        ("某某镇开展宣讲\n来源:某某日报 作者:记者 张明华\n本报讯 " + BODY, "张明华"),
        ("本报讯(通讯员 王小明 李华 记者 赵强)3月30日," + BODY, "王小明 李华 赵强"),
        (BODY + "(孙丽)", "孙丽"),
        (BODY + "( 杨永玲 )", "杨永玲"),
        (BODY + "(张三 摄)", "张三"),
        ("近日,记者在某某镇拆迁现场看到," + BODY, None),
        # the page's own list separator is kept
        ("某某旗推进草原保护\n2023-05-03 来源:某某日报\n记者 张三、李四\n" + BODY, "张三、李四"),
        ("新华社呼和浩特5月3日电 题:牧区用上绿电\n记者 张三 李四\n" + BODY, "张三 李四"),
        ("□通讯员 马超\n" + BODY, "马超"),
        ("本报记者 欧阳明 见习记者 司马小红\n" + BODY, "欧阳明 司马小红"),
        ("文/王五 图/赵六\n" + BODY, "王五 赵六"),
        ("某某网讯(记者董昌)" + BODY, "董昌"),
        ("记者 张三 北京报道\n" + BODY, "张三"),
        ("张三 长沙报道\n" + BODY, "张三"),
        ("某某镇开展敬老活动\n2023-05-03 来源:某某日报 记者 张三 通讯员 李四 王小五\n" + BODY, "张三 李四 王小五"),
        ("作者:某某县融媒体中心\n" + BODY, "某某县融媒体中心"),
        # words of the body or of the dateline are no names; nor are editors
        ("本报讯 近日获悉," + BODY, None),
        ("记者获悉," + BODY, None),
        ("记者了解到," + BODY, None),
        ("本报讯 消息," + BODY, None),
        ("记者近日从某某县获悉," + BODY, None),
        ("作者:佚名\n" + BODY, None),
        (BODY + "(完)", None),
        (BODY + "\n责任编辑:王五", None),
        ("通过拍摄 宣传片," + BODY, None),
    ],
)
def test_author(page: str, author: str | None) -> None:
    assert extract_meta(clean(page)).author == author


@pytest.mark.parametrize(
    ("header", "source"),
    [
        ("来源:某某县人民政府网_首页 字号 大 中 小 打印本页", "某某县人民政府网"),
        ("来源:某某日报 记者 张三", "某某日报"),
        ("来源:某某旗融媒体中心 2023-05-03 09:30", "某某旗融媒体中心"),
        ("文章来源:某某县人民政府 字体:大 中 小", "某某县人民政府"),
        ("信息来源:某某市人民政府网-首页", "某某市人民政府网"),
        ("来源:某某先锋 发布时间:2023-05-03", "某某先锋"),
        ("来源: 中国某某网-某某频道  浏览次数:92", "中国某某网-某某频道"),
        ("2023-05-03", None),
    ],
)
def test_source_is_the_outlet_alone(header: str, source: str | None) -> None:
    assert extract_meta(clean(f"某某县开展秋季造林\n{header}\n{BODY}")).source == source


@pytest.mark.parametrize(
    ("page", "title"),
    [
        # an index-number table above or below the headline is metadata
        ("索引号:11152500MB0Q12345X/2023-00045 | 主题分类:综合政务\n某某旗召开经济工作会议\n发布日期:2023-05-03\n" + BODY,
         "某某旗召开经济工作会议"),
        ("索引号:11152500MB0Q12345X/2023-00045|发布日期:2023-05-03\n某某旗召开经济工作会议\n" + BODY, "某某旗召开经济工作会议"),
        # a wire dateline glued in front of the headline
        ("新华社呼和浩特5月3日电 题:牧区用上“绿电”\n记者 张三 李四\n" + BODY, "牧区用上“绿电”"),
        ("某某社某地5月3日电(记者 张三)题:草原上的光伏电站\n" + BODY, "草原上的光伏电站"),
        # a headline before the navigation menu
        ("某某旗推进草原生态保护\n首页 政务公开 新闻中心 政策法规 互动交流\n2023-05-03 来源:某某旗融媒体中心\n" + BODY,
         "某某旗推进草原生态保护"),
        ("某某盟召开防沙治沙推进会\n首页 政务公开 新闻中心 政策法规 互动交流 办事服务 专题专栏 数据开放 走进某某 网上信访\n"
         "2023-05-03 来源:某某日报\n" + BODY, "某某盟召开防沙治沙推进会"),
        ("某某县开展秋季造林\n某某县人民政府门户网站\n2023-05-03 来源:某某县人民政府\n" + BODY, "某某县开展秋季造林"),
        # a numbered section heading of the body is no headline
        ("2023-05-03 来源:某某日报\n一、主要做法\n" + BODY, None),
        ("(三)工作成效显著\n" + BODY, None),
        ("某某地区推进人居环境整治\n2023-05-03 来源:某某日报\n二、主要做法\n" + BODY, "某某地区推进人居环境整治"),
        # words that only look like a dateline stay
        ("喜讯!某某县获评全国文明城市\n2023-05-03 来源:某某日报\n" + BODY, "喜讯!某某县获评全国文明城市"),
        ("某某县召开会议 - 某某县人民政府网\n2023-05-03\n" + BODY, "某某县召开会议"),
    ],
)
def test_title(page: str, title: str | None) -> None:
    assert extract_meta(clean(page)).title == title


def test_supplied_metadata_wins() -> None:
    meta = extract_meta(clean("某某镇开展宣讲140余场次。"), {"title": "某某镇宣讲", "published": "2024/7/16", "url": "http://x.gov.cn/1"})
    assert (meta.title, meta.published, meta.url) == ("某某镇宣讲", "2024-07-16", "http://x.gov.cn/1")


@pytest.mark.parametrize(("text", "names"), [
    ("本报讯(通讯员 王小明 记者 赵强)", "王小明 赵强"),
    ("文/张三 图/李四", "张三 李四"),
    ("某某镇:党建引领乡村振兴", None),  # no role word: not read for names
    ("拍摄现场群众踊跃参与", None),  # a role word inside a word of the text
])
def test_role_names(text: str, names: str | None) -> None:
    from extractor.metadata import _role_names

    assert _role_names(text) == names
