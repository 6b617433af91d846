"""Alembic environment: migrates the connection :mod:`storage.db.migrate` hands over.

Run programmatically only (``config.attributes["connection"]``); there is no
offline SQL mode. On PostgreSQL each revision commits on its own, so a heavy
one can build an index ``CONCURRENTLY`` (:mod:`storage.db.migrations.heavy`);
SQLite's caller holds one transaction around them all.
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
    transaction_per_migration=True,
    on_version_apply=config.attributes.get("on_version_apply"),
)
with context.begin_transaction():
    context.run_migrations()
