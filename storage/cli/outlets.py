"""``newsarchive outlets`` and ``newsarchive stats``: what the archive holds."""

from __future__ import annotations

import logging

import click

from storage.cli.common import json_option, open_archive
from storage.cli.output import echo_fields, echo_json, echo_rows
from storage.db.times import iso

logger = logging.getLogger(__name__)


@click.command()
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
            ("RENDER", lambda o: o.render),
            ("DOMAINS", lambda o: o.domains),
        ],
    )

@click.command()
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



def register(group: click.Group) -> None:
    """Add ``outlets``, ``stats`` to the ``newsarchive`` group."""
    group.add_command(outlets)
    group.add_command(stats)
