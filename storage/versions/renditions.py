"""Screenshots taken after their capture: where a version's screenshot is when the WARC holds it apart.

A capture rendered by the browser has its DOM, screenshot and layout right
after its response in the same batch (:mod:`storage.warc.rendered`), and is
read from there. An outlet that asks for a screenshot of every version has a
page fetched without the browser rendered once more when that fetch made a new
version: those records come later, wherever the WARC writer was then. A row
here says where (keyed by the capture's response record id, which the records
name in ``WARC-Concurrent-To``), written by the crawl and rebuilt by
``reindex`` from the records themselves.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.db.fastpath import insert_object
from storage.db.models import Rendition
from storage.versions.captures import RenditionInput


def record(session: Session, entry: RenditionInput) -> bool:
    """Link the screenshot ``entry`` to its capture; False when that capture has one linked already."""
    if session.scalar(select(Rendition.id).where(Rendition.capture_record_id == entry.capture_record_id)):
        return False  # a batch written again, or a second render of the same capture: the first one stands
    insert_object(session, Rendition(capture_record_id=entry.capture_record_id, warc_file=entry.warc.file,
                                     warc_offset=entry.warc.offset, taken_at=entry.taken_at))
    return True


def located(session: Session, capture_record_id: str) -> tuple[str, int] | None:
    """``(warc_file, warc_offset)`` of the screenshot taken apart from the capture ``capture_record_id``, if any."""
    row = session.execute(select(Rendition.warc_file, Rendition.warc_offset)
                          .where(Rendition.capture_record_id == capture_record_id)).first()
    return None if row is None else (row[0], row[1])
