"""``newsarchive export``, ``wacz`` and ``copy``: the archive out to files, replay tools and other databases."""

from __future__ import annotations

import logging
import sys
import time
from datetime import datetime

import click

from storage.cli.common import LanguageType, TimeType, check_window, open_archive
from storage.export import COPY_BATCH, FORMATS

logger = logging.getLogger(__name__)


@click.command()
@click.option("--format", "fmt", type=click.Choice(FORMATS, case_sensitive=False), default="jsonl", show_default=True)
@click.option("--outlet", help="Only this outlet.")
@click.option("--since", type=TimeType(), help="Versions first seen at or after this time.")
@click.option("--until", type=TimeType(end_of_day=True), help="Versions first seen up to this time.")
@click.option("--url", help="Only the versions of this page.")
@click.option("--latest", is_flag=True, help="Only each page's latest version.")
@click.option("--language", type=LanguageType(),
              help="Only versions in this language (ISO 639-1 as detected: en, de…; or its name: English).")
@click.option("--frontpages", is_flag=True,
              help="Export front pages instead: one row per article per capture (rank, headline, section, lead); "
                   "--outlet, --since and --until choose the captures.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write to FILE (default: stdout).")
@click.pass_context
def export(
    ctx: click.Context,
    fmt: str,
    outlet: str | None,
    since: datetime | None,
    until: datetime | None,
    url: str | None,
    latest: bool,
    language: str | None,
    frontpages: bool,
    output: str | None,
) -> None:
    """Export versions (or front pages) as JSON lines, CSV or Parquet, streaming.

    With --frontpages each row is one article on one front-page capture:
    outlet, page, captured_at, capture, rank, url, headline, section, lead,
    warc_file, warc_offset (newsarchive export --frontpages --format csv).

    \b
    Example:
        newsarchive export --format parquet --outlet politico-eu --since 2024-01-01 -o politico.parquet
    """
    check_window(since, until)
    if fmt == "parquet" and output is None and sys.stdout.isatty():
        raise click.ClickException("Parquet is binary: pass -o FILE or redirect stdout")
    from storage.export.files import FRONT_PAGES, VERSIONS, write_rows
    from storage.export.output import replacing

    archive = open_archive(ctx)
    if frontpages:
        if url or latest or language:
            raise click.UsageError("--frontpages takes --outlet, --since and --until only")
        rows, layout, what = archive.export_frontpages(outlet, since, until), FRONT_PAGES, "front-page rows"
    else:
        rows = archive.export(outlet=outlet, since=since, until=until, url=url, latest_only=latest, language=language)
        layout, what = VERSIONS, "versions"
    if output is None:
        write_rows(fmt, rows, sys.stdout.buffer if fmt == "parquet" else sys.stdout, layout)
        return
    with replacing(output) as partial:
        count = write_rows(fmt, rows, partial, layout)
    click.echo(f"exported {count} {what} to {output}", err=True)


@click.command("wacz")
@click.option("--outlet", help="Only captures of this outlet.")
@click.option("--since", type=TimeType(), help="Captures fetched at or after this time.")
@click.option("--until", type=TimeType(end_of_day=True), help="Captures fetched up to this time (a date: that whole day).")
@click.option("--frontpages", is_flag=True,
              help="Include the front pages' captures (of --outlet, between --since and --until) beside the articles'.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, writable=True), help="The .wacz file to write.")
@click.pass_context
def wacz_command(ctx: click.Context, outlet: str | None, since: datetime | None, until: datetime | None,
                 frontpages: bool, output: str) -> None:
    """Package the selected captures as a WACZ file for replay (ReplayWeb.page, pywb).

    \b
    Example:
        newsarchive wacz --outlet politico-eu --since 2024-05-01 --frontpages -o politico-may.wacz
    """
    from storage.export.wacz import write_wacz

    check_window(since, until)
    summary = write_wacz(open_archive(ctx), output, outlet=outlet, since=since, until=until, frontpages=frontpages)
    fronts = f" ({summary.frontpages} of front pages)" if frontpages else ""
    click.echo(f"wrote {summary.path}: {summary.captures} captures{fronts}, {summary.records} WARC records, "
               f"{summary.pages} pages, {summary.bytes / 1e6:.1f} MB", err=True)

class _ProgressLine:
    """``copying TABLE rows/total`` redrawn on one stderr line, on a terminal only."""

    def __init__(self) -> None:
        self.shown = 0.0

    def __call__(self, table: str, done: int, total: int) -> None:
        now = time.monotonic()
        if done not in (0, total) and now - self.shown < 0.5:
            return
        self.shown = now
        click.echo(f"\rcopying {table:<22} {done:>10}/{total}", nl=done == total, err=True)

@click.command("copy")
@click.option("--to", "target", required=True, metavar="URL", help="Database to copy into (created and migrated).")
@click.option("--force", is_flag=True, help="Replace the contents of a target that already holds an archive.")
@click.option("--batch", type=click.IntRange(min=1), default=COPY_BATCH, show_default=True, help="Rows per transaction.")
@click.pass_context
def copy_command(ctx: click.Context, target: str, force: bool, batch: int) -> None:
    """Copy the whole archive index into another database, ids and all.

    The usual move: from the SQLite file to PostgreSQL. WARC files stay where
    they are; point the copy's --archive-dir at the same directory.

    \b
    Example:
        newsarchive --archive-dir archive copy --to postgresql://archive@db/news
    """
    from storage.export.to_database import copy_archive

    source = open_archive(ctx)
    summary = copy_archive(source, target, force=force, batch=batch,
                           progress=_ProgressLine() if sys.stderr.isatty() else None)
    counts = ", ".join(f"{name} {rows}" for name, rows in summary.tables.items() if rows)
    click.echo(f"copied {summary.rows} rows to {summary.target} in {summary.seconds:.1f}s ({counts or 'empty archive'})")


def register(group: click.Group) -> None:
    """Add ``export``, ``wacz_command``, ``copy_command`` to the ``newsarchive`` group."""
    group.add_command(export)
    group.add_command(wacz_command)
    group.add_command(copy_command)
