"""Leave a record of every crawl run in the archive database (table ``runs``).

At start a run row is opened (id, host, pid, spider arguments); when the engine
stops it is closed with how the crawl ended, its counts, errors by kind, the
WARC files it wrote and per-outlet figures (``outlet/<name>/…`` stats). The
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

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler import settings as defaults
from crawler.archive_access import open_archive

logger = logging.getLogger(__name__)

COUNT_KEYS = ("downloader/request_count", "downloader/response_count", "pages/fetched", "archive/new",
              "archive/changed", "archive/unchanged", "archive/not-article", "extract/empty",
              "recheck/due", "warc/records", "warc/bytes_written", "warc/revisits", "robotstxt/forbidden",
              "elapsed_time_seconds")


class RunRecord:
    def __init__(self, crawler: Any) -> None:
        settings = crawler.settings
        if not settings.getbool("RUN_RECORD_ENABLED", defaults.RUN_RECORD_ENABLED) or not settings.getbool("ARCHIVE_INDEX", defaults.ARCHIVE_INDEX):
            raise NotConfigured
        self.crawler = crawler
        self.run_id = f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"
        self.started = False

    @classmethod
    def from_crawler(cls, crawler: Any) -> RunRecord:
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def spider_opened(self, spider: Any) -> None:
        self.crawler.stats.set_value("run/id", self.run_id)
        arguments = {k: v for k, v in vars(spider).items() if k in ("recheck",)}
        arguments["outlets"] = sorted(getattr(spider, "outlets", {}))
        try:
            with open_archive(self.crawler.settings) as archive:
                archive.start_run(self.run_id, datetime.now(UTC), socket.gethostname(), os.getpid(), arguments)
            self.started = True
        except Exception as exc:  # a run record is worth having, not worth failing a crawl for
            logger.error("cannot open the run record: %s", exc)

    def engine_stopped(self) -> None:
        # engine_stopped comes after every spider_closed handler, so the WARC
        # writer has closed its files and listed them in the stats by now.
        if not self.started:
            return
        stats = self.crawler.stats.get_stats()
        try:
            with open_archive(self.crawler.settings) as archive:
                archive.finish_run(
                    self.run_id, datetime.now(UTC), stats.get("finish_reason"),
                    counts={key: stats[key] for key in COUNT_KEYS if key in stats},
                    errors={key.split("/", 1)[1]: value for key, value in stats.items() if key.startswith("errors/")},
                    outlets=outlet_figures(stats),
                    warc_files=list(stats.get("warc/file_names", [])),
                )
        except Exception as exc:
            logger.error("cannot close the run record %s: %s", self.run_id, exc)


def outlet_figures(stats: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """``{outlet: {figure: value}}`` from the ``outlet/<name>/<figure>`` stats."""
    figures: dict[str, dict[str, Any]] = {}
    for key, value in stats.items():
        if key.startswith("outlet/"):
            _, name, figure = key.split("/", 2)
            figures.setdefault(name, {})[figure] = value
    return figures
