"""Builders shared by the storage and CLI tests: captures and articles at known times.

The fixtures that run those tests on SQLite and PostgreSQL live in conftest.py.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone


from extract.article import Article
from storage.records import CaptureInput, WarcPointer

T0 = datetime(2024, 5, 1, 8, 0, tzinfo=timezone.utc)


def hours(n: float) -> datetime:
    return T0 + timedelta(hours=n)


def capture(
    url: str,
    at: datetime,
    *,
    outlet: str = "daily",
    record_id: str | None = None,
    record_type: str = "response",
    warc_file: str = "test.warc.gz",
    offset: int = 0,
    digest: str | None = None,
    etag: str | None = None,
) -> CaptureInput:
    return CaptureInput(
        outlet=outlet,
        url=url,
        fetched_url=url + "?utm_source=feed",
        fetched_at=at,
        status=200,
        warc=WarcPointer(warc_file, offset, 1234, record_id or f"<urn:uuid:{uuid.uuid4()}>"),
        content_type="text/html; charset=utf-8",
        payload_digest=digest or f"sha1:{uuid.uuid4().hex.upper()[:32]}",
        etag=etag,
        record_type=record_type,
    )


def article(text: str, title: str = "A headline", **meta: object) -> Article:
    return Article(text=text, title=title, **meta)  # type: ignore[arg-type]
