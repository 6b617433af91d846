"""``newsarchive runs`` and ``newsarchive health``: what scheduled crawls did, and which outlets ail.

Registered on the main group by :func:`register` (called at the end of :mod:`storage.cli`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from storage.cli.common import json_option, open_archive
from storage.cli.output import echo_json, echo_rows, echo_table
from storage.db.times import iso
from storage.db.words import counted

if TYPE_CHECKING:
    from storage.outlets.runs import RunView

RUN_COLUMNS = [
    ("RUN", lambda r: r.id if not r.processes else f"{r.id} ({counted(len(r.processes), 'process', 'processes')})"),
    ("STARTED", lambda r: iso(r.started_at)),
    ("ENDED", lambda r: iso(r.finished_at) or "(running or killed)"),
    ("REASON", lambda r: r.finish_reason or "-"),
    ("EXIT", lambda r: "-" if r.exit_status is None else r.exit_status),
    ("FETCHED", lambda r: r.counts.get("downloader/response_count", 0)),
    ("NEW", lambda r: r.counts.get("archive/new", 0)),
    ("CHANGED", lambda r: r.counts.get("archive/changed", 0)),
    ("ERRORS", lambda r: ", ".join(f"{k} {v}" for k, v in sorted(r.errors.items())) or "-"),
]


@click.command()
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="How many crawls.")
@json_option
@click.pass_context
def runs(ctx: click.Context, limit: int, as_json: bool) -> None:
    """List recent crawls, newest first: when, how they ended, what they archived.

    A run with no end time is still running, or was killed. EXIT is the status
    scrapy crawl returned: 0 ok, 1 failed, 3 the archive could not be written,
    4 no outlet could be reached, 130 stopped by Ctrl-C. The processes of one
    distributed crawl (one Redis frontier) are one crawl, their figures added
    up, each process on a line of its own under it ("processes" in --json).

    \b
    Example:
        newsarchive runs --limit 5 --json
    """
    crawls = open_archive(ctx).runs(limit)
    if as_json:
        echo_rows(True, crawls, RUN_COLUMNS)
        return
    rows = [row for crawl in crawls for row in [crawl, *(_Process(p) for p in crawl.processes)]]
    echo_table(rows, RUN_COLUMNS)


class _Process:
    """A distributed crawl's process, shown indented under its crawl."""

    def __init__(self, run: RunView) -> None:
        self._run = run
        self.id, self.crawl_id, self.processes = f"└ {run.id} ({run.host}:{run.pid})", None, []

    def __getattr__(self, name: str) -> object:
        return getattr(self._run, name)


@click.command()
@click.option("--runs", "runs_back", type=click.IntRange(min=1), default=3, show_default=True,
              help="How many recent runs to judge from.")
@json_option
@click.pass_context
def health(ctx: click.Context, runs_back: int, as_json: bool) -> None:
    """Report outlets that need attention: failing feeds, empty extractions, robots.txt bans.

    NOT ARTICLE counts the pages the last crawl fetched and judged no article
    (a page a feed or sitemap lists later is fetched and judged again).

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
                            ("NOT ARTICLE", lambda h: "-" if h.not_article is None else h.not_article),
                            ("PROBLEMS", lambda h: "; ".join(h.problems) or "-")])
    if any(entry.status != "ok" for entry in report):
        ctx.exit(1)


def register(group: click.Group) -> None:
    group.add_command(runs)
    group.add_command(health)
