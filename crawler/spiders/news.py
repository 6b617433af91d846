"""The ``news`` spider: discover articles of the seed outlets and fetch them.

Discovery runs from each outlet's feeds (RSS/Atom), sitemaps (indexes and
Google News sitemaps) and start pages (one hop deep). Start pages are fetched
every crawl, and each fetch is also handed on as a :class:`FetchedFrontPage`:
where every article stood on it is recorded (:mod:`storage.outlets.frontpages`). Every page fetched goes
through the WARC writer (a downloader middleware) before it reaches a callback
here; callbacks decide the page's identity and whether it is an article, and
hand a :class:`FetchedPage` to the archive pipeline.

Each crawl also re-checks archived articles that are due by their re-check
schedule (:mod:`storage.versions.recheck`), with conditional requests; pages the
archive already holds are not fetched again by discovery, only by re-checks.

Arguments: ``-a seeds=FILE[,FILE]`` (default ``seeds/*.toml``), ``-a outlet=NAME``,
``-a recheck=yes|no|only|all`` (default ``yes``: due re-checks and discovery;
``no``: discovery alone; ``only``: due re-checks alone; ``all``: discovery, with
every archived page due for a re-check now). Discovery never fetches a page the
archive holds, in any mode.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Collection, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.utils.response import get_base_url
from twisted.python.failure import Failure

from crawler import settings as defaults
from crawler.browser import screenshots
from crawler.discovery.feeds import FeedError, parse_feed
from crawler.discovery.hint_board import HintBoard
from crawler.discovery.sitemaps import SitemapError, parse_sitemap
from crawler.distributed.spider_mixin import DistributedSpiderMixin
from crawler.failures import error_kind
from crawler.items import FailedRecheck, FetchedFrontPage, FetchedPage, FetchedScreenshot
from extract.page_signals import is_html_type
from extract.urls import canonicalize_url, resolve_link, strip_tracking
from extract.walls import WALL_STATUSES
from storage.outlets.domains import OutletMap
from storage.outlets.seeds import OutletSeed, load_seeds

logger = logging.getLogger(__name__)

MAX_SITEMAP_DEPTH = 3
RECHECK_CHOICES = ("yes", "no", "only", "all")
# The spider's -a arguments, as `scrapy crawl news --help` lists them.
ARGUMENTS = {
    "seeds": "FILE[,FILE] (seed files to crawl; default seeds/*.toml)",
    "outlet": "NAME (one outlet of the seed files)",
    "recheck": "yes|no|only|all (re-checks of archived articles: the due ones with discovery, none, "
               "the due ones alone, or every archived page now with discovery)",
}
# Refusals whose middleware (robots.txt, private-network guard, offsite filter) logs them itself.
ALREADY_LOGGED = {"robots_forbidden", "private_network", "ignorerequest"}
# Failures that say the host cannot be reached at all (not that one page failed).
UNREACHABLE_KINDS = {"dns", "connection_refused", "timeout", "connection_lost"}
# The role of a fetch by its callback (storage.warc.context.ROLES): only articles and re-checks become pages.
ROLES = {"parse_feed": "feed", "parse_sitemap": "sitemap", "parse_start_page": "start_page", "parse_page": "article"}
# Statuses a re-check must see rather than have filtered as errors: not modified, gone, moved, walled off.
# Fetches the browser renders for an outlet that needs it; feeds and sitemaps are never rendered.
RENDERED_ROLES = ("article", "start_page")
RECHECK_STATUSES = [304, 404, 410, *sorted(WALL_STATUSES - {202})]  # 2xx pass anyway


class NewsSpider(DistributedSpiderMixin, scrapy.Spider):
    name = "news"

    def __init__(self, seeds: str | None = None, outlet: str | None = None, recheck: str = "yes",
                 *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if recheck not in RECHECK_CHOICES:  # `scrapy crawl` says so in one line before it gets here
            raise ValueError(f"-a recheck={recheck}: expected one of {', '.join(RECHECK_CHOICES)}")
        self.recheck = recheck
        self.archive: Any = None  # the archive discovery asks what it holds (None: archive-only crawl)
        # Article URLs this spider has asked for: a feed, a sitemap and a section page often list the
        # same article, and Scrapy's duplicate filter would drop the repeats only after building each
        # request and passing it through every spider middleware.
        self.requested_urls: set[str] = set()
        self.reported_failures: set[tuple[str, str]] = set()  # (host, kind) already logged once
        self.rendered_outlets: set[str] = set()  # render = "auto" outlets found to need the browser
        self.render_front_pages = False
        paths = [p.strip() for p in seeds.split(",") if p.strip()] if seeds else None
        self.outlets: dict[str, OutletSeed] = {seed.name: seed for seed in load_seeds(paths, outlet)}
        self.allowed_domains = sorted({d for seed in self.outlets.values() for d in seed.domains})
        self.outlet_map = OutletMap(list(self.outlets.values()))  # which outlet owns a URL a fetch ended at

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.feed_max_entries = crawler.settings.getint("FEED_MAX_ENTRIES", defaults.FEED_MAX_ENTRIES) or None
        max_age = crawler.settings.getfloat("SITEMAP_MAX_AGE_DAYS", defaults.SITEMAP_MAX_AGE_DAYS)
        spider.sitemap_cutoff = datetime.now(UTC) - timedelta(days=max_age) if max_age > 0 else None
        # what every discovery of an article URL learned, merged into the request that is fetched
        spider.hint_board = spider.frontier.hint_board() if spider.frontier is not None else HintBoard()
        # every outlet's front pages rendered, each capture with its screenshot (issue 38, "when asked")
        spider.render_front_pages = crawler.settings.getbool("BROWSER_FRONT_PAGES", defaults.BROWSER_FRONT_PAGES)
        return spider

    async def start(self) -> AsyncIterator[scrapy.Request]:
        if self.crawler.settings.getbool("ARCHIVE_INDEX", defaults.ARCHIVE_INDEX):
            # Whatever the mode, discovery skips what the archive holds: `no` leaves out re-checks, not the skip.
            targets = await asyncio.to_thread(self._archive_state)
            if self.recheck != "no":
                self.crawler.stats.set_value("recheck/due", len(targets))
            for target in targets:
                yield self._recheck_request(target)
        if self.recheck == "only":
            return
        if not self.seeds_frontier():  # distributed: another process seeded the shared frontier
            return
        for seed in self.outlets.values():
            for url in seed.feeds:
                yield self._request(seed, url, self.parse_feed)
            for url in seed.sitemaps:
                yield self._request(seed, url, self.parse_sitemap, sitemap_depth=0)
            # Due every crawl: discovery never skips them as archived, and the duplicate filter lives one run
            # (the shared frontier's too: its last process out deletes it, crawler/distributed/).
            for url in seed.start_urls:
                yield self._request(seed, url, self.parse_start_page)

    # -- discovery ---------------------------------------------------------------

    async def parse_feed(self, response: Response) -> AsyncIterator[scrapy.Request]:
        seed = self._seed(response)
        try:
            # A big feed takes seconds to parse: off the event loop, so downloads keep flowing.
            feed = await asyncio.to_thread(parse_feed, response.body, response.url, self.feed_max_entries)
        except FeedError as exc:
            self._discovery_error("feed", response.url, str(exc))
            self._count(seed.name, "feed_errors")
            return
        if feed.damage:
            self._discovery_error("feed", response.url, f"damaged ({feed.damage}); kept its {len(feed.entries)} readable entries")
        self._bad_urls("feed", response.url, feed.bad_urls)
        self.crawler.stats.inc_value("discovery/feed_entries", len(feed.entries))
        self._count(seed.name, "feed_entries", len(feed.entries))
        archived = await self._archived_among(seed, [entry.url for entry in feed.entries])
        for entry in feed.entries:
            for request in self._article_request(seed, entry.url, listed=True, archived=archived,
                                                 hints={"title": entry.title, "published": entry.published}):
                yield request

    async def parse_sitemap(self, response: Response) -> AsyncIterator[scrapy.Request]:
        seed = self._seed(response)
        try:
            sitemap = await asyncio.to_thread(parse_sitemap, response.body, response.url)
        except SitemapError as exc:
            self._discovery_error("sitemap", response.url, str(exc))
            return
        self._bad_urls("sitemap", response.url, sitemap.bad_urls)
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
        entries = [entry for entry in sitemap.entries if not self._too_old(entry.news_published or entry.lastmod)]
        archived = await self._archived_among(seed, [entry.url for entry in entries])
        for entry in entries:
            for request in self._article_request(seed, entry.url, listed=True, archived=archived,
                                                 hints={"title": entry.news_title, "published": entry.news_published}):
                yield request

    async def parse_start_page(self, response: Response) -> AsyncIterator[scrapy.Request | FetchedFrontPage]:
        seed = self._seed(response)
        if not isinstance(response, TextResponse):
            return
        self.crawler.stats.inc_value("frontpages/fetched")
        if response.meta.get("warc_record") is not None and is_html_type(_header(response, b"Content-Type")):
            # its ranked links become a record of the front page (storage.outlets.frontpages)
            yield FetchedFrontPage(seed.name, response.url, response.body, response.meta["warc_record"])
        base_url, bad_urls, links = get_base_url(response), 0, []
        for href in response.css("a::attr(href)").getall():
            url = resolve_link(base_url, href)
            if url is None:
                bad_urls += 1
            elif url.startswith(("http://", "https://")) and seed.links_to_article(url):
                links.append(url)
        self._bad_urls("start page", response.url, bad_urls)
        archived = await self._archived_among(seed, links)
        for url in links:
            for request in self._article_request(seed, url, listed=False, archived=archived):
                yield request

    # -- articles ------------------------------------------------------------------

    def parse_page(self, response: Response) -> Iterator[FetchedPage]:
        seed = self._seed(response)
        owner = self.outlet_map.owner(seed, response.url, response.meta.get("role", "article"))
        if owner is not seed:  # a link of one outlet redirected to another's article: that outlet's, by its rules
            self.crawler.stats.inc_value("discovery/redirected_to_other_outlet")
            logger.info("%s (a link of %s) redirected to %s: archived as an article of %s",
                        response.meta["redirect_urls"][0] if response.meta.get("redirect_urls") else response.url,
                        seed.name, response.url, owner.name)
            seed = owner
        self.crawler.stats.inc_value("pages/fetched")
        content_type = _header(response, b"Content-Type")
        is_text = isinstance(response, TextResponse) and is_html_type(content_type)
        if not is_text:
            self.crawler.stats.inc_value("pages/not_html")
        recheck = bool(response.meta.get("recheck"))
        if recheck:
            self.crawler.stats.inc_value(f"recheck/status_{response.status}")
        hints = {k: v for k, v in response.meta.get("hints", {}).items() if v}
        if response.meta.get("redirect_urls"):
            hints["redirected_from"] = response.meta["redirect_urls"][0]
        yield FetchedPage(
            outlet=seed.name,
            # A re-checked page keeps its identity wherever it now redirects; any
            # other page's identity and article verdict are decided by the
            # pipeline's workers (extract.page.analyse_page), off the event loop.
            url=canonicalize_url(response.meta["page_url"] if recheck else response.url),
            fetched_url=response.url,
            status=response.status,
            fetched_at=_fetch_time(response),
            body=response.body if is_text and (response.status == 200 or response.status in WALL_STATUSES)
            else b"",
            content_type=content_type,
            is_article=True if recheck else None,
            listed=bool(response.meta.get("listed")),
            warc_record=response.meta.get("warc_record"),
            etag=_header(response, b"ETag"),
            last_modified=_header(response, b"Last-Modified"),
            hints=hints,
            headers=_headers(response),
            rendered="playwright" in response.flags,
        )
        if response.meta.get("warc_also"):  # a re-check that ended on another outlet's page: that outlet's too
            outlet, record = response.meta["warc_also"]
            self.crawler.stats.inc_value("recheck/filed_under_other_outlet")
            yield FetchedPage(
                outlet=outlet, url=canonicalize_url(response.url), fetched_url=response.url, status=response.status,
                fetched_at=record.date, body=response.body if is_text else b"", content_type=content_type,
                is_article=None, warc_record=record, etag=_header(response, b"ETag"),
                last_modified=_header(response, b"Last-Modified"), headers=_headers(response),
                rendered="playwright" in response.flags)

    def on_error(self, failure: Failure) -> Iterator[FailedRecheck]:
        request = failure.request
        kind = error_kind(failure)
        if screenshots.SCREENSHOT_OF in request.meta:  # the version is archived; only its picture is missing
            self.crawler.stats.inc_value("browser/version_screenshot_failed")
            logger.warning("no screenshot of the new version of %s (%s: %s); the version is archived without one",
                           request.url, kind, _first_line(failure.value))
            return
        if request.meta.get("recheck"):  # recorded, so the page backs off instead of coming due every lease
            self.crawler.stats.inc_value("recheck/failed")
            yield FailedRecheck(url=request.meta["page_url"], failed_at=datetime.now(UTC), kind=kind)
        self._report_error(request, kind)

    def _report_error(self, request: scrapy.Request, kind: str) -> None:
        outlet = request.meta.get("outlet", "?")
        self.crawler.stats.inc_value(f"errors/{kind}")
        self._count(outlet, f"errors/{kind}")
        if kind == "robots_forbidden":
            self._count(outlet, "robots_forbidden")
        if request.callback == self.parse_feed:
            self._count(outlet, "feed_errors")
        if kind in ALREADY_LOGGED:
            return  # the middleware that refused the request has said why, in one line
        if kind not in UNREACHABLE_KINDS:
            logger.warning("fetch failed (%s): %s", kind, request.url)
            return
        host = urlsplit(request.url).hostname or "?"
        if (host, kind) in self.reported_failures:  # an unreachable host is reported once, not per URL
            logger.debug("fetch failed (%s): %s", kind, request.url)
            return
        self.reported_failures.add((host, kind))
        logger.warning("fetch failed (%s): %s (further %s failures of %s are counted in the summary)",
                       kind, request.url, kind, host)

    def _count(self, outlet: str, figure: str, count: int = 1) -> None:
        """Per-outlet figures, kept in the run record for `newsarchive health`."""
        self.crawler.stats.inc_value(f"outlet/{outlet}/{figure}", count)

    # -- helpers ---------------------------------------------------------------------

    def _too_old(self, stamp: datetime | None) -> bool:
        return bool(self.sitemap_cutoff and stamp and stamp < self.sitemap_cutoff)

    async def _archived_among(self, seed: OutletSeed, urls: list[str]) -> set[str]:
        """The canonical forms of ``urls`` (of this outlet's, not yet asked for) the archive holds: one batch query."""
        asking = [url for url in urls if seed.owns(url) and strip_tracking(url) not in self.requested_urls]
        if self.archive is None or not asking:
            return set()
        return await asyncio.to_thread(self.archive.archived_among, asking)

    def _article_request(self, seed: OutletSeed, url: str, listed: bool, archived: Collection[str] = (),
                         hints: dict[str, Any] | None = None) -> Iterator[scrapy.Request]:
        """The request for article ``url`` unless offsite, asked for already or among ``archived`` (canonical URLs)."""
        if not seed.owns(url):
            self.crawler.stats.inc_value("discovery/offsite_links")
            return
        if canonicalize_url(url) in archived:
            self.crawler.stats.inc_value("discovery/already_archived")
            return  # its re-check schedule decides when it is fetched again
        self._count(seed.name, "discovered")
        target = strip_tracking(url)
        # posted before any duplicate check: the request that is fetched takes the merged hints
        if self.hint_board.post(canonicalize_url(target), listed, hints):
            yield self.listed_again(seed.name, target)  # judged no article unlisted before this listing came
            return
        if target in self.requested_urls:
            self.crawler.stats.inc_value("discovery/repeated")
            return  # the same request again: the duplicate filter would drop it
        self.requested_urls.add(target)
        yield self._request(seed, target, self.parse_page, listed=listed, hints=hints or {})

    def rendered_again(self, outlet: str, url: str, listed: bool, hints: dict[str, Any]) -> scrapy.Request:
        """A page fetched without the browser that needs its scripts, asked for again from the browser."""
        self.crawler.stats.inc_value("browser/fetched_again")
        request = self._request(self.outlets[outlet], url, self.parse_page, listed=listed, hints=hints)
        return request.replace(dont_filter=True)

    def screenshot_again(self, outlet: str, url: str, record_id: str) -> scrapy.Request | None:
        """A page fetched without the browser that made a new version, rendered again for its screenshot alone
        (:mod:`crawler.browser.screenshots`); None when its outlet does not ask for one."""
        seed = self.outlets.get(outlet)
        if seed is None or not screenshots.shoots_versions(seed, self.crawler.settings):
            return None
        self.crawler.stats.inc_value("browser/version_screenshots_asked")
        return screenshots.screenshot_request(outlet, url, record_id, self.parse_screenshot, self.on_error)

    def parse_screenshot(self, response: Response) -> Iterator[FetchedScreenshot]:
        """The renditions the WARC middleware wrote for a version's capture, to be linked to it; no page, no links."""
        record = response.meta.get("warc_record")
        if record is not None:
            yield FetchedScreenshot(response.meta["outlet"], response.url, response.meta[screenshots.SCREENSHOT_OF],
                                    record)

    def listed_again(self, outlet: str, url: str) -> scrapy.Request:
        """A page judged no article when fetched unlisted, asked for once more now that a listing names it."""
        self.crawler.stats.inc_value("discovery/judged_again")
        self.requested_urls.add(url)
        request = self._request(self.outlets[outlet], url, self.parse_page, listed=True, hints={})
        return request.replace(dont_filter=True)

    def _archive_state(self) -> list[Any]:
        """Opens the archive discovery asks; returns the re-checks due now (claimed for this crawl; none with `no`)."""
        from crawler.archive_access import (
            open_archive,  # archive-only crawls never load the database layer
        )

        settings = self.crawler.settings
        self.archive = open_archive(settings)
        self.rendered_outlets = self.archive.rendered_outlets(list(self.outlets))
        if self.recheck == "no":
            return []
        # Leases count from the real time, whatever the mode: a page `all` claims but the run never
        # reaches comes due again a lease later, not a century later.
        return self.archive.claim_rechecks(datetime.now(UTC), list(self.outlets),
                                           limit=settings.getint("RECHECK_MAX", defaults.RECHECK_MAX),
                                           every=self.recheck == "all")

    def closed(self, reason: str) -> None:
        if self.archive is not None:
            self.archive.close()

    def _recheck_request(self, target: Any) -> scrapy.Request:
        headers = {}
        if target.etag:
            headers["If-None-Match"] = target.etag
        if target.last_modified:
            headers["If-Modified-Since"] = target.last_modified
        previous = {"payload_digest": target.payload_digest, "url": target.fetched_url,
                    "date": target.fetched_at, "record_id": target.warc_record_id}
        meta = {"outlet": target.outlet, "role": "recheck", "listed": True, "recheck": True, "page_url": target.url,
                "warc_previous": previous, "handle_httpstatus_list": RECHECK_STATUSES}
        if target.outlet in self.outlets and self.renders(target.outlet):
            # the browser renders the page whole: no conditional request, no revisit of the bare HTML
            headers, meta["playwright"] = {}, True
            del meta["warc_previous"]
        return scrapy.Request(
            target.fetched_url, callback=self.parse_page, errback=self.on_error, headers=headers,
            dont_filter=True,  # a re-check is meant to fetch a URL already seen
            meta=meta,
        )

    def _request(self, seed: OutletSeed, url: str, callback: Any, **meta: Any) -> scrapy.Request:
        role = ROLES[callback.__name__]  # what the fetch is for, recorded beside it in the WARC
        if role in RENDERED_ROLES and self.renders(seed.name) or role == "start_page" and self.render_front_pages:
            meta["playwright"] = True  # crawler/browser/handler.py
        return scrapy.Request(url, callback=callback, errback=self.on_error,
                              meta={"outlet": seed.name, "role": role, **meta})

    def renders(self, outlet: str) -> bool:
        """Whether the outlet's pages are fetched by the browser: its seed says so, or ``auto`` found they need it."""
        mode = self.outlets[outlet].render
        return mode == "browser" or (mode == "auto" and outlet in self.rendered_outlets)

    def _seed(self, response: Response) -> OutletSeed:
        return self.outlets[response.meta["outlet"]]

    def _discovery_error(self, what: str, url: str, reason: str) -> None:
        self.crawler.stats.inc_value(f"errors/bad_{what}")
        logger.warning("%s %s: %s; skipping it", what, url, reason)

    def _bad_urls(self, what: str, url: str, count: int) -> None:
        """Links that are no usable URL (``http://[::1/bad``): skipped one by one, counted, said in one line."""
        if not count:
            return
        self.crawler.stats.inc_value("errors/bad_url", count)
        logger.warning("%s %s: skipped %d link(s) that are no usable URL; kept the others", what, url, count)


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _headers(response: Response) -> dict[str, str]:
    """The response's headers, names lowercased, the last value of each (for judging walls)."""
    return {name.decode("latin-1").lower(): values[-1].decode("latin-1")
            for name, values in response.headers.items() if values}


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0][:300] if text else type(error).__name__


def _fetch_time(response: Response) -> datetime:
    record = response.meta.get("warc_record")
    return record.date if record is not None else datetime.now(UTC)
