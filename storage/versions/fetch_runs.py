"""Runs of unchanged re-checks: a capture row and the fetches that found it unchanged.

Most re-checks find a page as it was: the crawler writes a ``revisit`` record of
the payload it last fetched (a 304, or a 200 with the same digest). Such a
fetch of a page's latest capture — same fetched URL, payload digest, content
type (none on a 304), ETag and Last-Modified, neither side blocked nor unread, later than the
run's last fetch, and one that changed no version — adds no ``captures`` row:
it joins that capture's *run*, one small ``capture_fetches`` row (time, status,
WARC file, offset, length, record UUID) and the capture's ``last_fetched_at``.
The WARC files keep every record; :func:`every_fetch` gives every fetch back,
the capture's own and its run's, in time order, so every listing of captures
shows them all. Crawl, ``ingest`` and ``reindex`` decide runs here alike.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, insert, literal, select, union_all
from sqlalchemy.orm import Session

from storage.db.models import Capture, CaptureFetch, WarcFile
from storage.db.transaction_memo import memo
from storage.versions.captures import CaptureInput

SAME = ("fetched_url", "payload_digest", "etag", "last_modified")  # a run's fetches share these
CHUNK = 500


@dataclass(frozen=True, slots=True)
class Fetch:
    """One fetch of a page: a capture row's own (``fetch`` 0) or the ``fetch``-th re-check in its run."""

    id: int  # the capture's id (``/capture/ID``)
    fetch: int
    page_id: int
    fetched_url: str
    fetched_at: datetime
    status: int
    record_type: str
    warc_file: str
    warc_offset: int
    warc_length: int
    warc_record_id: str
    payload_digest: str | None
    content_type: str | None
    etag: str | None
    last_modified: str | None
    run_id: str | None
    blocked: str | None
    unread: str | None


# -- the write side --


def record_uuid(record_id: str) -> bytes | None:
    """The 16 bytes of a ``<urn:uuid:…>`` record id, or None when the id is not that exact canonical form."""
    if not (record_id.startswith("<urn:uuid:") and record_id.endswith(">")):
        return None
    try:
        value = uuid.UUID(record_id[10:-1])
    except ValueError:
        return None
    return value.bytes if record_id_of(value.bytes) == record_id else None


def record_id_of(raw: bytes) -> str:
    """The WARC-Record-ID a fetch row's UUID stands for."""
    return f"<urn:uuid:{uuid.UUID(bytes=bytes(raw))}>"


def anchor_for(session: Session, page_id: int, capture: CaptureInput, fetched_at: datetime) -> Capture | None:
    """The page's latest capture if ``capture`` may join its run (should it change no version), else None."""
    if (capture.record_type != "revisit" or capture.blocked is not None or capture.unread is not None
            or capture.payload_digest is None or record_uuid(capture.warc.record_id) is None):
        return None
    latest = session.scalar(select(Capture).where(Capture.page_id == page_id)
                            .order_by(Capture.fetched_at.desc(), Capture.id.desc()).limit(1)
                            .execution_options(autoflush=False))
    if latest is None or latest.blocked is not None or latest.unread is not None:
        return None
    if any(getattr(latest, name) != getattr(capture, name) for name in SAME):
        return None
    if capture.content_type != fetch_content_type(latest.content_type, capture.status):
        return None
    if fetched_at <= (latest.last_fetched_at or latest.fetched_at):
        return None
    return latest


def fetch_content_type(anchor_content_type: str | None, status: int) -> str | None:
    """A run fetch's Content-Type: its capture's, but none on a 304 (which need not repeat it, and in practice does not)."""
    return None if status == 304 else anchor_content_type


def add_fetch(session: Session, anchor: Capture, capture: CaptureInput, fetched_at: datetime) -> None:
    """``capture`` as one more fetch of ``anchor``'s run."""
    session.execute(insert(CaptureFetch).values(
        capture_id=anchor.id, fetched_at=fetched_at, status=capture.status,
        warc_file_id=warc_file_id(session, capture.warc.file), warc_offset=capture.warc.offset,
        warc_length=capture.warc.length, record_id=record_uuid(capture.warc.record_id)))
    anchor.last_fetched_at = fetched_at


def warc_file_id(session: Session, name: str) -> int:
    """The id of WARC file ``name`` in ``warc_files``, added if new (remembered for the transaction)."""
    known = memo(session).warc_file_ids
    if name not in known:
        found = session.scalar(select(WarcFile.id).where(WarcFile.name == name))
        if found is None:
            found = session.execute(insert(WarcFile).values(name=name).returning(WarcFile.id)).scalar_one()
        known[name] = found
    return known[name]


def indexed_fetches(session: Session, record_ids: Iterable[str]) -> set[str]:
    """Those of ``record_ids`` already indexed as run fetches."""
    raw = {record_uuid(record_id): record_id for record_id in record_ids}
    raw.pop(None, None)
    found: set[str] = set()
    keys = list(raw)
    for start in range(0, len(keys), CHUNK):
        query = select(CaptureFetch.record_id).where(CaptureFetch.record_id.in_(keys[start:start + CHUNK]))
        found.update(raw[bytes(value)] for value in session.scalars(query))
    return found


# -- the read side --


def every_fetch(session: Session, captures: Sequence[Capture]) -> list[Fetch]:
    """Every fetch of ``captures``: each row's own and its run's, in time order."""
    runs = _run_rows(session, [c.id for c in captures if c.last_fetched_at is not None])
    fetches = []
    for capture in captures:
        own = own_fetch(capture)
        fetches.append(own)
        fetches.extend(_run_fetch(own, n, row) for n, row in enumerate(runs.get(capture.id, ()), 1))
    return sorted(fetches, key=lambda f: (f.fetched_at, f.id, f.fetch))


def own_fetch(capture: Capture) -> Fetch:
    """The capture row's own fetch."""
    return Fetch(capture.id, 0, capture.page_id, capture.fetched_url, capture.fetched_at, capture.status,
                 capture.record_type, capture.warc_file, capture.warc_offset, capture.warc_length,
                 capture.warc_record_id, capture.payload_digest, capture.content_type, capture.etag,
                 capture.last_modified, capture.run_id, capture.blocked, capture.unread)


def fetch_of(session: Session, capture: Capture, number: int) -> Fetch | None:
    """Fetch ``number`` of ``capture`` (0: its own), or None when its run is shorter."""
    if number == 0:
        return own_fetch(capture)
    if number < 0 or capture.last_fetched_at is None:
        return None
    row = session.execute(_run_select().where(CaptureFetch.capture_id == capture.id)
                          .order_by(CaptureFetch.fetched_at).offset(number - 1).limit(1)).first()
    return None if row is None else _run_fetch(own_fetch(capture), number, row)


def fetch_times(session: Session, page_id: int, start: datetime, end: datetime) -> list[tuple[datetime, int]]:
    """(time, capture id) of every fetch of the page from ``start`` to ``end``, a run's fetches under their capture."""
    own = select(Capture.fetched_at.label("at"), Capture.id.label("capture_id")).where(
        Capture.page_id == page_id, Capture.fetched_at.between(start, end))
    runs = (select(CaptureFetch.fetched_at.label("at"), CaptureFetch.capture_id)
            .join(Capture, Capture.id == CaptureFetch.capture_id)
            .where(Capture.page_id == page_id, CaptureFetch.fetched_at.between(start, end)))
    both = union_all(own, runs).subquery()
    return [(at, capture_id) for at, capture_id in session.execute(select(both.c.at, both.c.capture_id)
                                                                   .order_by(both.c.at))]


def counts(session: Session) -> tuple[int, int]:
    """How many fetches the archive holds, and how many of them are revisits: capture rows and run fetches."""
    captures, revisits = session.execute(select(func.count(Capture.id), func.count(Capture.id).filter(
        Capture.record_type == "revisit"))).one()
    in_runs = session.scalar(select(func.count()).select_from(CaptureFetch)) or 0
    return int(captures) + in_runs, int(revisits) + in_runs


def last_fetched(capture_table: Any = Capture) -> ColumnElement[Any]:
    """A capture's last fetch time: its run's last, or its own."""
    return func.coalesce(capture_table.last_fetched_at, capture_table.fetched_at)


def run_fetch_times() -> Any:
    """(fetched_at, page_id) of every run fetch: to count fetches by time beside the capture rows'."""
    return (select(CaptureFetch.fetched_at.label("fetched_at"), Capture.page_id.label("page_id"))
            .join(Capture, Capture.id == CaptureFetch.capture_id))


def all_fetch_times() -> Any:
    """(fetched_at, page_id) of every fetch, capture rows' and runs', as one subquery."""
    own = select(Capture.fetched_at.label("fetched_at"), Capture.page_id.label("page_id"))
    return union_all(own, run_fetch_times()).subquery()


def warc_file_names(session: Session) -> set[str]:
    """Every WARC file a capture or a run fetch points into."""
    named = set(session.scalars(select(Capture.warc_file).distinct()))
    named.update(session.scalars(select(WarcFile.name).where(
        select(literal(1)).where(CaptureFetch.warc_file_id == WarcFile.id).exists())))
    return named


def _run_select() -> Any:
    return (select(CaptureFetch.capture_id, CaptureFetch.fetched_at, CaptureFetch.status, WarcFile.name,
                   CaptureFetch.warc_offset, CaptureFetch.warc_length, CaptureFetch.record_id)
            .join(WarcFile, WarcFile.id == CaptureFetch.warc_file_id))


def _run_rows(session: Session, capture_ids: list[int]) -> dict[int, list[Any]]:
    runs: dict[int, list[Any]] = defaultdict(list)
    for start in range(0, len(capture_ids), CHUNK):
        query = (_run_select().where(CaptureFetch.capture_id.in_(capture_ids[start:start + CHUNK]))
                 .order_by(CaptureFetch.capture_id, CaptureFetch.fetched_at))
        for row in session.execute(query):
            runs[row.capture_id].append(row)
    return runs


def _run_fetch(own: Fetch, number: int, row: Any) -> Fetch:
    return replace(own, fetch=number, fetched_at=row.fetched_at, status=row.status, record_type="revisit",
                   content_type=fetch_content_type(own.content_type, row.status),
                   warc_file=row.name, warc_offset=row.warc_offset, warc_length=row.warc_length,
                   warc_record_id=record_id_of(row.record_id), run_id=None)
