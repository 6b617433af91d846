"""The ``newsarchive`` command: query the archive's versions, search and export them.

Global ``--db URL`` / ``--archive-dir DIR`` (env ``NEWSARCHIVE_DB_URL`` /
``NEWSARCHIVE_ARCHIVE_DIR``) choose the archive. Read commands never create
one: a missing archive is reported. Every listing takes ``--json`` (one JSON
object per line); errors are one line on stderr and a non-zero exit.
"""

from __future__ import annotations

import logging
import sys
from datetime import datetime
from typing import Any

import click

from storage.changes import short, state_words
from storage.cli_common import (
    ArchiveGroup,
    ArchiveLocation,
    TimeType,
    json_option,
    open_archive,
)
from storage.cli_extract import register as register_extract
from storage.cli_ops import register as register_ops
from storage.cli_serve import register as register_serve
from storage.cli_stories import register as register_stories
from storage.cli_versions import register as register_versions
from storage.cli_versions import size
from storage.cli_warc import register as register_warc
from storage.clifmt import echo_fields, echo_json, echo_rows, safe
from storage.copy import register as register_copy
from storage.export import FORMATS, write_csv, write_jsonl, write_parquet
from storage.removals import REMOVAL_STATES
from storage.times import iso
from storage.views import VersionView
from storage.warcraw import read_payload

logger = logging.getLogger(__name__)


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


@main.command()
@json_option
@click.pass_context
def outlets(ctx: click.Context, as_json: bool) -> None:
    """List the archived outlets with their page and version counts.

    \b
    Example:
        newsarchive outlets --json
    """
    rows = open_archive(ctx).outlets()
    echo_rows(
        as_json,
        rows,
        [
            ("OUTLET", lambda o: o.name),
            ("PAGES", lambda o: o.pages),
            ("VERSIONS", lambda o: o.versions),
            ("LAST CAPTURE", lambda o: iso(o.last_capture)),
            ("DOMAINS", lambda o: o.domains),
        ],
    )


@main.command()
@click.argument("url")
@json_option
@click.pass_context
def versions(ctx: click.Context, url: str, as_json: bool) -> None:
    """List every version of the article at URL with what it changed.

    SIZE is reader-visible characters added/removed; STATE is ok, or removed,
    paywalled or redirected when a re-check found the article gone.

    \b
    Example:
        newsarchive versions https://www.politico.eu/article/some-story/
    """
    rows = open_archive(ctx).versions(url)
    echo_rows(
        as_json,
        rows,
        [
            ("V", lambda v: v.version),
            ("FIRST SEEN", lambda v: iso(v.first_seen)),
            ("LAST SEEN", lambda v: iso(v.last_seen)),
            ("STATE", lambda v: v.state),
            ("SIZE", lambda v: size(v.chars_added, v.chars_removed)),
            ("CHANGED", lambda v: short(v.change_summary, v.state, v.version)),
            ("TITLE", lambda v: v.title),
        ],
    )


@main.command()
@click.argument("url")
@click.option("--at", type=TimeType(), help="The version current at this time (ISO 8601 or a date).")
@click.option("--version", "number", type=click.IntRange(min=1), help="Version number (1 is the first).")
@click.option("--raw", is_flag=True, help="Print the archived HTTP payload from the WARC instead.")
@json_option
@click.pass_context
def show(ctx: click.Context, url: str, at: datetime | None, number: int | None, raw: bool, as_json: bool) -> None:
    """Show one version of the article at URL: the latest, or by --at / --version.

    \b
    Example:
        newsarchive show https://www.politico.eu/article/some-story/ --at 2024-05-01T12:00:00Z
    """
    archive = open_archive(ctx)
    view = archive.version(url, at=at, number=number)
    if raw:
        _echo_raw(read_payload(archive.warc_path(view.warc_file), view.warc_offset))
    elif as_json:
        echo_json(view.to_json())
    else:
        _echo_version(view, len(archive.versions(url)))


@main.command()
@click.argument("url")
@json_option
@click.pass_context
def captures(ctx: click.Context, url: str, as_json: bool) -> None:
    """List every fetch of the page at URL with its WARC record.

    \b
    Example:
        newsarchive captures https://www.politico.eu/article/some-story/
    """
    rows = open_archive(ctx).captures(url)
    echo_rows(
        as_json,
        rows,
        [
            ("FETCHED AT", lambda c: iso(c.fetched_at)),
            ("STATUS", lambda c: c.status),
            ("TYPE", lambda c: c.record_type),
            ("OFFSET", lambda c: c.warc_offset),
            ("WARC", lambda c: c.warc_file),
        ],
    )


@main.command()
@click.argument("query")
@click.option("--outlet", help="Only this outlet.")
@click.option("--since", type=TimeType(), help="Versions first seen at or after this time.")
@click.option("--until", type=TimeType(end_of_day=True), help="Versions first seen up to this time (a date: that whole day).")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--as-of", type=TimeType(), help="Search the archive as it stood then: one current version per page.")
@json_option
@click.pass_context
def search(
    ctx: click.Context,
    query: str,
    outlet: str | None,
    since: datetime | None,
    until: datetime | None,
    limit: int,
    as_of: datetime | None,
    as_json: bool,
) -> None:
    """Full-text search of article versions, best match first.

    Words must all match; use "quotes" for a phrase, OR between alternatives and
    -word to exclude.

    \b
    Example:
        newsarchive search '"climate summit" paris -football' --since 2024-01-01
    """
    hits = open_archive(ctx).search(query, outlet=outlet, since=since, until=until, limit=limit, as_of=as_of)
    if as_json:
        for hit in hits:
            echo_json(hit.to_json())
        return
    for number, hit in enumerate(hits, 1):
        click.echo(f"{number:>2}. {safe(hit.title) or '(no title)'}  [{hit.outlet}, v{hit.version}, {iso(hit.first_seen)}]")
        click.echo(f"    {safe(hit.url)}")
        click.echo(f"    {' '.join(safe(hit.snippet).split())}")
    if not hits:
        click.echo("no matches", err=True)


@main.command()
@json_option
@click.pass_context
def stats(ctx: click.Context, as_json: bool) -> None:
    """Count the archive's outlets, pages, captures and versions.

    \b
    Example:
        newsarchive --db postgresql://archive@db/news stats
    """
    view = open_archive(ctx).stats()
    if as_json:
        echo_json(view.to_json())
        return
    echo_fields([(key.replace("_", " "), value) for key, value in view.to_json().items() if key != "extra"])


@main.command()
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="jsonl", show_default=True)
@click.option("--outlet", help="Only this outlet.")
@click.option("--since", type=TimeType(), help="Versions first seen at or after this time.")
@click.option("--until", type=TimeType(end_of_day=True), help="Versions first seen up to this time.")
@click.option("--url", help="Only the versions of this page.")
@click.option("--latest", is_flag=True, help="Only each page's latest version.")
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
    output: str | None,
) -> None:
    """Export article versions as JSON lines, CSV or Parquet, streaming.

    \b
    Example:
        newsarchive export --format parquet --outlet politico-eu --since 2024-01-01 -o politico.parquet
    """
    if fmt == "parquet" and output is None and sys.stdout.isatty():
        raise click.ClickException("Parquet is binary: pass -o FILE or redirect stdout")
    rows = open_archive(ctx).export(outlet=outlet, since=since, until=until, url=url, latest_only=latest)
    count = _write_export(fmt, rows, output)
    if output is not None:
        click.echo(f"exported {count} versions to {output}", err=True)


def _write_export(fmt: str, rows: Any, output: str | None) -> int:
    if fmt == "parquet":
        return write_parquet(rows, output or sys.stdout.buffer)
    writer = write_jsonl if fmt == "jsonl" else write_csv
    if output is None:
        return writer(rows, sys.stdout)
    with open(output, "w", encoding="utf-8", newline="") as out:
        return writer(rows, out)


def _echo_version(view: VersionView, total: int) -> None:
    if view.state in REMOVAL_STATES:
        _echo_state(view, total)
        return
    echo_fields(
        [
            ("URL", view.url),
            ("Outlet", view.outlet),
            ("Version", f"{view.version} of {total}"),
            ("First seen", iso(view.first_seen)),
            ("Last seen", iso(view.last_seen)),
            ("Title", view.title),
            ("Authors", view.authors),
            ("Published", iso(view.published)),
            ("Language", view.language),
            ("WARC", f"{view.warc_file} @ {view.warc_offset}"),
        ]
    )
    click.echo()
    click.echo(safe(view.text))


def _echo_state(view: VersionView, total: int) -> None:
    """A removal has no text: say what happened and which version last had text."""
    summary = view.change_summary or {}
    last = summary.get("last_text_version")
    echo_fields(
        [
            ("URL", view.url),
            ("Outlet", view.outlet),
            ("Version", f"{view.version} of {total}"),
            ("State", state_words(view.state, summary)),
            ("First seen", iso(view.first_seen)),
            ("Last seen", iso(view.last_seen)),
            ("Fetched as", view.fetched_url),
            ("WARC", f"{view.warc_file} @ {view.warc_offset}"),
        ]
    )
    click.echo()
    if last:
        click.echo(f"The article was {view.state} here; its last text is version {last} (newsarchive show URL --version {last}).")
    else:
        click.echo(f"The article was {view.state} here; the archive holds no text of it.")


def _echo_raw(payload: bytes) -> None:
    if sys.stdout.isatty():
        click.echo(safe(payload.decode("utf-8", errors="replace")))
    else:
        sys.stdout.buffer.write(payload)
        sys.stdout.buffer.flush()


for _register in (register_stories, register_warc, register_extract, register_ops, register_versions,
                  register_copy, register_serve):
    _register(main)
