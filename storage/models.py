"""SQLAlchemy models of the archive index: outlets, pages, captures, versions.

Every capture points at its WARC record (file, offset, length); a version is
one distinct article text of a page. ``Base.metadata`` is shared: other modules
(``storage/stories_models.py``) add their tables to it and ship their own
Alembic revision on top of ``0001``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from storage.times import now, utc

JSONType = JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend.

    PostgreSQL keeps ``timestamptz``; SQLite has no time zones, so values are
    stored as naive UTC (which also keeps their text sortable) and come back aware.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        value = utc(value)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else utc(value)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSONType, list[str]: JSONType}


class Outlet(Base):
    __tablename__ = "outlets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    domains: Mapped[list[str]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=now)


class Page(Base):
    """One article URL (canonical), whatever it was fetched as."""

    __tablename__ = "pages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    outlet_id: Mapped[int] = mapped_column(ForeignKey("outlets.id"), index=True)
    url: Mapped[str] = mapped_column(Text, unique=True)
    first_seen: Mapped[datetime]
    last_seen: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(20), default="ok", index=True)  # see storage.removals


class Capture(Base):
    """One fetch of a page: a WARC response or revisit record."""

    __tablename__ = "captures"
    __table_args__ = (
        Index("ix_captures_page_time", "page_id", "fetched_at"),
        Index("ix_captures_fetched_url", "fetched_url"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id"))
    fetched_url: Mapped[str] = mapped_column(Text)
    fetched_at: Mapped[datetime]
    status: Mapped[int]
    record_type: Mapped[str] = mapped_column(String(10), default="response")
    warc_file: Mapped[str] = mapped_column(Text)
    warc_offset: Mapped[int] = mapped_column(BigInteger)
    warc_length: Mapped[int] = mapped_column(BigInteger)
    warc_record_id: Mapped[str] = mapped_column(String(100), unique=True)
    payload_digest: Mapped[str | None] = mapped_column(String(100))
    content_type: Mapped[str | None] = mapped_column(String(200))
    etag: Mapped[str | None] = mapped_column(String(200))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    run_id: Mapped[str | None] = mapped_column(String(100))


class Version(Base):
    """One distinct article text (or title) of a page, numbered 1, 2, … by ``seq``.

    ``outlet_id`` repeats the page's outlet so "versions of outlet X between T1
    and T2" is one index range scan.
    """

    __tablename__ = "versions"
    __table_args__ = (
        UniqueConstraint("page_id", "seq", name="uq_versions_page_seq"),
        Index("ix_versions_outlet_time", "outlet_id", "first_seen"),
        Index("ix_versions_first_seen", "first_seen"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id"))
    outlet_id: Mapped[int] = mapped_column(ForeignKey("outlets.id"))
    seq: Mapped[int]
    title: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    authors: Mapped[list[str]] = mapped_column(default=list)
    published: Mapped[datetime | None]
    modified: Mapped[datetime | None]
    language: Mapped[str | None] = mapped_column(String(20))
    sitename: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    tags: Mapped[list[str]] = mapped_column(default=list)
    text_hash: Mapped[str] = mapped_column(String(64))  # not indexed: never searched on (revision 0009)
    first_seen: Mapped[datetime]
    last_seen: Mapped[datetime]
    capture_id: Mapped[int] = mapped_column(ForeignKey("captures.id"))
    extractor_version: Mapped[str | None] = mapped_column(String(50))
    change_summary: Mapped[dict[str, Any] | None]
    state: Mapped[str] = mapped_column(String(20), default="ok")  # "ok" or a removal (storage.removals)
    chars_added: Mapped[int | None]  # reader-visible characters this version added (storage.changes)
    chars_removed: Mapped[int | None]
