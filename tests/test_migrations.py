"""The schema belongs to Alembic: one head, empty → head works, and the models agree with it."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from extractor.db.engine import make_engine
from extractor.db.migrate import alembic_config, current, head, newest_file_revision, upgrade
from extractor.db.models import Base


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
