"""The ``news`` spider: discover articles of the seed outlets and fetch them.

Discovery runs from each outlet's feeds (RSS/Atom), sitemaps (indexes and
Google News sitemaps) and start pages (one hop deep). Every page fetched goes
through the WARC writer (a downloader middleware) before it reaches a callback
here; callbacks decide the page's identity and whether it is an article, and
hand a :class:`FetchedPage` to the archive pipeline.

Arguments: ``-a seeds=FILE[,FILE]`` (default ``seeds/*.toml``), ``-a outlet=NAME``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import scrapy
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from extract.page_signals import declared_identity, page_declares_article, url_looks_like_article
from crawler.errors import error_kind
from crawler.feeds import FeedError, parse_feed
from crawler.items import FetchedPage
from crawler.seeds import OutletSeed, load_seeds
from crawler.sitemaps import SitemapError, parse_sitemap
from extract.urls import canonicalize_url, strip_tracking

logger = logging.getLogger(__name__)

MAX_SITEMAP_DEPTH = 3


class NewsSpider(scrapy.Spider):
    name = "news"

    def __init__(self, seeds: str | None = None, outlet: str | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        paths = [p.strip() for p in seeds.split(",") if p.strip()] if seeds else None
        self.outlets: dict[str, OutletSeed] = {seed.name: seed for seed in load_seeds(paths, outlet)}
        self.allowed_domains = sorted({d for seed in self.outlets.values() for d in seed.domains})

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        max_age = crawler.settings.getfloat("SITEMAP_MAX_AGE_DAYS", 0)
        spider.sitemap_cutoff = datetime.now(UTC) - timedelta(days=max_age) if max_age > 0 else None
        return spider

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for seed in self.outlets.values():
            for url in seed.feeds:
                yield self._request(seed, url, self.parse_feed)
            for url in seed.sitemaps:
                yield self._request(seed, url, self.parse_sitemap, sitemap_depth=0)
            for url in seed.start_urls:
                yield self._request(seed, url, self.parse_start_page)

    # -- discovery ---------------------------------------------------------------

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        seed = self._seed(response)
        try:
            entries = parse_feed(response.body, response.url)
        except FeedError as exc:
            self._discovery_error("feed", response.url, str(exc))
            return
        self.crawler.stats.inc_value("discovery/feed_entries", len(entries))
        for entry in entries:
            yield from self._article_request(seed, entry.url, listed=True,
                                             hints={"title": entry.title, "published": entry.published})

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        seed = self._seed(response)
        try:
            sitemap = parse_sitemap(response.body, response.url)
        except SitemapError as exc:
            self._discovery_error("sitemap", response.url, str(exc))
            return
        if sitemap.kind == "sitemapindex":
            depth = response.meta.get("sitemap_depth", 0) + 1
            if depth > MAX_SITEMAP_DEPTH:
                self._discovery_error("sitemap", response.url, f"sitemap indexes nested deeper than {MAX_SITEMAP_DEPTH}")
                return
            for entry in sitemap.entries:
                if seed.owns(entry.url):
                    yield self._request(seed, entry.url, self.parse_sitemap, sitemap_depth=depth)
            return
        self.crawler.stats.inc_value("discovery/sitemap_entries", len(sitemap.entries))
        for entry in sitemap.entries:
            stamp = entry.news_published or entry.lastmod
            if self.sitemap_cutoff and stamp and stamp < self.sitemap_cutoff:
                continue
            yield from self._article_request(seed, entry.url, listed=True,
                                             hints={"title": entry.news_title, "published": entry.news_published})

    def parse_start_page(self, response: Response) -> Iterator[scrapy.Request]:
        seed = self._seed(response)
        if not isinstance(response, TextResponse):
            return
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href.strip())
            if not url.startswith(("http://", "https://")) or not seed.owns(url):
                continue
            looks_like_article = seed.article_pattern.search(url) if seed.article_pattern else url_looks_like_article(url)
            if looks_like_article:
                yield from self._article_request(seed, url, listed=False)

    # -- articles ------------------------------------------------------------------

    def parse_page(self, response: Response) -> Iterator[FetchedPage]:
        seed = self._seed(response)
        self.crawler.stats.inc_value("pages/fetched")
        is_text = isinstance(response, TextResponse) and _is_html(response)
        identity = response.url
        is_article = False
        if is_text:
            declared = declared_identity(response)
            if declared:
                declared = response.urljoin(declared)
                if seed.owns(declared):
                    identity = declared
            is_article = bool(response.meta.get("listed")) or self._matches_pattern(seed, response.url) \
                or page_declares_article(response)
        else:
            self.crawler.stats.inc_value("pages/not_html")
        yield FetchedPage(
            outlet=seed.name,
            url=canonicalize_url(identity),
            fetched_url=response.url,
            status=response.status,
            fetched_at=_fetch_time(response),
            body=response.body if is_text else b"",
            content_type=_header(response, b"Content-Type"),
            is_article=is_article,
            warc_record=response.meta.get("warc_record"),
            etag=_header(response, b"ETag"),
            last_modified=_header(response, b"Last-Modified"),
            hints={k: v for k, v in response.meta.get("hints", {}).items() if v},
        )

    def on_error(self, failure: Failure) -> None:
        request = failure.request
        kind = error_kind(failure)
        self.crawler.stats.inc_value(f"errors/{kind}")
        logger.warning("fetch failed (%s): %s", kind, request.url)

    # -- helpers ---------------------------------------------------------------------

    def _article_request(self, seed: OutletSeed, url: str, listed: bool,
                         hints: dict[str, Any] | None = None) -> Iterator[scrapy.Request]:
        if not seed.owns(url):
            self.crawler.stats.inc_value("discovery/offsite_links")
            return
        yield self._request(seed, strip_tracking(url), self.parse_page, listed=listed, hints=hints or {})

    def _request(self, seed: OutletSeed, url: str, callback: Any, **meta: Any) -> scrapy.Request:
        return scrapy.Request(url, callback=callback, errback=self.on_error, meta={"outlet": seed.name, **meta})

    def _seed(self, response: Response) -> OutletSeed:
        return self.outlets[response.meta["outlet"]]

    @staticmethod
    def _matches_pattern(seed: OutletSeed, url: str) -> bool:
        return bool(seed.article_pattern and seed.article_pattern.search(url))

    def _discovery_error(self, what: str, url: str, reason: str) -> None:
        self.crawler.stats.inc_value(f"errors/bad_{what}")
        logger.warning("%s %s: %s; skipping it", what, url, reason)


def _is_html(response: TextResponse) -> bool:
    content_type = (_header(response, b"Content-Type") or "text/html").lower()
    return "html" in content_type or "xml" in content_type and "xhtml" in content_type


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _fetch_time(response: Response) -> datetime:
    record = response.meta.get("warc_record")
    return record.date if record is not None else datetime.now(UTC)
