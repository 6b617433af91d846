"""The archive pipeline: extract each fetched article and index it in the archive.

Extraction (trafilatura) costs far more CPU than fetching, so it runs in a pool
of worker processes (``EXTRACT_WORKERS``, default one per core but one); database
writes go in batches (``ARCHIVE_WRITE_BATCH``) to a writer process of their
own (:mod:`crawler.pipelines.writer_process`). The event loop only fetches,
writes WARCs and waits, so all three overlap.

The page is already in a WARC record when it reaches this pipeline, and each
batch goes to the writer only once the WARC file it points into is synced to
disk (one ``fdatasync`` per batch): a failed
database write loses no data (``newsarchive reindex`` restores the rows) and is
counted as ``errors/db_write``. Setting ``ARCHIVE_INDEX=False`` turns the
pipeline off for archive-only crawls. Stats: ``archive/batches``, ``archive/new``, ``archive/changed``,
``archive/unchanged``, ``archive/not-article``, ``archive/front-page``, ``extract/empty``.
An article page of more than ``EXTRACT_MAX_ELEMENTS`` HTML elements is not extracted: one
warning line, ``extract/oversized`` and ``archive/unread`` (an unread capture, :mod:`extract.page`);
a start page of as many is archived, its links not ranked: one warning line and ``extract/oversized``.
A page that answered with a wall instead of itself (:mod:`extract.walls`: consent,
challenge, denied, login, maintenance, rate-limit) is recorded as a blocked capture
and counted as ``blocked/<kind>`` and ``outlet/<name>/blocked/<kind>``.
A fetched front page's article links are ranked in the same pool
(:mod:`extract.frontpage`) and recorded through the same batches.
A fetch without the browser that made a new version (``new``, ``changed``) is
rendered once more for its screenshot when its outlet asks
(:mod:`crawler.browser.screenshots`); where that screenshot lies goes through
the same batches, linked to the version's capture.

Outlet boilerplate learning (``BOILERPLATE_LEARNING``, default on) runs here in
the main process, on what the workers return; each outlet's model is loaded
from the archive when the crawl opens and saved every ``BOILERPLATE_SAVE_EVERY``
pages (default 200) and at the end. A model strips lines, never the article: a page
the learned lines would mostly cover is kept whole. Stats: ``boilerplate/stripped_pages``,
``boilerplate/kept_whole``,
``boilerplate/saves``.
"""

from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import asdict
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import NotConfigured

from crawler import settings as defaults
from crawler.items import FailedRecheck, FetchedFrontPage, FetchedPage, FetchedScreenshot
from crawler.pipelines.batch_writer import BatchWriter
from crawler.pipelines.worker_pool import PageKilledWorkers, WorkerPool
from crawler.pipelines.writer_process import WriterProcess
from extract import Article
from extract.frontpage import FrontPageTooLarge, front_page_links
from extract.urls import canonicalize_url
from extract.walls import WALL_STATUSES, judge_wall
from storage.outlets.seeds import handed_to_browser
from storage.versions.captures import (
    CaptureInput,
    FailedCheck,
    FrontPageInput,
    Outcome,
    RenditionInput,
    apply_listing_hints,
)
from storage.warc.writer import sync_open_files

if TYPE_CHECKING:  # loaded in open_spider: an archive-only crawl never needs the database layer
    from extract.page import PageAnalysis
    from storage.archive import Archive
    from storage.outlets.clutter_models import OutletModels

logger = logging.getLogger(__name__)


def default_workers() -> int:
    """Extraction processes when ``EXTRACT_WORKERS`` is unset: the cores this process may use, less one.

    The crawl process and the writer process together keep about one core busy
    (bench/crawl.py on 2 cores, 1 worker against 2, alternated: as fast, about 5%
    less CPU a page and 130 MB less memory).
    """
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, cores - 1)


class ArchivePipeline:
    def __init__(self, crawler: Any) -> None:
        settings = crawler.settings
        if not settings.getbool("ARCHIVE_INDEX", defaults.ARCHIVE_INDEX):
            raise NotConfigured("ARCHIVE_INDEX is off: archive-only crawl")
        self.crawler = crawler
        self.stats = crawler.stats
        self.workers = settings.getint("EXTRACT_WORKERS") or default_workers()
        self.max_elements = settings.getint("EXTRACT_MAX_ELEMENTS", defaults.EXTRACT_MAX_ELEMENTS)
        self.batch_size = settings.getint("ARCHIVE_WRITE_BATCH", defaults.ARCHIVE_WRITE_BATCH)
        self.learn_boilerplate = settings.getbool("BOILERPLATE_LEARNING", defaults.BOILERPLATE_LEARNING)
        self.boilerplate_save_every = settings.getint("BOILERPLATE_SAVE_EVERY", defaults.BOILERPLATE_SAVE_EVERY)
        self.models: OutletModels | None = None
        self.pool: WorkerPool | None = None
        self.writer_process: WriterProcess | None = None
        self.writer: BatchWriter | None = None
        self.warcs_dir: Path | None = None
        from crawler.archive_access import archive_location, open_archive_at

        # Opened here, while the crawler is built: an archive that needs `newsarchive migrate` (made older since the
        # crawl command checked it) then fails the crawl before its engine exists, so nothing opens or closes and the
        # command's one line is all that is said (crawler.commands.crawl).
        self.location = archive_location(settings)
        self.archive: Archive | None = open_archive_at(*self.location)

    @classmethod
    def from_crawler(cls, crawler: Any) -> ArchivePipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        from storage.outlets.clutter_models import OutletModels

        location = self.location
        try:
            for seed in getattr(self.crawler.spider, "outlets", {}).values():
                self.archive.ensure_outlet(seed.name, list(seed.domains), asdict(seed.entry()))
        except Exception as exc:  # each capture names its outlet again; its own write reports the failure
            logger.error("cannot record the outlets in %s: %s", self.archive.url, exc)
        if self.learn_boilerplate:
            self.models = OutletModels.load(self.archive, save_every=self.boilerplate_save_every)
        self.pool = WorkerPool(self.workers, self.stats)
        self.writer_process = WriterProcess(*location, stats=self.stats)
        self.warcs_dir = Path(location[1]) / "warcs"
        self.writer = BatchWriter(self._commit, self.batch_size)

    async def _commit(self, entries: list[tuple[Any, ...]]) -> list[Outcome]:
        """Hand a batch to the writer process once the WARC bytes its rows will point at are on disk."""
        files = [entry[0].warc.file for entry in entries if not isinstance(entry[0], FailedCheck)]  # no record
        await asyncio.to_thread(sync_open_files, self.warcs_dir, files)
        self.stats.inc_value("archive/batches")
        return await self.writer_process.record_captures(entries)

    async def process_item(self, item: Any) -> Any:
        if isinstance(item, FetchedFrontPage):
            await self._record_front_page(item)
            return item
        if isinstance(item, FailedRecheck):
            await self._write((FailedCheck(item.url, item.failed_at, item.kind),), f"failed re-check of {item.url}")
            return item
        if isinstance(item, FetchedScreenshot):
            await self._link_screenshot(item)
            return item
        if not isinstance(item, FetchedPage):
            return item
        if item.warc_record is None:
            self.stats.inc_value("archive/skipped_no_warc")
            return item
        try:
            article, unstripped = await self._extract(item)
        except PageKilledWorkers as exc:
            self.stats.inc_value("errors/worker_crash")
            logger.error("skipped %s: %s (the WARC record is kept)", item.url, exc)
            return _without_body(item)
        except Exception as exc:  # the WARC record is safe; ingest or reextract can index it later
            self.stats.inc_value("errors/extract")
            logger.error("cannot extract %s: %s (the WARC record is kept; `newsarchive ingest` indexes it later)",
                         item.url, exc or type(exc).__name__)
            return _without_body(item)
        if item.handed_to_browser:
            return _without_body(item)  # the WARC keeps this capture; the browser's is the one indexed
        outcome = await self._write((_capture(item), article, unstripped), item.url)
        if outcome is not None:
            self.stats.inc_value(f"archive/{outcome.value}")
            if outcome in (Outcome.NEW, Outcome.CHANGED) and not item.rendered:
                self._ask_screenshot(item)
            if outcome is Outcome.NOT_ARTICLE:  # `newsarchive health` shows these per outlet
                self.stats.inc_value(f"outlet/{item.outlet}/not_article")
        if item.blocked is not None:
            self.stats.inc_value(f"blocked/{item.blocked}")
            self.stats.inc_value(f"outlet/{item.outlet}/blocked/{item.blocked}")
            logger.info("%s answered with a %s wall, not the page (recorded as blocked)",
                        item.fetched_url, item.blocked)
        return _without_body(item)

    async def _write(self, entry: tuple[Any, ...], url: str) -> Outcome | None:
        """Record ``entry`` in the next batch; None when the write failed (counted and logged)."""
        try:
            return await self.writer.write(entry)
        except Exception as exc:  # the WARC record is safe; reindex restores the row
            self.stats.inc_value("errors/db_write")
            logger.error("database write failed for %s: %s (the WARC record is kept; run `newsarchive reindex`)",
                         url, exc)
            return None

    def _ask_screenshot(self, item: FetchedPage) -> None:
        """A new version fetched without the browser: rendered once more for its screenshot, if its outlet asks."""
        request = self.crawler.spider.screenshot_again(item.outlet, item.fetched_url, item.warc_record.pointer.record_id)
        if request is not None:
            self.crawler.engine.crawl(request)

    async def _link_screenshot(self, item: FetchedScreenshot) -> None:
        """Where a version's screenshot, taken after its capture, lies in the WARC: recorded beside the capture."""
        record = item.warc_record
        await self._write((RenditionInput(item.capture_record_id, record.pointer, record.date),),
                          f"screenshot of {item.url}")

    async def _record_front_page(self, item: FetchedFrontPage) -> None:
        """Rank the front page's article links (in a worker) and record them beside its captures."""
        seed = self.crawler.spider.outlets[item.outlet]
        try:
            links = await self.pool.run(partial(front_page_links, item.body, item.url, seed.links_to_article,
                                                self.max_elements))
        except FrontPageTooLarge as exc:  # reindex refuses it alike, under the cap in the run record
            self.stats.inc_value("extract/oversized")
            logger.warning("front page not ranked %s: %d HTML elements, over EXTRACT_MAX_ELEMENTS=%d (archived)",
                           item.url, exc.elements, self.max_elements)
            return
        except Exception as exc:  # the WARC record is safe; reindex reads it again
            self.stats.inc_value("errors/frontpage")
            logger.error("cannot read front page %s: %s (the WARC record is kept)", item.url, exc)
            return
        record = item.warc_record
        capture = FrontPageInput(item.outlet, item.url, record.date, record.pointer, tuple(links))
        item.body = b""
        if await self._write((capture,), f"front page {item.url}") is not None:
            self.stats.inc_value("archive/front-page")

    async def close_spider(self) -> None:
        if self.writer:
            await self.writer.flush()
        if self.writer_process:
            await self.writer_process.close()
        if self.models and self.archive:
            await self._save_models()
        if self.pool:
            self.pool.shutdown()
        if self.archive:
            self.archive.close()

    async def _extract(self, item: FetchedPage) -> tuple[Article | None, str | None]:
        """Judge the page, and for an article its text (outlet boilerplate stripped) and the text before."""
        if item.status != 200 or not item.body or item.is_article is False:
            if item.status in WALL_STATUSES:  # a challenge, a block: its headers, then its page's shape
                item.blocked = await self.pool.run(partial(judge_wall, item.status, item.headers, item.body))
            item.is_article = bool(item.is_article)
            return None, None
        from extract.page import (
            analyse_page,  # here: an archive-only crawl never loads trafilatura
        )

        seed = self.crawler.spider.outlets[item.outlet]
        work = partial(analyse_page, item.fetched_url, item.body, item.content_type, owns=seed.owns,
                       article_pattern=seed.article_pattern, listed=item.listed, headers=item.headers,
                       max_elements=self.max_elements)
        analysis: PageAnalysis = await self.pool.run(work)
        if item.is_article is None:  # a re-check keeps the identity and verdict it came with
            item.url, item.is_article = analysis.verdict.url, analysis.verdict.is_article
            if not item.is_article and not item.listed:
                self._listed_since(item)
        item.blocked = analysis.wall
        if analysis.unread is not None:
            item.unread = analysis.unread
            self.stats.inc_value(f"extract/{analysis.unread}")
            logger.warning("not extracted %s: %d HTML elements, over EXTRACT_MAX_ELEMENTS=%d (archived; recorded as "
                           "an unread capture)", item.fetched_url, analysis.elements, self.max_elements)
        seed_render = self.crawler.spider.outlets[item.outlet].render
        if item.is_article and handed_to_browser(seed_render, analysis.needs_scripts, item.rendered):
            await self._hand_to_browser(item)
            return None, None
        page = analysis.extracted
        if page is None:
            return None, None
        article, unstripped = page.article, None
        if self.models is not None and not article.is_empty:
            outcome = self.models.apply_outcome(item.outlet, article, page.raw_text, item.url)
            unstripped = outcome.original
            if outcome.kept_whole:
                self.stats.inc_value("boilerplate/kept_whole")
            elif outcome.stripped:
                self.stats.inc_value("boilerplate/stripped_pages")
            if self.models.due():
                await self._save_models()
        self.stats.inc_value(f"outlet/{item.outlet}/articles")
        if article.is_empty:
            self.stats.inc_value("extract/empty")
            self.stats.inc_value(f"outlet/{item.outlet}/extract_empty")
            logger.info("no article text found in %s", item.fetched_url)
            return None, None
        apply_listing_hints(article, item.hints)
        return article, unstripped

    async def _hand_to_browser(self, item: FetchedPage) -> None:
        """An ``auto`` outlet's page that needs scripts: the outlet is rendered from now on, this page again now."""
        spider = self.crawler.spider
        item.handed_to_browser = True
        if item.outlet not in spider.rendered_outlets:
            spider.rendered_outlets.add(item.outlet)
            logger.warning("%s: %s declares an article but shows its text only with scripts; the outlet's pages "
                           "are rendered by the browser from now on", item.outlet, item.fetched_url)
        try:  # every such page: the earliest is kept, as reindex keeps it
            await asyncio.to_thread(self.archive.mark_rendered, item.outlet, item.fetched_at, item.url)
        except Exception as exc:  # this crawl renders anyway; the next one finds out again
            logger.error("cannot record that %s needs the browser: %s", item.outlet, exc)
        self.stats.inc_value(f"outlet/{item.outlet}/handed_to_browser")
        self.crawler.engine.crawl(spider.rendered_again(item.outlet, item.fetched_url, item.listed, item.hints))

    def _listed_since(self, item: FetchedPage) -> None:
        """An unlisted page judged no article: fetched again if a feed or sitemap has listed it meanwhile."""
        spider = self.crawler.spider
        board = getattr(spider, "hint_board", None)
        if board is not None and board.rejected(canonicalize_url(item.fetched_url)):
            self.crawler.engine.crawl(spider.listed_again(item.outlet, item.fetched_url))

    async def _save_models(self) -> None:
        snapshots = self.models.snapshot()
        try:
            await asyncio.to_thread(type(self.models).store, self.archive, snapshots)
        except Exception as exc:  # losing a model costs only relearning it
            logger.error("cannot save the outlet boilerplate models: %s", exc)
            return
        self.stats.inc_value("boilerplate/saves")


def _capture(item: FetchedPage) -> CaptureInput:
    record = item.warc_record
    return CaptureInput(
        outlet=item.outlet,
        url=item.url,
        fetched_url=item.fetched_url,
        fetched_at=record.date,
        status=item.status,
        warc=record.pointer,
        content_type=item.content_type,
        payload_digest=record.payload_digest,
        etag=item.etag,
        last_modified=item.last_modified,
        record_type=record.record_type,
        blocked=item.blocked,
        unread=item.unread,
    )


def _without_body(item: FetchedPage) -> FetchedPage:
    item.body = b""  # the WARC holds it; don't keep megabytes alive in the scraper
    return item
