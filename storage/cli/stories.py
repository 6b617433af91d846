"""``newsarchive copies URL`` and ``newsarchive stories``: the same article across outlets.

Registered on the main group by :func:`register` (called at the end of
:mod:`storage.cli`). Tables for people, ``--json`` (one object per line) for scripts.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

import click

from storage.cli.common import TimeType, json_option, open_archive
from storage.cli.output import echo_json, echo_rows, echo_table, one_line
from storage.db.times import iso
from storage.stories import MIN_OUTLETS

if TYPE_CHECKING:
    from storage.stories.results import StoryMemberView, StoryView

logger = logging.getLogger(__name__)

MEMBER_COLUMNS = [
    ("RELATION", lambda m: m.relation),
    ("SIM", lambda m: f"{m.similarity:.2f}"),
    ("OUTLET", lambda m: m.outlet),
    ("FIRST SEEN", lambda m: iso(m.first_seen)),
    ("PUBLISHED", lambda m: iso(m.published)),
    ("V", lambda m: m.version),
    ("URL", lambda m: m.url),
]


@click.command()
@click.argument("url")
@json_option
@click.pass_context
def copies(ctx: click.Context, url: str, as_json: bool) -> None:
    """List the copies of the article at URL on other pages and outlets, origin first.

    Relations to the origin: verbatim, edited, rewrite, or revision (a later
    version of the origin's own page).

    \b
    Example:
        newsarchive copies https://www.example-press.test/2026/11/19/nato-russia-talks/
    """
    story = open_archive(ctx).copies(url)
    if story is None:
        click.echo(f"no copies of {url} in the archive", err=True)
        return
    if as_json:
        for member in story.members:
            echo_json({"story": story.id, **member.to_json()})
        return
    click.echo(_headline(story))
    echo_table(story.members, MEMBER_COLUMNS)


@click.command()
@click.option("--since", type=TimeType(), help="Stories with a copy first seen at or after this time.")
@click.option("--outlet", help="Only stories this outlet carries.")
@click.option("--min-outlets", type=click.IntRange(min=1), default=MIN_OUTLETS, show_default=True,
              help="At least N outlets (1: stories copied within one outlet too).")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--index", "index_first", is_flag=True, help="First fingerprint versions archived before stories existed.")
@json_option
@click.pass_context
def stories(
    ctx: click.Context,
    since: datetime | None,
    outlet: str | None,
    min_outlets: int,
    limit: int,
    index_first: bool,
    as_json: bool,
) -> None:
    """List stories carried by several pages, most outlets first, then most copies.

    \b
    Example:
        newsarchive stories --since 2026-11-01 --min-outlets 3 --limit 10
    """
    archive = open_archive(ctx, writes=index_first)
    if index_first:
        seen, joined = archive.index_stories()
        click.echo(f"indexed {seen} versions, {joined} joined a story", err=True)
    found = archive.stories(since=since, outlet=outlet, min_outlets=min_outlets, limit=limit)
    echo_rows(
        as_json,
        found,
        [
            ("ID", lambda s: s.id),
            ("OUTLETS", lambda s: s.outlets),
            ("COPIES", lambda s: s.size),
            ("FIRST SEEN", lambda s: iso(s.first_seen)),
            ("ORIGIN", lambda s: s.origin.outlet),
            ("TITLE", lambda s: s.origin.title or s.origin.url),
        ],
    )
    if not found:
        click.echo("no stories match", err=True)


def _headline(story: StoryView) -> str:
    origin: StoryMemberView = story.origin
    return f"story {story.id}: {story.size} versions on {story.outlets} outlets — {one_line(origin.title or origin.url)}"


def register(group: click.Group) -> None:
    """Add ``copies`` and ``stories`` to the ``newsarchive`` command group."""
    group.add_command(copies)
    group.add_command(stories)
