"""``newsarchive frontpage``, ``prominence`` and ``headlines``: front pages over time.

``frontpage`` shows an outlet's front page as a capture showed it (the latest,
or the last at or before ``--at``); ``prominence`` an article's life on its
outlet's front pages; ``headlines`` every wording it carried, with the likely
A/B tests flagged. The records are made by each crawl (and rebuilt by
``reindex``): see :mod:`storage.outlets.frontpages`.
"""

from __future__ import annotations

from datetime import datetime

import click

from storage.cli.common import TimeType, json_option, open_archive
from storage.cli.output import echo_json, echo_rows, echo_table, safe
from storage.db.times import iso
from storage.db.words import counted


@click.command("frontpage")
@click.argument("outlet")
@click.option("--page", "page_url", metavar="URL", help="Which of the outlet's front pages (default: its home page).")
@click.option("--at", type=TimeType(), help="As it was at this time (2024-05-01T12:00Z, 2h, yesterday…; default now).")
@json_option
@click.pass_context
def frontpage(ctx: click.Context, outlet: str, page_url: str | None, at: datetime | None, as_json: bool) -> None:
    """Show OUTLET's front page as it was: its articles, ranked, with headlines.

    Each article comes with the headline and the section the front page gave
    it; LEAD marks the lead story (the first set in an h1/h2, else the first).
    The front page is the outlet's home page unless --page names another of
    its start pages (a section front); --at takes what show --at takes. With
    --json, one object per article, each naming the capture it is from.

    \b
    Example:
        newsarchive frontpage politico-eu --at 2024-05-01T08:00Z
    """
    view = open_archive(ctx).frontpage(outlet, page_url, at)
    if as_json:
        for row in view.rows():
            echo_json(row)
        return
    click.echo(f"{safe(view.page)}  [{view.outlet}]  captured {iso(view.captured_at)} "
               f"(capture {view.capture} of {view.captures})")
    echo_table(view.entries, [*PLACE, ("URL", lambda e: e.url)])


# Where a link stood on a front page: the columns `frontpage` and `prominence` share.
PLACE = [
    ("RANK", lambda e: e.rank),
    ("LEAD", lambda e: "lead" if e.lead else ""),
    ("SECTION", lambda e: e.section),
    ("HEADLINE", lambda e: e.headline),
]


@click.command()
@click.argument("url")
@json_option
@click.pass_context
def prominence(ctx: click.Context, url: str, as_json: bool) -> None:
    """Show where the article at URL stood on front pages, capture by capture.

    For each front page: when it entered, its best and worst rank, when it
    left; then one line per capture with its rank and the headline it had
    there. With --json, one object per front page.

    \b
    Example:
        newsarchive prominence https://www.politico.eu/article/some-story/
    """
    found = open_archive(ctx).prominence(url)
    if as_json:
        for item in found:
            echo_json(item.to_json())
        return
    if not found:
        click.echo(f"{safe(url)} was on no recorded front page", err=True)
        return
    for item in found:
        left = f"left {iso(item.left)}" if item.left else "still there at the last capture"
        click.echo(f"{safe(item.page)}  [{item.outlet}]  entered {iso(item.entered)}, {left}; "
                   f"rank {item.best_rank} at best, {item.worst_rank} at worst, on {counted(item.captures, 'capture')}")
        echo_table(item.sightings, [("CAPTURED", lambda s: iso(s.captured_at)), *PLACE])


@click.command()
@click.argument("url")
@json_option
@click.pass_context
def headlines(ctx: click.Context, url: str, as_json: bool) -> None:
    """List every headline the article at URL carried, on front pages and off.

    STATUS is ab-test (the wording alternated with another between captures
    close together: A → B → A), replaced (a later wording took its place) or
    current, judged on each front page (and among the article's own titles)
    apart. SEEN counts front-page captures, or the article's versions.

    \b
    Example:
        newsarchive headlines https://www.politico.eu/article/some-story/ --json
    """
    rows = open_archive(ctx).headlines(url)
    echo_rows(as_json, rows, [
        ("STATUS", lambda h: h.status),
        ("FIRST SEEN", lambda h: iso(h.first_seen)),
        ("LAST SEEN", lambda h: iso(h.last_seen)),
        ("SEEN", lambda h: h.seen),
        ("HEADLINE", lambda h: h.headline),
        ("WHERE", lambda h: h.page or "the article itself"),
    ])


def register(group: click.Group) -> None:
    """Add ``frontpage``, ``prominence`` and ``headlines`` to the ``newsarchive`` group."""
    for command in (frontpage, prominence, headlines):
        group.add_command(command)
