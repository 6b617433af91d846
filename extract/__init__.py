"""HTML → :class:`Article`: main text and metadata, without I/O or a database.

The names below load on first use, so importing ``extract`` (or one of its
light modules, such as ``extract.urls``) does not load trafilatura: an
archive-only crawl and most CLI commands never need it.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from extract.article import Article
    from extract.extractor import ExtractedPage, extract_article, extract_page
    from extract.version import EXTRACTOR_VERSION

__all__ = ["Article", "EXTRACTOR_VERSION", "ExtractedPage", "extract_article", "extract_page"]

_HOMES = {
    "Article": "extract.article",
    "EXTRACTOR_VERSION": "extract.version",
    "ExtractedPage": "extract.extractor",
    "extract_article": "extract.extractor",
    "extract_page": "extract.extractor",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'extract' has no attribute {name!r}")
    return getattr(import_module(home), name)
