"""Copy a whole archive index to another database: ``newsarchive copy --to URL``.

The usual move is SQLite → PostgreSQL when an archive outgrows one file, but
any pair of supported URLs works. The target gets its schema from the same
Alembic migrations as any archive; then every table the two share is copied in
foreign-key order, in batches streamed from the source (constant memory), ids
kept. The target's full-text index fills itself as rows arrive (FTS5 triggers
on SQLite, the generated ``tsvector`` column on PostgreSQL), PostgreSQL id
sequences are moved past the copied ids and its tables analysed, and row
counts are compared at the end. A target that already holds rows is refused unless ``force`` (which
empties it first). The WARC files are not copied: the copy points at the same
``warc_file`` names.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Integer,
    MetaData,
    Table,
    bindparam,
    delete,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.exc import DBAPIError

from storage.archive import Archive
from storage.db.engine import display
from storage.db.errors import ArchiveError
from storage.db.models import Base
from storage.db.times import utc
from storage.export import COPY_BATCH

logger = logging.getLogger(__name__)

BATCH = COPY_BATCH
SKIPPED_TABLES = ("alembic_version",)
# The SQLite full-text index and its shadow tables: the target builds its own.
SKIPPED_PREFIXES = ("versions_fts", "sqlite_")

Progress = Callable[[str, int, int], None]  # (table, rows copied, rows in table)


class CopyError(ArchiveError):
    """The copy cannot start or did not end with the same rows on both sides."""


@dataclass(slots=True)
class CopySummary:
    """Rows copied per table, in the order they were copied."""

    target: str
    tables: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


def copy_archive(
    source: Archive, target_url: str, *, force: bool = False, batch: int = BATCH, progress: Progress | None = None
) -> CopySummary:
    """Copy every row of ``source`` into the database at ``target_url`` (created and migrated)."""
    started = time.perf_counter()
    with Archive(target_url, source.archive_dir, create=True) as target:
        if target.url == source.url:
            raise CopyError(f"--to names the archive being copied ({display(source.url)}): give another database")
        summary = CopySummary(display(target.url))
        src_engine, dst_engine = source._engine, target._engine  # noqa: SLF001 - storage-internal
        tables = shared_tables(src_engine, dst_engine)
        try:
            with dst_engine.connect() as dst:
                _make_room(dst, tables, force, summary.target)
                for source_table, target_table in tables:
                    with _index_built_after(dst, target_table):
                        summary.tables[target_table.name] = _copy_table(
                            src_engine, dst, source_table, target_table, batch, progress
                        )
                if dst.dialect.name == "postgresql":
                    _fix_sequences(dst, [t for _, t in tables])
                    for _, table in tables:  # fresh planner statistics, or the first queries plan blind
                        dst.execute(text(f'ANALYZE "{table.name}"'))
                dst.commit()
            _verify(src_engine, dst_engine, tables)
        except DBAPIError as error:
            reason = str(error.orig or error).strip().splitlines()[0]
            raise CopyError(f"copy to {summary.target} failed: {reason}") from None
    summary.seconds = time.perf_counter() - started
    return summary


def shared_tables(source: Engine, target: Engine) -> list[tuple[Table, Table]]:
    """(source table, target table) pairs of the tables both hold, parents before children.

    The archive's own tables are read and written through their models, whose
    column types store values the archive's way on each backend (times as ISO
    text on SQLite); any other table through its reflected columns.
    """
    src, dst = MetaData(), MetaData()
    src.reflect(bind=source)
    dst.reflect(bind=target)
    pairs = []
    for table in dst.sorted_tables:
        if table.name in SKIPPED_TABLES or table.name.startswith(SKIPPED_PREFIXES) or table.name not in src.tables:
            continue
        model = Base.metadata.tables.get(table.name)
        pairs.append((model, model) if model is not None else (src.tables[table.name], table))
    return pairs


def _make_room(dst: Connection, tables: list[tuple[Table, Table]], force: bool, where: str) -> None:
    holding = [t.name for _, t in tables if dst.scalar(select(func.count()).select_from(t))]
    if not holding:
        return
    if not force:
        raise CopyError(
            f"{where} already holds an archive ({', '.join(holding)} not empty): "
            "copy into an empty database, or pass --force to replace its contents"
        )
    for _, table in reversed(tables):
        dst.execute(delete(table))
    logger.info("emptied %s before copying", where)


def _copy_table(
    source: Engine, dst: Connection, source_table: Table, target_table: Table, batch: int, progress: Progress | None
) -> int:
    columns = [c.name for c in target_table.columns if c.computed is None and c.name in source_table.c]
    total = _count(source, source_table)
    order = list(source_table.primary_key.columns) or [source_table.c[columns[0]]]
    query = select(*(source_table.c[name] for name in columns)).order_by(*order)
    statement = insert(target_table)
    later = _self_references(target_table)  # a row may point at one copied after it: set once all are in
    pointers: list[dict[str, Any]] = []
    copied = 0
    if progress:
        progress(target_table.name, 0, total)
    for rows in _stream(source, query, batch):
        values = [dict(zip(columns, map(_value, row))) for row in rows]
        pointers += [{"key": v["id"], **{c: v[c] for c in later}} for v in values if any(v[c] for c in later)]
        dst.execute(statement, [{**v, **dict.fromkeys(later)} for v in values])
        dst.commit()
        copied += len(rows)
        if progress:
            progress(target_table.name, copied, total)
    if pointers:  # few: pages that moved (storage.versions.moves)
        dst.execute(update(target_table).where(target_table.c.id == bindparam("key")), pointers)
        dst.commit()
    logger.info("copied %d rows of %s", copied, target_table.name)
    return copied


def _self_references(table: Table) -> list[str]:
    """The columns of ``table`` that point at rows of ``table`` itself (``pages.moved_to_id``)."""
    return sorted(fk.parent.name for fk in table.foreign_keys if fk.column.table is table and "id" in table.c)


# Indexes cheaper to build once at the end than to update row by row:
# PostgreSQL's GIN index over the versions' tsvector (revision 0001).
_BUILT_AFTER = {"versions": ("ix_versions_search", "CREATE INDEX IF NOT EXISTS ix_versions_search ON versions USING gin (search)")}


@contextmanager
def _index_built_after(dst: Connection, table: Table) -> Iterator[None]:
    """On PostgreSQL, drop ``table``'s full-text index for the copy and build it afterwards, even on failure."""
    if dst.dialect.name != "postgresql" or table.name not in _BUILT_AFTER:
        yield
        return
    name, create = _BUILT_AFTER[table.name]
    dst.execute(text(f'DROP INDEX IF EXISTS "{name}"'))
    try:
        yield
    finally:
        if dst.in_transaction() and not dst.get_transaction().is_active:
            dst.rollback()
        dst.execute(text(create))
        dst.commit()


def _stream(engine: Engine, query: Any, batch: int) -> Iterator[list[Any]]:
    with engine.connect() as connection:
        result = connection.execution_options(stream_results=True, yield_per=batch).execute(query)
        yield from result.partitions()


def _value(value: Any) -> Any:
    # SQLite keeps naive UTC; a naive time sent to PostgreSQL would take the session's zone.
    return utc(value) if isinstance(value, datetime) else value


def _count(engine: Engine, table: Table) -> int:
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(table)) or 0


def _fix_sequences(dst: Connection, tables: list[Table]) -> None:
    """Move each serial id sequence past the copied ids, so new rows do not collide."""
    for table in tables:
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or not isinstance(keys[0].type, Integer):
            continue
        name = f'"{table.name}"'
        sequence = dst.scalar(text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": name, "c": keys[0].name})
        if sequence is None:
            continue
        dst.execute(
            text(f'SELECT setval(:s, coalesce(max("{keys[0].name}"), 1), max("{keys[0].name}") IS NOT NULL) FROM {name}'),
            {"s": sequence},
        )


def _verify(source: Engine, target: Engine, tables: list[tuple[Table, Table]]) -> None:
    wrong = [
        f"{t.name}: {_count(source, s)} rows in the source, {_count(target, t)} in the copy"
        for s, t in tables
        if _count(source, s) != _count(target, t)
    ]
    if wrong:
        raise CopyError("copy incomplete (was the source written to meanwhile?): " + "; ".join(wrong))


