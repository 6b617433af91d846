"""What several views share: paging and permalinks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

from storage.web.rendering import link


@dataclass(frozen=True, slots=True)
class Paging:
    """Page ``number`` of a listing, ``size`` a page; ``more`` when a next page exists."""

    number: int
    size: int
    more: bool

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    def to_json(self) -> dict[str, Any]:
        return {"page": self.number, "per_page": self.size, "more": self.more}


def paging(number: int, size: int, fetched: int) -> Paging:
    """Paging after fetching ``size + 1`` rows: the extra row only says there is more."""
    return Paging(number, size, fetched > size)


def absolute(request: Request, base_path: str, path: str, **params: Any) -> str:
    """An absolute URL of the app (for permalinks and feeds)."""
    origin = f"{request.url.scheme}://{request.url.netloc}"
    return origin + link(base_path, path, **params)
