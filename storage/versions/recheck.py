"""When to re-check an archived article: a schedule learned from its history.

The starting point is the NewsDiffs ladder, keyed on the time since the page
last changed (or was first seen): under 3 hours every 15 minutes, under a day
hourly, under a week every 3 hours, under 30 days every 3 days, under a year
monthly, and after a year never again.

The ladder step is then scaled by how often this page and its outlet have
actually changed when checked: a page that changed on half its checks is
checked up to 4× sooner than the ladder says, one that never changed in many
checks up to 4× later. The schedule lives in the ``page_schedule`` table, so it
survives restarts and is shared by several crawler processes, which claim due
pages with a short lease so two processes never re-check the same page at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from storage.db.models import Capture, Outlet, OutletChangeRecord, Page, PageSchedule
from storage.db.times import aware, utc
from storage.db.transaction_memo import memo

LADDER: list[tuple[timedelta, timedelta]] = [
    (timedelta(hours=3), timedelta(minutes=15)),
    (timedelta(days=1), timedelta(hours=1)),
    (timedelta(days=7), timedelta(hours=3)),
    (timedelta(days=30), timedelta(days=3)),
    (timedelta(days=365), timedelta(days=30)),
]
MIN_FACTOR, MAX_FACTOR = 0.25, 4.0
TYPICAL_CHANGE_RATE = 0.1  # share of checks that find a change, for an average page
CLAIM_LEASE = timedelta(minutes=30)


@dataclass(frozen=True, slots=True)
class RecheckTarget:
    """What the crawler needs to re-check a page with a conditional request."""

    url: str  # the page's identity
    outlet: str
    fetched_url: str  # the URL of its last full capture
    fetched_at: datetime
    etag: str | None
    last_modified: str | None
    payload_digest: str | None
    warc_record_id: str


def ladder_step(since_change: timedelta) -> timedelta | None:
    """The NewsDiffs interval for a page unchanged for ``since_change``; None after a year."""
    for limit, step in LADDER:
        if since_change < limit:
            return step
    return None


def change_factor(changes: int, checks: int, outlet_changes: int, outlet_checks: int) -> float:
    """How much sooner (<1) or later (>1) than the ladder this page should be checked.

    The page's own change rate is blended with its outlet's, weighted by how many
    checks each has seen, so a new page starts from its outlet's habits.
    """
    prior_weight = 5.0
    outlet_rate = (outlet_changes + TYPICAL_CHANGE_RATE * prior_weight) / (outlet_checks + prior_weight)
    rate = (changes + outlet_rate * prior_weight) / (checks + prior_weight)
    factor = (TYPICAL_CHANGE_RATE / max(rate, 1e-3)) ** 0.5
    return min(MAX_FACTOR, max(MIN_FACTOR, factor))


def next_check(now: datetime, last_changed: datetime, changes: int, checks: int,
               outlet_changes: int = 0, outlet_checks: int = 0) -> datetime | None:
    """When a page last changed at ``last_changed`` should next be checked, or None (never)."""
    step = ladder_step(now - last_changed)
    if step is None:
        return None
    return now + step * change_factor(changes, checks, outlet_changes, outlet_checks)


def record_check(session: Session, page: Page, checked_at: datetime, changed: bool) -> None:
    """Update the page's schedule after a capture; ``changed`` when it made a new version."""
    checked_at = utc(checked_at)
    held = memo(session)
    row = held.schedules.get(page.id)
    if row is None and page.id not in held.new_page_ids:  # a page made in this transaction has none yet
        row = session.get(PageSchedule, page.id)
    if row is None:
        row = PageSchedule(page_id=page.id, outlet_id=page.outlet_id, last_checked_at=checked_at,
                           last_changed_at=checked_at, checks=0, changes=0)
        session.add(row)
        outlet = _outlet_record(session, page.outlet_id)
    else:
        row.checks += 1
        row.changes += int(changed)
        row.last_checked_at = max(row.last_checked_at, checked_at)
        if changed:
            row.last_changed_at = max(row.last_changed_at, checked_at)
        outlet = _outlet_record(session, page.outlet_id)
        outlet.checks += 1
        outlet.changes += int(changed)
    row.next_check_at = next_check(checked_at, row.last_changed_at, row.changes, row.checks,
                                   outlet.changes, outlet.checks)
    held.schedules[page.id] = row


def retire(session: Session, page_id: int) -> None:
    """Never re-check this page again (it was removed for good, or moved: storage.versions.moves)."""
    row = memo(session).schedules.get(page_id) or session.get(PageSchedule, page_id)
    if row is not None:  # the row itself, so a schedule this transaction holds cannot write its time back
        row.next_check_at = None


def claim_due(session: Session, now: datetime, outlets: list[str] | None = None, limit: int = 10_000,
              lease: timedelta = CLAIM_LEASE) -> list[RecheckTarget]:
    """Take up to ``limit`` pages due at ``now``, most overdue first, and lease them.

    Leasing pushes ``next_check_at`` forward by ``lease``: if the crawl dies
    before re-checking, the page comes due again then; the capture, when it is
    recorded, sets the real next time.
    """
    now = utc(now)
    query = (
        select(PageSchedule.page_id)
        .join(Outlet, Outlet.id == PageSchedule.outlet_id)
        .where(PageSchedule.next_check_at.is_not(None), PageSchedule.next_check_at <= now)
        .order_by(PageSchedule.next_check_at)
        .limit(limit)
    )
    if outlets is not None:
        query = query.where(Outlet.name.in_(outlets))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=PageSchedule)
    page_ids = list(session.scalars(query))
    if not page_ids:
        return []
    session.execute(update(PageSchedule).where(PageSchedule.page_id.in_(page_ids))
                    .values(next_check_at=now + lease))
    return _targets(session, page_ids)


def next_due(session: Session, after: datetime, outlets: list[str] | None = None) -> datetime | None:
    """When the next page of ``outlets`` falls due for a re-check after ``after``, or ``None`` if none will."""
    query = (select(func.min(PageSchedule.next_check_at)).join(Outlet, Outlet.id == PageSchedule.outlet_id)
             .where(PageSchedule.next_check_at > utc(after)))
    if outlets is not None:
        query = query.where(Outlet.name.in_(outlets))
    return aware(session.scalar(query))


def _targets(session: Session, page_ids: list[int]) -> list[RecheckTarget]:
    last_full = (
        select(Capture.page_id, func.max(Capture.id).label("capture_id"))
        .where(Capture.page_id.in_(page_ids), Capture.record_type == "response", Capture.status == 200)
        .group_by(Capture.page_id)
        .subquery()
    )
    rows = session.execute(
        select(Page.url, Outlet.name, Capture)
        .join(last_full, last_full.c.page_id == Page.id)
        .join(Capture, Capture.id == last_full.c.capture_id)
        .join(Outlet, Outlet.id == Page.outlet_id)
    )
    return [
        RecheckTarget(url=url, outlet=outlet, fetched_url=capture.fetched_url, fetched_at=capture.fetched_at,
                      etag=capture.etag, last_modified=capture.last_modified,
                      payload_digest=capture.payload_digest, warc_record_id=capture.warc_record_id)
        for url, outlet, capture in rows
    ]


def _outlet_record(session: Session, outlet_id: int) -> OutletChangeRecord:
    held = memo(session).outlet_records  # see storage.db.transaction_memo
    record = held.get(outlet_id)
    if record is None:
        record = session.get(OutletChangeRecord, outlet_id)
    if record is None:
        record = OutletChangeRecord(outlet_id=outlet_id, checks=0, changes=0)
        session.add(record)
    held[outlet_id] = record
    return record
