"""Hosts that fail for a while: ``web.outages.begin(host, "503")`` until ``web.outages.end(host)``.

A host in an outage answers every request one way, whatever the path:
``"503"`` (Service Unavailable with ``Retry-After``, as an overloaded site does)
or ``"reset"`` (the connection closes before any answer, as a host that is down
looks through a proxy). Other hosts answer as usual.
"""

from __future__ import annotations

import threading

from tests.newsweb.faults import _reset
from tests.newsweb.server import Response, text_response

KINDS = ("503", "reset")


class Outages:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._down: dict[str, str] = {}

    def begin(self, host: str, kind: str = "503") -> None:
        if kind not in KINDS:
            raise ValueError(f"outage kind must be one of {KINDS}, not {kind!r}")
        with self._lock:
            self._down[host] = kind

    def end(self, host: str | None = None) -> None:
        """End ``host``'s outage, or every outage."""
        with self._lock:
            if host is None:
                self._down.clear()
            else:
                self._down.pop(host, None)

    def answer(self, host: str) -> Response | None:
        """The outage's answer for a request to ``host``; None when it is up."""
        with self._lock:
            kind = self._down.get(host)
        if kind is None:
            return None
        if kind == "reset":
            return Response(0, stream=_reset)
        return text_response(503, "Service temporarily unavailable\n", "text/plain", headers=[("Retry-After", "1")])
