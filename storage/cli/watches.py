"""``newsarchive watch …`` and ``newsarchive alerts``: standing searches and what they raised.

Registered on the main group by :func:`register` (called at the end of
:mod:`storage.cli`). The database layer and Apprise load inside the commands,
so ``newsarchive --help`` loads neither.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import click

from storage.cli.common import QueryCommand, TimeType, json_option, open_archive
from storage.cli.output import echo_json, echo_rows, one_line
from storage.db.times import iso

EVENT_NAMES = "new,changed,removed,headline,correction,stealth,appears,disappears"

ALERT_COLUMNS = [
    ("FIRST SEEN", lambda a: iso(a.first_seen)),
    ("WATCH", lambda a: a.watch),
    ("EVENT", lambda a: a.event),
    ("OUTLET", lambda a: a.outlet),
    ("VERSION", lambda a: a.version if a.previous_version is None else f"{a.previous_version}→{a.version}"),
    ("DELIVERY", lambda a: _delivery(a.deliveries)),
    ("URL", lambda a: a.url),
]
WATCH_COLUMNS = [
    ("WATCH", lambda w: w.name),
    ("EVENTS", lambda w: ",".join(w.events)),
    ("OUTLETS", lambda w: ",".join(w.outlets) or "all"),
    ("NOTIFY", lambda w: (", ".join(w.notify) or "-") + (" (digest)" if w.digest else "")),
    ("QUERY", lambda w: w.query),
]


@click.group("watch")
def watch_group() -> None:
    """Define standing searches that raise an alert when an archived article changes.

    A watch follows a query (the search syntax) and some events on what every
    crawl, re-check and ingest records from then on, and sends each alert
    through Apprise (email, Mastodon, Slack, Matrix, ntfy, json:// webhooks).

    \b
    Example:
        newsarchive watch add rival '"harbour plan"' --outlet daily-courier --on headline,correction
    """


@watch_group.command("add", cls=QueryCommand, context_settings={"ignore_unknown_options": True})
@click.argument("name")
@click.argument("query", nargs=-1, required=True)
@click.option("--outlet", "outlets", multiple=True, metavar="NAME", help="Only this outlet (repeat for more).")
@click.option("--on", "events", metavar="EVENTS",
              help=f"Comma-separated events: {EVENT_NAMES} [default: new,appears].")
@click.option("--notify", multiple=True, metavar="URL",
              help="An Apprise URL to send each alert to, e.g. json://host/path or mailto://… (repeat for more).")
@click.option("--digest", is_flag=True, help="Send one message per delivery run instead of one per alert.")
@click.pass_context
def watch_add(ctx: click.Context, name: str, query: tuple[str, ...], outlets: tuple[str, ...], events: str | None,
              notify: tuple[str, ...], digest: bool) -> None:
    """Add a watch NAME over QUERY: alerts for what is recorded from now on.

    Events: new (a first version matches), changed (a new version of a
    matching page), removed (a matching page removed, redirected or
    paywalled), headline (its title changed), correction (a correction note
    added), stealth (a change the outlet did not declare: no new modified date,
    note or "updated" stamp), appears (the query matches a new version and did not match the one
    before), disappears (the reverse).

    \b
    Example:
        newsarchive watch add quote '"not be rushed"' --on appears --notify json://127.0.0.1:8080/hook
    """
    from storage.search.watches import parse_events

    added = open_archive(ctx, writes=True).add_watch(name, " ".join(query), list(outlets), parse_events(events), list(notify),
                                        digest)
    click.echo(f"watch {added.name} added: {added.query} (on {','.join(added.events)}; "
               f"{len(added.notify)} notification targets{', as a digest' if digest else ''})")


@watch_group.command("list")
@json_option
@click.pass_context
def watch_list(ctx: click.Context, as_json: bool) -> None:
    """List every watch: its events, outlets, notification targets (secrets masked) and query.

    \b
    Example:
        newsarchive watch list --json
    """
    found = open_archive(ctx).watches()
    echo_rows(as_json, found, WATCH_COLUMNS)
    if not found and not as_json:
        click.echo("no watches: newsarchive watch add NAME QUERY adds one", err=True)


@watch_group.command("remove")
@click.argument("name")
@click.pass_context
def watch_remove(ctx: click.Context, name: str) -> None:
    """Remove the watch NAME, with its alerts and the messages still waiting to be sent.

    \b
    Example:
        newsarchive watch remove rival
    """
    open_archive(ctx, writes=True).remove_watch(name)
    click.echo(f"watch {name} removed")


@watch_group.command("test")
@click.argument("name")
@click.option("--since", type=TimeType(), help="Look at versions first seen since then [default: 1d, the last day].")
@click.option("--limit", type=click.IntRange(min=1), default=100, show_default=True)
@json_option
@click.pass_context
def watch_test(ctx: click.Context, name: str, since: datetime | None, limit: int, as_json: bool) -> None:
    """Show the alerts watch NAME would have raised on the last day's versions; nothing is stored or sent.

    \b
    Example:
        newsarchive watch test rival --since 3d
    """
    found = open_archive(ctx).try_watch(name, since, limit)
    _echo_alerts(found, as_json, excerpts=True)
    if not found and not as_json:
        click.echo(f"watch {name} would have raised no alert since {'then' if since else 'a day ago'}", err=True)


@click.command("alerts")
@click.option("--watch", metavar="NAME", help="Only this watch's alerts.")
@click.option("--since", type=TimeType(), help="Alerts raised at or after this time (2h, 3d, 2024-05-01…).")
@click.option("--undelivered", is_flag=True, help="Only alerts still waiting to be delivered somewhere.")
@click.option("--deliver", is_flag=True, help="First send what is due (what crawls and ingest also do).")
@click.option("--ignore-backoff", is_flag=True, help="With --deliver: retry failed targets now, not when due.")
@click.option("--limit", type=click.IntRange(min=1), default=100, show_default=True)
@json_option
@click.pass_context
def alerts(ctx: click.Context, watch: str | None, since: datetime | None, undelivered: bool, deliver: bool,
           ignore_backoff: bool, limit: int, as_json: bool) -> None:
    """List the alerts watches raised, newest first, with the citation behind each and where it went.

    Each alert names its watch, event, outlet, URL, version numbers, first
    seen, an excerpt of the change and the WARC file, offset and record id.
    --undelivered lists what waits for a target that was down; --deliver sends
    what is due first.

    \b
    Example:
        newsarchive alerts --watch rival --since 1d --json
    """
    archive = open_archive(ctx, writes=deliver)
    if deliver:
        report = archive.deliver_alerts(ignore_backoff=ignore_backoff)
        click.echo(report.line(), err=True)
    found = archive.alerts(watch, since, undelivered, limit)
    _echo_alerts(found, as_json, excerpts=False)
    if not found and not as_json:
        click.echo("no alerts" + (" waiting" if undelivered else ""), err=True)


def _echo_alerts(found: list[Any], as_json: bool, *, excerpts: bool) -> None:
    if as_json:
        for alert in found:
            echo_json(alert.to_json())
        return
    echo_rows(False, found, ALERT_COLUMNS)
    if excerpts:
        for alert in found:
            click.echo(f"  {alert.event} {alert.url} v{alert.version}: {one_line(alert.excerpt)}")


def _delivery(deliveries: list[dict[str, Any]]) -> str:
    if not deliveries:
        return "-"
    waiting = [d for d in deliveries if d["delivered_at"] is None]
    if not waiting:
        return "delivered"
    retry = min(d["next_attempt_at"] for d in waiting)
    tried = max(d["attempts"] for d in waiting)
    return f"waiting {len(waiting)}/{len(deliveries)}" + (f", {tried} tries, next {retry}" if tried else "")


def deliver_after(archive: Any) -> None:
    """Send the alerts a command's writes raised (``ingest``, ``reextract``): one line on stderr if any."""
    report = archive.deliver_alerts()
    if report.sent or report.failed:
        click.echo(report.line(), err=True)


def register(group: click.Group) -> None:
    """Add ``watch`` and ``alerts`` to the ``newsarchive`` group."""
    group.add_command(watch_group)
    group.add_command(alerts)
