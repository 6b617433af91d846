"""What a revision that works through a big table declares, and the operations it uses.

A revision module that rewrites or indexes a table that grows with the archive
(``versions``, ``captures``, ``pages``) sets ``HEAVY = Heavy(...)``. Opening an
archive never runs such a revision on tables that hold rows: ``newsarchive
migrate`` does, after an estimate (:mod:`storage.db.migrate`). A new, empty
archive runs every revision on open, heavy or not.

On PostgreSQL the operations here keep crawls and the reading room going while
they run: indexes are built and dropped ``CONCURRENTLY`` (a ``SHARE UPDATE
EXCLUSIVE`` lock: reads and writes go on) outside the migration's transaction,
and rewrites go in batches, each its own short transaction. SQLite has neither:
the revision runs in the migration's one write transaction, so other writers
wait for it and readers (WAL) read what was there before.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from alembic import op
from sqlalchemy import text

REWRITE_BATCH = 20_000  # rows per transaction of a batched rewrite on PostgreSQL


@dataclass(frozen=True, slots=True)
class Heavy:
    """A revision's big work: ``kind`` is ``"index"`` (a build) or ``"rewrite"`` (every row updated)."""

    kind: str
    table: str
    work: str  # what it does, for the estimate: "builds ix_versions_language_time on versions"
    dialects: tuple[str, ...] = ("sqlite", "postgresql")


def _concurrently(table: str) -> bool:
    """Whether to work outside the transaction: on PostgreSQL, on a table that holds rows.

    An empty table (a new archive) is done in the migration's transaction, at
    once: a ``CONCURRENTLY`` build would wait for every older transaction in
    the database, those of other processes waiting to migrate included.
    """
    if op.get_context().dialect.name != "postgresql":
        return False
    return bool(op.get_bind().execute(text(f"SELECT EXISTS (SELECT 1 FROM {table})")).scalar())


def build_index(name: str, table: str, columns: Sequence[str]) -> None:
    """``CREATE INDEX``; on PostgreSQL ``CONCURRENTLY``, after dropping an invalid one a failed build left."""
    if not _concurrently(table):
        op.create_index(name, table, list(columns))
        return
    with op.get_context().autocommit_block():
        op.drop_index(name, table_name=table, postgresql_concurrently=True, if_exists=True)
        op.create_index(name, table, list(columns), postgresql_concurrently=True)


def drop_index(name: str, table: str) -> None:
    """``DROP INDEX``; on PostgreSQL ``CONCURRENTLY``."""
    if not _concurrently(table):
        op.drop_index(name, table_name=table)
        return
    with op.get_context().autocommit_block():
        op.drop_index(name, table_name=table, postgresql_concurrently=True, if_exists=True)


def replace_index(name: str, table: str, columns: Sequence[str]) -> None:
    """Give index ``name`` new ``columns``; on PostgreSQL the old one serves until the new one is built."""
    if not _concurrently(table):
        op.drop_index(name, table_name=table)
        op.create_index(name, table, list(columns))
        return
    building = f"{name}_new"
    build_index(building, table, columns)
    drop_index(name, table)
    op.execute(text(f'ALTER INDEX "{building}" RENAME TO "{name}"'))  # SHARE UPDATE EXCLUSIVE, a moment


def rewrite_rows(table: str, assignment: str) -> None:
    """``UPDATE table SET assignment`` on every row; on PostgreSQL in batches of ids, each committed."""
    if not _concurrently(table):
        op.execute(text(f"UPDATE {table} SET {assignment}"))
        return
    bind = op.get_bind()
    top = bind.execute(text(f"SELECT coalesce(max(id), 0) FROM {table}")).scalar_one()
    with op.get_context().autocommit_block():
        for low in range(0, top, REWRITE_BATCH):
            op.get_bind().execute(text(f"UPDATE {table} SET {assignment} WHERE id > :low AND id <= :high"),
                                  {"low": low, "high": low + REWRITE_BATCH})
