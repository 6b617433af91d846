"""``newsarchive search``: full-text search over every archived version."""

from __future__ import annotations

import logging
from datetime import datetime

import click

from storage.cli.common import TimeType, json_option, open_archive
from storage.cli.output import echo_json, safe
from storage.db.times import iso

logger = logging.getLogger(__name__)


@click.command()
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



def register(group: click.Group) -> None:
    """Add ``search`` to the ``newsarchive`` group."""
    group.add_command(search)
