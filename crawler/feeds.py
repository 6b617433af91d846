"""Article links from RSS and Atom feeds (parsed by feedparser)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urljoin

import feedparser


class FeedError(ValueError):
    """A feed that yields nothing usable; the message names what is wrong."""


@dataclass(frozen=True, slots=True)
class FeedEntry:
    url: str
    title: str | None = None
    published: datetime | None = None


def parse_feed(body: bytes, base_url: str) -> list[FeedEntry]:
    """Entries of an RSS/Atom document, links resolved against ``base_url``.

    A feed with a syntax error still yields the entries before the error
    (feedparser's lenient mode); one that yields no entry at all and is broken
    raises :class:`FeedError`.
    """
    parsed = feedparser.parse(body, response_headers={"content-location": base_url})
    entries = [entry for entry in (_entry(raw, base_url) for raw in parsed.entries) if entry]
    if not entries and parsed.bozo and not parsed.get("version"):
        reason = str(parsed.get("bozo_exception", "unreadable")).splitlines()[0][:200]
        raise FeedError(f"not an RSS/Atom feed ({reason})")
    return entries


def _entry(raw: feedparser.FeedParserDict, base_url: str) -> FeedEntry | None:
    link = raw.get("link") or next((l.get("href") for l in raw.get("links", []) if l.get("href")), None)
    if not link:
        guid = raw.get("id", "")
        link = guid if guid.startswith(("http://", "https://")) else None
    if not link:
        return None
    stamp = raw.get("published_parsed") or raw.get("updated_parsed")
    published = datetime.fromtimestamp(calendar.timegm(stamp), UTC) if stamp else None
    return FeedEntry(url=urljoin(base_url, link.strip()), title=raw.get("title"), published=published)
