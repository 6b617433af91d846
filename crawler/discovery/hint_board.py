"""What discovery learned about each article URL, whichever request of it is the one fetched.

A page reachable from a feed and a start page is requested twice; the
duplicate filter keeps the first request and drops the other. When the first
came from a start page, the feed's "listed" mark and its title and date hints
went with the dropped one, and a page that does not declare itself an article
was judged not to be one. So every discovery posts what it knows here, before
the duplicate filter decides, and the request that goes out takes the merged
hints just before it is sent (:class:`crawler.middlewares.listing_hints.ListingHintsMiddleware`),
which also puts them into the WARC's capture record for ``reindex`` and ``ingest``.

A listing that arrives after an unlisted fetch of the same URL already went
out asks for the page again (:meth:`HintBoard.post` returns True, once per URL),
so a "not an article" verdict is never final while a later hint says otherwise.

:class:`HintBoard` lives in one process; :class:`RedisHintBoard` keeps the same
marks in a Redis hash beside the shared frontier, so whichever process fetches
a URL sees what every process learned. Both write their own mark before they
read the other's, so of a listing and an unlisted fetch racing each other at
least one sees the other.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

HINT_NAMES = ("title", "published")


class HintBoard:
    """The marks of one process: which URLs a feed or sitemap listed, their hints, which went out unlisted."""

    def __init__(self) -> None:
        self._marks: dict[str, dict[str, Any]] = {}

    def post(self, url: str, listed: bool, hints: dict[str, Any] | None = None) -> bool:
        """Record a discovery of ``url``; True when it should be fetched again, listed, to be judged anew."""
        marks = self._marks.setdefault(url, {})
        for name in HINT_NAMES:
            if (hints or {}).get(name) and name not in marks:
                marks[name] = hints[name]  # type: ignore[index]
        if not listed:
            return False
        marks["listed"] = True
        return self._claim_refetch(marks)

    def take(self, url: str, listed: bool) -> tuple[bool, dict[str, Any]]:
        """What is known of ``url`` as its request goes out: (listed, hints), the request's own ``listed`` merged."""
        marks = self._marks.setdefault(url, {})
        if not listed:
            marks["unlisted_fetch"] = True
        return listed or bool(marks.get("listed")), {name: marks[name] for name in HINT_NAMES if name in marks}

    @staticmethod
    def _claim_refetch(marks: dict[str, Any]) -> bool:
        if not marks.get("unlisted_fetch") or marks.get("refetched"):
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
            pipe.hget(self.key, _field(url, "unlisted_fetch"))
            unlisted = pipe.execute()[-1]
        return bool(unlisted) and bool(self.server.hsetnx(self.key, _field(url, "refetched"), 1))

    def take(self, url: str, listed: bool) -> tuple[bool, dict[str, Any]]:
        with self.server.pipeline() as pipe:
            if not listed:
                pipe.hset(self.key, _field(url, "unlisted_fetch"), 1)
            pipe.hmget(self.key, [_field(url, name) for name in ("listed", *HINT_NAMES)])
            was_listed, *values = pipe.execute()[-1]
        hints = {name: _decode(name, value) for name, value in zip(HINT_NAMES, values) if value is not None}
        return listed or bool(was_listed), hints


def _field(url: str, name: str) -> str:
    return f"{name} {url}"  # a URL holds no space: the name is never part of it


def _encode(value: Any) -> str:
    return json.dumps(value.isoformat() if isinstance(value, datetime) else value)


def _decode(name: str, raw: bytes | str) -> Any:
    value = json.loads(raw)
    return datetime.fromisoformat(value) if name == "published" and isinstance(value, str) else value
