"""Names for the ways a fetch fails, used as stats keys (``errors/<kind>``) and in summaries."""

from __future__ import annotations

from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as net_error
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

_KINDS: list[tuple[type[BaseException] | tuple[type[BaseException], ...], str]] = [
    (net_error.DNSLookupError, "dns"),
    ((net_error.TimeoutError, net_error.TCPTimedOutError), "timeout"),
    (net_error.ConnectionRefusedError, "connection_refused"),
    ((net_error.ConnectionLost, net_error.ConnectionDone, ResponseFailed, ResponseNeverReceived), "connection_lost"),
]


def error_kind(failure: Failure) -> str:
    """A short stable name for why a request failed (``http_404``, ``timeout``, ``dns``, …)."""
    if failure.check(HttpError):
        return f"http_{failure.value.response.status}"
    for types, name in _KINDS:
        if failure.check(*(types if isinstance(types, tuple) else (types,))):
            return name
    return failure.type.__name__.lower() if failure.type else "unknown"
