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
from typing import TYPE_CHECKING

import click

from storage.cli.common import TimeType, json_option, open_archive
from storage.cli.output import echo_fields, echo_json, echo_rows, echo_table, safe
from storage.db.times import iso
from storage.versions.diffing import DELETE, EQUAL, INSERT, Segment

if TYPE_CHECKING:
    from storage.versions.history import Side, VersionDiff
    from storage.versions.results import VersionView

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
@click.option("--since", type=TimeType(), default="24h", show_default=True,
              help="Versions first seen at or after this time (2024-05-01, 2h, 3d, today…).")
@click.option("--outlet", help="Only this outlet.")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--undeclared", is_flag=True,
              help="Only stealth edits: changes with no new modified date, no note and no new \"updated\" stamp.")
@json_option
@click.pass_context
def changes_command(ctx: click.Context, since: datetime, outlet: str | None, limit: int, undeclared: bool,
                    as_json: bool) -> None:
    """List the articles that changed in the last 24 hours (or --since), biggest change first.

    \b
    Example:
        newsarchive changes --since 3d --outlet politico-eu --limit 10
        newsarchive changes --since 7d --undeclared
    """
    rows = open_archive(ctx).changes(since, outlet=outlet, limit=limit, undeclared=undeclared)
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


@click.command()
@click.argument("url")
@json_option
@click.pass_context
def versions(ctx: click.Context, url: str, as_json: bool) -> None:
    """List every version of the article at URL with what it changed.

    SIZE is reader-visible characters added/removed; STATE is ok, or removed,
    paywalled or redirected when a re-check found the article gone, or moved
    when it found it at a new address of its outlet, where its history goes on
    (printed under the table; ``moved_to`` and ``moved_from`` in --json); EDIT
    says whether the outlet declared the change (a new modified date, a note, a
    new "updated" stamp) or made it in silence (stealth).

    \b
    Example:
        newsarchive versions https://www.politico.eu/article/some-story/
    """
    from storage.versions import changes, declared

    rows = open_archive(ctx).versions(url)
    echo_rows(
        as_json,
        rows,
        [
            ("V", lambda v: v.version),
            ("FIRST SEEN", lambda v: iso(v.first_seen)),
            ("LAST SEEN", lambda v: iso(v.last_seen)),
            ("STATE", lambda v: v.state),
            ("SIZE", lambda v: size(v.chars_added, v.chars_removed)),
            ("CHANGED", lambda v: changes.short(v.change_summary, v.state, v.version)),
            ("EDIT", lambda v: declared.edit_word(v.change_summary)),
            ("TITLE", lambda v: v.title),
        ],
    )
    if rows and not as_json:
        _echo_moves(rows[-1])


def _echo_moves(view: VersionView) -> None:
    """Where the article came from and went to, in full (a table may cut URLs)."""
    for url in view.moved_from:
        click.echo(f"moved from {url}")
    if view.moved_to:
        click.echo(f"moved to {view.moved_to}")

@click.command()
@click.argument("url")
@click.option("--at", type=TimeType(), help="The version current at this time (2024-05-01T12:00Z, 2h, yesterday…).")
@click.option("--version", "number", type=click.IntRange(min=1), help="Version number (1 is the first).")
@click.option("--raw", is_flag=True, help="Print the archived HTTP payload from the WARC instead.")
@json_option
@click.pass_context
def show(ctx: click.Context, url: str, at: datetime | None, number: int | None, raw: bool, as_json: bool) -> None:
    """Show one version of the article at URL: the latest, or by --at / --version.

    \b
    Example:
        newsarchive show https://www.politico.eu/article/some-story/ --at 2024-05-01T12:00:00Z
    """
    archive = open_archive(ctx)
    view = archive.version(url, at=at, number=number)
    if raw:
        from storage.warc.payload import read_payload

        _echo_raw(read_payload(archive.warc_path(view.warc_file), view.warc_offset))
    elif as_json:
        echo_json(view.to_json())
    else:
        _echo_version(view, len(archive.versions(url)))

@click.command()
@click.argument("url")
@json_option
@click.pass_context
def captures(ctx: click.Context, url: str, as_json: bool) -> None:
    """List every fetch of the page at URL with its WARC record.

    \b
    Example:
        newsarchive captures https://www.politico.eu/article/some-story/
    """
    rows = open_archive(ctx).captures(url)
    echo_rows(
        as_json,
        rows,
        [
            ("FETCHED AT", lambda c: iso(c.fetched_at)),
            ("STATUS", lambda c: c.status),
            ("TYPE", lambda c: c.record_type),
            ("OFFSET", lambda c: c.warc_offset),
            ("WARC", lambda c: c.warc_file),
        ],
    )

def _echo_version(view: VersionView, total: int) -> None:
    from storage.versions.removals import REMOVAL_STATES

    if view.state in REMOVAL_STATES:
        _echo_state(view, total)
        return
    echo_fields(
        [
            ("URL", view.url),
            ("Outlet", view.outlet),
            ("Version", f"{view.version} of {total}"),
            ("First seen", iso(view.first_seen)),
            ("Last seen", iso(view.last_seen)),
            ("Title", view.title),
            ("Authors", view.authors),
            ("Published", iso(view.published)),
            ("Language", view.language),
            ("WARC", f"{view.warc_file} @ {view.warc_offset}"),
            *[("Moved from", url) for url in view.moved_from],
            *([("Moved to", view.moved_to)] if view.moved_to else []),
        ]
    )
    click.echo()
    click.echo(safe(view.text))

def _echo_state(view: VersionView, total: int) -> None:
    """A removal has no text: say what happened and which version last had text."""
    from storage.versions import changes

    summary = view.change_summary or {}
    last = summary.get("last_text_version")
    echo_fields(
        [
            ("URL", view.url),
            ("Outlet", view.outlet),
            ("Version", f"{view.version} of {total}"),
            ("State", changes.state_words(view.state, summary)),
            ("First seen", iso(view.first_seen)),
            ("Last seen", iso(view.last_seen)),
            ("Fetched as", view.fetched_url),
            ("WARC", f"{view.warc_file} @ {view.warc_offset}"),
        ]
    )
    click.echo()
    said = changes.state_sentence(view.state, summary)
    if last:
        click.echo(f"{said} Its last text is version {last} (newsarchive show URL --version {last}).")
    else:
        click.echo(f"{said} The archive holds no text of it here.")

def _echo_raw(payload: bytes) -> None:
    if sys.stdout.isatty():
        click.echo(safe(payload.decode("utf-8", errors="replace")))
    else:
        sys.stdout.buffer.write(payload)
        sys.stdout.buffer.flush()


def register(group: click.Group) -> None:
    """Add ``versions``, ``show``, ``captures``, ``diff`` and ``changes`` to the ``newsarchive`` group."""
    for command in (versions, show, captures, diff_command, changes_command):
        group.add_command(command)


def _side(side: Side) -> str:
    from storage.versions import changes

    text = f"{side.version} ({iso(side.first_seen)})"
    return text if side.state == "ok" else f"{text}, {changes.state_words(side.state, side.change_summary)}"


def _elided(count: int) -> str:
    return f"⋯ {count} unchanged paragraph{'s' if count != 1 else ''} ⋯"
