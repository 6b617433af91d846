"""One log line per unreachable server, not a traceback and not twice.

Scrapy's robots.txt middleware logs a failed robots.txt download as an error
with the full traceback, and the spider then reports the same host's failed
fetch once more. A dead or unreachable server is not a bug in the crawler:
this extension drops the robots.txt middleware's message when its error is a
network failure (DNS, refused or reset connection, timeout), leaving the
spider's one line per host (the failure is still counted in the stats, as
``robotstxt/exception_count/…``). Real bugs keep their tracebacks.

Setting: ``QUIET_NETWORK_ERRORS`` (default True).
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.exceptions import NotConfigured

from crawler import settings as defaults

NOISY_LOGGERS = ("scrapy.downloadermiddlewares.robotstxt",)
_NETWORK_ERROR_NAMES = {
    "DNSLookupError", "CannotResolveHostError", "ConnectionRefusedError", "ConnectionLost", "ConnectionDone",
    "TimeoutError", "TCPTimedOutError", "ResponseFailed", "ResponseNeverReceived", "DownloadTimeoutError",
    "DownloadConnectionRefusedError", "DownloadFailedError", "ConnectError", "ResponseDataLossError",
}


class DropNetworkFailures(logging.Filter):
    """Drops a record whose error is a network failure; keeps every other record whole."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and _is_network_error(record.exc_info[1]))


def _is_network_error(error: BaseException | None) -> bool:
    while error is not None:
        if type(error).__name__ in _NETWORK_ERROR_NAMES or isinstance(error, (ConnectionError, TimeoutError)):
            return True
        error = error.__cause__ or error.__context__
    return False


class QuietNetworkErrors:
    def __init__(self, crawler: Any) -> None:
        if not crawler.settings.getbool("QUIET_NETWORK_ERRORS", defaults.QUIET_NETWORK_ERRORS):
            raise NotConfigured
        self.filter = DropNetworkFailures()
        for name in NOISY_LOGGERS:
            logging.getLogger(name).addFilter(self.filter)

    @classmethod
    def from_crawler(cls, crawler: Any) -> QuietNetworkErrors:
        return cls(crawler)
