"""Placeholder until the extraction module lands: plain trafilatura."""

from __future__ import annotations

import trafilatura

from extract.article import Article

EXTRACTOR_VERSION = "0"


def extract_article(html: str | bytes, url: str | None = None) -> Article:
    text = trafilatura.extract(html, url=url, include_comments=False) or ""
    return Article(text=text)
