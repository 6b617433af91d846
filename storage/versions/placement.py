"""Where a capture older than a page's latest version goes in its history.

Captures arrive out of time order when ``ingest`` reads older files after newer
ones, or crawl processes write files that overlap in time. The recorder
(:mod:`storage.versions.recorder`) places such a capture against the version
current at its ``fetched_at``; this module finds that version and makes room
for a new one, keeping ``seq`` in ``first_seen`` order: a version is split in
two when a different text was seen inside its span, and the versions after a
new one move up by one (or two).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.db.models import Version
from storage.versions import fetch_runs
from storage.versions.removals import REMOVAL_STATES


def version_at(session: Session, page_id: int, at: datetime) -> Version | None:
    """The version a reader saw at ``at``: the last one first seen by then (None: before the first)."""
    query = (select(Version).where(Version.page_id == page_id, Version.first_seen <= at)
             .order_by(Version.seq.desc()).limit(1))
    return session.scalar(query)


def version_numbered(session: Session, page_id: int, seq: int) -> Version | None:
    return session.scalar(select(Version).where(Version.page_id == page_id, Version.seq == seq))


def split(session: Session, version: Version, at: datetime) -> tuple[datetime, int, datetime] | None:
    """End ``version`` before ``at``; the first capture after ``at`` inside its span (time, id) and its old end.

    None when no capture of the version was made after ``at`` (nothing to split).
    """
    seen = [(moment, capture_id) for moment, capture_id
            in fetch_runs.fetch_times(session, version.page_id, version.first_seen, version.last_seen) if moment != at]
    after = [(moment, capture_id) for moment, capture_id in seen if moment > at]
    if not after:
        return None
    ended = version.last_seen
    version.last_seen = max((moment for moment, _ in seen if moment < at), default=version.first_seen)
    return after[0][0], after[0][1], ended


def make_room(session: Session, page_id: int, from_seq: int, by: int) -> None:
    """Number the page's versions from ``from_seq`` on ``by`` higher, and the removals' references to them.

    In two steps through negative numbers: the unique ``(page_id, seq)`` is checked
    row by row, so moving every version up at once would collide on the way.
    """
    moving = list(session.scalars(select(Version).where(Version.page_id == page_id, Version.seq >= from_seq)))
    if not moving:
        return
    for version in moving:
        version.seq = -(version.seq + by)
        summary = version.change_summary or {}
        last_text = summary.get("last_text_version")
        if version.state in REMOVAL_STATES and isinstance(last_text, int) and last_text >= from_seq:
            version.change_summary = {**summary, "last_text_version": last_text + by}
    session.flush()
    for version in moving:
        version.seq = -version.seq
    session.flush()
