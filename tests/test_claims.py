"""Claims: what a figure counts (subject), the verb (predicate) and the time scope (period)."""
from __future__ import annotations

import pytest
import regex

from extractor.claim_words import Ending
from extractor.claims import extract_metrics

# (sentence, span text of the figure, subject, predicate, period)
CASES = [
    ("三年来发展党员10名,机关战斗堡垒更强大。", "10名", "党员", "发展", "三年来"),
    ("去年落实的民生实事惠及群众25000多人;", "25000多人", "群众", "惠及", "去年"),
    ("推选29名机关党员干部担任宣讲员。", "29名", "机关党员干部", "推选", None),
    ("深入开展党的二十大精神等宣讲140余场次,屋场恳谈240余场次。", "140余场次", "宣讲", "开展", None),
    ("深入开展党的二十大精神等宣讲140余场次,屋场恳谈240余场次。", "240余场次", "屋场恳谈", None, None),
    ("今年以来共下发党建月工作提示和动态工作提示50余次。", "50余次", "党建月工作提示和动态工作提示", "下发", "今年以来"),
    ("动员机关党员干部捐款约8万元用于支持疫情防控工作。", "约8万元", "捐款", "动员", None),
    ("近年来,共督促指导创建五星级党支部9个、四星级党支部25个。", "25个", "四星级党支部", None, "近年来"),
    ("党员覆盖面达70%以上。", "70%以上", "党员覆盖面", "达", None),
    ("全区9个村共选派驻村工作队13名。", "9个", "村", None, None),
    ("推动全区14个区直部门作为后盾单位进驻各村。", "14个", "区直部门", "推动", None),
    ("605名村(居)民代表联系服务6896户。", "605名", "村(居)民代表", None, None),
    ("组建30余支“三人行”攻坚走访队伍。", "30余支", "三人行攻坚走访队伍", "组建", None),
    ("提升了1个已建成的党建示范点。", "1个", "党建示范点", "提升", None),
    ("80%以上的乡村干部掌握了实用技术。", "80%以上", "乡村干部", None, None),
    ("年销售收入突破680万元。", "突破680万元", "年销售收入", None, None),
    ("每年为村集体增收720万元。", "720万元", "村集体增收", "增收", "每年"),
    ("投资1.8亿元建设光伏电站。", "1.8亿元", "投资", None, None),
    ("6个党支部入选名单(其中2个已通过验收)。", "2个", "党支部", None, None),
    # Each of these once went wrong.
    ("近年来开展政治学习200余次。", "200余次", "政治学习", "开展", "近年来"),
    ("全镇经营性收入10万元以上的村达到12个。", "12个", "村", "达到", None),
    ("建成2座公共厕所。", "2座", "公共厕所", "建成", None),
    ("评出优秀项目一等奖3个。", "3个", "优秀项目一等奖", "评出", None),
    ("全市从业人数达到了37.14万人。", "37.14万人", "从业人数", "达到了", None),
    ("先后接纳学习对象17000多人次。", "17000多人次", "学习对象", "接纳", None),
    ("全县班子成员中8人获得了研究生学历。", "8人", "班子成员", None, None),
    ("成立农民专业合作组织390家。", "390家", "农民专业合作组织", "成立", None),
    ("每年能为村集体增收20余万元。", "20余万元", "村集体增收", "增收", "每年"),
    ("清理河道20条,共计7.3公里。", "7.3公里", "河道", "共计", None),
    ("全村有460户1859人。", "460户", "户", "有", None),
    ("全村有460户1859人。", "1859人", "人", None, None),
    ("选育62名致富带头人担任村党组织书记。", "62名", "致富带头人", "选育", None),
    ("230亩蔬菜基地平均每天约有8吨蔬菜。", "230亩", "蔬菜基地", None, None),
    ("百余名党员分3批次前往示范点学习。", "3批次", "批次", "分", None),
    ("镇党委组建4个指导联络组。", "4个", "指导联络组", "组建", None),
    ("解决辖区100余名儿童的接送难题。", "100余名", "儿童", "辖", None),
    ("每名党员每年至少参加4次组织生活。", "4次", "组织生活", "参加", "每年"),
    ("人均年收入由2019年的8000元增加到2022年的1.5万元。", "8000元", "人均年收入", None, "2019年"),
    ("人均年收入由2019年的8000元增加到2022年的1.5万元。", "1.5万元", "人均年收入", "增加", "2022年"),
]


@pytest.mark.parametrize(("sentence", "span", "subject", "predicate", "period"), CASES, ids=[f"{c[1]}:{c[2]}" for c in CASES])
def test_claim(sentence: str, span: str, subject: str, predicate: str | None, period: str | None) -> None:
    metric = next(m for m in extract_metrics(sentence) if m.span_text == span)
    assert (metric.subject, metric.predicate, metric.period) == (subject, predicate, period)


def test_provenance() -> None:
    text = "斗山镇:锻造坚强有力的机关党支部\n三年来发展党员10名。去年惠及群众25000多人。"
    metrics = extract_metrics(text)
    assert [m.sentence for m in metrics] == ["三年来发展党员10名。", "去年惠及群众25000多人。"]
    for m in metrics:
        assert text[m.char_start : m.char_end] == m.span_text
        assert text[m.sentence_start : m.sentence_start + len(m.sentence)] == m.sentence


def test_sentence_without_figures_yields_nothing() -> None:
    assert extract_metrics("严肃规范“三会一课”,打通服务群众“最后一公里”。") == []


@pytest.mark.parametrize(
    "pattern, text",
    [
        (r"(?:增长|同比增长)$", "地区生产总值同比增长"),  # the leftmost start, as search finds it
        (r"(?:\d+年|今年)的?$", "由2019年的"),
        (r"(?:达到|达)(?P<level>到)?$", "覆盖率已经达到"),
        (r"(?:达到|达)$", "达到100人的目标"),  # not at the end: nothing
        (r"(?:上半年)$", ""),
    ],
)
def test_ending_finds_what_search_finds(pattern: str, text: str) -> None:
    plain = regex.compile(pattern).search(text)
    found = Ending(pattern).search(text)
    assert (found and (found.span(), found.groupdict())) == (plain and (plain.span(), plain.groupdict()))


def test_verbs_are_what_the_verb_pattern_finds() -> None:
    """claim_words.verbs looks words up in tables; it must find what the verb regex's scan finds,
    nouns with verbs inside (党组织) skipped, in every stretch of the seeds."""
    from extractor.claim_words import phrases, verbs

    from .conftest import SEEDS

    pattern = phrases().verb
    for seed in sorted(SEEDS.glob("*.txt")):
        text = seed.read_text(encoding="utf-8")
        for start in range(0, len(text), 5):
            part = text[start : start + 30]
            expected = [(m.start(), m.end(), m.group()) for m in pattern.finditer(part) if m["verb"]]
            assert [tuple(v) for v in verbs(part)] == expected, part
