"""``/changes.atom``: an Atom feed of new versions and removals, of everything, an outlet, a page or a search.

``?outlet=NAME`` follows an outlet, ``?url=URL`` one article, ``?q=QUERY`` a
standing search (the newest matching versions, first versions included), and
``?watch=NAME`` a watch: its alerts, newest first, one entry per alert.
Every entry links to its diff (a first version: to its page); an entry whose
version changed the headline says “old” → “new”. Links are absolute under the
configured base URL (``serve --base-url``), else relative to the feed; ids
never come from the request's ``Host`` header.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from starlette.requests import Request

from storage.db.times import iso, now
from storage.versions.changes import shown_title
from storage.web.params import BadParameter, Params
from storage.web.rendering import Result
from storage.web.views.common import feed_id, public_link, version_id

ENTRIES = 50
SEARCH_POOL = 200  # best matches looked at for a standing search, of which the newest are the feed


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    title: str
    link: str
    updated: datetime
    summary: str
    outlet: str
    url: str
    version: int

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "link": self.link, "updated": iso(self.updated),
                "summary": self.summary, "outlet": self.outlet, "url": self.url, "version": self.version}


def view(room, request: Request, params: Params) -> Result:
    outlet, url, query, watch = params.text("outlet"), params.text("url"), params.text("q"), params.text("watch")
    if url is not None and query is not None:
        raise BadParameter("give url or q, not both")
    if watch is not None and (outlet, url, query) != (None, None, None):
        raise BadParameter("a watch's feed takes no outlet, url or q: the watch says what it follows")
    if watch is not None:
        entries = _alert_entries(room, watch)
    else:
        entries = _search_entries(room, query, outlet) if query else _change_entries(room, outlet, url)
    what = " — ".join(part for part in (outlet, url, f"search {query}" if query else None) if part)
    title = f"Alerts of watch {watch}" if watch else f"Changes: {what}" if what else "Changes in the archive"
    updated = max((e.updated for e in entries), default=now())
    follows = {"outlet": outlet, "url": url, "q": query, "watch": watch}
    self_link = public_link(room, "/changes.atom", **follows)
    context = {"entries": entries, "feed_id": feed_id(room, **follows), "self_link": self_link, "updated": updated,
               "home": public_link(room, "/")}
    data = {"title": title, "updated": iso(updated), "entries": [e.to_json() for e in entries]}
    return Result("changes.xml", title, context, data, media_type="application/atom+xml; charset=utf-8")


def _change_entries(room, outlet: str | None, url: str | None) -> list[Entry]:
    if outlet is not None:
        room.archive.outlet(outlet)
    changes = room.archive.recent_changes(limit=ENTRIES, outlet=outlet, url=url)
    return [_entry(room, c.url, c.outlet, c.version, c.first_seen, c.title, f"{c.outlet}: {c.change}",
                   c.old_title) for c in changes]


def _search_entries(room, query: str, outlet: str | None) -> list[Entry]:
    if outlet is not None:
        room.archive.outlet(outlet)
    hits = room.archive.search(query, outlet=outlet, limit=SEARCH_POOL)
    newest = sorted(hits, key=lambda h: (h.first_seen, h.url, h.version), reverse=True)[:ENTRIES]
    return [_entry(room, h.url, h.outlet, h.version, h.first_seen, h.title,
                   " ".join(h.snippet.replace("**", "").split())) for h in newest]


def _alert_entries(room, watch: str) -> list[Entry]:
    """One entry per alert of ``watch`` (an unknown watch is a 404), linking to the change it saw."""
    entries = []
    for alert in room.archive.alerts(watch=watch, limit=ENTRIES):
        entry = _entry(room, alert.url, alert.outlet, alert.version, alert.first_seen, alert.title,
                       f"{alert.event}: {alert.excerpt}", alert.old_title)
        entries.append(dataclasses.replace(entry, id=f"urn:newsarchive:alert:{alert.key}",
                                           title=f"{alert.event}: {entry.title}"))
    return entries


def _entry(room, url: str, outlet: str, version: int, when: datetime, title: str | None, summary: str,
           old_title: str | None = None) -> Entry:
    if version > 1:
        target = public_link(room, "/diff", url=url, **{"from": version - 1, "to": version})
    else:
        target = public_link(room, "/page", url=url, v=version)
    shown = shown_title(title, url, old_title)
    return Entry(version_id(room, url, version), f"{shown} (version {version})", target, when, summary, outlet,
                 url, version)
