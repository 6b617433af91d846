"""Builders shared by the storage and CLI tests: captures and articles at known times.

The fixtures that run those tests on SQLite and PostgreSQL live in conftest.py.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from extract.article import Article
from storage.search.matching import tokens
from storage.versions.captures import CaptureInput, WarcPointer

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


def phrase_of(text: str, words: int = 12) -> str:
    """The first ``words`` words of ``text`` as a phrase query of the search syntax."""
    return '"' + " ".join(tokens(text)[:words]) + '"'


@contextmanager
def scratch_schema(pg_url: str, prefix: str = "test") -> Iterator[str]:
    """A PostgreSQL schema of its own while the block runs: yields ``pg_url`` with that
    schema as its search path, and drops the schema with everything in it afterwards."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield make_url(pg_url).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
            hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def scalars_of(db_url: str, sql: str, **params: object) -> list[object]:
    """The first column of what ``sql`` returns from the database at ``db_url``, read on a connection of its own."""
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(text(sql), params).scalars())
    finally:
        engine.dispose()


def stored_cuts(db_url: str) -> list[bytes | None]:
    """``story_fingerprints.cut`` of every fingerprinted version, by version id."""
    return scalars_of(db_url, "SELECT cut FROM story_fingerprints ORDER BY version_id")  # type: ignore[return-value]
