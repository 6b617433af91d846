"""What a search returns: one hit per matching version."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.db.results import Result


@dataclass(frozen=True, slots=True)
class SearchHit(Result):
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
