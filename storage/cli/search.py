"""``newsarchive search``: full-text search over every archived version."""

from __future__ import annotations

from datetime import datetime

import click

from storage.cli.common import LanguageType, QueryCommand, TimeType, check_window, json_option, open_archive
from storage.cli.output import echo_json, highlighted, safe
from storage.db.times import iso


@click.command(cls=QueryCommand, context_settings={"ignore_unknown_options": True})
@click.argument("query", nargs=-1, required=True)
@click.option("--outlet", help="Only this outlet.")
@click.option("--since", type=TimeType(), help="Versions first seen at or after this time (2024-05-01, 2h, 3d, today…).")
@click.option("--until", type=TimeType(end_of_day=True), help="Versions first seen up to this time (a date: that whole day).")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--as-of", type=TimeType(), help="Search the archive as it stood then: one current version per page.")
@click.option("--all-versions", is_flag=True, help="Every matching version, not only each page's latest.")
@click.option("--language", type=LanguageType(),
              help="Only versions in this language (ISO 639-1 as detected: en, de…; or its name: English).")
@json_option
@click.pass_context
def search(
    ctx: click.Context,
    query: tuple[str, ...],
    outlet: str | None,
    since: datetime | None,
    until: datetime | None,
    limit: int,
    as_of: datetime | None,
    all_versions: bool,
    language: str | None,
    as_json: bool,
) -> None:
    """Full-text search of article versions, best match first, each page once.

    Words must all match; "quotes" make a phrase, OR separates alternatives,
    -word or NOT word excludes, and parentheses group: (council OR nato) ward.
    A page is listed once, as its latest version that matches (--all-versions
    lists each). Matches are in bold on a terminal and between ** in --json.

    \b
    Example:
        newsarchive search '"climate summit"' '(paris OR berlin)' -football --since 7d
    """
    check_window(since, until)
    hits = open_archive(ctx).search(" ".join(query), outlet=outlet, since=since, until=until, limit=limit,
                                    as_of=as_of, all_versions=all_versions, language=language)
    if as_json:
        for hit in hits:
            echo_json(hit.to_json())
        return
    for number, hit in enumerate(hits, 1):
        click.echo(f"{number:>2}. {safe(hit.title) or '(no title)'}  [{hit.outlet}, v{hit.version}, {iso(hit.first_seen)}]")
        click.echo(f"    {safe(hit.url)}")
        click.echo(f"    {highlighted(' '.join(safe(hit.snippet).split()))}")
    if not hits:
        click.echo("no matches", err=True)


def register(group: click.Group) -> None:
    """Add ``search`` to the ``newsarchive`` group."""
    group.add_command(search)
