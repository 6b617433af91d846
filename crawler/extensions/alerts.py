"""Deliver the watches' alerts when a crawl ends (:mod:`storage.search.outbox`).

The pipeline has written its last batch, and the alerts with it, before
``spider_closed``: this extension then sends what the outbox holds that is due,
within ``ALERTS_DELIVERY_BUDGET`` seconds. A target that is down is logged in
one line and retried by a later run (with back-off); it never fails the crawl,
and neither does an archive that cannot be opened. A crawl with nothing to
send loads no Apprise. Stats: ``alerts/sent``, ``alerts/failed``, ``alerts/waiting``.

Settings: ``ALERTS_DELIVER`` (default True; off when ``ARCHIVE_INDEX`` is off:
the alerts then wait for ``newsarchive alerts --deliver`` or the next crawl),
``ALERTS_DELIVERY_BUDGET`` (default 30).
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler import settings as defaults
from crawler.archive_access import open_archive

logger = logging.getLogger(__name__)


class AlertDelivery:
    def __init__(self, crawler: Any) -> None:
        settings = crawler.settings
        if not settings.getbool("ARCHIVE_INDEX", defaults.ARCHIVE_INDEX) or \
                not settings.getbool("ALERTS_DELIVER", defaults.ALERTS_DELIVER):
            raise NotConfigured
        self.crawler = crawler
        self.budget = settings.getfloat("ALERTS_DELIVERY_BUDGET", defaults.ALERTS_DELIVERY_BUDGET)

    @classmethod
    def from_crawler(cls, crawler: Any) -> AlertDelivery:
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_closed(self, spider: Any, reason: str) -> None:
        try:
            with open_archive(self.crawler.settings) as archive:
                report = archive.deliver_alerts(budget=self.budget)
        except Exception as exc:  # alerts wait in the outbox; the crawl's work is done and kept
            logger.error("alerts not delivered: %s (they wait for `newsarchive alerts --deliver`)", exc)
            return
        stats = self.crawler.stats
        for name in ("sent", "failed", "waiting"):
            stats.set_value(f"alerts/{name}", getattr(report, name))
        if report.sent or report.failed:
            logger.info(report.line())
