"""Places as a hierarchy in the database, programmes across articles, and reposts counted once."""
from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from extractor import dedupe, lsh
from extractor.cli import app

from .conftest import SEEDS

runner = CliRunner()

# Seed 000's article as another site would carry it: other navigation, byline and footer.
REPOST_HEADER = """欢迎访问 江门党建网!
首页 > 基层动态 > 正文
斗山镇:锻造坚强有力的机关党支部
发布日期:2022-06-09 信息来源:江门党建网 作者:佚名
"""
REPOST_FOOTER = """
责任编辑:李明
主办单位:中共江门市委组织部 技术支持:江门网络公司
"""


def _repost_of_seed_000(tmp_path: Path) -> Path:
    original = (SEEDS / "000_e78e95ea709d0ece.txt").read_text(encoding="utf-8")
    body = original.split("• 【字体:", 1)[1].split("扫一扫在手机打开当前页", 1)[0]
    repost = tmp_path / "repost" / "jiangmen_000.txt"
    repost.parent.mkdir()
    # The repost drops the picture captions and adds a closing note of its own.
    kept = "\n".join(line for line in body.splitlines() if len(line.strip()) > 30 or "“" in line)
    repost.write_text(REPOST_HEADER + kept + "\n本文转载自台山先锋微信公众号,有删节。" + REPOST_FOOTER, encoding="utf-8")
    return repost


def test_repost_under_other_boilerplate_adds_no_facts(db_url: str, tmp_path: Path) -> None:
    assert runner.invoke(app, ["ingest", str(SEEDS), "--db", db_url]).exit_code == 0
    engine = create_engine(db_url)
    with engine.connect() as conn:
        facts = conn.scalar(text("SELECT COUNT(*) FROM metric_facts"))
        mentions = conn.scalar(text("SELECT COUNT(*) FROM metric_mentions"))
    repost = _repost_of_seed_000(tmp_path)
    result = runner.invoke(app, ["ingest", str(repost), "--db", db_url])
    assert "ingested: 1" in result.output
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT COUNT(*) FROM metric_facts")) == facts
        assert conn.scalar(text("SELECT COUNT(*) FROM metric_mentions")) > mentions  # still queryable
        original, linked, similarity = conn.execute(text(
            "SELECT o.file, r.canonical_id = o.id, r.similarity FROM articles r JOIN articles o ON o.id = r.canonical_id "
            "WHERE r.file = :f"), {"f": str(repost)}).one()
    assert original.endswith("000_e78e95ea709d0ece.txt") and linked and similarity >= lsh.REPOST_SIMILARITY


def test_exact_copy_under_another_name_links_to_the_first(db_url: str, tmp_path: Path) -> None:
    copy = tmp_path / "copy.txt"
    copy.write_bytes((SEEDS / "004_e4975b498e3e3feb.txt").read_bytes())
    runner.invoke(app, ["ingest", str(SEEDS / "004_e4975b498e3e3feb.txt"), str(copy), "--db", db_url])
    with create_engine(db_url).connect() as conn:
        log = conn.execute(text("SELECT l.status, a.file FROM ingest_log l JOIN articles a ON a.id = l.article_id "
                                "WHERE l.file = :f"), {"f": str(copy)}).one()
    assert log[0] == "duplicate" and log[1].endswith("004_e4975b498e3e3feb.txt")


def test_different_articles_are_not_reposts() -> None:
    bodies = [(SEEDS / name).read_text(encoding="utf-8") for name in ("000_e78e95ea709d0ece.txt", "001_2ce63c94e49459b6.txt")]
    assert lsh.similarity(dedupe.signature(bodies[0]), dedupe.signature(bodies[1])) < 0.2
    same = dedupe.signature(bodies[0])
    assert lsh.bands(same) == lsh.bands(dedupe.signature(bodies[0]))  # stable across calls


def test_localities_roll_up_to_a_province(db_url: str) -> None:
    runner.invoke(app, ["ingest", str(SEEDS), "--db", db_url])
    with create_engine(db_url).connect() as conn:
        files = {r[0].rsplit("/", 1)[1][:3] for r in conn.execute(text(
            "SELECT DISTINCT file FROM metric_facts WHERE locality_path LIKE '湖南省%'"))}
        hierarchy = conn.execute(text(
            "SELECT l.path, l.level, l.code, p.name FROM localities l JOIN localities p ON p.id = l.parent_id "
            "WHERE l.name = '路口镇'")).one()
    assert files == {"001", "003"}  # 雁峰区 (衡阳市) and 路口镇 (长沙县)
    assert hierarchy == ("湖南省/长沙市/长沙县/路口镇", "town", "430121108", "长沙县")


def test_articles_export_has_locality_paths(db_url: str) -> None:
    runner.invoke(app, ["ingest", str(SEEDS), "--db", db_url])
    rows = list(csv.DictReader(io.StringIO(runner.invoke(app, ["export", "articles", "--db", db_url]).stdout)))
    paths = {r["file"].rsplit("/", 1)[1][:3]: r["locality_path"] for r in rows}
    assert paths == {
        "000": "广东省/江门市/台山市/斗山镇",
        "001": "湖南省/衡阳市/雁峰区",
        "002": "上海市/崇明区/竖新镇",
        "003": "湖南省/长沙市/长沙县/路口镇",
        "004": "安徽省/合肥市/长丰县/吴山镇",
    }


def test_programmes_are_one_row_across_articles(db_url: str) -> None:
    runner.invoke(app, ["ingest", str(SEEDS), "--db", db_url])
    with create_engine(db_url).connect() as conn:
        row = conn.execute(text(
            "SELECT name, articles, first_published, last_published FROM initiative_summary WHERE name = '三会一课'")).one()
        red_goose = conn.execute(text("SELECT name, kind FROM initiatives WHERE name = '红雁领航'")).one()
    assert (row[0], row[1]) == ("三会一课", 3)
    assert str(row[2]).startswith("2022-06-07") and str(row[3]).startswith("2024-07-16")
    assert tuple(red_goose) == ("红雁领航", "工程")


def test_repost_in_the_same_batch_links_to_its_original(db_url: str, tmp_path: Path) -> None:
    repost = _repost_of_seed_000(tmp_path)
    original = tmp_path / "repost" / "original.txt"
    shutil.copy(SEEDS / "000_e78e95ea709d0ece.txt", original)
    runner.invoke(app, ["ingest", str(original), str(repost), "--db", db_url])
    with create_engine(db_url).connect() as conn:
        rows = dict(conn.execute(text(
            "SELECT a.file, o.file FROM articles a LEFT JOIN articles o ON o.id = a.canonical_id")).all())
    assert rows == {str(original): None, str(repost): str(original)}
