"""The queries behind the reading room (``newsarchive serve``) that the rest of the Archive API lacks.

Plain functions taking a :class:`~sqlalchemy.orm.Session`; the public
wrappers are the ``# -- reading room --`` block of :class:`storage.archive.Archive`.
Each returns plain values with ``to_json()``, like :mod:`storage.views`, and
never selects article texts it does not show (listings stay cheap at millions
of versions).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, case, func, literal_column, select
from sqlalchemy.orm import Session

from storage.changes import short
from storage.errors import ArchiveError
from storage.history import STATE_EXCLUDED_FROM_CHANGES
from storage.models import Capture, Outlet, Page, Version
from storage.stories import Story, StoryView
from storage.stories import _views as story_views  # the one loader of story members; shared, not copied
from storage.times import utc
from storage.views import OutletView, _View

logger = logging.getLogger(__name__)

HISTOGRAM_TOP = 5  # articles with this many versions or more share the last bar


class NoSuchOutlet(ArchiveError):
    """No outlet of that name in the archive."""


class NoSuchStory(ArchiveError):
    """No story with that id."""


class NoSuchCapture(ArchiveError):
    """No capture with that id."""


@dataclass(frozen=True, slots=True)
class PageSummary(_View):
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
class DayCount(_View):
    """What one day (UTC) added: captures, first versions (new articles) and later versions (changes)."""

    day: str
    captures: int
    new_articles: int
    changes: int


@dataclass(frozen=True, slots=True)
class VersionCount(_View):
    """How many articles have ``versions`` versions (the last bucket: that many or more)."""

    versions: int
    articles: int
    or_more: bool


@dataclass(frozen=True, slots=True)
class ChangeEntry(_View):
    """A version after the first (an edit or a removal), as a feed or a listing shows it."""

    url: str
    outlet: str
    version: int
    first_seen: datetime
    title: str | None
    state: str
    change: str
    chars_added: int | None
    chars_removed: int | None
    warc_record_id: str


@dataclass(frozen=True, slots=True)
class CaptureEntry(_View):
    """One fetch with its database id (``/capture/ID``) and the version it made, if any."""

    id: int
    url: str
    outlet: str
    fetched_url: str
    fetched_at: datetime
    status: int
    record_type: str
    content_type: str | None
    payload_digest: str | None
    warc_file: str
    warc_offset: int
    warc_length: int
    warc_record_id: str
    version: int | None


# -- outlets and their articles -------------------------------------------------


def outlet(session: Session, name: str) -> OutletView:
    """One outlet with its counts; raises :class:`NoSuchOutlet`."""
    row = session.execute(select(Outlet).where(Outlet.name == name)).scalar_one_or_none()
    if row is None:
        raise NoSuchOutlet(f"no outlet {name!r} in the archive")
    pages = session.scalar(select(func.count(Page.id)).where(Page.outlet_id == row.id)) or 0
    versions = session.scalar(select(func.count(Version.id)).where(Version.outlet_id == row.id)) or 0
    last = session.scalar(select(func.max(Page.last_seen)).where(Page.outlet_id == row.id))
    return OutletView(row.name, list(row.domains), row.created_at, pages, versions, _aware(last))


def outlet_pages(session: Session, name: str, offset: int, limit: int) -> PageListing:
    """The outlet's articles, newest first seen first, ``limit`` from ``offset``."""
    outlet_id = _outlet_id(session, name)
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


# -- charts ---------------------------------------------------------------------


def activity(session: Session, backend: str, days: int, outlet_name: str | None = None,
             with_captures: bool = True) -> list[DayCount]:
    """Captures, new articles and changes per day over the ``days`` days up to the newest version.

    Captures have no index by time: ``with_captures=False`` leaves them out (as 0) where they are not shown.
    """
    outlet_id = _outlet_id(session, outlet_name)
    newest = session.scalar(_maybe_outlet(select(func.max(Version.first_seen)), outlet_id))
    if newest is None:
        return []
    last_day = _aware(newest).date()
    start = utc(datetime.combine(last_day - timedelta(days=days - 1), datetime.min.time()))
    versions = _maybe_outlet(
        select(_day(Version.first_seen, backend).label("day"),
               func.sum(_flag(Version.seq == 1)), func.sum(_flag(and_(Version.seq >= 2, _is_change()))))
        .where(Version.first_seen >= start)
        .group_by(_day(Version.first_seen, backend)),
        outlet_id,
    )
    captures = select(_day(Capture.fetched_at, backend), func.count(Capture.id)).where(Capture.fetched_at >= start)
    if outlet_id is not None:
        captures = captures.join(Page, Page.id == Capture.page_id).where(Page.outlet_id == outlet_id)
    captures = captures.group_by(_day(Capture.fetched_at, backend))
    per_day = {str(day): [0, int(new or 0), int(changed or 0)] for day, new, changed in session.execute(versions)}
    for day, count in session.execute(captures) if with_captures else ():
        per_day.setdefault(str(day), [0, 0, 0])[0] = int(count)
    return [DayCount(d, *per_day.get(d, [0, 0, 0])) for d in _days(last_day, days)]


def change_histogram(session: Session, outlet_name: str) -> list[VersionCount]:
    """How many of the outlet's articles have 1, 2, … versions (``HISTOGRAM_TOP`` or more in the last bar)."""
    outlet_id = _outlet_id(session, outlet_name)
    per_page = (
        select(func.count(Version.id).label("n"))
        .where(Version.outlet_id == outlet_id, _is_change())
        .group_by(Version.page_id)
        .subquery()
    )
    counts = dict(session.execute(select(per_page.c.n, func.count()).group_by(per_page.c.n)).all())
    bars = [VersionCount(n, int(counts.get(n, 0)), False) for n in range(1, HISTOGRAM_TOP)]
    top = sum(int(count) for n, count in counts.items() if n >= HISTOGRAM_TOP)
    return bars + [VersionCount(HISTOGRAM_TOP, top, True)]


def _day(column: Any, backend: str) -> Any:
    if backend == "postgresql":
        # Literals, not bound parameters: the GROUP BY must repeat the select's expression exactly.
        return func.to_char(func.timezone(literal_column("'UTC'"), column), literal_column("'YYYY-MM-DD'"))
    return func.date(column)  # SQLite keeps naive UTC text


def _flag(condition: Any) -> Any:
    return case((condition, 1), else_=0)


def _days(last_day: date, days: int) -> list[str]:
    return [(last_day - timedelta(days=back)).isoformat() for back in range(days - 1, -1, -1)]


# -- changes --------------------------------------------------------------------


def recent_changes(session: Session, limit: int, outlet_name: str | None = None,
                   page_id: int | None = None) -> list[ChangeEntry]:
    """Versions after the first (edits and removals), newest first."""
    outlet_id = _outlet_id(session, outlet_name)
    query = (
        select(Version.seq, Version.first_seen, Version.title, Version.state, Version.change_summary,
               Version.chars_added, Version.chars_removed, Page.url, Outlet.name, Capture.warc_record_id)
        .join(Page, Page.id == Version.page_id)
        .join(Outlet, Outlet.id == Version.outlet_id)
        .join(Capture, Capture.id == Version.capture_id)
        .where(Version.seq >= 2, _is_change())
        .order_by(Version.first_seen.desc(), Version.id.desc())
        .limit(limit)
    )
    query = _maybe_outlet(query, outlet_id)
    if page_id is not None:
        query = query.where(Version.page_id == page_id)
    return [
        ChangeEntry(row.url, row.name, row.seq, row.first_seen, row.title, row.state,
                    short(row.change_summary, row.state, row.seq), row.chars_added, row.chars_removed,
                    row.warc_record_id)
        for row in session.execute(query)
    ]


def _is_change() -> Any:
    return Version.state != STATE_EXCLUDED_FROM_CHANGES


# -- stories --------------------------------------------------------------------


def story(session: Session, story_id: int) -> StoryView:
    """The story with this id, origin first; raises :class:`NoSuchStory`."""
    if session.get(Story, story_id) is None:
        raise NoSuchStory(f"no story {story_id} in the archive")
    return story_views(session, [story_id])[0]


def story_page(session: Session, offset: int, limit: int, min_outlets: int) -> list[StoryView]:
    """Stories on at least ``min_outlets`` outlets, most outlets first (as ``newsarchive stories``), paged."""
    query = (
        select(Story.id)
        .where(Story.outlets >= min_outlets)
        .order_by(Story.outlets.desc(), Story.members.desc(), Story.last_seen.desc(), Story.id)
        .offset(offset)
        .limit(limit)
    )
    return story_views(session, list(session.scalars(query)))


# -- captures -------------------------------------------------------------------


def page_captures(session: Session, page: Page) -> list[CaptureEntry]:
    """Every fetch of ``page``, oldest first, with the version each one made."""
    made = _versions_made(session, page.id)
    rows = session.execute(_capture_select().where(Capture.page_id == page.id).order_by(Capture.fetched_at, Capture.id))
    return [_capture_entry(row, made) for row in rows]


def capture(session: Session, capture_id: int) -> CaptureEntry:
    """The capture with this id; raises :class:`NoSuchCapture`."""
    row = session.execute(_capture_select().where(Capture.id == capture_id)).first()
    if row is None:
        raise NoSuchCapture(f"no capture {capture_id} in the archive")
    return _capture_entry(row, _versions_made(session, row[0].page_id))


def payload_capture(session: Session, capture_id: int) -> CaptureEntry | None:
    """The capture whose WARC record holds this capture's payload.

    A response holds its own; a revisit (same payload as before) points at the
    latest earlier response of the same page with the same payload digest.
    """
    entry = capture(session, capture_id)
    if entry.record_type != "revisit":
        return entry
    if entry.payload_digest is None:
        return None
    page_id = session.scalar(select(Capture.page_id).where(Capture.id == capture_id))
    row = session.execute(
        _capture_select()
        .where(Capture.page_id == page_id, Capture.record_type == "response",
               Capture.payload_digest == entry.payload_digest, Capture.fetched_at <= utc(entry.fetched_at))
        .order_by(Capture.fetched_at.desc())
        .limit(1)
    ).first()
    return None if row is None else _capture_entry(row, _versions_made(session, page_id))


def _versions_made(session: Session, page_id: int) -> dict[int, int]:
    # Through the page's versions (indexed by page): versions.capture_id has no index of its own.
    return dict(session.execute(select(Version.capture_id, Version.seq).where(Version.page_id == page_id)).all())


def _capture_select() -> Select[Any]:
    return (
        select(Capture, Page.url, Outlet.name)
        .join(Page, Page.id == Capture.page_id)
        .join(Outlet, Outlet.id == Page.outlet_id)
    )


def _capture_entry(row: Any, made: dict[int, int]) -> CaptureEntry:
    c, url, outlet_name = row
    return CaptureEntry(c.id, url, outlet_name, c.fetched_url, c.fetched_at, c.status, c.record_type,
                        c.content_type, c.payload_digest, c.warc_file, c.warc_offset, c.warc_length,
                        c.warc_record_id, made.get(c.id))


# -- helpers --------------------------------------------------------------------


def _outlet_id(session: Session, name: str | None) -> int | None:
    if name is None:
        return None
    found = session.scalar(select(Outlet.id).where(Outlet.name == name))
    if found is None:
        raise NoSuchOutlet(f"no outlet {name!r} in the archive")
    return found


def _maybe_outlet(query: Select[Any], outlet_id: int | None) -> Select[Any]:
    return query if outlet_id is None else query.where(Version.outlet_id == outlet_id)


def _aware(value: Any) -> datetime | None:
    # Aggregates bypass the column type on SQLite and come back as text.
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return utc(value)
