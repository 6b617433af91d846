"""Leave a record of every crawl run in the archive database (table ``runs``).

At start a run row is opened (id, host, pid, spider arguments, and for a
process of a distributed crawl the crawl's id, shared through its Redis
frontier); when the engine stops it is closed with how the crawl ended, its
exit status, counts, errors by kind, the WARC files it wrote and per-outlet
figures (``outlet/<name>/…`` stats). The
run id is also in the stats (``run/id``) and the summary. ``newsarchive runs``
lists the rows and ``newsarchive health`` judges outlets from them.

Setting: ``RUN_RECORD_ENABLED`` (default True; off when ``ARCHIVE_INDEX`` is off).
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from datetime import UTC, datetime
from typing import Any
from weakref import WeakKeyDictionary

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler import settings as defaults
from crawler.archive_access import open_archive
from crawler.exitcodes import verdict
from storage.warc.context import MAX_ELEMENTS_ARGUMENT, MAX_SIZE_ARGUMENT, RunEnd, RunStart

logger = logging.getLogger(__name__)

COUNT_KEYS = ("downloader/request_count", "downloader/response_count", "pages/fetched", "archive/new",
              "archive/changed", "archive/unchanged", "archive/not-article", "extract/empty",
              "recheck/due", "warc/records", "warc/bytes_written", "warc/revisits", "robotstxt/forbidden",
              "elapsed_time_seconds")


_STARTS: WeakKeyDictionary[Any, RunStart] = WeakKeyDictionary()
_ENDS: WeakKeyDictionary[Any, RunEnd] = WeakKeyDictionary()


def run_start(crawler: Any) -> RunStart:
    """The run this crawl is: made once, on first use, for the database record and the WARC files alike."""
    start = _STARTS.get(crawler)
    if start is None:
        spider = crawler.spider
        arguments = {k: v for k, v in vars(spider).items() if k in ("recheck",)}
        arguments["outlets"] = sorted(getattr(spider, "outlets", {}))
        # ingest and reindex apply the limits this crawl applied (storage.ingest.ingest, storage.warc.reader)
        arguments[MAX_ELEMENTS_ARGUMENT] = crawler.settings.getint("EXTRACT_MAX_ELEMENTS", defaults.EXTRACT_MAX_ELEMENTS)
        arguments[MAX_SIZE_ARGUMENT] = crawler.settings.getint("DOWNLOAD_MAXSIZE", defaults.DOWNLOAD_MAXSIZE)
        started = datetime.now(UTC)
        run_id = f"{started:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"
        frontier = getattr(spider, "frontier", None)  # distributed: the crawl this process joins
        start = RunStart(run_id, started, socket.gethostname(), os.getpid(), arguments,
                         [seed.entry() for seed in getattr(spider, "outlets", {}).values()],
                         crawl_id=frontier.join_crawl(run_id) if frontier is not None else None)
        _STARTS[crawler] = start
        crawler.stats.set_value("run/id", start.run_id)
        if start.crawl_id is not None:
            crawler.stats.set_value("run/crawl_id", start.crawl_id)
    return start


def run_end(crawler: Any, finish_reason: str | None, warc_files: list[str] | None = None) -> RunEnd:
    """How this run ended, from its stats: made once (by the WARC writer when it writes it, else here)."""
    end = _ENDS.get(crawler)
    if end is None:
        stats = crawler.stats.get_stats()
        end = RunEnd(
            run_start(crawler).run_id, datetime.now(UTC), finish_reason,
            counts={key: stats[key] for key in COUNT_KEYS if key in stats},
            errors={key.split("/", 1)[1]: value for key, value in stats.items() if key.startswith("errors/")},
            outlets=outlet_figures(stats),
            warc_files=list(warc_files if warc_files is not None else stats.get("warc/file_names", [])),
            exit_status=verdict(stats, finish_reason).status,
        )
        _ENDS[crawler] = end
    return end


class RunRecord:
    def __init__(self, crawler: Any) -> None:
        settings = crawler.settings
        if not settings.getbool("RUN_RECORD_ENABLED", defaults.RUN_RECORD_ENABLED) or \
                not settings.getbool("ARCHIVE_INDEX", defaults.ARCHIVE_INDEX):
            raise NotConfigured
        self.crawler = crawler
        self.started = False
        self.reason: str | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> RunRecord:
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def spider_opened(self, spider: Any) -> None:
        start = run_start(self.crawler)
        try:
            with open_archive(self.crawler.settings) as archive:
                archive.start_run(start.run_id, start.started_at, start.host, start.pid, start.arguments,
                                  start.crawl_id)
            self.started = True
        except Exception as exc:  # a run record is worth having, not worth failing a crawl for
            logger.error("cannot open the run record: %s", exc)

    def spider_closed(self, spider: Any, reason: str) -> None:
        self.reason = reason

    def engine_stopped(self) -> None:
        # engine_stopped comes after every spider_closed handler, so the WARC
        # writer has written the run's end (the same values go to the database).
        if not self.started:
            return
        end = run_end(self.crawler, self.reason or self.crawler.stats.get_value("finish_reason"))
        try:
            with open_archive(self.crawler.settings) as archive:
                archive.finish_run(end.run_id, end.finished_at, end.finish_reason, counts=end.counts,
                                   errors=end.errors, outlets=end.outlets, warc_files=end.warc_files,
                                   exit_status=end.exit_status)
        except Exception as exc:
            logger.error("cannot close the run record %s: %s", end.run_id, exc)


def outlet_figures(stats: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """``{outlet: {figure: value}}`` from the ``outlet/<name>/<figure>`` stats."""
    figures: dict[str, dict[str, Any]] = {}
    for key, value in stats.items():
        if key.startswith("outlet/"):
            _, name, figure = key.split("/", 2)
            figures.setdefault(name, {})[figure] = value
    return figures
