"""Alembic environment: migrates the connection :mod:`storage.db.migrate` hands over.

Run programmatically only (``config.attributes["connection"]``); there is no
offline SQL mode.
"""

from __future__ import annotations

from alembic import context

from storage.db.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through storage.db.migrate.upgrade(engine)")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
