"""Every fetch of a page, with its database id and the version it made (the reading room's captures).

A fetch in a capture's run of unchanged re-checks (:mod:`storage.versions.fetch_runs`)
is listed under its capture's id with its number in the run (``/capture/ID?fetch=N``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from storage.db.errors import NoSuchCapture
from storage.db.models import Capture, Outlet, Page, Version
from storage.db.results import Result
from storage.db.times import utc
from storage.versions.fetch_runs import Fetch, every_fetch, fetch_of, own_fetch


@dataclass(frozen=True, slots=True)
class CaptureEntry(Result):
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
    fetch: int = 0  # 0: the capture row's own fetch; N: the N-th re-check in its run


def page_captures(session: Session, page: Page) -> list[CaptureEntry]:
    """Every fetch of ``page``, oldest first, with the version each one made."""
    made = _versions_made(session, page.id)
    rows = session.execute(_capture_select().where(Capture.page_id == page.id)).all()
    names = {c.id: (url, outlet) for c, url, outlet in rows}
    return [_capture_entry(fetch, *names[fetch.id], made) for fetch in every_fetch(session, [r[0] for r in rows])]


def capture(session: Session, capture_id: int, fetch: int = 0) -> CaptureEntry:
    """The capture with this id (``fetch``: the fetch of its run, 0 its own); raises :class:`NoSuchCapture`."""
    row = session.execute(_capture_select().where(Capture.id == capture_id)).first()
    found = None if row is None else fetch_of(session, row[0], fetch)
    if row is None or found is None:
        which = f"capture {capture_id}" if not fetch else f"fetch {fetch} of capture {capture_id}"
        raise NoSuchCapture(f"no {which} in the archive")
    return _capture_entry(found, row[1], row[2], _versions_made(session, row[0].page_id))


def payload_capture(session: Session, capture_id: int, fetch: int = 0) -> CaptureEntry | None:
    """The capture whose WARC record holds this capture's payload.

    A response holds its own; a revisit (same payload as before) points at the
    latest earlier response of the same page with the same payload digest.
    """
    entry = capture(session, capture_id, fetch)
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
    return None if row is None else _capture_entry(own_fetch(row[0]), row[1], row[2], _versions_made(session, page_id))


def _versions_made(session: Session, page_id: int) -> dict[int, int]:
    # Through the page's versions (indexed by page): versions.capture_id has no index of its own.
    return dict(session.execute(select(Version.capture_id, Version.seq).where(Version.page_id == page_id)).all())


def _capture_select() -> Select[Any]:
    return (
        select(Capture, Page.url, Outlet.name)
        .join(Page, Page.id == Capture.page_id)
        .join(Outlet, Outlet.id == Page.outlet_id)
    )


def _capture_entry(c: Fetch, url: str, outlet_name: str, made: dict[int, int]) -> CaptureEntry:
    return CaptureEntry(c.id, url, outlet_name, c.fetched_url, c.fetched_at, c.status, c.record_type,
                        c.content_type, c.payload_digest, c.warc_file, c.warc_offset, c.warc_length,
                        c.warc_record_id, None if c.fetch else made.get(c.id), c.fetch)
