"""The README's example queries run, on SQLite and PostgreSQL, and give the right answer on the seeds.

Every statement of the ```sql blocks in README.md's "Query it" section is run on a database of
the five seed articles; the key ones are checked against answers worked out by hand from the
seeds (the figures are listed in the comments).
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from extractor.db.engine import make_engine
from extractor.db.migrate import upgrade
from extractor.ingest import ingest

from .conftest import ROOT, SEEDS

T000 = "斗山镇:锻造坚强有力的机关党支部"
T001 = "衡阳市雁峰区:“四轮驱动”强化全区机关党建工作"
T002 = "崇明区竖新镇:以“育树之方”行“强基之路”,推动“基层组织建设年”活动走深走实"
T003 = "党建领航风帆劲 路口奋进谱新篇"
T004 = "长丰县吴山镇:立足落实抓成效 激发活动大能量"

# People in each seed (名, 人 and 位 are all people; none of them is a rate or a plan).
PEOPLE = {
    T000: 10 + 25000,
    T001: 29 + 1000 + 56 + 25 + 1000 + 13 + 15,
    T002: 100,
    T003: 42 + 605 + 1000 + 42 + 605,
    T004: 600 + 3 + 100 + 41,
}


def _queries() -> list[tuple[str, str]]:
    """(label, statement) for every statement in the Query it section: the label is its first
    comment line, else its first line."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Query it", 1)[1].split("\n## ", 1)[0]
    out: list[tuple[str, str]] = []
    for block in re.findall(r"```sql\n(.*?)```", section, flags=re.S):
        lines: list[str] = []
        for line in filter(str.strip, block.splitlines()):
            lines.append(line)
            if not line.startswith("--") and line.rstrip().endswith(";"):  # a statement ends here
                comments = [c for c in lines if c.startswith("--")]
                out.append(((comments or lines)[0].lstrip("- ").strip(), "\n".join(lines).rstrip(";")))
                lines = []
        assert not lines, f"a statement in README.md does not end with ';': {lines}"
    return out


def _like(rows: list[Any]) -> None:
    assert all("党员" in r.subject for r in rows) and len(rows) == 10
    assert (10, "名", "exact", "党员", "三年来", T000, "2022-06-07") in [(*r[:6], str(r[6])) for r in rows]


def _by_class(rows: list[Any]) -> None:
    got = {(r.unit_class, r.base_unit): (r.total, r.claims) for r in rows}
    assert got[("people", "人")] == (sum(PEOPLE.values()), 19)
    assert got[("events", "次")] == (50 + 400 + 800 + 30 + 12 + 3, 6)  # 每年…1次, 两次以上, 不少于2次 left out
    assert got[("events", "场次")] == (140 + 240 + 190 + 10 + 18 + 25, 6)
    assert got[("events", "批次")] == (3, 1)
    assert got[("households", "户")] == (6896, 1)
    assert got[("money", "元")] == (80000, 1)
    assert got[("area", "平方米")] == (6666666.666667, 1)  # 万亩
    assert not {c for c, _ in got} & {"percent", "times"}


def _left_out(rows: list[Any]) -> None:
    assert [(r.span_text, bool(r.is_rate), bool(r.is_target), bool(r.is_threshold)) for r in rows] == [
        ("1次", True, False, False), ("两次以上", True, False, False), ("不少于2次", True, False, False)]
    assert "每名党员参加志愿服务活动不少于2次" in rows[2].sentence


def _span(rows: list[Any]) -> None:
    assert [tuple(r) for r in rows] == [("约8万元", "动员机关党员干部捐款约8万元用于支持疫情防控工作;", 1872, 1876)]


def _roll_up(rows: list[Any]) -> None:
    assert all(r.locality_path.startswith("湖南省") for r in rows)
    assert sum(r[2] for r in rows) == PEOPLE[T001] + PEOPLE[T003]  # the seeds from 衡阳 and 长沙县


def _programme(rows: list[Any]) -> None:
    (row,) = rows
    assert (row.name, str(row.first_published), str(row.last_published), row.articles, row.mentions) == (
        "我为群众办实事", "2021-08-03", "2022-06-07", 2, 4)


EXPECTED: dict[str, Callable[[list[Any]], None]] = {
    "SELECT value, unit, qualifier, subject, period, title, published": _like,
    "people reached, by article: achieved counts only (人次 are person_times, not people)":
        lambda rows: _equal(dict(tuple(r) for r in rows), PEOPLE),
    "everything achieved, added up in each class's base unit (公里 and 米 in 米, 亩 and 公顷 in 平方米),": _by_class,
    "the figures such a sum leaves out, and why": _left_out,
    "the sentence a figure came from, and where it sits in the stored body": _span,
    "roll up to any level: every claim made about places in 湖南省 (or 湖南省/长沙市/长沙县)": _roll_up,
    "headline figures the body states again: both mentions (metric_facts keeps the body's only)":
        lambda rows: _equal(rows, []),  # no seed repeats a headline figure
    "a programme across the corpus: first and last article, how many articles mention it": _programme,
}


def _equal(got: object, want: object) -> None:
    assert got == want


QUERIES = _queries()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def seeded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A database of the seeds, on each backend (PostgreSQL when tests/pg.py finds a server)."""
    def fill(url: str) -> Iterator[Engine]:
        engine = make_engine(url)
        upgrade(engine)
        ingest([str(SEEDS)], engine, workers=1)
        yield engine
        engine.dispose()

    if request.param == "sqlite":
        yield from fill(f"sqlite:///{tmp_path_factory.mktemp('readme') / 'seeds.db'}")
    else:
        databases: Callable[[], AbstractContextManager[str]] = request.getfixturevalue("pg_databases")
        with databases() as url:
            yield from fill(url)


def test_the_key_queries_are_in_the_readme() -> None:
    assert set(EXPECTED) <= {label for label, _ in QUERIES}


@pytest.mark.parametrize(("label", "sql"), QUERIES, ids=[label for label, _ in QUERIES])
def test_readme_query(seeded: Engine, label: str, sql: str) -> None:
    with seeded.connect() as conn:
        rows = conn.execute(text(sql)).all()
    if label in EXPECTED:
        EXPECTED[label](rows)


def test_span_query_points_into_the_body(seeded: Engine) -> None:
    (sql,) = [s for label, s in QUERIES if label.startswith("the sentence a figure came from")]
    with seeded.connect() as conn:
        (row,) = conn.execute(text(sql)).all()
        body = conn.scalar(text("SELECT body FROM articles WHERE title = :t"), {"t": T001})
    assert body[row.char_start : row.char_end] == "约8万元"


def test_headline_echo_query_finds_the_echo(db_url: str, tmp_path: Path) -> None:
    article = tmp_path / "echo.txt"
    article.write_text("全县83个集体经济薄弱村成功摘帽\n来源:县融媒体中心 2023-05-06\n\n"
                       "今年以来,全县83个集体经济薄弱村全部实现摘帽,新增村集体经济收入1200万元。", encoding="utf-8")
    engine = make_engine(db_url)
    upgrade(engine)
    ingest([str(article)], engine, workers=1)
    (sql,) = [s for label, s in QUERIES if label.startswith("headline figures the body states again")]
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(text(sql))]
        facts = conn.scalar(text("SELECT COUNT(*) FROM metric_facts"))
        mentions = conn.scalar(text("SELECT COUNT(*) FROM metric_mentions"))
    assert rows == [("全县83个集体经济薄弱村成功摘帽", "83个", "今年以来,全县83个集体经济薄弱村全部实现摘帽,新增村集体经济收入1200万元。")]
    assert (facts, mentions) == (2, 3)
