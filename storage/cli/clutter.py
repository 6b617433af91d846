"""``newsarchive boilerplate`` and ``newsarchive reextract``: the extraction side of the archive.

Added to the ``newsarchive`` group by :func:`register`, called at the end of :mod:`storage.cli`.
"""

from __future__ import annotations

import logging

import click

from storage.cli.common import json_option, open_archive
from storage.cli.watches import deliver_after
from storage.cli.output import echo_fields, echo_json, echo_table

logger = logging.getLogger(__name__)


@click.command()
@click.argument("outlet")
@json_option
@click.pass_context
def boilerplate(ctx: click.Context, outlet: str, as_json: bool) -> None:
    """List the lines OUTLET repeats on its pages, which extraction strips as boilerplate.

    Learned by crawls (each outlet's model is saved in the archive): the line,
    on how many of the outlet's pages it was seen, and what share of them.

    \b
    Example:
        newsarchive boilerplate politico-eu --json
    """
    archive = open_archive(ctx)
    from storage.outlets.clutter_models import learned_lines

    pages, lines = archive.read(lambda session: learned_lines(session, outlet))
    if as_json:
        for line in lines:
            echo_json({"outlet": outlet, **line.to_json(), "model_pages": pages})
        return
    if not lines:
        click.echo(f"{outlet}: nothing stripped yet ({pages} pages learned)", err=True)
        return
    click.echo(f"{outlet}: {len(lines)} lines stripped, learned from {pages} pages", err=True)
    echo_table(lines, [("PAGES", lambda r: r.pages_seen), ("SHARE", lambda r: f"{r.share:.0%}"), ("LINE", lambda r: r.line)])


@click.command()
@click.option("--outlet", help="Only this outlet's versions.")
@json_option
@click.pass_context
def reextract(ctx: click.Context, outlet: str | None, as_json: bool) -> None:
    """Extract archived versions again from their WARC records with the current extractor.

    A version whose text comes out the same is left alone; one whose text
    differs is updated and noted as changed by the extractor, and a version
    that then equals the one before it is marked an extractor change, never an
    article change.

    \b
    Example:
        newsarchive reextract --outlet politico-eu
    """
    from storage.ingest.reextract import reextract as run_reextract

    archive = open_archive(ctx, writes=True)
    summary = run_reextract(archive, outlet)
    deliver_after(archive)  # watches: whatever the outbox holds that is due
    for error in summary.errors[:20]:
        click.echo(f"skipped: {error}", err=True)
    if as_json:
        echo_json(summary.to_json())
        return
    echo_fields([(key.replace("_", " "), value) for key, value in summary.to_json().items()])
    if summary.unreadable:
        raise click.ClickException(f"{summary.unreadable} WARC records could not be read (see above)")


def register(group: click.Group) -> None:
    """Add ``boilerplate`` and ``reextract`` to the ``newsarchive`` command group."""
    group.add_command(boilerplate)
    group.add_command(reextract)
