"""Every request a browser page makes and the response it gets, collected from Playwright's events.

A :class:`TrafficRecorder` listens to the page's ``response`` events and reads
each response's headers and body (bodies over ``max_body`` bytes, and a
redirect's, which Chromium does not keep, are left out and marked). The page's
navigation responses and everything its scripts fetched become
:class:`storage.warc.rendered.Exchange` values, written by the WARC middleware.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Any

from playwright.async_api import Error as PlaywrightError

from storage.warc.rendered import Exchange

logger = logging.getLogger(__name__)


class TrafficRecorder:
    """Collects the exchanges of one page; :meth:`finish` waits (bounded) for the bodies still being read."""

    def __init__(self, page: Any, max_body: int, bodies: bool = True) -> None:
        self.max_body = max_body
        self.bodies = bodies  # False: headers only (nothing of this page's traffic goes to the WARC)
        self.exchanges: list[Exchange] = []
        self.skipped_bodies = 0
        self._reading: set[asyncio.Task[None]] = set()
        page.on("response", self._on_response)

    def _on_response(self, response: Any) -> None:
        task = asyncio.ensure_future(self._read(response, datetime.now(UTC)))
        self._reading.add(task)
        task.add_done_callback(self._reading.discard)

    async def _read(self, response: Any, date: datetime) -> None:
        request = response.request
        try:
            request_headers = await request.headers_array()
            response_headers = await response.headers_array()
        except PlaywrightError:
            return  # the page went away first
        body, truncated = await self._body(response, response_headers)
        ip = None
        try:
            address = await response.server_addr()
            ip = address["ipAddress"] if address else None
        except (PlaywrightError, KeyError, TypeError):
            pass
        self.exchanges.append(Exchange(
            url=response.url, method=request.method, request_headers=_pairs(request_headers),
            request_body=request.post_data_buffer or b"", status=response.status, reason=response.status_text,
            response_headers=_pairs(response_headers), body=body, date=date, ip=ip, truncated=truncated))

    async def _body(self, response: Any, headers: list[dict[str, str]]) -> tuple[bytes, bool]:
        if 300 <= response.status < 400 or not self.bodies:
            return b"", False  # a redirect's body is not kept by the browser
        declared = next((item["value"] for item in headers if item["name"].lower() == "content-length"), None)
        if declared is not None and declared.isdigit() and int(declared) > self.max_body:
            self.skipped_bodies += 1
            return b"", True
        try:
            body = await response.body()
        except PlaywrightError:
            return b"", True
        if len(body) > self.max_body:
            self.skipped_bodies += 1
            return b"", True
        return body, False

    async def finish(self, timeout: float) -> list[Exchange]:
        """The exchanges seen so far, once the bodies being read are in (or ``timeout`` seconds passed)."""
        if self._reading:
            await asyncio.wait(list(self._reading), timeout=timeout)
        for task in list(self._reading):
            task.cancel()
        return sorted(self.exchanges, key=lambda exchange: exchange.date)


def _pairs(headers: list[dict[str, str]]) -> list[tuple[str, str]]:
    return [(item["name"], item["value"]) for item in headers]
