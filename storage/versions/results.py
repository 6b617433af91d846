"""What the archive returns about versions and captures: plain values, ``to_json()`` for scripts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from storage.db.results import Result


@dataclass(frozen=True, slots=True)
class VersionView(Result):
    """One version of one page, with the WARC record it was extracted from.

    ``state`` is "ok" for article text, or the removal a re-check found
    ("removed", "paywalled", "redirected", "moved"; see :mod:`storage.versions.removals`), whose
    ``change_summary`` names the last version with text. ``moved_to`` is the
    page's new address when its article moved, ``moved_from`` the addresses
    whose articles moved here (:mod:`storage.versions.moves`).
    """

    url: str
    outlet: str
    version: int
    first_seen: datetime
    last_seen: datetime
    title: str | None
    text: str
    authors: list[str]
    published: datetime | None
    modified: datetime | None
    language: str | None  # detected from the text when sure, else what the page declared
    declared_language: str | None
    sitename: str | None
    description: str | None
    tags: list[str]
    text_hash: str
    state: str
    extractor_version: str | None
    change_summary: dict[str, Any] | None  # what this version changed (storage.versions.changes)
    chars_added: int | None  # reader-visible characters added, removed (None: recorded before 0005)
    chars_removed: int | None
    fetched_url: str
    status: int
    warc_file: str
    warc_offset: int
    warc_length: int
    warc_record_id: str
    moved_to: str | None = None
    moved_from: list[str] = field(default_factory=list)
    posts: list[dict[str, Any]] | None = None  # a live blog's posts: id, time, author, text (extract.liveblog)


@dataclass(frozen=True, slots=True)
class CaptureView(Result):
    """One fetch of a page: what a conditional re-fetch and ``show --raw`` need."""

    url: str
    outlet: str
    fetched_url: str
    fetched_at: datetime
    status: int
    record_type: str
    content_type: str | None
    etag: str | None
    last_modified: str | None
    payload_digest: str | None
    warc_file: str
    warc_offset: int
    warc_length: int
    warc_record_id: str
    run_id: str | None
    blocked: str | None = None  # the wall met instead of the page (extract.walls), when one was
    unread: str | None = None  # why the page was not extracted (extract.page.OVERSIZED), when it was not