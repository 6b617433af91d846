"""Fixtures and builders shared by the storage and CLI tests (no tests here).

``db_url`` runs each test on SQLite and on PostgreSQL; a PostgreSQL test gets
a schema of its own, dropped afterwards, so tests never see each other's rows.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from extract.article import Article
from storage.records import CaptureInput, WarcPointer

T0 = datetime(2024, 5, 1, 8, 0, tzinfo=timezone.utc)


def hours(n: float) -> datetime:
    return T0 + timedelta(hours=n)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'archive' / 'archive.sqlite3'}"
        return
    base = request.getfixturevalue("pg_url")
    schema = f"test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


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
