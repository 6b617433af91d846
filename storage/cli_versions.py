"""``newsarchive diff`` and ``changes``: what changed in an article, and which articles changed.

``diff`` prints a word-level diff, coloured on a terminal (removed red, added
green) and with ``[-removed-]`` / ``{+added+}`` markers otherwise (or with
``--no-color``); ``--json`` gives the structured diff. ``changes`` lists the
articles that got new versions since a time, biggest change first.
"""

from __future__ import annotations

import logging
import sys
from datetime import datetime

import click

from storage.changes import state_words
from storage.cli_common import TimeType, open_archive, json_option
from storage.clifmt import echo_json, echo_table, safe
from storage.diffing import DELETE, EQUAL, INSERT, Segment
from storage.history import Side, VersionDiff
from storage.times import iso

logger = logging.getLogger(__name__)

PLAIN_MARKERS = {DELETE: ("[-", "-]"), INSERT: ("{+", "+}")}
COLOURS = {DELETE: "red", INSERT: "green"}


def size(added: int | None, removed: int | None) -> str:
    """"+120/−45": characters added and removed (blank when unknown)."""
    if added is None and removed is None:
        return ""
    return f"+{added or 0}/−{removed or 0}"


def render_segments(segments: list[Segment], color: bool) -> str:
    """One line of a diff: changed words coloured, or wrapped in [-…-] / {+…+}."""
    out = []
    for op, text in segments:
        text = safe(text)
        if op == EQUAL:
            out.append(text)
        elif color:
            out.append(click.style(text, fg=COLOURS[op], strikethrough=op == DELETE))
        else:
            opening, closing = PLAIN_MARKERS[op]
            out.append(f"{opening}{text}{closing}")
    return "".join(out)


def render_diff(diff: VersionDiff, color: bool, full: bool = False) -> list[str]:
    """The lines ``newsarchive diff`` prints."""
    lines = [f"{safe(diff.url)}  [{diff.outlet}]",
             f"version {_side(diff.old)} → version {_side(diff.new)}   {size(diff.chars_added, diff.chars_removed)} chars"]
    if diff.title is not None:
        lines.append(f"Title: {render_segments(diff.title, color)}")
    if diff.authors_changed:
        byline = [(DELETE, ", ".join(diff.old.authors))] if diff.old.authors else []
        byline += [(EQUAL, " ")] if diff.old.authors and diff.new.authors else []
        byline += [(INSERT, ", ".join(diff.new.authors))] if diff.new.authors else []
        lines.append(f"Byline: {render_segments(byline, color)}")
    lines.append("")
    skipped = 0
    for paragraph in diff.paragraphs:
        if paragraph.kind == "equal" and not full:
            skipped += 1
            continue
        if skipped:
            lines += [_elided(skipped), ""]
            skipped = 0
        lines += [render_segments(paragraph.segments, color), ""]
    if skipped:
        lines.append(_elided(skipped))
    if not diff.changed and diff.title is None and not diff.authors_changed:
        lines.append("(no difference in title, byline or text)")
    return lines


@click.command("diff")
@click.argument("url")
@click.option("--from", "old", type=click.IntRange(min=1), metavar="N", help="Older version (default: the one before --to).")
@click.option("--to", "new", type=click.IntRange(min=1), metavar="M", help="Newer version (default: the latest).")
@click.option("--color/--no-color", default=None, help="Colour the changes (default: on a terminal only).")
@click.option("--full", is_flag=True, help="Print unchanged paragraphs too.")
@click.option("--json", "as_json", is_flag=True, help="The structured diff as one JSON object.")
@click.pass_context
def diff_command(ctx: click.Context, url: str, old: int | None, new: int | None, color: bool | None,
                 full: bool, as_json: bool) -> None:
    """Show what changed in the article at URL between two versions, word by word.

    \b
    Example:
        newsarchive diff https://www.politico.eu/article/some-story/ --from 1 --to 3 --no-color
    """
    result = open_archive(ctx).diff(url, old, new)
    if as_json:
        echo_json(result.to_json())
        return
    color = sys.stdout.isatty() if color is None else color
    for line in render_diff(result, color, full):
        click.echo(line, color=color)


@click.command("changes")
@click.option("--since", required=True, type=TimeType(), help="Versions first seen at or after this time (ISO 8601 or a date).")
@click.option("--outlet", help="Only this outlet.")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@json_option
@click.pass_context
def changes_command(ctx: click.Context, since: datetime, outlet: str | None, limit: int, as_json: bool) -> None:
    """List the articles that changed since a time (new versions), biggest change first.

    \b
    Example:
        newsarchive changes --since 2024-05-01 --outlet politico-eu --limit 10
    """
    rows = open_archive(ctx).changes(since, outlet=outlet, limit=limit)
    if as_json:
        for row in rows:
            echo_json(row.to_json())
        return
    if not rows:
        click.echo(f"no article changed since {iso(since)}", err=True)
        return
    echo_table(rows, [
        ("CHANGE", lambda r: size(r.chars_added, r.chars_removed)),
        ("NEW/ALL", lambda r: f"{r.new_versions}/{r.versions}"),
        ("LAST CHANGE", lambda r: iso(r.last_change)),
        ("OUTLET", lambda r: r.outlet),
        ("URL", lambda r: r.url),  # whole: it is what `diff` takes; the last column may be cut
        ("WHAT", lambda r: r.latest_change),
    ])


def register(group: click.Group) -> None:
    """Add ``diff`` and ``changes`` to the ``newsarchive`` command group."""
    group.add_command(diff_command)
    group.add_command(changes_command)


def _side(side: Side) -> str:
    text = f"{side.version} ({iso(side.first_seen)})"
    return text if side.state == "ok" else f"{text}, {state_words(side.state, side.change_summary)}"


def _elided(count: int) -> str:
    return f"⋯ {count} unchanged paragraph{'s' if count != 1 else ''} ⋯"
