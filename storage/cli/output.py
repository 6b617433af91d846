"""Printing for the CLI: safe text, readable tables, JSON lines.

Archived text comes from the open web: anything printed to a terminal goes
through :func:`safe` first, so a page cannot move the cursor, retitle the
window or hide text with escape sequences.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import click

_CONTROL = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor movement
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC: window titles, hyperlinks
    r"|\x1b[@-Z\\-_]?"  # other escapes, or a lone ESC
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"  # C0/C1 controls, bidi overrides
)


def safe(text: str | None) -> str:
    """``text`` without terminal control sequences (newlines and tabs stay)."""
    return _CONTROL.sub("", text or "")


def highlighted(snippet: str, mark: str = "**") -> str:
    """A search snippet with its ``**matches**`` in bold (click drops the styling when not on a terminal)."""
    parts = snippet.split(mark)
    if len(parts) < 3:
        return snippet.replace(mark, "")
    return "".join(click.style(part, bold=True) if n % 2 else part for n, part in enumerate(parts))


def one_line(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        value = ", ".join(map(str, value))
    return " ".join(safe(str(value)).split())


def echo_json(obj: dict[str, Any]) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False, default=str))


Column = tuple[str, Callable[[Any], Any]]


def echo_table(rows: Iterable[Any], columns: Sequence[Column], *, width: int | None = None) -> None:
    """Print ``rows`` as an aligned table.

    On a terminal (or with ``width``) the last column is cut to fit, unless it
    holds a URL, which is never cut; output going to a file or a pipe is never
    cut, since whatever reads it would lose data.
    """
    cells = [[one_line(get(row)) for _, get in columns] for row in rows]
    headers = [name for name, _ in columns]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    cut = width is not None or sys.stdout.isatty()
    total = width or shutil.get_terminal_size((120, 24)).columns
    room = max(20, total - sum(widths[:-1]) - 2 * (len(widths) - 1))
    for line in [headers, *cells]:
        last = line[-1]
        if cut and len(last) > room and not _is_url(last):
            last = last[: room - 1] + "…"
        parts = [cell.ljust(w) for cell, w in zip(line[:-1], widths)] + [last]
        click.echo("  ".join(parts).rstrip())


def echo_rows(as_json: bool, rows: Iterable[Any], columns: Sequence[Column], **table: Any) -> None:
    """What every listing prints: one JSON object per row with ``--json``, else a table."""
    if as_json:
        for row in rows:
            echo_json(row.to_json())
    else:
        echo_table(rows, columns, **table)


def echo_fields(pairs: Sequence[tuple[str, Any]]) -> None:
    """Print ``label  value`` lines, labels aligned."""
    pad = max(len(label) for label, _ in pairs)
    for label, value in pairs:
        click.echo(f"{label.ljust(pad)}  {one_line(value)}")


def _is_url(cell: str) -> bool:
    return cell.startswith(("http://", "https://")) and " " not in cell
