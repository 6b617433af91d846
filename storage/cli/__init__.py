"""The ``newsarchive`` command: a thin layer of click commands over :class:`storage.Archive`.

One module per family of commands, each with a ``register(group)``:
:mod:`~storage.cli.outlets` (outlets, stats), :mod:`~storage.cli.versions`
(versions, show, captures, diff, changes), :mod:`~storage.cli.search`,
:mod:`~storage.cli.stories` (copies, stories), :mod:`~storage.cli.export`
(export, wacz, copy), :mod:`~storage.cli.warcs` (ingest, reindex, warcs repair, warcs fix-replay),
:mod:`~storage.cli.clutter` (boilerplate, reextract), :mod:`~storage.cli.crawls`
(runs, health), :mod:`~storage.cli.migrate` (migrate), :mod:`~storage.cli.serve` (the reading room), :mod:`~storage.cli.datasette`
(the archive in Datasette), :mod:`~storage.cli.watches` (watch add/list/remove/test, alerts),
:mod:`~storage.cli.frontpages` (frontpage, prominence, headlines).
Nothing outside this package imports click.

Global ``--db URL`` / ``--archive-dir DIR`` (env ``NEWSARCHIVE_DB_URL`` /
``NEWSARCHIVE_ARCHIVE_DIR``) choose the archive. Read commands never create
one: a missing archive is reported. Every listing takes ``--json`` (one JSON
object per line); errors are one line on stderr and a non-zero exit.
"""

from __future__ import annotations

import click

from storage.cli import (
    clutter,
    crawls,
    datasette,
    export,
    frontpages,
    migrate,
    outlets,
    search,
    serve,
    stories,
    versions,
    warcs,
    watches,
)
from storage.cli.common import ArchiveGroup, ArchiveLocation


@click.group(cls=ArchiveGroup)
@click.option("--db", envvar="NEWSARCHIVE_DB_URL", metavar="URL", help="Database URL (default: SQLite in the archive dir).")
@click.option(
    "--archive-dir",
    envvar="NEWSARCHIVE_ARCHIVE_DIR",
    default="archive",
    show_default=True,
    metavar="DIR",
    help="Archive directory (holds warcs/ and the default database).",
)
@click.pass_context
def main(ctx: click.Context, db: str | None, archive_dir: str) -> None:
    """Query a newsarchive: outlets, article versions, full-text search, exports.

    \b
    Example:
        newsarchive --archive-dir archive search '"climate summit"'
    """
    ctx.obj = ArchiveLocation(db, archive_dir)


for _commands in (outlets, versions, search, stories, export, warcs, clutter, crawls, serve, datasette, watches,
                  frontpages, migrate):
    _commands.register(main)
