"""Hosts that fail for a while: ``web.outages.begin(host, "503")`` until ``web.outages.end(host)``.

A host in an outage answers every request one way, whatever the path:
``"503"`` (Service Unavailable with ``Retry-After``, as an overloaded site does)
or ``"reset"`` (the connection closes before any answer, as a host that is down
looks through a proxy). Other hosts answer as usual. ``articles_only`` keeps
the host's home page, feeds and sitemaps up (a site whose article servers are
overloaded); ``retry_after`` is the seconds its 503 asks to wait.
"""

from __future__ import annotations

import threading

from tests.newsweb.faults import _reset
from tests.newsweb.server import Response, text_response

KINDS = ("503", "reset")


class Outages:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._down: dict[str, tuple[str, int, bool]] = {}

    def begin(self, host: str, kind: str = "503", *, retry_after: int = 1, articles_only: bool = False) -> None:
        if kind not in KINDS:
            raise ValueError(f"outage kind must be one of {KINDS}, not {kind!r}")
        with self._lock:
            self._down[host] = (kind, retry_after, articles_only)

    def end(self, host: str | None = None) -> None:
        """End ``host``'s outage, or every outage."""
        with self._lock:
            if host is None:
                self._down.clear()
            else:
                self._down.pop(host, None)

    def answer(self, host: str, is_article: bool) -> Response | None:
        """The outage's answer for a request to ``host`` (for an article or not); None when it is up."""
        with self._lock:
            down = self._down.get(host)
        if down is None or (down[2] and not is_article):
            return None
        kind, retry_after, _ = down
        if kind == "reset":
            return Response(0, stream=_reset)
        return text_response(503, "Service temporarily unavailable\n", "text/plain",
                             headers=[("Retry-After", str(retry_after))])
