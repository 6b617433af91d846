"""What the ``news`` spider hands to the item pipeline: a fetched page or front page, a failed re-check, or a screenshot."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(slots=True)
class FetchedPage:
    """A fetched page, already in a WARC record, waiting to be extracted and indexed."""

    outlet: str
    url: str  # the archive's identity for the page (canonical URL; the pipeline may refine it)
    fetched_url: str  # the URL the response came from (after redirects)
    status: int
    fetched_at: datetime
    body: bytes  # decoded payload (after Content-Encoding), as the extractor sees it
    content_type: str | None
    is_article: bool | None  # None: not decided yet (the pipeline judges the page)
    listed: bool = False  # a feed or sitemap listed it
    warc_record: Any = None  # crawler.middlewares.warc.WrittenRecord, None when WARC writing is off
    etag: str | None = None
    last_modified: str | None = None
    hints: dict[str, Any] = field(default_factory=dict)  # title/published from feed or sitemap
    headers: dict[str, str] = field(default_factory=dict)  # the response's, names lowercased
    blocked: str | None = None  # the wall the pipeline found instead of the page (extract.walls)
    rendered: bool = False  # fetched by the browser (body: the rendered DOM)
    handed_to_browser: bool = False  # needs scripts: fetched again with the browser, this capture not indexed
    unread: str | None = None  # why the pipeline did not extract the page (extract.limits.OVERSIZED)


@dataclass(slots=True)
class FetchedFrontPage:
    """A start page (home or section front) fetched, already in a WARC record: its links become a record."""

    outlet: str
    url: str  # the URL it was fetched as (after redirects)
    body: bytes
    warc_record: Any  # crawler.middlewares.warc.WrittenRecord


@dataclass(slots=True)
class FailedRecheck:
    """A re-check of an archived page that got no usable answer: its schedule backs off (storage.versions.recheck)."""

    url: str  # the page's identity in the archive
    failed_at: datetime
    kind: str  # crawler.failures.error_kind


@dataclass(slots=True)
class FetchedScreenshot:
    """The renditions (screenshot, layout, DOM) a render wrote for a static page's new version: to be linked to it."""

    outlet: str
    url: str
    capture_record_id: str  # the version's capture: its response record id
    warc_record: Any  # crawler.middlewares.warc.WrittenRecord of the first rendition record
