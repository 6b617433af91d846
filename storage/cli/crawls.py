"""``newsarchive runs`` and ``newsarchive health``: what scheduled crawls did, and which outlets ail.

Registered on the main group by :func:`register` (called at the end of :mod:`storage.cli`).
"""

from __future__ import annotations

import click

from storage.cli.common import json_option, open_archive
from storage.cli.output import echo_json, echo_rows, echo_table
from storage.db.times import iso

RUN_COLUMNS = [
    ("RUN", lambda r: r.id),
    ("STARTED", lambda r: iso(r.started_at)),
    ("ENDED", lambda r: iso(r.finished_at) or "(running or killed)"),
    ("REASON", lambda r: r.finish_reason or "-"),
    ("FETCHED", lambda r: r.counts.get("downloader/response_count", 0)),
    ("NEW", lambda r: r.counts.get("archive/new", 0)),
    ("CHANGED", lambda r: r.counts.get("archive/changed", 0)),
    ("ERRORS", lambda r: ", ".join(f"{k} {v}" for k, v in sorted(r.errors.items())) or "-"),
]


@click.command()
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@json_option
@click.pass_context
def runs(ctx: click.Context, limit: int, as_json: bool) -> None:
    """List recent crawl runs, newest first: when, how they ended, what they archived.

    A run with no end time is still running, or was killed.

    \b
    Example:
        newsarchive runs --limit 5 --json
    """
    rows = open_archive(ctx).runs(limit)
    echo_rows(as_json, rows, RUN_COLUMNS)


@click.command()
@click.option("--runs", "runs_back", type=click.IntRange(min=1), default=3, show_default=True,
              help="How many recent runs to judge from.")
@json_option
@click.pass_context
def health(ctx: click.Context, runs_back: int, as_json: bool) -> None:
    """Report outlets that need attention: failing feeds, empty extractions, robots.txt bans.

    Exits with status 1 when any outlet needs attention, so a monitoring job can alert.

    \b
    Example:
        newsarchive health || mail -s "newsarchive: outlets need attention" ops@example.org
    """
    report = open_archive(ctx).health(runs_back)
    if as_json:
        for entry in report:
            echo_json(entry.to_json())
    else:
        echo_table(report, [("OUTLET", lambda h: h.outlet), ("STATUS", lambda h: h.status), ("RENDER", lambda h: h.render),
                            ("PROBLEMS", lambda h: "; ".join(h.problems) or "-")])
    if any(entry.status != "ok" for entry in report):
        ctx.exit(1)


def register(group: click.Group) -> None:
    group.add_command(runs)
    group.add_command(health)
