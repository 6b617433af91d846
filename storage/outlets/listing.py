"""An outlet's page in the reading room: its counts, its articles newest first, how often they change.

Listings read no article text, so they stay cheap at millions of versions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.db.models import Capture, Outlet, Page, Version
from storage.db.results import Result
from storage.db.times import aware
from storage.outlets.names import require_outlet
from storage.outlets.results import OutletView
from storage.versions.activity import is_change
from storage.versions.changes import short

HISTOGRAM_TOP = 5  # articles with this many versions or more share the last bar


@dataclass(frozen=True, slots=True)
class PageSummary(Result):
    """One article of an outlet's listing: its latest version in a few words."""

    url: str
    outlet: str
    title: str | None
    versions: int
    first_seen: datetime
    last_seen: datetime
    state: str
    latest_change: str


@dataclass(frozen=True, slots=True)
class PageListing:
    """One page of an outlet's articles, newest first (its counts are :func:`outlet`'s)."""

    outlet: str
    offset: int
    limit: int
    articles: list[PageSummary]

    def to_json(self) -> dict[str, Any]:
        return {"outlet": self.outlet, "offset": self.offset, "limit": self.limit,
                "articles": [a.to_json() for a in self.articles]}


@dataclass(frozen=True, slots=True)
class VersionCount(Result):
    """How many articles have ``versions`` versions (the last bucket: that many or more)."""

    versions: int
    articles: int
    or_more: bool


def outlet(session: Session, name: str) -> OutletView:
    """One outlet with its counts; raises :class:`NoSuchOutlet` naming the closest."""
    outlet_id = require_outlet(session, name)
    row = session.get(Outlet, outlet_id)
    # count(*), not count(id): an index-only scan of the outlet's index entries, never a read of each row
    pages = session.scalar(select(func.count()).select_from(Page).where(Page.outlet_id == row.id)) or 0
    versions = session.scalar(select(func.count()).select_from(Version).where(Version.outlet_id == row.id)) or 0
    last = session.scalar(select(func.max(Page.last_seen)).where(Page.outlet_id == row.id))
    return OutletView(row.name, list(row.domains), row.created_at, pages, versions, aware(last))


def outlet_pages(session: Session, name: str, offset: int, limit: int) -> PageListing:
    """The outlet's articles, newest first seen first, ``limit`` from ``offset``."""
    outlet_id = require_outlet(session, name)
    pages = session.execute(
        select(Page.id, Page.url, Page.first_seen, Page.last_seen, Page.state)
        .where(Page.outlet_id == outlet_id)
        .order_by(Page.first_seen.desc(), Page.id.desc())
        .offset(offset)
        .limit(limit)
    ).all()
    latest = _latest_versions(session, [p.id for p in pages])
    articles = [_summary(name, page, latest.get(page.id)) for page in pages]
    return PageListing(name, offset, limit, articles)


def _latest_versions(session: Session, page_ids: list[int]) -> dict[int, tuple[Any, str | None, int]]:
    """Per page: (latest version row, latest title, number of versions), texts left unread."""
    if not page_ids:
        return {}
    rows = session.execute(
        select(Version.page_id, Version.seq, Version.title, Version.state, Version.change_summary)
        .where(Version.page_id.in_(page_ids))
        .order_by(Version.page_id, Version.seq)
    ).all()
    found: dict[int, tuple[Any, str | None, int]] = {}
    for row in rows:
        _, title, count = found.get(row.page_id, (None, None, 0))
        found[row.page_id] = (row, row.title or title, count + 1)
    return found


def _summary(outlet_name: str, page: Any, latest: tuple[Any, str | None, int] | None) -> PageSummary:
    if latest is None:
        return PageSummary(page.url, outlet_name, None, 0, page.first_seen, page.last_seen, page.state,
                           "no article text")
    row, title, count = latest
    return PageSummary(page.url, outlet_name, title, count, page.first_seen, page.last_seen, row.state,
                       short(row.change_summary, row.state, row.seq))


def change_histogram(session: Session, outlet_name: str) -> list[VersionCount]:
    """How many of the outlet's articles have 1, 2, … versions (``HISTOGRAM_TOP`` or more in the last bar)."""
    outlet_id = require_outlet(session, outlet_name)
    per_page = (
        select(func.count().label("n"))  # count(*): ix_versions_outlet_time alone answers it
        .select_from(Version)
        .where(Version.outlet_id == outlet_id, is_change())
        .group_by(Version.page_id)
        .subquery()
    )
    counts = dict(session.execute(select(per_page.c.n, func.count()).group_by(per_page.c.n)).all())
    bars = [VersionCount(n, int(counts.get(n, 0)), False) for n in range(1, HISTOGRAM_TOP)]
    top = sum(int(count) for n, count in counts.items() if n >= HISTOGRAM_TOP)
    return bars + [VersionCount(HISTOGRAM_TOP, top, True)]


Generation = tuple[int, int, int, int]  # the highest outlet, page, capture and version ids (Archive.generation)


def outlets_as_of(session: Session, upto: Generation, previous: list[OutletView] | None = None,
                  since: Generation | None = None) -> list[OutletView]:
    """Every outlet with its counts over the rows up to generation ``upto``.

    Given ``previous`` (the outlets as of ``since``), only the rows added
    between are counted and added to it: a few rows after a crawl's write,
    where a full count reads every page and version. Pages only gain
    ``last_seen``, so the new last capture is the latest of the pages
    captured since. A new outlet means a full count.
    """
    outlets = list(session.execute(select(Outlet).order_by(Outlet.name)).scalars())
    if previous is None or since is None or any(o.id > since[0] for o in outlets):
        previous, since = None, None
    low = since or (0, 0, 0, 0)
    pages = dict(session.execute(select(Page.outlet_id, func.count()).where(Page.id > low[1], Page.id <= upto[1])
                                 .group_by(Page.outlet_id)).all())
    versions = dict(session.execute(select(Version.outlet_id, func.count())
                                    .where(Version.id > low[3], Version.id <= upto[3]).group_by(Version.outlet_id)).all())
    touched = select(Page.outlet_id, func.max(Page.last_seen)).group_by(Page.outlet_id)
    if since is not None:
        captured = select(Capture.page_id).where(Capture.id > low[2], Capture.id <= upto[2])
        touched = touched.where(Page.id.in_(captured))
    last = {outlet_id: aware(when) for outlet_id, when in session.execute(touched).all()}
    before = {o.name: o for o in previous or []}
    views = []
    for outlet in outlets:
        kept = before.get(outlet.name)
        old_pages, old_versions, old_last = (kept.pages, kept.versions, kept.last_capture) if kept else (0, 0, None)
        newest = max((t for t in (old_last, last.get(outlet.id)) if t is not None), default=None)
        views.append(OutletView(outlet.name, list(outlet.domains), outlet.created_at,
                                old_pages + pages.get(outlet.id, 0), old_versions + versions.get(outlet.id, 0), newest))
    return views
