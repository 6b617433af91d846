"""HTML → :class:`Article`: main text and metadata, without I/O or a database."""

from extract.article import Article
from extract.extractor import EXTRACTOR_VERSION, ExtractedPage, extract_article, extract_page

__all__ = ["Article", "EXTRACTOR_VERSION", "ExtractedPage", "extract_article", "extract_page"]
