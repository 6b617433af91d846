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


@dataclass(frozen=True, slots=True)
class Feed:
    entries: list[FeedEntry]
    damage: str | None = None  # why the document is broken, when entries survived anyway


def parse_feed(body: bytes, base_url: str, max_entries: int | None = None) -> Feed:
    """Entries of an RSS/Atom document, links resolved against ``base_url``.

    A feed with a syntax error still yields the entries before the error
    (feedparser's lenient mode), with the damage described; one that yields no
    entry at all and is broken raises :class:`FeedError`. ``max_entries`` keeps
    the first entries of a huge feed (feeds list the newest first).
    """
    parsed = feedparser.parse(body, response_headers={"content-location": base_url})
    raw_entries = parsed.entries if max_entries is None else parsed.entries[:max_entries]
    entries = [entry for entry in (_entry(raw, base_url) for raw in raw_entries) if entry]
    damage = None
    if parsed.bozo:
        damage = str(parsed.get("bozo_exception", "unreadable")).splitlines()[0][:200] or "unreadable"
        if not entries and not parsed.get("version"):
            raise FeedError(f"not an RSS/Atom feed ({damage})")
        if entries and _harmless(parsed.get("bozo_exception")):
            damage = None
    return Feed(entries, damage)


def _harmless(error: object) -> bool:
    """feedparser flags an encoding declared one way and served another: not damage."""
    return type(error).__name__ in ("CharacterEncodingOverride", "NonXMLContentType")


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
