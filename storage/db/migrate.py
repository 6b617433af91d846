"""Bring a database to the newest schema with Alembic, without an alembic.ini on disk.

Revisions that work through a big table declare ``HEAVY``
(:mod:`storage.db.migrations.heavy`). :func:`upgrade` runs the others when a
writer opens the archive, and every revision on a new, empty archive; it
refuses an archive that needs a heavy one, which ``newsarchive migrate`` runs
(``upgrade(..., heavy=True)``) after :func:`estimate` has said what it costs.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.engine import URL

from storage.db.engine import SQLITE_FILE, WRITE_OPTION, display, make_engine, resolve_url, sqlite_path
from storage.db.errors import SchemaNeedsMigration
from storage.db.migrations.heavy import Heavy

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# The first of the migration lock's two int4 keys (the second is the schema's hash): any constant
# will do, the same for every process.
_PG_LOCK_KEY = 0x6E657773
_PG_LOCK_POLL = 0.1  # seconds between tries for the migration lock
# Rows a second, for an estimate's order of magnitude: an index build CONCURRENTLY ran at 180,000–240,000
# rows/s over 1M versions on a busy 2-core machine (bench/migration_locks.py); a batched rewrite, which
# writes a new row version of each row, is assumed four times slower (not measured).
ROWS_PER_SECOND = {"index": 200_000, "rewrite": 50_000}


@dataclass(frozen=True, slots=True)
class Step:
    """One revision the database has not had yet."""

    revision: str
    title: str
    heavy: Heavy | None

    def line(self) -> str:
        return f"{self.revision}  {self.heavy.work if self.heavy else self.title}"


@dataclass(frozen=True, slots=True)
class Estimate:
    """What a heavy step costs on this database: the rows of the table it works through, and about how long."""

    step: Step
    table: str
    rows: int
    seconds: float


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


def pending_steps(engine: Engine) -> list[Step]:
    """The revisions between the database's and head, oldest first (all of them for an empty database)."""
    current = current_revisions(engine)
    if current == head_revisions():
        return []
    script = ScriptDirectory.from_config(alembic_config())
    lower = next(iter(current)) if current else "base"
    dialect = engine.dialect.name
    steps = []
    for revision in reversed(list(script.iterate_revisions("heads", lower))):
        heavy = getattr(revision.module, "HEAVY", None)
        title = (revision.doc or "").strip().splitlines()[0] if revision.doc else revision.revision
        steps.append(Step(revision.revision, title, heavy if heavy and dialect in heavy.dialects else None))
    return steps


def migrate_command(url: URL) -> str:
    """The ``newsarchive`` command line that migrates the archive at ``url``."""
    path = sqlite_path(url)
    if path is not None and path.name == SQLITE_FILE:
        return f"newsarchive --archive-dir {path.parent} migrate"
    return f"newsarchive --db '{display(url)}' migrate"


def check_schema_current(engine: Engine, url: URL) -> None:
    """Raise :class:`SchemaNeedsMigration` unless the schema is at head (readers, which never migrate)."""
    if current_revisions(engine) != head_revisions():
        raise SchemaNeedsMigration(f"the archive {display(url)} has an older schema: run {migrate_command(url)}")


def refuse_heavy(engine: Engine, url: URL) -> None:
    """Raise :class:`SchemaNeedsMigration` when the archive needs a heavy revision on a table that has rows.

    On empty tables every revision is cheap: a new archive, and one that
    another process is creating right now (its revisions commit one by one,
    so a second crawl starting beside the first sees it half-built).
    """
    if not current_revisions(engine):
        return  # a new archive: every revision runs on empty tables
    heavy = [step for step in pending_steps(engine) if step.heavy]
    if heavy:
        with engine.connect() as connection:
            heavy = [step for step in heavy if _has_rows(connection, step.heavy.table)]
    if heavy:
        more = ", …" if len(heavy) > 1 else ""
        raise SchemaNeedsMigration(
            f"the archive {display(url)} needs a migration that works through its big tables "
            f"({heavy[0].line().replace('  ', ' ')}{more}): run {migrate_command(url)}, then start again")


def refuse_heavy_at(db_url: str | None, archive_dir: str | Path) -> None:
    """:func:`refuse_heavy` for the archive a crawl is about to write (nothing to refuse when it does not exist yet)."""
    url = resolve_url(db_url, archive_dir)
    path = sqlite_path(url)
    if path is not None and not path.is_file():
        return
    engine = make_engine(url, create=False)
    try:
        refuse_heavy(engine, url)
    finally:
        engine.dispose()


def estimate(engine: Engine, steps: list[Step]) -> list[Estimate]:
    """The rows each heavy step works through and about how long it takes."""
    with engine.connect() as connection:
        found = []
        for step in steps:
            if step.heavy is None:
                continue
            rows = _rows(connection, step.heavy.table)
            found.append(Estimate(step, step.heavy.table, rows, rows / ROWS_PER_SECOND[step.heavy.kind]))
        return found


def _has_rows(connection: Connection, table: str) -> bool:
    """Whether ``table`` exists and holds a row (one index or heap probe, whatever its size)."""
    if not inspect(connection).has_table(table):
        return False
    return bool(connection.execute(text(f"SELECT EXISTS (SELECT 1 FROM {table})")).scalar())


def _rows(connection: Connection, table: str) -> int:
    if connection.dialect.name == "postgresql":
        # The planner's count: free, where count(*) reads the whole table.
        guess = connection.execute(text("SELECT reltuples FROM pg_class WHERE oid = to_regclass(:t)"),
                                   {"t": table}).scalar()
        if guess is not None and guess >= 0:
            return int(guess)
    return int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def upgrade(engine: Engine, url: URL | None = None, *, heavy: bool = False,
            on_step: Callable[[str, float], None] | None = None, target: str = "heads") -> int:
    """Upgrade ``engine``'s database to head and return the revisions run; concurrent callers take turns.

    Without ``heavy`` an archive that needs a heavy revision is refused
    (:func:`refuse_heavy`). ``on_step(revision, seconds)`` hears of each
    revision as it is done. ``target`` stops at a revision (benchmarks).
    """
    if current_revisions(engine) == head_revisions():
        return 0
    if not heavy:
        refuse_heavy(engine, url or engine.url)
    config = alembic_config()
    done: list[str] = []
    started = [time.monotonic()]

    def applied(*, step, **_: object) -> None:  # type: ignore[no-untyped-def]
        now = time.monotonic()
        done.append(step.up_revision_id)
        if on_step is not None:
            on_step(step.up_revision_id, now - started[0])
        started[0] = now

    config.attributes["on_version_apply"] = applied
    logger.info("migrating %s to head", display(engine.url))
    if engine.dialect.name == "postgresql":
        _upgrade_postgresql(engine, config, target)
    else:
        # SQLite: one write transaction (BEGIN IMMEDIATE); Alembic re-reads the
        # version inside it, so the loser of a race finds the schema there.
        with engine.execution_options(**{WRITE_OPTION: True}).begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, target)
    return len(done)


def _upgrade_postgresql(engine: Engine, config: Config, target: str) -> None:
    """One transaction per revision, so a revision can build an index ``CONCURRENTLY`` outside one.

    Migrating processes take turns on a session advisory lock, held by a
    connection of its own outside any transaction, and waited for by polling:
    a ``CONCURRENTLY`` build waits for every transaction older than itself in
    the database, so a process blocked on the lock inside a statement would
    wait for the build while the build waited for it. The lock is one per
    schema, so archives sharing a database (a schema each) never wait on each other.
    """
    lock = {"key": _PG_LOCK_KEY}
    with engine.connect() as holder, engine.connect() as connection:
        holder.execution_options(isolation_level="AUTOCOMMIT")
        while not holder.execute(text("SELECT pg_try_advisory_lock(:key, hashtext(current_schema()))"), lock).scalar():
            time.sleep(_PG_LOCK_POLL)
        try:
            config.attributes["connection"] = connection
            command.upgrade(config, target)
        finally:
            holder.execute(text("SELECT pg_advisory_unlock(:key, hashtext(current_schema()))"), lock)
