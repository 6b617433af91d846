"""One log line per unreachable server, not a traceback.

Scrapy's robots.txt middleware logs a failed robots.txt download with the full
traceback. A dead or unreachable server is not a bug in the crawler: this
extension keeps the message line and drops the traceback when the error is a
network failure (DNS, refused or reset connection, timeout). Real bugs keep
their tracebacks.

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


class DropNetworkTracebacks(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and _is_network_error(record.exc_info[1]):
            record.exc_info = None
            record.exc_text = None
        return True


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
        self.filter = DropNetworkTracebacks()
        for name in NOISY_LOGGERS:
            logging.getLogger(name).addFilter(self.filter)

    @classmethod
    def from_crawler(cls, crawler: Any) -> QuietNetworkErrors:
        return cls(crawler)
