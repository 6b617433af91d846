"""``newsarchive datasette``: the archive's SQLite file in Datasette, read-only, with the project's metadata.

The metadata (:mod:`storage.db.datasette_metadata`) names the full-text table
of ``versions``, the label columns that turn foreign keys into names, and a
description of every table and its main columns. Registered on the main group
by :func:`register`.
"""

from __future__ import annotations

import os
import signal
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from storage.cli.common import ArchiveLocation
from storage.cli.serve import _is_loopback


def _refuse(message: str, exit_code: int = 1) -> click.ClickException:
    failure = click.ClickException(message)
    failure.exit_code = exit_code
    return failure


def _archive_file(where: ArchiveLocation) -> Path:
    """The archive's SQLite file, checked (immutable, as Datasette reads it) to be a current archive; one line if not."""
    # here: `newsarchive --help` needs no database layer
    from storage.db.engine import check_exists, display, resolve_url, sqlite_path
    from storage.db.immutable import check_archive_file

    url = resolve_url(where.db, where.archive_dir)
    path = sqlite_path(url)
    if path is None:
        raise _refuse(f"Datasette reads SQLite files, and {display(url)} is not one: copy the archive into one "
                      "first (newsarchive copy --to sqlite:///archive.sqlite3)", exit_code=2)
    check_exists(url)
    check_archive_file(path)
    return path.resolve()


def _write_metadata(target: Path, database: str) -> None:
    from storage.db.datasette_metadata import write_metadata

    try:
        write_metadata(target, database)
    except OSError as error:
        raise _refuse(f"cannot write {target} ({error.strerror or error}): choose another --metadata-out") from None


def _warn_about_pending_writes(archive_file: Path) -> None:
    # Immutable mode reads the database file alone: a non-empty WAL beside it holds writes it will not see.
    wal = archive_file.with_name(archive_file.name + "-wal")
    if wal.is_file() and wal.stat().st_size > 0:
        click.echo(f"warning: {wal.name} holds writes not yet in {archive_file.name} (a crawl running?); "
                   "Datasette shows the archive without them", err=True)


@contextmanager
def _terminate_as_exit() -> Iterator[None]:
    """SIGTERM ends the command as Ctrl-C does: by unwinding, so the temporary metadata is removed.

    Uvicorn handles SIGTERM while it serves, then raises it again once it has
    stopped; without a handler of ours that second one would kill the process.
    """
    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _run_datasette(archive_file: Path, database: str, host: str, port: int, extra: tuple[str, ...],
                   immutable: bool) -> None:
    from datasette.cli import cli as datasette_cli  # here: only this command needs Datasette
    from datasette.plugins import pm

    from storage.search import datasette_syntax

    if not pm.is_registered(datasette_syntax):  # the search box reads the CLI's syntax
        pm.register(datasette_syntax, name=datasette_syntax.PLUGIN_NAME)
    with _terminate_as_exit(), tempfile.TemporaryDirectory(prefix="newsarchive-datasette-") as scratch:
        metadata = Path(scratch) / "metadata.json"
        _write_metadata(metadata, database)
        opened = ["-i", str(archive_file)] if immutable else [str(archive_file)]  # else mode=ro: the log too
        arguments = ["serve", *opened, "-m", str(metadata), "--host", host, "--port", str(port), *extra]
        datasette_cli.main(arguments, prog_name="datasette", standalone_mode=False)


@click.command("datasette", context_settings={"ignore_unknown_options": True})
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: every interface).")
@click.option("--port", type=click.IntRange(0, 65535), default=8001, show_default=True)
@click.option("--metadata-out", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Write the Datasette metadata JSON to FILE instead of starting Datasette.")
@click.argument("datasette_options", nargs=-1, type=click.UNPROCESSED, metavar="[DATASETTE OPTIONS]...")
@click.pass_context
def datasette(ctx: click.Context, host: str, port: int, metadata_out: Path | None,
              datasette_options: tuple[str, ...]) -> None:
    """Open the archive in Datasette: full-text search on versions, labelled foreign keys, described tables.

    Datasette opens the SQLite file read-only: it never writes to it and never
    blocks a crawl, and it shows what every crawl has committed, while that
    crawl or `newsarchive serve` runs too. (On a read-only disk it opens the
    file immutable: as it is on disk.) Options it does not know are passed
    on to `datasette serve` (for example --setting, --cors, --inspect-file).
    There is no authentication: keep it on loopback or behind a proxy that
    adds it. With --metadata-out, run Datasette yourself:
    datasette archive.sqlite3 -m FILE.

    \b
    Example:
        newsarchive --archive-dir archive datasette --port 8001 --setting sql_time_limit_ms 5000
    """
    from storage.db.datasette_metadata import database_name

    archive_file = _archive_file(ctx.find_object(ArchiveLocation))
    database = database_name(archive_file)
    if metadata_out is not None:
        _write_metadata(metadata_out, database)
        click.echo(f"wrote {metadata_out}: run  datasette {archive_file} -m {metadata_out}", err=True)
        return
    if not _is_loopback(host):
        click.echo(f"warning: serving on {host} to the network; Datasette here has no authentication", err=True)
    # A read-only connection reads the write-ahead log beside the file, and needs its shared-memory
    # index there: on a read-only disk only the file itself can be read (immutable).
    immutable = not os.access(archive_file.parent, os.W_OK)
    if immutable:
        _warn_about_pending_writes(archive_file)
    click.echo(f"Datasette at http://{host}:{port}/{database} (Ctrl-C stops it)", err=True)
    _run_datasette(archive_file, database, host, port, datasette_options, immutable)


def register(group: click.Group) -> None:
    """Add ``datasette`` to the ``newsarchive`` command group."""
    group.add_command(datasette)
