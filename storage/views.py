"""Plain values the archive's read side returns; ``to_json()`` gives script-ready dicts.

Times are aware UTC datetimes on the objects and ISO 8601 strings in JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from storage.times import iso


def _jsonable(value: Any) -> Any:
    return iso(value) if isinstance(value, datetime) else value


@dataclass(frozen=True, slots=True)
class _View:
    def to_json(self) -> dict[str, Any]:
        return {f.name: _jsonable(getattr(self, f.name)) for f in fields(self)}


@dataclass(frozen=True, slots=True)
class VersionView(_View):
    """One version of one page, with the WARC record it was extracted from.

    ``state`` is "ok" for article text, or the removal a re-check found
    ("removed", "paywalled", "redirected"; see :mod:`storage.removals`), whose
    ``change_summary`` names the last version with text.
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
    language: str | None
    sitename: str | None
    description: str | None
    tags: list[str]
    text_hash: str
    state: str
    extractor_version: str | None
    change_summary: dict[str, Any] | None  # what this version changed (storage.changes)
    chars_added: int | None  # reader-visible characters added, removed (None: recorded before 0005)
    chars_removed: int | None
    fetched_url: str
    status: int
    warc_file: str
    warc_offset: int
    warc_length: int
    warc_record_id: str


@dataclass(frozen=True, slots=True)
class CaptureView(_View):
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


@dataclass(frozen=True, slots=True)
class OutletView(_View):
    name: str
    domains: list[str]
    created_at: datetime
    pages: int
    versions: int
    last_capture: datetime | None


@dataclass(frozen=True, slots=True)
class SearchHit(_View):
    """A version matching a search, with a highlighted snippet (matches in ``**``)."""

    url: str
    outlet: str
    version: int
    first_seen: datetime
    last_seen: datetime
    title: str | None
    snippet: str
    rank: float
    published: datetime | None
    language: str | None
    warc_file: str
    warc_offset: int


@dataclass(frozen=True, slots=True)
class StatsView(_View):
    backend: str
    database: str
    outlets: int
    pages: int
    captures: int
    revisits: int
    versions: int
    changed_pages: int
    warc_files: int
    first_capture: datetime | None
    last_capture: datetime | None
    extra: dict[str, Any] = field(default_factory=dict)
