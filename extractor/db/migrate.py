"""Schema upgrades through Alembic, configured in code so an installed extractor finds its
migrations (shipped as the extractor.migrations package) from any working directory.

Every command checks the schema first. When it is at head, as on almost every run, that check
reads alembic_version and the names of the migration files (revision ids are their numeric
prefixes, 0003_…), and Alembic itself is not even imported: it costs a quarter of a second.
"""
from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(resources.files("extractor.migrations")))
    return config


def head() -> str | None:
    """The newest revision, as Alembic reads it from the migration scripts."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def newest_file_revision() -> str:
    """The newest revision by file name: migrations are named <revision>_<what>.py."""
    versions = resources.files("extractor.migrations").joinpath("versions")
    return max(p.name.split("_", 1)[0] for p in versions.iterdir() if p.name[:1].isdigit() and p.name.endswith(".py"))


def current(engine: Engine) -> str | None:
    """The revision the database is at; None for an empty database."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.scalar(text("SELECT version_num FROM alembic_version"))


def upgrade(engine: Engine) -> bool:
    """Bring the schema to head; True when anything was applied."""
    if current(engine) == newest_file_revision():
        return False
    from alembic import command

    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    return True
