"""The schema belongs to Alembic: one head, empty → head works, the models agree with it, and a
database of the previous schema upgrades with its rows (re-extraction fills what is new)."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text

from extractor.db.engine import make_engine
from extractor.db import reposts
from extractor.db.migrate import alembic_config, current, head, newest_file_revision, upgrade
from extractor.db.models import Base
from extractor.ingest import ingest
from extractor.reextract import reextract


def test_single_head() -> None:
    assert len(ScriptDirectory.from_config(alembic_config()).get_heads()) == 1


def test_file_names_give_the_head() -> None:
    # upgrade() skips Alembic when the database is at the newest file's revision: the two must agree.
    assert newest_file_revision() == head()


def test_empty_to_head(db_url: str) -> None:
    engine = make_engine(db_url)
    assert current(engine) is None
    assert upgrade(engine) is True
    assert current(engine) == head()
    assert upgrade(engine) is False
    names = set(inspect(engine).get_table_names())
    assert {"localities", "articles", "initiatives", "metrics", "ingest_log"} <= names
    assert "metric_facts" in inspect(engine).get_view_names()


def test_models_match_migrations(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


ECHOING = ("全县83个集体经济薄弱村成功摘帽\n来源:县融媒体中心 2023-05-06\n\n"
           "今年以来,全县83个集体经济薄弱村全部实现摘帽。该村距县城30公里,每户补助500元,计划新建道路5公里。")
SUMS = "SELECT span_text, base_value, base_unit, is_rate, is_target, is_threshold, echo_of_id IS NOT NULL FROM metrics ORDER BY char_start"


def _alembic(engine: Engine, step: str, revision: str) -> None:
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        getattr(command, step)(config, revision)


def test_0003_database_upgrades_and_reextract_fills_the_new_columns(db_url: str, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ECHOING, encoding="utf-8")
    engine = make_engine(db_url)
    upgrade(engine)
    ingest([str(tmp_path / "a.txt")], engine, workers=1)
    with engine.connect() as conn:
        fresh = conn.execute(text(SUMS)).all()
    assert [tuple(r) for r in fresh] == [
        ("83个", 83.0, "个", 0, 0, 0, 1), ("83个", 83.0, "个", 0, 0, 0, 0), ("30公里", 30000.0, "米", 0, 0, 1, 0),
        ("500元", 500.0, "元", 1, 0, 0, 0), ("5公里", 5000.0, "米", 0, 1, 0, 0)]
    # The same database as the previous release left it: schema 0003, rows of extractor 0.2.0.
    _alembic(engine, "downgrade", "0003")
    with engine.begin() as conn:
        assert "base_value" not in {c["name"] for c in inspect(conn).get_columns("metrics")}
        conn.execute(text("UPDATE articles SET extractor_version = '0.2.0'"))
    assert upgrade(engine) is True and current(engine) == head()
    with engine.connect() as conn:
        kept = conn.execute(text(SUMS)).all()
        assert conn.scalar(text("SELECT COUNT(*) FROM metric_facts")) == 5  # unknown echoes count until reextract
    assert [r[0] for r in kept] == [r[0] for r in fresh]
    assert {(r.base_value, r.is_rate, r.is_target, r.is_threshold) for r in kept} == {(None, 0, 0, 0)}
    assert reextract(engine, workers=1) == 1
    with engine.connect() as conn:
        assert conn.execute(text(SUMS)).all() == fresh
        assert conn.scalar(text("SELECT COUNT(*) FROM metric_facts")) == 4  # the headline echo counted once
        assert conn.scalar(text("SELECT COUNT(*) FROM metric_mentions")) == 5


def test_candidate_reposts_are_found_from_the_band_index_alone(tmp_path: Path) -> None:
    # The writer runs this query for every batch, with tens of matches per new article in a large
    # database: a second look-up in the table for each match was most of its cost (migration 0005).
    engine = make_engine(f"sqlite:///{tmp_path / 'plan.db'}")
    upgrade(engine)
    sql = reposts.pairs_query([1, 2, 5])
    with engine.connect() as conn:
        plan = " | ".join(row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}"))
    engine.dispose()
    assert "SEARCH o USING COVERING INDEX ix_article_bands_key (band=? AND hash=?)" in plan, plan
    assert "SEARCH n USING" in plan and "(article_id=?)" in plan and "SCAN" not in plan, plan
