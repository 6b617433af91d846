"""Names for the ways a fetch fails, used as stats keys (``errors/<kind>``) and in summaries."""

from __future__ import annotations

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as net_error
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

from crawler.browser.errors import RenderFailed

# Scrapy 2.13+ wraps Twisted's errors in its own exception types; both are listed.
_KINDS: list[tuple[type[BaseException] | tuple[type[BaseException], ...], str]] = [
    ((net_error.DNSLookupError, CannotResolveHostError), "dns"),
    ((net_error.TimeoutError, net_error.TCPTimedOutError, DownloadTimeoutError), "timeout"),
    ((net_error.ConnectionRefusedError, DownloadConnectionRefusedError), "connection_refused"),
    ((net_error.ConnectionLost, net_error.ConnectionDone, ResponseFailed, ResponseNeverReceived,
      DownloadFailedError, ResponseDataLossError), "connection_lost"),
    (DownloadCancelledError, "too_large"),  # the download handler cancels bodies over DOWNLOAD_MAXSIZE
]


def error_kind(failure: Failure) -> str:
    """A short stable name for why a request failed (``http_404``, ``timeout``, ``dns``, …)."""
    if failure.check(RenderFailed):
        return f"browser_{failure.value.kind}"
    if failure.check(HttpError):
        return f"http_{failure.value.response.status}"
    if failure.check(IgnoreRequest):
        message = str(failure.value)
        if "DOWNLOAD_MAXSIZE" in message:
            return "too_large"  # HttpCompressionMiddleware stopped inflating a bomb
        if "robots.txt" in message:
            return "robots_forbidden"
        if "non-public address" in message:
            return "private_network"
    for types, name in _KINDS:
        if failure.check(*(types if isinstance(types, tuple) else (types,))):
            return name
    return failure.type.__name__.lower() if failure.type else "unknown"
