"""When to re-check an archived article: a schedule learned from its history.

The starting point is the NewsDiffs ladder, keyed on the time since the page
last changed (or was first seen): under 3 hours every 15 minutes, under a day
hourly, under a week every 3 hours, under 30 days every 3 days, under a year
monthly, and after a year never again. A page removed for good (404, 410)
leaves the ladder for a slow tail: daily for a week, then weekly for a year.

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
from storage.db import times
from storage.db.times import aware, utc
from storage.db.transaction_memo import memo
from storage.versions import removals

LADDER: list[tuple[timedelta, timedelta]] = [
    (timedelta(hours=3), timedelta(minutes=15)),
    (timedelta(days=1), timedelta(hours=1)),
    (timedelta(days=7), timedelta(hours=3)),
    (timedelta(days=30), timedelta(days=3)),
    (timedelta(days=365), timedelta(days=30)),
]
# A page removed for good (404, 410, 451) may come back (a CMS error, an article taken down for a fix):
# it is checked daily for a week after the removal, then weekly, and after a year never again.
REMOVED_LADDER: list[tuple[timedelta, timedelta]] = [
    (timedelta(days=7), timedelta(days=1)),
    (timedelta(days=365), timedelta(days=7)),
]
MIN_FACTOR, MAX_FACTOR = 0.25, 4.0
TYPICAL_CHANGE_RATE = 0.1  # share of checks that find a change, for an average page
CLAIM_LEASE = timedelta(minutes=30)
BLOCKED_RETRY = timedelta(hours=1)  # a wall met instead of the page: try again after this, whatever the ladder says
FAILURE_BACKOFF_CAP = timedelta(days=1)  # a failing page is tried at least daily (or at its ladder step, if longer)
MAX_AHEAD = timedelta(days=365)  # no page is ever scheduled further ahead of now than this
CLOCK_KEY = "newsarchive_clock"  # session.info: the archive's clock (storage.archive.Archive.clock)


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


def ladder_step(since_change: timedelta, ladder: list[tuple[timedelta, timedelta]] = LADDER) -> timedelta | None:
    """The NewsDiffs interval (or ``ladder``'s) for a page unchanged for ``since_change``; None after a year."""
    for limit, step in ladder:
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
    return now + min(MAX_AHEAD, step * change_factor(changes, checks, outlet_changes, outlet_checks))


def record_check(session: Session, page: Page, checked_at: datetime, changed: bool) -> None:
    """Update the page's schedule after a capture; ``changed`` when it made a new version.

    The next check counts from now or the capture's time, whichever is later.
    """
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
        row.failures = 0  # an answer: the host is back
        row.checks += 1
        row.changes += int(changed)
        row.last_checked_at = max(row.last_checked_at, checked_at)
        if changed:
            row.last_changed_at = max(row.last_changed_at, checked_at)
        outlet = _outlet_record(session, page.outlet_id)
        outlet.checks += 1
        outlet.changes += int(changed)
    # From now, not from the capture's time: an ingest of last month's files is not overdue the moment
    # it lands (ahead of today's articles), and the ladder's one-year end counts to today.
    scheduled_from = max(_now(session), checked_at)
    if page.state == removals.REMOVED:  # its last change was the removal: the slow tail, not the fast ladder
        step = ladder_step(scheduled_from - aware(row.last_changed_at), REMOVED_LADDER)
        row.next_check_at = None if step is None else scheduled_from + step
    else:
        row.next_check_at = next_check(scheduled_from, row.last_changed_at, row.changes, row.checks,
                                       outlet.changes, outlet.checks)
    held.schedules[page.id] = row


def record_failure(session: Session, page_url: str, failed_at: datetime, kind: str) -> bool:
    """Back the page off after a re-check that got no answer; False if ``page_url`` has no schedule.

    The wait doubles with each failure in a row, from the ladder's step, up to
    :data:`FAILURE_BACKOFF_CAP` (or the step itself, if longer); an answered
    check resets it (:func:`record_check`). The page is never dropped for failing.
    """
    row = session.scalar(select(PageSchedule).join(Page, Page.id == PageSchedule.page_id).where(Page.url == page_url))
    if row is None:
        return False
    _back_off(session, row, failed_at, kind)
    return True


def _back_off(session: Session, row: PageSchedule, at: datetime, why: str) -> datetime:
    """Count one more check in a row that got no page, note ``why``, and schedule the next: its time, from now."""
    now = max(_now(session), utc(at))
    row.failures = (row.failures or 0) + 1
    row.last_failure = why[:40]
    row.next_check_at = after_failure(now, aware(row.last_changed_at), row.failures)
    return now


def after_failure(now: datetime, last_changed: datetime, failures: int) -> datetime | None:
    """When to try again a page whose last ``failures`` checks failed; None where the ladder ends."""
    step = ladder_step(now - last_changed)
    if step is None:
        return None
    return now + min(step * 2 ** min(failures, 20), max(step, FAILURE_BACKOFF_CAP))


def retry_blocked(session: Session, page: Page, checked_at: datetime, why: str) -> None:
    """A check met a wall, not the page: no check counted, and the page backs off as after a failure.

    ``why`` is what the schedule notes (``http_503``, ``blocked_consent``). The
    first retry is within :data:`BLOCKED_RETRY`; a wall met again and again
    waits longer each time, as a failing host does (:func:`after_failure`).
    """
    row = memo(session).schedules.get(page.id) or session.get(PageSchedule, page.id)
    if row is None:
        return
    now = _back_off(session, row, checked_at, why)
    if row.failures == 1 and row.next_check_at is not None:
        row.next_check_at = min(row.next_check_at, now + BLOCKED_RETRY)


def retire(session: Session, page_id: int) -> None:
    """Never re-check this page again (it was removed for good, or moved: storage.versions.moves)."""
    row = memo(session).schedules.get(page_id) or session.get(PageSchedule, page_id)
    if row is not None:  # the row itself, so a schedule this transaction holds cannot write its time back
        row.next_check_at = None


def claim_due(session: Session, now: datetime, outlets: list[str] | None = None, limit: int = 10_000,
              lease: timedelta = CLAIM_LEASE, every: bool = False) -> list[RecheckTarget]:
    """Take up to ``limit`` pages due at ``now``, most overdue first, and lease them.

    ``every``: every archived page is due now, retired ones last, moved ones never (``-a recheck=all``).
    Leasing sets ``next_check_at`` to ``now`` plus ``lease``: if the crawl stops
    before re-checking (it dies, or a page limit ends it), the page comes due
    again then; the capture, when it is recorded, sets the real next time.
    """
    now = utc(now)
    due = PageSchedule.next_check_at.is_not(None) & (PageSchedule.next_check_at <= now)
    query = select(PageSchedule.page_id).join(Outlet, Outlet.id == PageSchedule.outlet_id).limit(limit)
    if not every:
        # By the due index's own order: the claim reads ``limit`` index entries, however many pages are overdue
        # (an expression first in the order made it read and sort every due page).
        query = query.where(due).order_by(PageSchedule.next_check_at)
    else:  # a moved page's article is re-checked at its new address (storage.versions.moves)
        query = (query.join(Page, Page.id == PageSchedule.page_id).where(Page.moved_to_id.is_(None))
                 .order_by(PageSchedule.next_check_at.is_(None), PageSchedule.next_check_at))
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


def outlook(session: Session, outlets: list[str] | None = None) -> tuple[int, datetime | None]:
    """How many pages of ``outlets`` have a re-check scheduled, and the earliest one's time (None: none)."""
    query = (select(func.count(), func.min(PageSchedule.next_check_at))
             .join(Outlet, Outlet.id == PageSchedule.outlet_id)
             .where(PageSchedule.next_check_at.is_not(None)))
    if outlets is not None:
        query = query.where(Outlet.name.in_(outlets))
    scheduled, earliest = session.execute(query).one()
    return int(scheduled), aware(earliest)


def _targets(session: Session, page_ids: list[int]) -> list[RecheckTarget]:
    # The last full capture by time, not by id: an older file ingested later adds rows with higher ids.
    # Found per page down the (page_id, fetched_at) index: a window over every capture of the pages made
    # PostgreSQL scan the whole captures table for a claim of thousands of pages.
    last_full = (
        select(Capture.id)
        .where(Capture.page_id == Page.id, Capture.record_type == "response", Capture.status == 200,
               Capture.blocked.is_(None))  # a wall's validators and digest are not the page's
        .order_by(Capture.fetched_at.desc(), Capture.id.desc())
        .limit(1)
        .correlate(Page)
        .scalar_subquery()
    )
    capture_ids = [c for c in session.scalars(select(last_full).where(Page.id.in_(page_ids))) if c is not None]
    rows = session.execute(
        select(Page.url, Outlet.name, Capture)
        .join(Capture, Capture.page_id == Page.id)
        .join(Outlet, Outlet.id == Page.outlet_id)
        .where(Page.id.in_(page_ids), Capture.id.in_(capture_ids))
    ) if capture_ids else []
    return [
        RecheckTarget(url=url, outlet=outlet, fetched_url=capture.fetched_url, fetched_at=capture.fetched_at,
                      etag=capture.etag, last_modified=capture.last_modified,
                      payload_digest=capture.payload_digest, warc_record_id=capture.warc_record_id)
        for url, outlet, capture in rows
    ]


def _now(session: Session) -> datetime:
    """The time the schedule counts from: the archive's clock, the real time unless a test set it."""
    return utc(session.info.get(CLOCK_KEY, times.now)())


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
