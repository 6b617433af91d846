"""Where a WARC record lives (:class:`WarcPointer`), and what the writer reports about one it wrote.

The crawler's WARC middleware puts a :class:`WrittenRecord` in
``request.meta["warc_record"]`` (seen as ``response.meta["warc_record"]`` in
callbacks) after archiving a fetch; database rows keep its pointer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class WarcPointer:
    """Where one WARC record lives: enough to read it back with warcio.

    ``file`` is the file name relative to ``ARCHIVE_DIR/warcs/`` for WARCs the
    crawler wrote, or an absolute path for WARCs indexed in place by ``ingest``.
    ``length`` counts the whole record as stored (the gzip member when compressed).
    """

    file: str
    offset: int
    length: int
    record_id: str


@dataclass(frozen=True, slots=True)
class WrittenRecord:
    """The response (or revisit) record of one fetch, as written."""

    pointer: WarcPointer  # file relative to ARCHIVE_DIR/warcs/, gzip member offset/length, record id
    record_type: str  # "response" or "revisit"
    payload_digest: str  # "sha1:BASE32" of the payload the record stands for
    date: datetime  # the record's WARC-Date, timezone-aware UTC
    ip: str | None  # WARC-IP-Address, when the download handler knew it
