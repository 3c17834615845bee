"""Cleaning: width, pinyin, script, and the page layout around an article."""
from __future__ import annotations

from extractor.cleaning import clean, layout, normalise, strip_pinyin, to_simplified

from .conftest import SEEDS


def test_full_width_digits_and_punctuation_fold() -> None:
    assert normalise("发展党员１０名，占７０％。") == "发展党员10名,占70%。"


def test_pinyin_annotations_are_removed() -> None:
    assert strip_pinyin("黨(dǎng)建領(lǐng)航") == ("黨建領航", True)
    assert strip_pinyin("《条例(试行)》和(APP)") == ("《条例(试行)》和(APP)", False)


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
