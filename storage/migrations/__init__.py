"""Alembic migrations of the archive schema, run by :func:`storage.migrate.upgrade`."""
