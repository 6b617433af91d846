"""What the WARC writer tells the rest of the crawler about a record it wrote.

``WarcMiddleware`` puts a :class:`WrittenRecord` in ``request.meta["warc_record"]``
(seen as ``response.meta["warc_record"]`` in callbacks) after archiving a fetch.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.records import WarcPointer


@dataclass(frozen=True, slots=True)
class WrittenRecord:
    """The response (or revisit) record of one fetch, as written."""

    pointer: WarcPointer  # file relative to ARCHIVE_DIR/warcs/, gzip member offset/length, record id
    record_type: str  # "response" or "revisit"
    payload_digest: str  # "sha1:BASE32" of the payload the record stands for
    date: datetime  # the record's WARC-Date, timezone-aware UTC
    ip: str | None  # WARC-IP-Address, when the download handler knew it
