"""What discovery learned about each article URL, whichever request of it is the one fetched.

A page reachable from a feed and a start page is requested twice; the
duplicate filter keeps the first request and drops the other. When the first
came from a start page, the feed's "listed" mark and its title and date hints
went with the dropped one, and a page that does not declare itself an article
was judged not to be one. So every discovery posts what it knows here, before
the duplicate filter decides, and the request that goes out takes the merged
hints just before it is sent (:class:`crawler.middlewares.listing_hints.ListingHintsMiddleware`),
which also puts them into the WARC's capture record for ``reindex`` and ``ingest``.

A listing can also arrive after an unlisted fetch of the same URL was judged
not to be an article. Whichever of the two comes second asks for the page
again, listed (:meth:`HintBoard.post` and :meth:`HintBoard.rejected` return
True, once per URL), so a "not an article" verdict is never final while a
later hint says otherwise. Pages that declare themselves articles are never
fetched twice.

:class:`HintBoard` lives in one process; :class:`RedisHintBoard` keeps the same
marks in a Redis hash beside the shared frontier, so whichever process fetches
a URL sees what every process learned. Both write their own mark before they
read the other's, so of a listing and a rejection racing each other at least
one sees the other.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

HINT_NAMES = ("title", "published")


class HintBoard:
    """The marks of one process: which URLs a feed or sitemap listed, their hints, which were judged no article."""

    def __init__(self) -> None:
        self._marks: dict[str, dict[str, Any]] = {}

    def post(self, url: str, listed: bool, hints: dict[str, Any] | None = None) -> bool:
        """Record a discovery of ``url``; True when it was judged no article unlisted, and must be fetched again."""
        marks = self._marks.setdefault(url, {})
        for name in HINT_NAMES:
            if (hints or {}).get(name) and name not in marks:
                marks[name] = hints[name]  # type: ignore[index]
        if not listed:
            return False
        marks["listed"] = True
        return bool(marks.get("rejected")) and self._claim_refetch(marks)

    def take(self, url: str, listed: bool) -> tuple[bool, dict[str, Any]]:
        """What is known of ``url`` as its request goes out: (listed, hints), the request's own ``listed`` merged."""
        marks = self._marks.get(url, {})
        return listed or bool(marks.get("listed")), {name: marks[name] for name in HINT_NAMES if name in marks}

    def rejected(self, url: str) -> bool:
        """Note that an unlisted fetch of ``url`` was judged no article; True when a listing says otherwise."""
        marks = self._marks.setdefault(url, {})
        marks["rejected"] = True
        return bool(marks.get("listed")) and self._claim_refetch(marks)

    @staticmethod
    def _claim_refetch(marks: dict[str, Any]) -> bool:
        if marks.get("refetched"):
            return False
        marks["refetched"] = True
        return True


class RedisHintBoard(HintBoard):
    """The same marks in one Redis hash shared by every process of a distributed crawl."""

    def __init__(self, server: Any, key: str) -> None:
        super().__init__()
        self.server = server
        self.key = key

    def post(self, url: str, listed: bool, hints: dict[str, Any] | None = None) -> bool:
        with self.server.pipeline() as pipe:
            for name in HINT_NAMES:
                value = (hints or {}).get(name)
                if value:
                    pipe.hsetnx(self.key, _field(url, name), _encode(value))
            if not listed:
                pipe.execute()
                return False
            pipe.hset(self.key, _field(url, "listed"), 1)
            pipe.hget(self.key, _field(url, "rejected"))
            other = pipe.execute()[-1]
        return bool(other) and self._claim(url)

    def take(self, url: str, listed: bool) -> tuple[bool, dict[str, Any]]:
        was_listed, *values = self.server.hmget(self.key, [_field(url, name) for name in ("listed", *HINT_NAMES)])
        hints = {name: _decode(name, value) for name, value in zip(HINT_NAMES, values) if value is not None}
        return listed or bool(was_listed), hints

    def rejected(self, url: str) -> bool:
        with self.server.pipeline() as pipe:
            pipe.hset(self.key, _field(url, "rejected"), 1)
            pipe.hget(self.key, _field(url, "listed"))
            other = pipe.execute()[-1]
        return bool(other) and self._claim(url)

    def _claim(self, url: str) -> bool:
        return bool(self.server.hsetnx(self.key, _field(url, "refetched"), 1))


def _field(url: str, name: str) -> str:
    return f"{name} {url}"  # a URL holds no space: the name is never part of it


def _encode(value: Any) -> str:
    return json.dumps(value.isoformat() if isinstance(value, datetime) else value)


def _decode(name: str, raw: bytes | str) -> Any:
    value = json.loads(raw)
    return datetime.fromisoformat(value) if name == "published" and isinstance(value, str) else value
