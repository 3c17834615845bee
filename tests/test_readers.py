"""Reading input files into RawDocument / ReadFailure: encodings, containers, failures, discovery."""
from __future__ import annotations

import codecs
import gzip
import json
import os
import random

import pytest

from extractor import decoding, readers
from extractor.records import RawDocument, ReadFailure

# Sentences written for these tests in the style of local-government news.
SIMPLIFIED_SHORT = [
    "今年以来，青山镇开展政策宣讲160余场次，惠及群众3200多人。",
    "全县新建高标准农田2.6万亩，粮食总产量达到18.4万吨。",
    "该区累计发放创业担保贷款1.2亿元，带动就业4800余人。",
    "截至10月底，全市完成老旧小区改造87个，惠及居民1.3万户。",
    "村里新修产业路5公里，种植茶叶800亩。",
    "县医院年门诊量突破45万人次。",
    "我市举办招聘会12场，提供岗位6000余个。",
    "河湖长巡河2300余次，整改问题156个。",
    "街道为辖区老人免费体检1200人次。",
    "全年接待游客超过300万人次，旅游收入增长15%。",
    "全镇共有党员1865名，其中女党员412名。",
]
TRADITIONAL_SHORT = [
    "今年以來，青山鎮開展政策宣講160餘場次，惠及群眾3200多人。",
    "全縣新建高標準農田2.6萬畝，糧食總產量達到18.4萬噸。",
    "該區累計發放創業擔保貸款1.2億元，帶動就業4800餘人。",
    "截至10月底，全市完成老舊小區改造87個，惠及居民1.3萬戶。",
    "村裡新修產業路5公里，種植茶葉800畝。",
    "縣醫院年門診量突破45萬人次。",
    "我市舉辦招聘會12場，提供崗位6000餘個。",
    "河湖長巡河2300餘次，整改問題156個。",
    "街道為轄區老人免費體檢1200人次。",
    "全年接待遊客超過300萬人次，旅遊收入增長15%。",
    "縣政府發布「十四五」規劃，提出新增綠地120公頃。",
]
SIMPLIFIED_PARAGRAPHS = [
    "近年来，东林县坚持把乡村振兴作为重中之重，统筹推进产业发展和基础设施建设。",
    "全县累计投入财政资金3.8亿元，新建和改造农村公路210公里，实现所有行政村通硬化路。",
    "围绕特色种植，全县发展食用菌、中药材等产业基地46个，带动1.6万户农户增收，"
    "农村居民人均可支配收入达到19860元，同比增长8.2%。",
    "下一步，该县将继续完善联农带农机制，推动更多群众在家门口就业。",
]
TRADITIONAL_PARAGRAPHS = [
    "近年來，東林縣堅持把鄉村振興作為重中之重，統籌推進產業發展和基礎設施建設。",
    "全縣累計投入財政資金3.8億元，新建和改造農村公路210公里，實現所有行政村通硬化路。",
    "圍繞特色種植，全縣發展食用菌、中藥材等產業基地46個，帶動1.6萬戶農戶增收，"
    "農村居民人均可支配收入達到19860元，同比增長8.2%。",
    "下一步，該縣將繼續完善聯農帶農機制，推動更多群眾在家門口就業。",
]
SIMPLIFIED_LONG = "\n".join(SIMPLIFIED_PARAGRAPHS)
TRADITIONAL_LONG = "\n".join(TRADITIONAL_PARAGRAPHS)
SHORT = SIMPLIFIED_SHORT[0]

PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00"
RANDOM_BYTES = random.Random(7).randbytes(4096)
RANDOM_BYTES_WITHOUT_NUL = bytes(byte or 1 for byte in RANDOM_BYTES)
DIRECTORY = object()  # in a failure case: make a folder where a file is expected


def html_page(
    paragraphs: list[str],
    head: str = "",
    charset: str = "utf-8",
    title: str = "东林县推进乡村振兴",
    nav: str = "首页 &gt; 工作动态",
) -> str:
    body = "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
    return (
        f'<html><head><meta charset="{charset}"><title>{title}</title>{head}</head>'
        f'<body><div class="nav">{nav}</div><article>{body}</article></body></html>'
    )


def read_one(path) -> RawDocument | ReadFailure:
    [item] = readers.read(str(path))
    return item


# --- encodings -------------------------------------------------------------------------------

BOM8, BOM16LE, BOM16BE = codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE
ENCODED = [
    pytest.param(SHORT.encode("utf-8"), SHORT, "utf-8", id="utf-8"),
    pytest.param(SIMPLIFIED_LONG.encode("utf-8"), SIMPLIFIED_LONG, "utf-8", id="utf-8-long"),
    pytest.param(BOM8 + SHORT.encode("utf-8"), SHORT, "utf-8", id="utf-8-bom"),
    pytest.param(BOM16LE + SHORT.encode("utf-16-le"), SHORT, "utf-16-le", id="utf-16-le-bom"),
    pytest.param(BOM16BE + SHORT.encode("utf-16-be"), SHORT, "utf-16-be", id="utf-16-be-bom"),
    pytest.param(BOM16LE + TRADITIONAL_LONG.encode("utf-16-le"), TRADITIONAL_LONG, "utf-16-le", id="utf-16-le-trad"),
    pytest.param(SIMPLIFIED_LONG.encode("gbk"), SIMPLIFIED_LONG, "gb18030", id="gbk-long"),
    pytest.param(SIMPLIFIED_LONG.encode("gb18030"), SIMPLIFIED_LONG, "gb18030", id="gb18030-long"),
    pytest.param(TRADITIONAL_LONG.encode("gb18030"), TRADITIONAL_LONG, "gb18030", id="gb18030-traditional"),
    pytest.param(TRADITIONAL_LONG.encode("big5"), TRADITIONAL_LONG, "cp950", id="big5-long"),
    pytest.param("第一段。\r\n第二段。\r第三段。".encode("utf-8"), "第一段。\n第二段。\n第三段。", "utf-8", id="crlf"),
    # a file cut inside its last character keeps its text, with the broken end marked
    pytest.param(SHORT.encode("utf-8")[:-1], SHORT[:-1] + "\ufffd", "utf-8", id="utf-8-truncated"),
    pytest.param(SIMPLIFIED_LONG.encode("gbk")[:-1], SIMPLIFIED_LONG[:-1] + "\ufffd", "gb18030", id="gbk-truncated"),
]


@pytest.mark.parametrize(("data", "text", "encoding"), ENCODED)
def test_text_file_in_each_encoding(tmp_path, data, text, encoding):
    path = tmp_path / "article.txt"
    path.write_bytes(data)
    assert read_one(path) == RawDocument(str(path), text, encoding, {})


# Big5 bytes are valid GB18030 too: short texts are where guessing by plausibility is hardest.
LEGACY_SHORT = [
    pytest.param(text, codec, encoding, id=f"{codec}-{text[:6]}")
    for texts, codec, encoding in [
        (SIMPLIFIED_SHORT, "gbk", "gb18030"),
        (SIMPLIFIED_SHORT, "gb18030", "gb18030"),
        (TRADITIONAL_SHORT, "big5", "cp950"),
    ]
    for text in texts
]


@pytest.mark.parametrize(("text", "codec", "encoding"), LEGACY_SHORT)
def test_short_legacy_text_reads_back_unchanged(tmp_path, text, codec, encoding):
    path = tmp_path / "short.txt"
    path.write_bytes(text.encode(codec))
    document = read_one(path)
    assert (document.text, document.encoding) == (text, encoding)


def test_plain_utf8_takes_the_fast_path(tmp_path, monkeypatch):
    def no_guessing(*_args):
        raise AssertionError("UTF-8 input should not be scored")

    monkeypatch.setattr(decoding, "_decode_by_plausibility", no_guessing)
    path = tmp_path / "fast.txt"
    path.write_bytes(SIMPLIFIED_LONG.encode("utf-8"))
    assert read_one(path).text == SIMPLIFIED_LONG


# --- failures --------------------------------------------------------------------------------

FAILURES = [
    pytest.param("empty.txt", b"", "empty file", id="empty"),
    pytest.param("blank.txt", b" \n\t\r\n", "no text (only whitespace)", id="whitespace"),
    pytest.param("image.txt", PNG_HEADER, "binary file", id="png"),
    pytest.param("noise.txt", RANDOM_BYTES, "binary file", id="random-bytes"),
    pytest.param(
        "noise.txt", RANDOM_BYTES_WITHOUT_NUL, "not decodable as UTF-8, GB18030 or Big5", id="random-bytes-no-nul"
    ),
    pytest.param(
        "japanese.txt", "日本語の文章です。東京都は晴れ。".encode("shift_jis"), "decoded text is mostly garbage",
        id="shift-jis",
    ),
    pytest.param("broken.txt", BOM16LE + b"\x00\xd8", "not decodable as UTF-16-LE", id="utf-16-lone-surrogate"),
    pytest.param("missing.txt", None, "cannot read file: No such file or directory", id="missing"),
    pytest.param("folder.txt", DIRECTORY, "cannot read file: Is a directory", id="directory"),
    pytest.param("table.csv", SHORT.encode("utf-8"), "unsupported file type", id="unsupported-type"),
    pytest.param("article.txt.gz", b"\x1f\x8b\x08\x00broken", "corrupt gzip archive", id="corrupt-gzip"),
    pytest.param(
        "article.txt.gz", gzip.compress(SHORT.encode("utf-8"))[:-12], "corrupt gzip archive", id="truncated-gzip"
    ),
    pytest.param("article.txt.gz", gzip.compress(b""), "empty file", id="gzip-of-nothing"),
    pytest.param(
        "page.html", b"<html><head><title>x</title></head><body></body></html>", "no article text found in HTML",
        id="html-without-text",
    ),
    pytest.param("batch.jsonl", b"\n  \n", "no JSON records", id="jsonl-only-blank-lines"),
]


@pytest.mark.parametrize(("name", "content", "reason"), FAILURES)
def test_unreadable_input_is_a_failure_with_its_reason(tmp_path, name, content, reason):
    path = tmp_path / name
    if content is DIRECTORY:
        path.mkdir()
    elif content is not None:
        path.write_bytes(content)
    failure = read_one(path)
    assert isinstance(failure, ReadFailure)
    assert failure.file == str(path)
    assert failure.reason.startswith(reason)


TOO_BIG = [
    pytest.param("big.txt", b"0" * 2000, "file is larger than", id="file"),
    pytest.param("bomb.txt.gz", gzip.compress(b"0" * 100_000), "gzip archive unpacks to more than", id="gzip-bomb"),
]


@pytest.mark.parametrize(("name", "content", "reason"), TOO_BIG)
def test_oversized_input_is_refused(tmp_path, monkeypatch, name, content, reason):
    monkeypatch.setattr(readers, "_MAX_BYTES", 1000)
    path = tmp_path / name
    path.write_bytes(content)
    assert read_one(path).reason.startswith(reason)


def test_html_extractor_crash_is_a_failure(tmp_path, monkeypatch):
    import trafilatura

    def crash(*_args, **_kwargs):
        raise ValueError("parser gave up")

    monkeypatch.setattr(trafilatura, "bare_extraction", crash)
    path = tmp_path / "page.html"
    path.write_text(html_page(SIMPLIFIED_PARAGRAPHS), encoding="utf-8")
    assert read_one(path).reason == "HTML extraction failed: ValueError: parser gave up"


# --- containers ------------------------------------------------------------------------------

GZIPPED = [
    ("article.txt.gz", SIMPLIFIED_LONG.encode("gb18030"), SIMPLIFIED_LONG),
    ("page.html.gz", html_page(SIMPLIFIED_PARAGRAPHS).encode("utf-8"), SIMPLIFIED_LONG),
    ("batch.jsonl.gz", json.dumps({"text": SHORT}, ensure_ascii=False).encode("utf-8"), SHORT),
]


@pytest.mark.parametrize(("name", "inner", "text"), GZIPPED, ids=[name for name, *_ in GZIPPED])
def test_gzip_is_read_as_its_inner_kind(tmp_path, name, inner, text):
    path = tmp_path / name
    path.write_bytes(gzip.compress(inner))
    [document] = readers.read(str(path))
    assert document.text == text


LINE_META = {
    "title": "青山镇宣讲", "url": "http://qs.example.gov.cn/1.html", "published": "2024-03-05", "source": "青山镇人民政府"
}


def test_jsonl_bad_lines_fail_alone(tmp_path):
    lines = [
        json.dumps({"text": SHORT, **LINE_META, "extra": 1}, ensure_ascii=False),
        "",
        '{"text": "没有结束的引号}',
        json.dumps({"html": html_page(SIMPLIFIED_PARAGRAPHS), "title": "给定的标题"}, ensure_ascii=False),
        json.dumps({"title": "只有标题"}, ensure_ascii=False),
        json.dumps(["不是对象"], ensure_ascii=False),
        json.dumps({"text": "   ", "html": 5}),
        json.dumps({"text": TRADITIONAL_SHORT[1], "published": 2024}, ensure_ascii=False),
        json.dumps({"html": f"<div><p>{SIMPLIFIED_SHORT[2]}</p><p>{SIMPLIFIED_SHORT[3]}</p></div>"}),
        "[" * 100_000,
    ]
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(readers.read(str(path)))
    assert [item.file for item in items] == [f"{path}#{n}" for n in (1, 3, 4, 5, 6, 7, 8, 9, 10)]
    assert items[0] == RawDocument(f"{path}#1", SHORT, "utf-8", LINE_META)
    assert items[1].reason.startswith("invalid JSON: Unterminated string")
    assert (items[2].text, items[2].meta["title"]) == (SIMPLIFIED_LONG, "给定的标题")  # the line wins
    assert [item.reason for item in items[3:6]] == [
        "JSON record has no 'text' or 'html' field with text in it",
        "JSON line is not an object",
        "JSON record has no 'text' or 'html' field with text in it",
    ]
    assert (items[6].text, items[6].meta) == (TRADITIONAL_SHORT[1], {})  # a non-text field is left out
    assert items[7].text == "\n".join(SIMPLIFIED_SHORT[2:4])  # an HTML fragment, not a whole page
    assert items[8].reason == "invalid JSON: nested too deeply"


def test_html_text_and_metadata(tmp_path):
    url = "http://www.donglin.example.gov.cn/zwdt/2024/0305/123.html"
    head = (
        f'<link rel="canonical" href="{url}">'
        '<meta property="og:site_name" content="东林县人民政府">'
        '<meta property="article:published_time" content="2024-03-05T09:30:00+08:00">'
        '<meta property="og:title" content="东林县推进乡村振兴成效明显">'
    )
    path = tmp_path / "page.html"
    path.write_text(html_page(SIMPLIFIED_PARAGRAPHS, head), encoding="utf-8")
    meta = {"title": "东林县推进乡村振兴成效明显", "url": url, "published": "2024-03-05", "source": "东林县人民政府"}
    assert read_one(path) == RawDocument(str(path), SIMPLIFIED_LONG, "utf-8", meta)


def test_html_date_is_not_guessed_from_a_bare_year(tmp_path):
    path = tmp_path / "page.htm"
    paragraphs = ["2024年，" + SIMPLIFIED_PARAGRAPHS[0], *SIMPLIFIED_PARAGRAPHS[1:]]
    path.write_text(html_page(paragraphs), encoding="utf-8")
    document = read_one(path)
    assert document.meta == {"title": "东林县推进乡村振兴"}
    assert "published" not in document.meta


def test_html_without_main_text_falls_back_to_all_its_text(tmp_path):
    # trafilatura leaves comment sections out of the main text; the fallback takes them
    page = f'<html><head><title>东林县</title></head><body><div class="comments"><p>{SHORT}</p></div></body>'
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    assert read_one(path) == RawDocument(str(path), SHORT, "utf-8", {"title": "东林县"})


# The meta charset is a hint: bytes that plainly read otherwise win over it.
TRADITIONAL_PAGE = {"title": "東林縣推進鄉村振興", "nav": "首頁 &gt; 工作動態"}
HTML_CHARSETS = [
    pytest.param("gbk", SIMPLIFIED_PARAGRAPHS, "gbk", "gb18030", id="declared-gbk"),
    pytest.param("big5", TRADITIONAL_PARAGRAPHS, "big5", "cp950", id="declared-big5"),
    pytest.param("gb2312", TRADITIONAL_PARAGRAPHS, "big5", "cp950", id="says-gb2312-is-big5"),
    pytest.param("gbk", SIMPLIFIED_PARAGRAPHS, "utf-8", "utf-8", id="says-gbk-is-utf-8"),
    pytest.param("x-unknown", SIMPLIFIED_PARAGRAPHS, "gb18030", "gb18030", id="unknown-label-is-gb18030"),
]


@pytest.mark.parametrize(("charset", "paragraphs", "codec", "encoding"), HTML_CHARSETS)
def test_html_charset(tmp_path, charset, paragraphs, codec, encoding):
    chrome = TRADITIONAL_PAGE if paragraphs is TRADITIONAL_PARAGRAPHS else {}
    path = tmp_path / "page.html"
    path.write_bytes(html_page(paragraphs, charset=charset, **chrome).encode(codec))
    document = read_one(path)
    assert (document.text, document.encoding) == ("\n".join(paragraphs), encoding)


# "基础" in GB18030 bytes reads as "價插" in Big5: equally plausible, so a declared charset decides.
TIES = [
    (None, "基础", "gb18030"),
    ("gbk", "基础", "gb18030"),
    ("big5", "價插", "cp950"),
    ("x-unknown", "基础", "gb18030"),
]


@pytest.mark.parametrize(("declared", "text", "encoding"), TIES)
def test_declared_charset_breaks_a_tie(declared, text, encoding):
    assert decoding.decode("基础".encode("gb18030"), declared) == (text, encoding)


# --- discovery -------------------------------------------------------------------------------

def test_discover_walks_folders_sorted_and_keeps_given_paths(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in [
        "seeds/b.html", "seeds/a.txt", "seeds/c.htm", "seeds/d.jsonl", "seeds/e.txt.gz", "seeds/f.HTML.gz",
        "seeds/g.jsonl.gz", "seeds/notes.csv", "seeds/image.png", "seeds/archive.tar.gz", "seeds/sub/h.TXT",
        "seeds/sub/deeper/i.txt", "loose.txt",
    ]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"x")
    walked = [
        "seeds/a.txt", "seeds/b.html", "seeds/c.htm", "seeds/d.jsonl", "seeds/e.txt.gz", "seeds/f.HTML.gz",
        "seeds/g.jsonl.gz", "seeds/sub/deeper/i.txt", "seeds/sub/h.TXT",
    ]
    given = ["seeds/", "missing.txt", "loose.txt", "seeds/a.txt", "./loose.txt"]
    assert list(readers.discover(given)) == [*walked, "missing.txt", "loose.txt"]
    assert list(readers.discover(["seeds"])) == walked


def test_survey_gives_each_file_the_path_it_resolves_to(tmp_path, monkeypatch):
    # survey resolves a folder once and joins its files' names to it: the same paths, links and
    # all, as os.path.realpath of each file, and the same files as os.walk (links to folders not
    # followed, hidden folders' files of other types not listed).
    monkeypatch.chdir(tmp_path)
    for name in ("real/a.txt", "real/sub/b.html", "real/.hidden/c.txt", "real/.hidden/d.csv", "real/e.pdf",
                 "elsewhere/f.txt", "elsewhere/g.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "real/link.txt").symlink_to(tmp_path / "elsewhere/f.txt")
    (tmp_path / "real/sub/up.txt").symlink_to("../a.txt")
    (tmp_path / "real/broken.txt").symlink_to(tmp_path / "nowhere.txt")
    (tmp_path / "real/folder_link").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (tmp_path / "alias").symlink_to(tmp_path / "real", target_is_directory=True)
    files = ["broken.txt", ".hidden/c.txt", "a.txt", "e.pdf", "link.txt", "sub/b.html"]  # sub/up.txt is a.txt
    for given in ("real", "alias/", str(tmp_path / "real"), "elsewhere/../real"):
        got = list(readers.survey([given]))
        assert [(f, r) for f, r, _ in got] == [(f, os.path.realpath(f)) for f, _, _ in got]
        assert sorted(f for f, _, _ in got) == sorted(os.path.join(given, f) for f in files)
        assert {os.path.relpath(f, given): why for f, _, why in got}["e.pdf"] == "unsupported file type .pdf"
    # one file under two names is one input, named as first given; a link found in a folder too
    assert [f for f, _, _ in readers.survey(["real/sub/up.txt", "real/a.txt", "elsewhere", "real/link.txt"])] == [
        "real/sub/up.txt", "elsewhere/f.txt", "elsewhere/g.txt"]
