"""Page furniture anywhere on the page costs no claim and adds none; furniture-only pages and
pages whose body is a small part of their text are reported in the ingest log."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from extractor.db.engine import make_engine
from extractor.db.migrate import upgrade
from extractor.ingest import ingest
from extractor.pipeline import extract

from .conftest import SEEDS

# One of each kind of furniture, with numbers in every line so that a leak shows as a claim.
DISCLAIMER = [
    "[免责声明] 本文来源于网络转载,仅供学习交流使用,不构成商业目的。版权归原作者所有,如涉及作品内容、版权和其它问题,请在30日内与本网联系,我们将在第一时间处理。",
    "本站转载的文章不代表本站观点,如有侵权请在15日内与本站联系删除。",
]
COUNTERS = ["阅读量:1234", "浏览次数:56次", "【字号 大 中 小】", "【打印本页】【关闭窗口】", "分享到: 微信 微博 QQ空间"]
COMMENTS = ["网友评论 3条", "共有3条评论 已有128人参与", "写得好,为家乡点赞!", "游客 2024-07-16 10:21", "点赞(12) 评论(3)", "请文明上网,理性发言"]
RELATED = ["相关阅读", "我县新增就业岗位1200个", "全市粮食产量再创新高 2024-07-16", "某某镇50名党员志愿者走进社区", "上一篇:全县新建村级党群服务中心18个"]
FURNITURE = [*DISCLAIMER, *COUNTERS, *COMMENTS, *RELATED]

SEED_FILES = sorted(SEEDS.glob("*.txt"))


def _claims(page: str) -> list[tuple[float, str, str | None, str, str]]:
    return [(m.value, m.unit, m.subject, m.qualifier, m.span_text) for m in extract(page).metrics]


def _paragraphs(lines: list[str]) -> list[int]:
    return [i for i, ln in enumerate(lines) if len(ln.strip()) >= 60 and "。" in ln]


def _insert(page: str, where: str) -> str:
    lines = page.split("\n")
    paragraphs = _paragraphs(lines)
    at = {
        "page top": 0,
        "body top": paragraphs[0],
        "middle": paragraphs[len(paragraphs) // 2],
        "body end": paragraphs[-1] + 1,
        "page end": len(lines),
    }[where]
    return "\n".join([*lines[:at], *FURNITURE, *lines[at:]])


@pytest.mark.parametrize("where", ["page top", "body top", "middle", "body end", "page end"])
@pytest.mark.parametrize("seed", SEED_FILES, ids=lambda p: p.name[:3])
def test_furniture_anywhere_costs_no_claim_and_adds_none(seed: Path, where: str) -> None:
    page = seed.read_text(encoding="utf-8")
    plain, furnished = extract(page), extract(_insert(page, where))
    assert _claims(_insert(page, where)) == _claims(page)
    assert (furnished.meta.title, furnished.meta.published, furnished.meta.source) == (
        plain.meta.title, plain.meta.published, plain.meta.source)


ARTICLE_A = "今年以来,某某镇开展宣讲140余场次,惠及群众2500多人,发展党员10名,全镇党员干部积极参与,成效明显。"
ARTICLE_B = "今年以来,某某乡新建党群服务站12个,培训村干部300余人次,解决群众急难愁盼问题80多个,群众满意。"
HEADER = "某某县:党建引领乡村振兴\n时间:2024-07-16 来源:某某先锋\n"


def _ingest(tmp_path: Path, pages: dict[str, str]) -> dict[str, tuple[str, str | None]]:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, page in pages.items():
        (folder / name).write_text(page, encoding="utf-8")
    engine = make_engine(f"sqlite:///{tmp_path / 'test.db'}")
    upgrade(engine)
    ingest([str(folder)], engine, workers=1)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT file, status, reason FROM ingest_log")).all()
    return {Path(file).name: (status, reason) for file, status, reason in rows}


def test_articles_sharing_furniture_above_them_are_not_duplicates(tmp_path: Path) -> None:
    box = "\n".join(DISCLAIMER + COMMENTS) + "\n"
    log = _ingest(tmp_path, {"a.txt": HEADER + box + ARTICLE_A, "b.txt": HEADER + box + ARTICLE_B})
    assert log == {"a.txt": ("ingested", None), "b.txt": ("ingested", None)}


def test_a_page_of_furniture_only_fails_and_is_no_duplicate(tmp_path: Path) -> None:
    furniture = "\n".join(FURNITURE)
    log = _ingest(tmp_path, {"a.txt": HEADER + furniture, "b.txt": HEADER + furniture + "\n网友评论 5条"})
    assert log == {name: ("failed", "no article text after removing page furniture") for name in ("a.txt", "b.txt")}


def test_a_body_that_is_a_small_part_of_the_page_is_flagged_but_ingested(tmp_path: Path) -> None:
    links = "\n".join(f"第{n}期简报 | 某某镇 | 某某乡 | 某某村 | 某某街道" for n in range(150))
    log = _ingest(tmp_path, {"a.txt": HEADER + ARTICLE_A + "\n" + links, "b.txt": HEADER + ARTICLE_B})
    status, reason = log["a.txt"]
    assert status == "ingested" and reason is not None
    assert reason.startswith("cleaned body is ") and "check the page's layout" in reason
    assert log["b.txt"] == ("ingested", None)  # a short page with a short body is not flagged
