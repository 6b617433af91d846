"""What the archive did day by day, and its latest changes: the reading room's charts and feeds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, case, func, literal_column, select
from sqlalchemy.orm import Session, aliased

from storage.db.models import Capture, Outlet, Page, Version
from storage.db.results import Result
from storage.db.times import aware, utc
from storage.outlets.names import require_outlet
from storage.versions.changes import short, title_change
from storage.versions.declared import edit_word
from storage.versions.fetch_runs import all_fetch_times
from storage.versions.history import STATE_EXCLUDED_FROM_CHANGES


@dataclass(frozen=True, slots=True)
class DayCount(Result):
    """What one day (UTC) added: captures, first versions (new articles) and later versions (changes)."""

    day: str
    captures: int
    new_articles: int
    changes: int


@dataclass(frozen=True, slots=True)
class ChangeEntry(Result):
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
    edit: str = ""  # "stealth", "declared (…)" or "" (storage.versions.declared.edit_word)
    old_title: str | None = None  # the title before, when this version changed it


def activity(session: Session, backend: str, days: int, outlet_name: str | None = None,
             with_captures: bool = True) -> list[DayCount]:
    """Captures, new articles and changes per day over the ``days`` days up to the newest version.

    Captures have no index by time: ``with_captures=False`` leaves them out (as 0) where they are not shown.
    """
    outlet_id = _outlet_or_none(session, outlet_name)
    newest = session.scalar(_maybe_outlet(select(func.max(Version.first_seen)), outlet_id))
    if newest is None:
        return []
    last_day = aware(newest).date()
    start = utc(datetime.combine(last_day - timedelta(days=days - 1), datetime.min.time()))
    versions = _maybe_outlet(
        select(_day(Version.first_seen, backend).label("day"),
               func.sum(_flag(Version.seq == 1)), func.sum(_flag(and_(Version.seq >= 2, is_change()))))
        .where(Version.first_seen >= start)
        .group_by(_day(Version.first_seen, backend)),
        outlet_id,
    )
    fetches = all_fetch_times()  # capture rows and the fetches in their runs
    captures = select(_day(fetches.c.fetched_at, backend), func.count()).where(fetches.c.fetched_at >= start)
    if outlet_id is not None:
        captures = captures.join(Page, Page.id == fetches.c.page_id).where(Page.outlet_id == outlet_id)
    captures = captures.group_by(_day(fetches.c.fetched_at, backend))
    per_day = {str(day): [0, int(new or 0), int(changed or 0)] for day, new, changed in session.execute(versions)}
    for day, count in session.execute(captures) if with_captures else ():
        per_day.setdefault(str(day), [0, 0, 0])[0] = int(count)
    return [DayCount(d, *per_day.get(d, [0, 0, 0])) for d in _days(last_day, days)]


def recent_changes(session: Session, limit: int, outlet_name: str | None = None,
                   page_id: int | None = None, stealth_only: bool = False) -> list[ChangeEntry]:
    """Versions after the first (edits and removals), newest first; a removal carries the last headline.

    ``stealth_only``: the undeclared edits alone.
    """
    outlet_id = _outlet_or_none(session, outlet_name)
    query = (
        select(Version.seq, Version.first_seen, func.coalesce(Version.title, _last_title()).label("title"),
               Version.state, Version.change_summary,
               Version.chars_added, Version.chars_removed, Page.url, Outlet.name, Capture.warc_record_id)
        .join(Page, Page.id == Version.page_id)
        .join(Outlet, Outlet.id == Version.outlet_id)
        .join(Capture, Capture.id == Version.capture_id)
        .where(Version.seq >= 2, is_change())
        .order_by(Version.first_seen.desc(), Version.id.desc())
        .limit(limit)
    )
    query = _maybe_outlet(query, outlet_id)
    if page_id is not None:
        query = query.where(Version.page_id == page_id)
    if stealth_only:
        query = query.where(Version.change_summary["declared"].as_boolean().is_(False))
    return [
        ChangeEntry(row.url, row.name, row.seq, row.first_seen, row.title, row.state,
                    short(row.change_summary, row.state, row.seq), row.chars_added, row.chars_removed,
                    row.warc_record_id, edit_word(row.change_summary), _old_title(row.change_summary))
        for row in session.execute(query)
    ]


def _old_title(summary: dict[str, Any] | None) -> str | None:
    changed = title_change(summary)
    return None if changed is None else changed[0]


def _last_title() -> Any:
    """The title of the page's latest earlier version with one: a removal or move has none of its own."""
    earlier = aliased(Version)
    return (select(earlier.title).where(earlier.page_id == Version.page_id, earlier.seq < Version.seq,
                                        earlier.title.is_not(None))
            .order_by(earlier.seq.desc()).limit(1).scalar_subquery())


def is_change() -> Any:
    """A version that changed the article (not one only the extractor changed)."""
    return Version.state != STATE_EXCLUDED_FROM_CHANGES


def _day(column: Any, backend: str) -> Any:
    if backend == "postgresql":
        # Literals, not bound parameters: the GROUP BY must repeat the select's expression exactly.
        return func.to_char(func.timezone(literal_column("'UTC'"), column), literal_column("'YYYY-MM-DD'"))
    return func.date(column)  # SQLite keeps naive UTC text


def _flag(condition: Any) -> Any:
    return case((condition, 1), else_=0)


def _days(last_day: date, days: int) -> list[str]:
    return [(last_day - timedelta(days=back)).isoformat() for back in range(days - 1, -1, -1)]


def _maybe_outlet(query: Select[Any], outlet_id: int | None) -> Select[Any]:
    return query if outlet_id is None else query.where(Version.outlet_id == outlet_id)


def _outlet_or_none(session: Session, name: str | None) -> int | None:
    return None if name is None else require_outlet(session, name)
