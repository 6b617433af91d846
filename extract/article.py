"""The value an extraction returns: an article's text and its metadata."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any


@dataclass(slots=True)
class Article:
    """Main text and metadata of one article page.

    ``text`` is the article body only: paragraphs separated by a blank line,
    without navigation, ads, comments, share prompts or related-story lists.
    Times are timezone-aware UTC datetimes, or ``None`` when the page does not
    say. ``language`` is the archive's best value (the language detected in
    the text when the detection is confident, else the page's declaration:
    :mod:`extract.language`); ``declared_language`` is what the page's markup
    says, kept beside it. Both are ISO 639-1 codes.
    """

    text: str
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: datetime | None = None
    modified: datetime | None = None
    language: str | None = None
    sitename: str | None = None
    description: str | None = None
    canonical_url: str | None = None
    tags: list[str] = field(default_factory=list)
    declared_language: str | None = None
    # a live blog's posts (extract.liveblog): id, time, author, text; the text holds one paragraph per post
    posts: list[dict[str, str]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.text.strip()

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("published", "modified"):
            if data[key] is not None:
                data[key] = data[key].isoformat()
        return data
