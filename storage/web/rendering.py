"""Templates and formats: every page is one :class:`Result`, shown as HTML or as its JSON twin.

A view builds the data once; ``?format=json`` returns ``Result.json`` and the
HTML is the template over ``Result.context``, which holds the same objects.
Jinja2 autoescapes every ``.html`` and ``.xml`` template: archived titles,
texts and URLs are hostile input and are only ever printed escaped.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from storage.cli.versions import size
from storage.db.times import iso
from storage.versions.changes import short, state_words
from storage.db.words import counted

logger = logging.getLogger(__name__)

TEMPLATES = Path(__file__).resolve().parent / "templates"
SNIPPET_MARK = "**"  # storage.search.sql wraps matches in it


@dataclass(slots=True)
class Result:
    """What a view found: the template and its context for HTML, the same data as JSON."""

    template: str
    title: str
    context: dict[str, Any]
    json: Any
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    media_type: str = "text/html; charset=utf-8"


def environment(base_path: str) -> Environment:
    """The Jinja2 environment of one app: autoescaping on, undefined names are errors."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True, default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(link=lambda path, **params: link(base_path, path, **params), base_path=base_path)
    env.filters.update(when=when, day=day, size=size, state_words=state_words, marked=marked, counted=counted,
                       web_url=web_url, iso=iso, urlpath=urlpath,
                       short_change=short)
    return env


def link(base_path: str, path: str, **params: Any) -> str:
    """An app URL under ``base_path``; parameters that are ``None`` are left out."""
    query = urlencode({k: v for k, v in params.items() if v is not None and v != ""})
    return f"{base_path}{path}" + (f"?{query}" if query else "")


def urlpath(segment: str) -> str:
    """One path segment (an outlet name), percent-encoded."""
    return quote(segment, safe="")


def when(value: datetime | None) -> str:
    """A time as people read it in a table: ``2026-11-20 09:00 UTC``."""
    return "" if value is None else value.strftime("%Y-%m-%d %H:%M UTC")


def day(value: datetime | None) -> str:
    return "" if value is None else value.strftime("%Y-%m-%d")


def marked(snippet: str) -> list[tuple[bool, str]]:
    """A search snippet as (is_match, text) parts: the template escapes each and marks the matches."""
    parts = snippet.split(SNIPPET_MARK)
    return [(index % 2 == 1, part) for index, part in enumerate(parts) if part]


def web_url(url: str | None) -> str | None:
    """``url`` if it is an http(s) URL a link may point at; ``None`` for ``javascript:`` and the like."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None
