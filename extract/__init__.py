"""HTML → :class:`Article`: main text and metadata, without I/O or a database."""

from extract.article import Article
from extract.extractor import EXTRACTOR_VERSION, extract_article

__all__ = ["Article", "EXTRACTOR_VERSION", "extract_article"]
