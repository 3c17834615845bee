"""Cleaning: width, pinyin, script, and the page layout around an article."""
from __future__ import annotations

import unicodedata

import pytest

from extractor.cleaning import clean, layout, normalise, strip_furniture, strip_pinyin, to_simplified

from .conftest import SEEDS


def test_full_width_digits_and_punctuation_fold() -> None:
    assert normalise("发展党员１０名，占７０％。") == "发展党员10名,占70%。"


@pytest.mark.parametrize("line", [
    "全镇共有党员1200余名…其中女党员300名",  # … is folded, the ideographs around it stay
    "党\u0301员 ＡＢＣ１２３ 建\u0323\u0307设",  # combining marks after ideographs, in non-canonical order
    "\u1100\u1161党\u11a8 \u3131",  # Hangul jamo that compose, split by an ideograph
    "\uf900\uf901㍿‥党建",  # compatibility ideographs and squared forms
    "e\u0301\u0327党e\u0327\u0301",
])
def test_normalise_is_nfkc(line: str) -> None:
    # Normalised in parts between runs of ideographs: the same as the whole line's NFKC.
    assert normalise(line) == unicodedata.normalize("NFKC", line)


def test_pinyin_annotations_are_removed() -> None:
    assert strip_pinyin("黨(dǎng)建領(lǐng)航") == ("黨建領航", True)
    assert strip_pinyin("《条例(试行)》和(APP)") == ("《条例(试行)》和(APP)", False)


@pytest.mark.parametrize(("text", "stripped"), [
    ("新闻?(wén)中心", "新闻?中心"),  # after a character the encoder lost
    ("(dǎng)建工作", "(dǎng)建工作"),  # at the start: no character before it
    ("APP(dǎng)建", "APP(dǎng)建"),  # after a Latin letter
    ("𠀀(dǎng)建", "𠀀建"),  # after an ideograph outside the basic block
    ("党(dang)建", "党(dang)建"),  # no tone mark
    ("党(zhuàngzhuàng)建", "党(zhuàngzhuàng)建"),  # longer than a syllable
])
def test_pinyin_only_right_after_a_character(text: str, stripped: str) -> None:
    assert strip_pinyin(text)[0] == stripped


def test_traditional_is_converted_and_simplified_left_alone() -> None:
    text, script, converted = to_simplified("黨建領航風帆勁,路口鎮開展基層黨組織書記培訓。")
    assert (script, converted) == ("traditional", True)
    assert text == "党建领航风帆劲,路口镇开展基层党组织书记培训。"
    # OpenCC would turn 乾县 into 干县: simplified text must not be converted at all.
    assert to_simplified("乾县开展宣讲140余场次。") == ("乾县开展宣讲140余场次。", "simplified", False)


PAGE = """欢迎访问 某某党建网!
当前位置:网站首页> 基层动态
某某镇:党建引领乡村振兴
时间:2024-07-16 文章来源:某某先锋 作者:佚名
  今年以来,某某镇开展宣讲140余场次,惠及群众2500多人,全镇党员干部积极参与,成效明显,群众满意。
  微信截图_20240716094114.png
  图片
  镇党委书记讲党课
扫一扫在手机打开当前页
版权声明:凡本网注明的所有文字,版权均属本网所有。
联系电话:0750-5565827"""


def test_layout_separates_title_meta_body_and_drops_furniture() -> None:
    title, meta, body = layout(normalise(PAGE))
    assert title == "某某镇:党建引领乡村振兴"
    assert meta == ["时间:2024-07-16 文章来源:某某先锋 作者:佚名"]
    assert body == ["今年以来,某某镇开展宣讲140余场次,惠及群众2500多人,全镇党员干部积极参与,成效明显,群众满意。", "镇党委书记讲党课"]


def test_footer_marker_inside_the_last_line_keeps_what_precedes_it() -> None:
    page = "本报讯 某某镇开展宣讲140余场次,惠及群众2500多人,全镇党员干部积极参与,成效明显。(张三 李四) 责任编辑:王五\n上一篇"
    assert layout(page)[2] == ["本报讯 某某镇开展宣讲140余场次,惠及群众2500多人,全镇党员干部积极参与,成效明显。(张三 李四)"]


def test_seed_with_pinyin_and_traditional_script() -> None:
    cleaned = clean((SEEDS / "003_fb9fb0d91fc22cd5.txt").read_text(encoding="utf-8"))
    assert cleaned.script == "traditional" and cleaned.converted and cleaned.pinyin_stripped
    assert cleaned.title == "党建领航风帆劲 路口奋进谱新篇"
    assert "605名村(居)民代表联系服务6896户" in cleaned.body
    assert "(dāng)" not in cleaned.body and "津南区|" not in cleaned.body  # footer link list dropped
    assert cleaned.garbled  # the page has characters its encoder could not represent (新闻?浾?)


def test_clean_seed_is_not_flagged() -> None:
    cleaned = clean((SEEDS / "000_e78e95ea709d0ece.txt").read_text(encoding="utf-8"))
    assert not (cleaned.converted or cleaned.pinyin_stripped or cleaned.garbled)
    assert "版权" not in cleaned.body and ".png" not in cleaned.body


@pytest.mark.parametrize("line", [
    "阅读量:1234",
    "浏览次数:56次",
    "[ 阅 400 次 ]",
    "点赞(12) 评论(3)",
    "【字号 大 中 小】",
    "字号:大 中 小",
    "【打印本页】【关闭窗口】",
    "关闭窗口",
    "分享到: 微信 微博 QQ空间",
    "我要评论 | 分享 | 收藏 | 返回顶部",
    "网友评论 3条",
    "发表评论",
    "评论区",
    "共有3条评论 已有128人参与",
    "相关阅读",
    "相关新闻:我县新增就业岗位1200个",
    "上一篇:全县新建村级党群服务中心18个",
    "版权所有:某某县人民政府 ICP备12345678号",
    "Copyright © 2024 某某县融媒体中心",
    "主办单位:某某县人民政府办公室",
    "[免责声明] 本文来源于网络转载,仅供学习交流使用,如有侵权请在30日内与本网联系。",
    "本站转载的文章不代表本站观点,如有侵权请在15日内与本站联系删除。",
    "联系电话:0750-1234567",
    "责任编辑:王五",
])
def test_furniture_line_is_dropped(line: str) -> None:
    assert strip_furniture([line]) == []


@pytest.mark.parametrize("line", [
    "网友评论称,这项政策让800多户群众受益。",
    "全县大中小学校新增学位1200个。",
    "通过微信、微博等平台发布信息500余条。",
    "浏览量突破10万次,点击率居全省第一。",
    "全县阅读推广活动覆盖群众2万人次。",
    "本网讯 今年以来,某某镇开展宣讲140余场次。",
    "推荐阅读书目12种,送书下乡3000册。",
    "全县版权所有人登记作品1200件。",
    "本次活动主办单位:县总工会,参加群众500余人。",
    "相关部门累计走访企业300余家。",
])
def test_prose_that_resembles_furniture_is_kept(line: str) -> None:
    assert strip_furniture([line]) == [line]


PARAGRAPH_1 = "今年以来,某某镇开展宣讲140余场次,惠及群众2500多人,全镇党员干部积极参与,成效明显,群众满意。"
PARAGRAPH_2 = "下一步,某某镇将新建党群服务站12个,培训村干部300余人次,持续推动基层党建工作走深走实。"


@pytest.mark.parametrize("between", [
    ["版权所有 © 某某县人民政府"],  # a footer marker in the middle
    ["网友评论 3条", "写得好,为家乡点赞!", "游客 2024-07-16 10:21"],  # a comment widget
    ["相关阅读", "我县新增就业岗位1200个", "全市粮食产量再创新高 2024-07-16"],  # related articles
    ["[免责声明] 本文来源于网络转载,仅供学习交流使用,如有侵权请在30日内与本网联系。"],  # a disclaimer box
])
def test_prose_after_furniture_in_the_middle_is_kept(between: list[str]) -> None:
    assert strip_furniture([PARAGRAPH_1, *between, PARAGRAPH_2]) == [PARAGRAPH_1, PARAGRAPH_2]


def test_a_true_footer_ends_the_page() -> None:
    footer = ["版权所有:某某县人民政府", "地址:某某县人民路1号", "欢迎您访问本网", "网站地图 | 联系我们 | 法律声明 | 隐私保护"]
    assert strip_furniture([PARAGRAPH_1, *footer, "某某镇 | 某某乡 | 某某村 | 某某街道"]) == [PARAGRAPH_1]


def test_a_related_block_above_the_article_stops_at_its_headline() -> None:
    page = ["相关新闻", "我县新增就业岗位1200个", "某某镇:党建引领乡村振兴", "时间:2024-07-16 来源:某某先锋", PARAGRAPH_1]
    assert layout("\n".join(page)) == ("某某镇:党建引领乡村振兴", ["时间:2024-07-16 来源:某某先锋"], [PARAGRAPH_1])


LONG_PROSE = PARAGRAPH_1 + PARAGRAPH_2  # longer than any furniture line: judged without the line cache


@pytest.mark.parametrize(("line", "kept"), [
    (LONG_PROSE + " 责任编辑:王五", [LONG_PROSE]),  # a footer marker at the end of a long line
    (LONG_PROSE + " COPYRIGHT 2024", [LONG_PROSE]),  # a marker that ignores case
    ("本站转载的文章仅供学习交流,不代表本站观点," + LONG_PROSE, []),  # the site's legal text, however long
    (LONG_PROSE, [LONG_PROSE]),
])
def test_long_lines_are_read_for_footer_markers_and_legal_text(line: str, kept: list[str]) -> None:
    assert strip_furniture([line]) == kept


@pytest.mark.parametrize(("line", "reading"), [
    # (labelled metadata, furniture to drop, a block heading, where a footer marker starts, legal text)
    ("来源:某某县融媒体中心", (True, False, False, None, False)),
    ("作者:张三 责任编辑:王五", (True, False, False, 6, False)),  # labelled: kept whole by strip_furniture
    ("【打印本页】【关闭窗口】", (False, True, False, None, False)),
    ("相关阅读", (False, False, True, None, False)),
    ("某某镇:党建引领乡村振兴 责任编辑:王五", (False, False, False, 13, False)),
    ("本站文章仅供学习交流", (False, False, False, None, True)),
    ("全镇新建党群服务站12个。", (False, False, False, None, False)),
])
def test_a_short_line_is_read_once_for_every_rule(line: str, reading: tuple[object, ...]) -> None:
    from extractor.cleaning import _patterns, _short_reading

    assert _short_reading(line, _patterns()) == reading


@pytest.mark.parametrize(("line", "labelled"), [
    ("发布时间:2024-07-16 来源:某某先锋", True),
    ("某某先锋 来源 : 县委组织部", True),  # a label after other words, a space before its colon
    ("发布时间:2024-07-16", True),
    ("来源某某先锋", False),  # no colon after the label
    ("时间就是生命:抢险一线见闻", False),  # a label word not followed by its colon
])
def test_has_label(line: str, labelled: bool) -> None:
    from extractor.cleaning import _has_label

    assert _has_label(line) is labelled
