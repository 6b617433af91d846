"""An archive at an older schema revision, as one made by an older newsarchive would be."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, text

from storage.db.migrate import alembic_config


def downgrade_to(db_url: str, revision: str) -> None:
    """Run Alembic's downgrades on the archive at ``db_url`` down to ``revision``."""
    engine = create_engine(db_url)
    try:
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.downgrade(config, revision)
    finally:
        engine.dispose()


def revision_of(db_url: str) -> str:
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    finally:
        engine.dispose()
