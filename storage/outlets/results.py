"""What the archive returns about outlets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.db.results import Result


@dataclass(frozen=True, slots=True)
class OutletView(Result):
    name: str
    domains: list[str]
    created_at: datetime
    pages: int
    versions: int
    last_capture: datetime | None
    render: str = "auto: static"  # how its pages are fetched (storage.outlets.rendering.render_words)
