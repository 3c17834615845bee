"""Number spans: value, unit and qualifier, and the numbers that are not claims."""
from __future__ import annotations

import pytest

from extractor import lexicon
from extractor.quantities import find_quantities, rules
from extractor.userlexicon import merge

# (sentence, [(value, unit, qualifier), ...]) — seed sentences and ones written in their style.
CASES = [
    ("三年来发展党员10名,机关战斗堡垒更强大。", [(10, "名", "exact")]),
    ("惠及群众25000多人;", [(25000, "人", "over")]),
    ("深入开展宣讲140余场次,屋场恳谈240余场次;", [(140, "场次", "over"), (240, "场次", "over")]),
    ("动员机关党员干部捐款约8万元用于支持疫情防控工作;", [(80000, "元", "approx")]),
    ("百余名党员分3批次前往区廉洁文化示范点进行学习。", [(100, "名", "over"), (3, "批次", "exact")]),
    ("为千名党员集中培训赋能。", [(1000, "名", "approx")]),
    ("每年牵头开展机关党建交叉检查两次以上。", [(2, "次", "at_least")]),
    ("党员覆盖面达70%以上。", [(70, "%", "at_least")]),
    ("全镇近60家单位的110余个基层党组织。", [(60, "家", "approx"), (110, "个", "over")]),
    ("建立长效机制防止问题再次发生超70个。", [(70, "个", "over")]),
    ("每名党员参加志愿服务活动不少于2次;", [(2, "次", "at_least")]),
    ("56 名机关干部化身驻企“防疫联络员”。", [(56, "名", "exact")]),
    ("全村筹集资金五百余万元。", [(5_000_000, "元", "over")]),
    ("累计开展志愿服务3万余次。", [(30_000, "次", "over")]),
    ("培训本土人才1.7万人次。", [(17_000, "人次", "exact")]),
    ("全县流转土地30万亩,装机60万千瓦。", [(300_000, "亩", "exact"), (600_000, "千瓦", "exact")]),
    ("人均增收900元左右。", [(900, "元", "approx")]),
    ("年销售收入突破680万元。", [(6_800_000, "元", "over")]),
    ("按不低于直管党员50%的比例安排。", [(50, "%", "at_least")]),
    ("群众满意率达到百分之九十五。", [(95, "%", "exact")]),
    ("自拆违法建设13000多平方米,拆除九处违法作坊。", [(13000, "平方米", "over"), (9, "处", "exact")]),
    # A range gives both ends (GUIDE.md: each end is an optional entry).
    ("每名指导员联系2—3个企业。", [(2, "个", "at_least"), (3, "个", "at_most")]),
    ("比往年多了一两千元。", [(1000, "元", "approx")]),
    ("外出务工的有24亩多田。", [(24, "亩", "over")]),
    ("覆盖企业1,948户,收入不到5万元。", [(1948, "户", "exact"), (50_000, "元", "under")]),
    ("经费不超过3万元,人数在20人以内。", [(30_000, "元", "at_most"), (20, "人", "at_most")]),
    ("每名党员每年至少参加4次组织生活。", [(4, "次", "at_least")]),
    ("超过八成的群众表示满意,九成以上党员参加。", [(80, "%", "over"), (90, "%", "at_least")]),
    ("近百名党员参加,逾千名群众受益。", [(100, "名", "approx"), (1000, "名", "over")]),
    # Numbers that are not claims.
    ("严肃规范“三会一课”,坚决做到“两个维护”。", []),
    ("学习宣传贯彻党的二十大精神和十九届六中全会精神。", []),
    ("一是以“模范机关”建设为牵引,二是以理论武装培元为抓手。", []),
    ("“5+2+7”创新覆盖路径,落实“1+4”阵地资源清单。", []),
    ("2022年6月7日,镇党委召开第十四次党代会。", []),
    ("联系电话:0750-5565827,综合比对“12345”市民热线反馈的问题。", []),
    ("千方百计拓展收入来源,百丈之台起于垒土。", []),
    ("一份份闪亮答卷、一幕幕温暖画面。", []),
    ("机关各党支部书记每年讲一次党课。", []),
    ("以实际行动庆祝中国共产党成立100周年,五星级党支部。", []),
    ("最近3年来,十五里园镇百花五期安置小区建设加快。", []),
    ("《关于开展“万名党员进党校”5个专题活动的实施方案》印发。", []),
    ("历时两个多月,会议持续1个多小时,3个月内完成。", []),
    ("数十名党员、上千人参加,几百户受益,成百上千,一成不变,三成立了。", []),
]

# Economy, statistics bulletins, social services and the environment, in their style.
GENRE_CASES = [
    # money in every written form; values exact as written (decimal arithmetic)
    ("全县实现地区生产总值64.07亿元,同比增长12.3%。", [(6_407_000_000, "元", "exact"), (12.3, "%", "exact")]),
    ("完成固定资产投资37.14万元,一般公共预算收入12.63亿元。", [(371_400, "元", "exact"), (1_263_000_000, "元", "exact")]),
    ("筹集资金300万余元,投入1.2亿元,奖励5千元。", [(3_000_000, "元", "over"), (120_000_000, "元", "exact"), (5000, "元", "exact")]),
    ("人均可支配收入42356元,发放补助1200元/人,流转价格3000元/亩。",
     [(42356, "元", "exact"), (1200, "元", "exact"), (3000, "元", "exact")]),
    ("实现进出口总额5.6亿美元。", [(560_000_000, "美元", "exact")]),
    # percentages, percentage points and change
    ("比上年提高4.5个百分点,下降三成,占比达65%,提高到八成以上。",
     [(4.5, "个百分点", "exact"), (30, "%", "exact"), (65, "%", "exact"), (80, "%", "at_least")]),
    ("两年平均增长-1.6%,比上年下降0.8百分点。", [(-1.6, "%", "exact"), (0.8, "百分点", "exact")]),
    # ranges: both ends; multiples
    ("每个网格配备3至5名网格员,每村2~3个。", [(3, "名", "at_least"), (5, "名", "at_most"), (2, "个", "at_least"), (3, "个", "at_most")]),
    ("每期培训三至五万人,约6~8吨。", [(30_000, "人", "at_least"), (50_000, "人", "at_most"), (6, "吨", "approx"), (8, "吨", "approx")]),
    ("经济总量翻一番,销售额增长2倍,占全县的三分之一。", [(2, "倍", "exact")]),
    # measures; a unit with its own prefix is the unit as written, 千 before another unit multiplies
    ("新建道路18.4千米,装机5千瓦,收购3千克,培训3千名。",
     [(18.4, "千米", "exact"), (5, "千瓦", "exact"), (3, "千克", "exact"), (3000, "名", "exact")]),
    ("光伏装机10万千瓦,治理面积2.5平方千米,造林1.2万亩,湿地300公顷。",
     [(100_000, "千瓦", "exact"), (2.5, "平方千米", "exact"), (12_000, "亩", "exact"), (300, "公顷", "exact")]),
    ("新增床位200张,新建学校12所,接种疫苗3.5万剂次,购置设备30台套。",
     [(200, "张", "exact"), (12, "所", "exact"), (35_000, "剂次", "exact"), (30, "台套", "exact")]),
    ("修建水渠1200延米,日处理污水2万立方米/日,清运垃圾6.5万吨。",
     [(1200, "延米", "exact"), (20_000, "立方米", "exact"), (65_000, "吨", "exact")]),
    ("安装路灯200盏,配备电脑50台,公交车12辆,安置房80套。",
     [(200, "盏", "exact"), (50, "台", "exact"), (12, "辆", "exact"), (80, "套", "exact")]),
    # days and years that count something, durations that only scope time
    ("全年空气优良天数达318天,连续5年获评全省文明县城。", [(318, "天", "exact"), (5, "年", "exact")]),
    ("项目用时3天完成,三年来累计投入,为期两天的培训,连续3年来。", []),
    # the unit stated before a bare figure
    ("参与人次超过270万,年末户籍人口52.3万。", [(2_700_000, "人次", "over"), (523_000, "人", "exact")]),
    ("总人口1234567人。", [(1_234_567, "人", "exact")]),
    # codes and ordinals that are not figures
    ("咨询电话:0751-5551234,邮编:529200台山市,身份证号440781199001011234。", []),
    ("手机13800138000,传真 0750-1234567。", []),
    ("对问题线索进行二次复核,推进二次创业,三次产业协调发展。", []),
    ("2019至2021年,1—2月,2022-06-07,8:00-12:00。", []),
    ("粮食播种面积45.6千公顷,PM2.5平均浓度为32微克/立方米。", [(45.6, "千公顷", "exact"), (32, "微克", "exact")]),
    ("标准为每人每月100元至300元不等,从10人增加到20人,由5万元到100万元。",
     [(100, "元", "at_least"), (300, "元", "at_most"), (10, "人", "exact"), (20, "人", "exact"), (50_000, "元", "exact"), (1_000_000, "元", "exact")]),
    ("每千人口拥有执业医师2.8人,每百户拥有汽车36辆,每10户联系1名党员。", [(2.8, "人", "exact"), (36, "辆", "exact"), (1, "名", "exact")]),
    # cleaning (NFKC) writes ㎡ and ㎞ as m2 and km
    ("建成广场5000m2,铺设管网12.5km,实现两位数增长,破除城乡二元结构。", [(5000, "m2", "exact"), (12.5, "km", "exact")]),
    ("每户最高补助5000元,最低500元,多的也不过三百元。", [(5000, "元", "at_most"), (500, "元", "at_least"), (300, "元", "at_most")]),
    ("城乡居民最低生活保障对象1.23万人。", [(12_300, "人", "exact")]),
    ("3人入选百名优秀青年标兵,被评为千名好支书。", [(3, "人", "exact")]),
]


@pytest.mark.parametrize(("sentence", "expected"), CASES + GENRE_CASES, ids=[c[0][:12] for c in CASES + GENRE_CASES])
def test_quantities(sentence: str, expected: list[tuple[float, str, str]]) -> None:
    found = [(q.value, q.unit, q.qualifier) for q in find_quantities(sentence)]
    assert found == expected


def test_span_offsets_point_at_the_text() -> None:
    text = "今年以来共下发党建月工作提示50余次,交办问题反馈清单50余个。"
    for q in find_quantities(text):
        assert text[q.start : q.end] == q.text
    assert [q.text for q in find_quantities(text)] == ["50余次", "50余个"]


def test_range_ends_and_rate_denominators_keep_their_span() -> None:
    text = "每村配备2—3名网格员,发放补助1200元/人。"
    assert [(q.value, q.text) for q in find_quantities(text)] == [(2, "2—3名"), (3, "2—3名"), (1200, "1200元/人")]
    for q in find_quantities(text):
        assert text[q.start : q.end] == q.text


def test_values_are_exact_decimals() -> None:
    # Binary floating point gives 6406999999.999999 for 64.07 × 10^8.
    for digits in ("64.07", "37.14", "12.63", "1.02", "0.29", "98.76"):
        text = f"完成{digits}亿元。"
        (q,) = find_quantities(text)
        assert repr(q.value) == repr(float(f"{digits}e8")), text


def test_unit_classes() -> None:
    classes = {q.unit: q.unit_class for q in find_quantities("发展党员10名,联系6896户,捐款8万元,占70%,种植120亩,清理垃圾6854吨。")}
    assert classes == {"名": "people", "户": "households", "元": "money", "%": "percent", "亩": "area", "吨": "weight"}


@pytest.mark.parametrize(("sentence", "expected"), [
    ("不超过5人参加。", [(5, "人", "at_most", "不超过5人")]),  # the longest word before the numeral
    ("约有20户,至少有5户。", [(20, "户", "approx", "约有20户"), (5, "户", "at_least", "至少有5户")]),
    # 多 is the first figure's (3个多): 多于 does not reach back into it, so it is no word before 5个
    ("共有3个多于5个的小组。", [(3, "个", "over", "3个多"), (5, "个", "over", "5个")]),
])
def test_qualifier_word_before_the_numeral(sentence: str, expected: list[tuple[float, str, str, str]]) -> None:
    assert [(q.value, q.unit, q.qualifier, q.text) for q in find_quantities(sentence)] == expected


def test_a_word_before_figures_may_not_hold_a_numeral() -> None:
    """Such words are found by looking back from the numeral, which would miss 一共 in 一共5人."""
    tables = {"qualifiers": merge(lexicon.shipped("qualifiers"), {"approx": {"before": ["一共"]}})}
    with lexicon.using(tables), pytest.raises(ValueError, match="一共"):
        rules()


def test_digits_the_value_cannot_be_read_from_are_no_figure() -> None:
    """𑽑 (Kawi) is a digit to newer Unicode tables than Python's: Decimal cannot read it, and reading
    a figure of it raised InvalidOperation."""
    assert [(q.value, q.unit) for q in find_quantities("共有\U00011f51个村,新建3个。")] == [(3, "个")]
