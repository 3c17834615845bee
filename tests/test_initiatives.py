"""Programmes: quoted names with evidence are programmes; idioms and figures of speech are not."""
from __future__ import annotations

import pytest
import regex

from extractor.claims import extract_metrics
from extractor.initiatives import extract_initiatives, link_initiatives

CASES = [
    ("实施“红雁领航”工程,开展“一支部一特色”基层党建品牌创建活动。", [("红雁领航", "工程"), ("一支部一特色", "党建品牌")]),
    ("开展“首峰夜话”活动,把微党课搬到居民小区。", [("首峰夜话", "活动")]),
    ("涌现出“四小四大”“同心党建”等特色党建品牌。", [("四小四大", None), ("同心党建", "党建品牌")]),
    ("严肃规范“三会一课”,落实“我为群众办实事”。", [("三会一课", None), ("我为群众办实事", None)]),
    ("以“党建+”工作模式推进,构建“5+2+7”覆盖体系。", [("党建+", "工作模式"), ("5+2+7", "体系")]),
    ("2023年是全镇“基层党支部建设提质年”。", [("基层党支部建设提质年", None)]),
    ("书记“头雁讲堂”让好经验生根发芽。", [("头雁讲堂", None)]),
    ("响应市委“万雁入乡”号召,选派干部到村任职。", [("万雁入乡", "号召")]),
    ("统筹落实三会一课、主题党日等制度。", [("三会一课", None), ("主题党日", None)]),
    # A distinctive kind word a few words after the name, past a modifier.
    ("形成以村党组织为核心的“一村多社”联动发展的长效机制。", [("一村多社", "长效机制")]),
    ("扎实推进“五好”示范党支部创建,打造“红色驿站”党建服务品牌。", [("五好", "创建"), ("红色驿站", "品牌")]),
    ("择优建立县级“乡村好书记”后备人才库。", [("乡村好书记", None)]),
    # Chains across a space and a conjunction; a trigger word at the end of the line above.
    ("开展“红色驿站” 和 “党员先锋”等活动。", [("红色驿站", None), ("党员先锋", "活动")]),
    ("开展“红色驿站”以及“党员先锋”等活动。", [("红色驿站", None), ("党员先锋", "活动")]),
    ("开展\n“清风行动”", [("清风行动", None)]),
    # A known name both quoted and unquoted: each mention once, in order.
    ("推行“三会一课”制度,落实三会一课。", [("三会一课", "制度"), ("三会一课", None)]),
    # Not programmes.
    ("把“小切口”做成大文章,是我们长期坚持的工作思路。", []),
    ("群众称他为“老黄牛”,几十年如一日扎根基层做好各项工作。", []),
    ("解决群众“急难愁盼”问题,打通服务群众“最后一公里”。", []),
    ("锻造“熔炉”,淬炼“铁军”,打造机关党建“加速轮”。", []),
    ("发挥机关党建绩效考核“指挥棒”作用,牵住“牛鼻子”。", []),
    ("“十一五”期间,全县共培训干部1750人次。", []),
    ("参照村居“两委”运行模式,存在“三低一小”特点。", []),
    ("“比往年还多了一两千元”,他说。", []),
    ("举办“七一”表彰大会,开展“春节”慰问活动。", []),
    ("制定《关于开展“党旗飘扬”主题活动的实施方案》。", []),
]


@pytest.mark.parametrize(("sentence", "expected"), CASES, ids=[c[0][:10] for c in CASES])
def test_initiatives(sentence: str, expected: list[tuple[str, str | None]]) -> None:
    assert [(i.name, i.kind) for i in extract_initiatives(sentence)] == expected


def test_a_repeated_quoted_name_is_a_programme() -> None:
    text = "“新连心”大走访摸清底数。首次走访时派发“新连心”服务卡。"
    assert [i.name for i in extract_initiatives(text)] == ["新连心", "新连心"]


def test_metric_links_to_the_programme_of_its_sentence() -> None:
    text = "开展“首峰夜话”活动40余场次。今年以来发展党员10名。"
    metrics = extract_metrics(text)
    linked = link_initiatives(metrics, extract_initiatives(text))
    assert [(m.span_text, name) for m, name in zip(metrics, linked)] == [("40余场次", "首峰夜话"), ("10名", None)]


@pytest.mark.parametrize(("text", "words"), [
    ("落实三会一课、两学一做和三会一课制度", ("三会一课", "两学一做")),
    ("三会一课一课", ("三会一课", "一课")),  # the first word at a position, then past its end
    ("会一课三会一课", ("三会一课", "会一课", "一课")),
    ("aaaa", ("aa", "a")),  # no overlaps: two matches, not three
    ("ab", ("a", "ab")),  # the order of the words decides, as in an alternation
    ("党建引领", ("三会一课",)),
])
def test_spans_are_what_a_search_for_the_alternation_finds(text: str, words: tuple[str, ...]) -> None:
    from extractor.initiatives import _spans

    alternation = regex.compile("|".join(map(regex.escape, words)))
    assert _spans(text, words) == [m.span() for m in alternation.finditer(text)]


def test_known_names_stand_in_the_order_of_their_alternation() -> None:
    from extractor import lexicon
    from extractor.initiatives import words

    assert "|".join(map(regex.escape, words().known)) == lexicon.alternation(lexicon.load("initiatives")["known"])
    assert len(words().known) > 1  # an order to check


@pytest.mark.parametrize(("text", "names"), [
    ("开展“红色驿站”和‘党员先锋’及「清风行动」", ["红色驿站", "党员先锋", "清风行动"]),
    ("开展‘党员先锋’活动", ["党员先锋"]),
    ("「清風行動」“红色驿站”", ["清風行動", "红色驿站"]),
    ("“红色‘驿站’”", ["红色‘驿站’"]),  # a single quote inside a double one is part of its name
    ("“红\n色”“ 党员先锋 ”", ["党员先锋"]),  # no line break inside; white space around the name goes
    ("学习《关于“红色驿站”的通知》和“党员先锋”", ["党员先锋"]),  # inside a document title: no name
    ("没有引号的句子", []),
])
def test_quotes_of_every_kind_of_mark_a_page_holds(text: str, names: list[str]) -> None:
    from extractor.initiatives import _quotes

    assert [name for name, _, _ in _quotes(text)] == names
