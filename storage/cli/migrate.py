"""``newsarchive migrate``: bring an archive's schema up to date, the heavy revisions included."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import click

from storage.cli.common import ArchiveLocation
from storage.db.errors import ArchiveError, ArchiveMissing

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.engine import URL

    from storage.db.migrate import Estimate, Step


@click.command("migrate")
@click.option("--yes", is_flag=True, help="Start without asking.")
@click.option("--dry-run", is_flag=True, help="Print what would run and the estimate; change nothing.")
@click.pass_context
def migrate(ctx: click.Context, yes: bool, dry_run: bool) -> None:
    """Bring the archive's schema up to the one this newsarchive uses.

    Crawls and commands that write apply small schema changes themselves. A
    change that works through a big table (rewrites every row of versions,
    builds an index on captures, …) waits for this command, and until it has
    run crawls and writing commands refuse to start (exit status 78).

    It prints each pending revision and, for the heavy ones, the rows of the
    table they work through and about how long that takes, then asks (--yes
    does not ask). Each revision prints when it is done; a revision that fails
    leaves the ones before it applied: run the command again to go on.

    On PostgreSQL indexes are built CONCURRENTLY and rewrites go in short
    batches, so the reading room and queries keep working. On SQLite the
    migration holds the write lock until it ends; readers go on.

    Exit status: 0 up to date (or nothing to do), 1 failed or declined.

    \b
    Example:
        newsarchive --db postgresql://archive@db/news migrate --dry-run
        newsarchive --archive-dir archive migrate --yes
    """
    from sqlalchemy.exc import DBAPIError  # here: `newsarchive --help` needs no database layer

    from storage.db import migrate as schema
    from storage.db.engine import check_exists, display, make_engine, resolve_url, unreachable

    where: ArchiveLocation = ctx.find_object(ArchiveLocation)
    url = resolve_url(where.db, where.archive_dir)
    check_exists(url)
    engine = make_engine(url, create=False)
    ctx.call_on_close(engine.dispose)
    try:
        if not schema.current_revisions(engine):
            raise ArchiveMissing(f"no newsarchive tables in {display(url)}: crawl into it first")
        steps = schema.pending_steps(engine)
        if not steps:
            click.echo(f"{display(url)} is up to date (revision {', '.join(sorted(schema.head_revisions()))})")
            return
        _print_plan(display(url), steps, schema.estimate(engine, steps))
    except DBAPIError as error:
        raise unreachable(display(url), error) from None
    if dry_run:
        return
    if not yes:
        click.confirm("migrate now?", abort=True, err=True)
    _run(engine, url, steps)


def _print_plan(where: str, steps: list[Step], estimates: list[Estimate]) -> None:
    click.echo(f"{where}: {len(steps)} {'revision' if len(steps) == 1 else 'revisions'} to apply")
    costs = {found.step.revision: found for found in estimates}
    for step in steps:
        cost = costs.get(step.revision)
        extra = f"  [heavy: {cost.rows:,} rows of {cost.table}, about {_duration(cost.seconds)}]" if cost else ""
        click.echo(f"  {step.line()}{extra}")
    if estimates:
        total = sum(found.seconds for found in estimates)
        click.echo(f"estimate: about {_duration(total)} for the heavy revisions (an order of magnitude, "
                   "from bench/migration_locks.py)")


def _run(engine: Engine, url: URL, steps: list[Step]) -> None:
    from sqlalchemy.exc import DBAPIError

    from storage.db import migrate as schema

    started = time.monotonic()
    done: list[str] = []

    def on_step(revision: str, seconds: float) -> None:
        done.append(revision)
        click.echo(f"  {revision} done in {seconds:.1f}s ({len(done)}/{len(steps)})", err=True)

    try:
        schema.upgrade(engine, url, heavy=True, on_step=on_step)
    except DBAPIError as error:
        reason = str(error.orig or error).strip().splitlines()[0]
        at = done[-1] if done else "where it was"
        raise ArchiveError(f"migration failed after {len(done)} of {len(steps)} revisions ({reason}); "
                           f"the archive is at {at}: fix the cause and run migrate again") from None
    click.echo(f"migrated {len(done)} {'revision' if len(done) == 1 else 'revisions'} in "
               f"{time.monotonic() - started:.1f}s; the archive is at {steps[-1].revision}")


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{max(seconds, 1):.0f}s"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def register(group: click.Group) -> None:
    """Add ``migrate`` to the ``newsarchive`` group."""
    group.add_command(migrate)
