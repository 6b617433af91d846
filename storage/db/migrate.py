"""Bring a database to the newest schema with Alembic, without an alembic.ini on disk."""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

from storage.db.engine import WRITE_OPTION
from storage.db.errors import ArchiveError

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Any constant will do: it only has to be the same for every process.
_PG_LOCK_KEY = 0x6E657773


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


@lru_cache(maxsize=1)
def head_revisions() -> frozenset[str]:
    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


def current_revisions(engine: Engine) -> frozenset[str]:
    with engine.connect() as connection:
        return frozenset(MigrationContext.configure(connection).get_current_heads())


def check_schema_current(engine: Engine, where: str) -> None:
    """Raise :class:`ArchiveError` unless the schema is at head (readers that may not migrate)."""
    if current_revisions(engine) != head_revisions():
        raise ArchiveError(
            f"the archive at {where} has an older schema: open it once with a writing command "
            "(e.g. newsarchive stats) to upgrade it, then serve it"
        )


def upgrade(engine: Engine) -> None:
    """Upgrade ``engine``'s database to head; concurrent callers take turns on PostgreSQL."""
    if current_revisions(engine) == head_revisions():
        return
    config = alembic_config()
    # Writers take turns (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory
    # lock); Alembic then re-reads the version inside the lock, so the loser
    # of a race finds the schema already there.
    with engine.execution_options(**{WRITE_OPTION: True}).begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
        config.attributes["connection"] = connection
        logger.info("migrating %s to head", engine.url.render_as_string(hide_password=True))
        command.upgrade(config, "heads")
