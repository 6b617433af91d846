"""Every table of the archive index, in one place.

Outlets, pages, captures (each pointing at its WARC record: file, offset,
length) and versions (one distinct article text of a page) first; then the
tables of stories, the re-check schedule, crawl runs, outlet clutter models,
watches with their alerts and delivery outbox, and front pages (their captures,
the distinct links they showed and the runs of captures each link stood still in).
The schema changes only through the Alembic chain in ``storage/db/migrations/``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects import sqlite
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from storage.db.times import now, utc

JSONType = JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend.

    PostgreSQL keeps ``timestamptz``. SQLite has no time type, so values are
    stored as ISO 8601 UTC text with microseconds, ``2026-12-02T03:28:35.862339Z``:
    the form the CLI prints, which compares as text the way the times compare
    (so SQL such as ``first_seen >= '2026-12-02T03:27:00Z'`` is right), and they
    come back aware (revision 0010 rewrote the older space-separated form).
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(_SQLITE_ISO)
        return dialect.type_descriptor(self.impl)

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        value = utc(value)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else utc(value)


_SQLITE_ISO = sqlite.DATETIME(
    storage_format="%(year)04d-%(month)02d-%(day)02dT%(hour)02d:%(minute)02d:%(second)02d.%(microsecond)06dZ",
    regexp=r"(\d+)-(\d+)-(\d+)[T ](\d+):(\d+):(\d+)(?:\.(\d{6}))?",
)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSONType, list[str]: JSONType}


class Outlet(Base):
    __tablename__ = "outlets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    domains: Mapped[list[str]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=now)
    seed: Mapped[dict[str, Any] | None]  # the seed entry as crawled (revision 0011), from the WARC run records
    # render = "auto": since when its pages are rendered by a browser, and the page that showed the need (0021)
    rendered_since: Mapped[datetime | None]
    rendered_because: Mapped[str | None] = mapped_column(Text)


class Page(Base):
    """One article URL (canonical), whatever it was fetched as."""

    __tablename__ = "pages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    outlet_id: Mapped[int] = mapped_column(ForeignKey("outlets.id"), index=True)
    url: Mapped[str] = mapped_column(Text, unique=True)
    first_seen: Mapped[datetime]
    last_seen: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(20), default="ok", index=True)  # see storage.versions.removals
    # the page this article moved to, a new address of its outlet (revision 0018; storage.versions.moves)
    moved_to_id: Mapped[int | None] = mapped_column(ForeignKey("pages.id"), index=True)


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
    blocked: Mapped[str | None] = mapped_column(String(20))  # a wall met instead of the page (extract.walls), 0019
    unread: Mapped[str | None] = mapped_column(String(20))  # why its text was not extracted (extract.page), 0021
    # the last fetch of its run of unchanged re-checks (capture_fetches), None while it is the only one (0025)
    last_fetched_at: Mapped[datetime | None]


class WarcFile(Base):
    """A WARC file named by run fetches (``capture_fetches``): its name once, not once per fetch."""

    __tablename__ = "warc_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)


class CaptureFetch(Base):
    """A re-check that found its capture unchanged: one more fetch in the capture's run (storage.versions.fetch_runs).

    The fetch is a revisit record of the capture's payload, URL and headers; only
    its time, status and record differ, so only those are kept. The primary key
    lists a run's fetches in time order.
    """

    __tablename__ = "capture_fetches"
    __table_args__ = (PrimaryKeyConstraint("capture_id", "fetched_at", name="pk_capture_fetches"),)

    capture_id: Mapped[int] = mapped_column(ForeignKey("captures.id"))
    fetched_at: Mapped[datetime]
    status: Mapped[int] = mapped_column(SmallInteger)
    warc_file_id: Mapped[int] = mapped_column(ForeignKey("warc_files.id"))
    warc_offset: Mapped[int] = mapped_column(BigInteger)
    warc_length: Mapped[int] = mapped_column(Integer)
    record_id: Mapped[bytes] = mapped_column(LargeBinary(16), unique=True)  # the WARC-Record-ID's UUID


class Rendition(Base):
    """A screenshot (its layout, the rendered DOM) written to the WARC apart from, and after, its capture.

    A static page's new version, rendered once more for its screenshot
    (:mod:`storage.versions.renditions`); a capture rendered by the browser keeps
    its renditions beside its response instead and has no row here.
    """

    __tablename__ = "renditions"
    __table_args__ = (UniqueConstraint("capture_record_id", name="uq_renditions_capture_record_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    capture_record_id: Mapped[str] = mapped_column(String(100))  # the capture's response record (captures.warc_record_id)
    warc_file: Mapped[str] = mapped_column(Text)
    warc_offset: Mapped[int] = mapped_column(BigInteger)  # the first of its records (storage.warc.rendered)
    taken_at: Mapped[datetime]


class Version(Base):
    """One distinct article text (or title) of a page, numbered 1, 2, … by ``seq``.

    ``outlet_id`` repeats the page's outlet so "versions of outlet X between T1
    and T2" is one index range scan.
    """

    __tablename__ = "versions"
    __table_args__ = (
        UniqueConstraint("page_id", "seq", name="uq_versions_page_seq"),
        Index("ix_versions_outlet_time", "outlet_id", "first_seen", "seq", "state", "page_id"),  # covers outlet charts (0015)
        Index("ix_versions_first_seen", "first_seen"),
        Index("ix_versions_language_time", "language", "first_seen"),
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
    language: Mapped[str | None] = mapped_column(String(20))  # detected from the text when sure, else declared
    declared_language: Mapped[str | None] = mapped_column(String(20))  # what the page said (revision 0012)
    sitename: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    tags: Mapped[list[str]] = mapped_column(default=list)
    text_hash: Mapped[str] = mapped_column(String(64))  # not indexed: never searched on (revision 0009)
    first_seen: Mapped[datetime]
    last_seen: Mapped[datetime]
    capture_id: Mapped[int] = mapped_column(ForeignKey("captures.id"))
    extractor_version: Mapped[str | None] = mapped_column(String(50))
    change_summary: Mapped[dict[str, Any] | None]
    posts: Mapped[list[Any] | None] = mapped_column(JSONType)  # a live blog's posts (0021; storage.versions.posts)
    state: Mapped[str] = mapped_column(String(20), default="ok")  # "ok" or a removal (storage.versions.removals)
    chars_added: Mapped[int | None]  # reader-visible characters this version added (storage.versions.changes)
    chars_removed: Mapped[int | None]


# -- Stories: copies of one article across outlets (storage/stories/) --


class StoryFingerprint(Base):
    """The fingerprint of one version (:meth:`storage.stories.fingerprint.Fingerprint.to_bytes`)."""

    __tablename__ = "story_fingerprints"

    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id"), primary_key=True)
    fingerprint: Mapped[bytes] = mapped_column(LargeBinary)
    fingerprint_version: Mapped[int] = mapped_column(Integer)
    words: Mapped[int] = mapped_column(Integer)
    # The text as story matching cuts it (storage.stories.matcher.packed_cut): a
    # candidate compared later is read from here instead of being cut again. Empty
    # for versions fingerprinted before 0016, and after reextract rewrites the text.
    cut: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)


class StoryBand(Base):
    """One band key of one version; the primary key's leading column indexes lookups by key."""

    __tablename__ = "story_band"
    __table_args__ = (PrimaryKeyConstraint("band_key", "version_id", name="pk_story_band"),)

    band_key: Mapped[int] = mapped_column(BigInteger)
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id"))


class Story(Base):
    """A group of versions carrying the same article; counts are kept for listing."""

    __tablename__ = "stories"
    __table_args__ = (
        Index("ix_stories_size", "outlets", "members"),
        Index("ix_stories_last_seen", "last_seen"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    origin_version_id: Mapped[int] = mapped_column(ForeignKey("versions.id"))
    members: Mapped[int] = mapped_column(Integer)
    outlets: Mapped[int] = mapped_column(Integer)
    first_seen: Mapped[datetime]
    last_seen: Mapped[datetime]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class StoryMember(Base):
    """A version in a story: its relation to the origin, and the version it matched when it joined."""

    __tablename__ = "story_members"

    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id"), primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id"), index=True)
    relation: Mapped[str] = mapped_column(String(20))
    similarity: Mapped[float] = mapped_column(Float)
    matched_to: Mapped[int | None] = mapped_column(ForeignKey("versions.id"))
    match_similarity: Mapped[float | None] = mapped_column(Float)


# -- Re-check schedule (storage/versions/recheck.py) --


class PageSchedule(Base):
    """One row per archived article page: when it is next due, and its track record."""

    __tablename__ = "page_schedule"
    __table_args__ = (Index("ix_page_schedule_due", "next_check_at"),)

    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id"), primary_key=True)
    outlet_id: Mapped[int] = mapped_column(ForeignKey("outlets.id"), index=True)
    next_check_at: Mapped[datetime | None]  # None: retired, never checked again
    last_checked_at: Mapped[datetime]
    last_changed_at: Mapped[datetime]
    checks: Mapped[int] = mapped_column(Integer, default=0)
    changes: Mapped[int] = mapped_column(Integer, default=0)
    failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # failed checks in a row
    last_failure: Mapped[str | None] = mapped_column(String(40))  # the last failure's kind (http_503, timeout, …)


class OutletChangeRecord(Base):
    """Running totals of checks and changes per outlet: the prior for its new pages."""

    __tablename__ = "outlet_change_record"

    outlet_id: Mapped[int] = mapped_column(ForeignKey("outlets.id"), primary_key=True)
    checks: Mapped[int] = mapped_column(Integer, default=0)
    changes: Mapped[int] = mapped_column(Integer, default=0)


# -- Crawl runs (storage/outlets/runs.py) --


class Run(Base):
    __tablename__ = "runs"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    host: Mapped[str] = mapped_column(String(200))
    pid: Mapped[int]
    arguments: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    finish_reason: Mapped[str | None] = mapped_column(String(100))
    counts: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    errors: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    outlets: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    warc_files: Mapped[list[str]] = mapped_column(JSONType, default=list)
    note: Mapped[str | None] = mapped_column(Text)
    crawl_id: Mapped[str | None] = mapped_column(String(40), index=True)  # the distributed crawl it took part in
    exit_status: Mapped[int | None]  # what `scrapy crawl` returned (crawler/exitcodes.py)


# -- Outlet clutter models (storage/outlets/clutter_models.py) --


class BoilerplateModel(Base):
    """The saved ``OutletBoilerplate.to_dict()`` of one outlet."""

    __tablename__ = "outlet_boilerplate"

    outlet_id: Mapped[int] = mapped_column(ForeignKey("outlets.id"), primary_key=True)
    pages: Mapped[int]
    model: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime]


# -- Watches, their alerts and the delivery outbox (storage/search/watches.py, alerts.py, outbox.py) --


class Watch(Base):
    """A standing search: a query, the outlets and events it follows, and where its alerts go."""

    __tablename__ = "watches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    query: Mapped[str] = mapped_column(Text)
    outlets: Mapped[list[str]] = mapped_column(default=list)  # empty: every outlet
    events: Mapped[list[str]] = mapped_column(default=list)
    targets: Mapped[list[str]] = mapped_column(default=list)  # Apprise URLs
    digest: Mapped[bool] = mapped_column(Boolean, default=False)  # one message per delivery run, not per alert
    key: Mapped[str] = mapped_column(String(40))  # random: makes idempotency keys unique across archives
    created_at: Mapped[datetime] = mapped_column(default=now)


class Alert(Base):
    """One event of one watch on one version, with the citation behind it."""

    __tablename__ = "alerts"
    __table_args__ = (
        UniqueConstraint("watch_id", "version_id", "event", name="uq_alerts_watch_version_event"),
        Index("ix_alerts_watch_time", "watch_id", "created_at"),
        Index("ix_alerts_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    watch_id: Mapped[int] = mapped_column(ForeignKey("watches.id"))
    event: Mapped[str] = mapped_column(String(20))
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id"))
    outlet: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(Text)
    version_seq: Mapped[int]
    previous_seq: Mapped[int | None]
    first_seen: Mapped[datetime]
    title: Mapped[str | None] = mapped_column(Text)
    excerpt: Mapped[str] = mapped_column(Text)
    warc_file: Mapped[str] = mapped_column(Text)
    warc_offset: Mapped[int] = mapped_column(BigInteger)
    warc_record_id: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=now)


class AlertDelivery(Base):
    """The outbox: one alert for one notification target, until it is delivered."""

    __tablename__ = "alert_deliveries"
    __table_args__ = (Index("ix_alert_deliveries_due", "delivered_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id"), index=True)
    target: Mapped[str] = mapped_column(Text)
    batch: Mapped[str | None] = mapped_column(String(100))  # a digest's idempotency key, fixed on first try
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    delivered_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    claimed_until: Mapped[datetime | None]  # a delivery run is sending it; free again after this (0017)


# -- Front pages: where each article stood on its outlet's start pages (storage/outlets/frontpages.py) --


class FrontPage(Base):
    """One start page of an outlet (its home or a section front), by the URL it was fetched as."""

    __tablename__ = "frontpages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    outlet_id: Mapped[int] = mapped_column(ForeignKey("outlets.id"), index=True)
    url: Mapped[str] = mapped_column(Text, unique=True)


class FrontPageCapture(Base):
    """One fetch of a front page (its WARC response record), numbered 1, 2, … per front page by ``seq``."""

    __tablename__ = "frontpage_captures"
    __table_args__ = (
        UniqueConstraint("frontpage_id", "seq", name="uq_frontpage_captures_seq"),
        Index("ix_frontpage_captures_time", "frontpage_id", "fetched_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    frontpage_id: Mapped[int] = mapped_column(ForeignKey("frontpages.id"))
    seq: Mapped[int]
    fetched_at: Mapped[datetime]
    links: Mapped[int]  # article links the capture showed
    warc_file: Mapped[str] = mapped_column(Text)
    warc_offset: Mapped[int] = mapped_column(BigInteger)
    warc_length: Mapped[int] = mapped_column(BigInteger)
    warc_record_id: Mapped[str] = mapped_column(String(100), unique=True)


class FrontPageLink(Base):
    """One distinct (front page, article URL, headline, section): what the runs point at."""

    __tablename__ = "frontpage_links"
    __table_args__ = (
        UniqueConstraint("frontpage_id", "url", "headline", "section", name="uq_frontpage_links"),
        Index("ix_frontpage_links_url", "url"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    frontpage_id: Mapped[int] = mapped_column(ForeignKey("frontpages.id"))
    url: Mapped[str] = mapped_column(Text)  # the article's canonical URL
    headline: Mapped[str] = mapped_column(Text)
    section: Mapped[str] = mapped_column(Text)  # "" when no heading or landmark preceded it


class FrontPageRun(Base):
    """A link standing still: the same rank and lead over consecutive captures ``first_seq``…``last_seq``."""

    __tablename__ = "frontpage_runs"
    __table_args__ = (Index("ix_frontpage_runs_link", "link_id", "last_seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("frontpage_links.id"))
    rank: Mapped[int]
    lead: Mapped[bool] = mapped_column(Boolean, default=False)
    first_seq: Mapped[int]
    last_seq: Mapped[int]
