"""The article's locality at its own level, on headers and bodies written for these tests."""
from __future__ import annotations

import pytest

from extractor.gazetteer import load
from extractor.places import locate


def path_of(title: str | None, body: str, context: list[str] | None = None) -> str:
    return "/".join(p.name for p in locate(title, body, 0, context or [], None, []).path)


@pytest.mark.parametrize(("name", "level"), [
    # 盟 and 地区 are prefecture level; 旗, 自治旗, 县级市, 林区 and 特区 county level
    ("锡林郭勒盟", "city"), ("阿拉善盟", "city"), ("大兴安岭地区", "city"), ("和田地区", "city"),
    ("恩施土家族苗族自治州", "city"),
    ("鄂托克前旗", "county"), ("鄂温克族自治旗", "county"), ("台山市", "county"), ("神农架林区", "county"),
    ("六枝特区", "county"), ("加格达奇区", "county"),
    ("城川镇", "town"), ("新蒲街道", "town"),
])
def test_levels(name: str, level: str) -> None:
    gz = load()
    (mention,) = gz.find_mentions(f"在{name}调研")
    assert {gz.get(c).level for c in mention.codes} == {level}


LOCALITIES = [
    # title, body, expected path
    pytest.param("锡林郭勒盟推进牧区光伏建设", "今年以来,锡林郭勒盟推进牧区光伏建设,全盟已建成光伏电站120座,惠及牧户3500户。",
                 "内蒙古自治区/锡林郭勒盟", id="league"),
    pytest.param("大兴安岭地区推进森林防火", "大兴安岭地区今年开展森林防火演练30场次,全区出动人员5000人次。",
                 "黑龙江省/大兴安岭地区", id="prefecture-diqu"),
    pytest.param("和田地区推进农村人居环境整治", "今年以来,和田地区完成改厕3.2万户。和田县完成改厕1万户。",
                 "新疆维吾尔自治区/和田地区", id="diqu-with-a-county-in-passing"),
    pytest.param("鄂托克前旗推进草原生态保护", "今年以来,鄂托克前旗完成草原修复面积12万亩,全旗禁牧面积达到500万亩。",
                 "内蒙古自治区/鄂尔多斯市/鄂托克前旗", id="banner"),
    pytest.param("神农架林区推进生态保护", "神农架林区今年完成植树造林5万亩,全区森林覆盖率达91%。",
                 "湖北省/神农架林区", id="forestry-district"),
    pytest.param("六枝特区推进乡村振兴", "六枝特区今年实施乡村振兴项目120个,投入资金3亿元。",
                 "贵州省/六盘水市/六枝特区", id="special-district"),
    # the title's prefecture with several of its banners in the body stays the prefecture
    pytest.param("锡林郭勒盟:牧区用上绿电",
                 "锡林郭勒盟阿巴嘎旗的牧民用上了光伏电站的电,全盟已建成光伏电站120座。阿巴嘎旗建成20座,"
                 "苏尼特左旗建成15座,正蓝旗建成10座。",
                 "内蒙古自治区/锡林郭勒盟", id="title-league-over-its-banners"),
    pytest.param("推进乡村振兴 建设美丽乡村",
                 "今年以来,阿巴嘎旗推进乡村振兴,全旗完成投资3亿元。锡林郭勒盟领导调研时肯定了阿巴嘎旗的做法。",
                 "内蒙古自治区/锡林郭勒盟/阿巴嘎旗", id="banner-in-body"),
    # a 街道 or 镇 in the title is the locality, however often the body names its 区
    pytest.param("新蒲街道:党建引领社区治理",
                 "近日,红花岗区推进社区治理。红花岗区委组织部指导,红花岗区民政局参与,红花岗区今年共建成社区服务站30个,"
                 "红花岗区要求各街道学习,红花岗区委书记调研。",
                 "贵州省/遵义市/红花岗区/新蒲街道", id="title-subdistrict-over-its-district"),
    pytest.param("天平街道开展文明创建",
                 "岱岳区天平街道开展文明创建活动。岱岳区文明办负责人表示,岱岳区将在全区推广。岱岳区共有志愿者2万人。",
                 "山东省/泰安市/岱岳区/天平街道", id="title-subdistrict-chain-in-body"),
    # a unit named in passing does not outrank the one the title names
    pytest.param("城川镇开展党员培训",
                 "近日,城川镇开展党员培训200人次。培训邀请鄂托克前旗党校教师授课,并组织党员赴杭锦旗、乌审旗参观学习。",
                 "内蒙古自治区/鄂尔多斯市/鄂托克前旗/城川镇", id="title-town-over-counties-in-passing"),
    pytest.param("斗山镇:锻造坚强有力的机关党支部",
                 "斗山镇今年发展党员10名。该镇党委组织党员赴开平市、恩平市、鹤山市学习,开平市碉楼、恩平市温泉给党员留下深刻印象。",
                 "广东省/江门市/台山市/斗山镇", id="title-town-over-visited-cities"),
    pytest.param("洛浦县:推进乡村振兴",
                 "和田地区洛浦县今年实施项目50个。和田地区党委书记到洛浦县调研,和田地区各县市学习洛浦经验。",
                 "新疆维吾尔自治区/和田地区/洛浦县", id="title-county-over-its-prefecture"),
    pytest.param("台山市召开全市党建工作会议",
                 "台山市召开全市基层党建工作会议。会上,斗山镇作交流发言。台山市要求全市各镇对标落实。",
                 "广东省/江门市/台山市", id="title-county-with-a-town-reporting"),
    # a town the 2022 list does not hold under the county the text names: path to the county plus the town
    pytest.param("龙江镇推进人居环境整治",
                 "今年以来,惠来县龙江镇推进人居环境整治,全镇清理垃圾1000吨。龙江镇35个村参与,龙江镇党委书记带队检查。",
                 "广东省/揭阳市/惠来县/龙江镇", id="unlisted-town-under-named-county"),
    pytest.param(None, "惠来县龙江镇今年新建村级文化广场12个。龙江镇各村均有文化室。",
                 "广东省/揭阳市/惠来县/龙江镇", id="unlisted-town-body-only"),
    pytest.param("南岗区朝阳街道开展敬老活动", "近日,朝阳街道为辖区80岁以上老人送去慰问品300份。",
                 "黑龙江省/哈尔滨市/南岗区/朝阳街道", id="unlisted-subdistrict-in-title"),
    # an ambiguous town named alone stays a name, not a county the body mentions in passing
    pytest.param("龙江镇推进人居环境整治", "今年以来,龙江镇学习浙江省安吉县经验,全镇清理垃圾1000吨。安吉县的做法值得借鉴。",
                 "龙江镇", id="ambiguous-title-town-over-passing-county"),
]


@pytest.mark.parametrize(("title", "body", "path"), LOCALITIES)
def test_locality(title: str | None, body: str, path: str) -> None:
    assert path_of(title, body) == path


def test_unlisted_town_has_no_code_and_hangs_under_its_county() -> None:
    located = locate(None, "惠来县龙江镇今年新建村级文化广场12个。", 0, [], None, [])
    town = located.path[-1]
    assert (town.name, town.level, town.parent, town.code) == ("龙江镇", "town", "惠来县", None)
    (mention,) = located.mentions
    assert mention.text == "惠来县龙江镇" and mention.method == "parent-in-text"


@pytest.mark.parametrize("text", [
    "惠来县乡镇干部培训",  # 乡镇 is a word, no town
    "惠来县各乡镇开展培训",
])
def test_no_unlisted_town_from_common_words(text: str) -> None:
    assert path_of(None, text) == "广东省/揭阳市/惠来县"
