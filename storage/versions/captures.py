"""What the crawler and WARC ingest hand to the archive for one fetch (a page or a front page), and what recording did.

These are the contract between ``crawler/`` (or ``storage.ingest.ingest``) and
:class:`storage.Archive`: no SQLAlchemy here, so writers need not know the schema.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage.warc.pointer import WarcPointer


@dataclass(frozen=True, slots=True)
class CaptureInput:
    """One fetch of one URL, as recorded in a WARC."""

    outlet: str
    url: str  # the page's identity in the archive: canonical URL
    fetched_url: str  # the URL actually requested
    fetched_at: datetime  # the record's WARC-Date, timezone-aware UTC
    status: int
    warc: WarcPointer
    content_type: str | None = None
    payload_digest: str | None = None  # "sha1:BASE32", as in WARC-Payload-Digest
    etag: str | None = None
    last_modified: str | None = None
    record_type: str = "response"  # "response" or "revisit"
    blocked: str | None = None  # the kind of wall met instead of the page (extract.walls.KINDS)
    unread: str | None = None  # why the page's text was not extracted (extract.page.OVERSIZED)


class Outcome(str, enum.Enum):
    """What recording a capture did to the page's versions."""

    NEW = "new"  # first version of a page
    CHANGED = "changed"  # a new version of a known page
    UNCHANGED = "unchanged"  # same text: the latest version's last_seen moved
    NOT_ARTICLE = "not-article"  # captured, but no article text to version
    BLOCKED = "blocked"  # a wall (consent, challenge, …) stood in for the page: neither a version nor a removal
    UNREAD = "unread"  # the page was not extracted (too many elements): neither a version nor a removal
    FRONT_PAGE = "front-page"  # a capture of a front page: its ranked links recorded (storage.outlets.frontpages)
    CHECK_FAILED = "check-failed"  # a re-check got no answer: noted on the page's schedule, which backs off
    SCREENSHOT = "screenshot"  # a screenshot taken after its capture, linked to it (storage.versions.renditions)


@dataclass(frozen=True, slots=True)
class FailedCheck:
    """A re-check that got no usable answer (a 503 after retries, a timeout, a DNS failure).

    An entry of a batch given to :meth:`storage.Archive.record_captures`, in
    order with the captures; :func:`storage.versions.recheck.record_failure` backs the page off.
    """

    url: str  # the page's identity
    failed_at: datetime
    kind: str  # crawler.failures.error_kind: http_503, timeout, dns, connection_refused, …


@dataclass(frozen=True, slots=True)
class FrontPageInput:
    """One fetch of an outlet's start page, as recorded in a WARC, with the article links it showed.

    ``links`` are :class:`extract.frontpage.FrontPageLink`, ranked; an entry of a
    batch given to :meth:`storage.Archive.record_captures` like a :class:`CaptureInput`.
    """

    outlet: str
    url: str  # the URL the front page was fetched as (after redirects)
    fetched_at: datetime  # the record's WARC-Date
    warc: WarcPointer
    links: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class RenditionInput:
    """A screenshot (with its layout and DOM) written to the WARC after the capture it shows.

    An entry of a batch given to :meth:`storage.Archive.record_captures`;
    ``warc`` points at the first of its records, ``capture_record_id`` names the
    capture's response record (:mod:`storage.versions.renditions`).
    """

    capture_record_id: str
    warc: WarcPointer
    taken_at: datetime


def apply_listing_hints(article: Any, hints: dict[str, Any]) -> None:
    """Fill the title and published date an article's page lacks from what its feed or news sitemap said."""
    if not article.title and hints.get("title"):
        article.title = hints["title"]
    if article.published is None and hints.get("published"):
        article.published = hints["published"]
