"""What several views share: paging, and the public address of permalinks and feeds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from storage.web.rendering import link


@dataclass(frozen=True, slots=True)
class Paging:
    """Page ``number`` of a listing, ``size`` a page; ``more`` when a next page exists."""

    number: int
    size: int
    more: bool

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    def to_json(self) -> dict[str, Any]:
        return {"page": self.number, "per_page": self.size, "more": self.more}


def paging(number: int, size: int, fetched: int) -> Paging:
    """Paging after fetching ``size + 1`` rows: the extra row only says there is more."""
    return Paging(number, size, fetched > size)


def public_base_url(value: str) -> str:
    """``value`` checked as the public address of the reading room's home page, without its trailing slash.

    Raises ``ValueError`` with a one-line reason: only an http(s) URL with a host, no query or fragment.
    """
    try:
        parts = urlsplit(value.strip())
        parts.port  # noqa: B018  (raises on a bad port)
    except ValueError:
        raise ValueError(f"{value!r} is not a URL like https://archive.example.org/news") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment \
            or any(ch.isspace() for ch in value.strip()):
        raise ValueError(f"{value!r} is not an http(s) URL like https://archive.example.org/news "
                         "(no query, no fragment)")
    return value.strip().rstrip("/")


def public_link(room, path: str, **params: Any) -> str:
    """A link for permalinks and feeds: absolute under the configured base URL, else relative (never from Host)."""
    if room.base_url:
        return room.base_url + link("", path, **params)
    return link(room.base_path, path, **params)


def version_id(room, url: str, version: int) -> str:
    """The Atom id of a version: its permalink under the base URL, else a URN that no request can change."""
    if room.base_url:
        return public_link(room, "/page", url=url, v=version)
    return f"urn:newsarchive:version:{quote(url, safe='')}:{version}"


def feed_id(room, **params: Any) -> str:
    """The Atom id of a feed: its own address under the base URL, else a URN of what it follows."""
    if room.base_url:
        return public_link(room, "/changes.atom", **params)
    return "urn:newsarchive:feed:changes" + quote(link("", "", **params), safe="")
