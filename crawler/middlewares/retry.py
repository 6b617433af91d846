"""Retries that wait: honour ``Retry-After`` and back off exponentially between attempts.

Scrapy's ``RetryMiddleware`` sends a retry straight back to the scheduler, so a
busy server (429, 503) is asked again at once. This subclass keeps its settings
(``RETRY_ENABLED``, ``RETRY_TIMES``, ``RETRY_HTTP_CODES``, ``RETRY_EXCEPTIONS``)
and waits before each retry: ``RETRY_BACKOFF_BASE`` seconds doubled per attempt
(1 s, 2 s, 4 s … by default), or the server's ``Retry-After`` (seconds or an
HTTP date) when that is longer. No wait exceeds ``RETRY_BACKOFF_MAX`` (default
60 s); a server asking for more than that is not retried in this run (its
``Retry-After`` is honoured by not coming back early).

A waiting retry holds no downloader slot: it is kept aside when it reaches the
scheduler (``request_scheduled``) and handed back once due, so one slow host
never stalls the others (Scrapy's downloader takes no request while
``CONCURRENT_REQUESTS`` are active). A ``Retry-After`` speaks for the whole
download slot (host): no retry of that slot is let go before it expires.

Turn it on in place of Scrapy's own::

    DOWNLOADER_MIDDLEWARES = {
        "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
        "crawler.middlewares.retry.BackoffRetryMiddleware": 550,
    }

Stats: ``retry/backoff_waits``, ``retry/backoff_seconds`` (total waited),
``retry/retry_after_honoured``, ``retry/retry_after_too_long``,
``retry/waiting_at_close`` (retries still waiting when the crawl stopped).
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from scrapy.utils.asyncio import CallLaterResult, call_later
from scrapy.utils.response import response_status_message

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response
    from scrapy.settings import BaseSettings
    from typing_extensions import Self

from crawler import settings as defaults

logger = logging.getLogger(__name__)

_WAIT = "retry_wait_seconds"  # meta: how long a retry waits before the scheduler may have it


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait; None when absent or unreadable.

    The header is either a number of seconds or an HTTP date (RFC 9110 §10.2.3);
    a date in the past means "now" (0).
    """
    if value is None:
        return None
    text = (value.decode("latin-1") if isinstance(value, bytes) else value).strip()
    if text.isdigit():
        return float(text)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - (now or datetime.now(UTC))).total_seconds())


def backoff_seconds(attempt: int, base: float, cap: float) -> float:
    """Exponential back-off before retry number ``attempt`` (1 for the first retry)."""
    return min(cap, base * 2 ** max(0, attempt - 1))


class BackoffRetryMiddleware(RetryMiddleware):
    """``RetryMiddleware`` that delays each retry, honouring ``Retry-After``, without holding a download slot."""

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.backoff_base = settings.getfloat("RETRY_BACKOFF_BASE", defaults.RETRY_BACKOFF_BASE)
        self.backoff_max = settings.getfloat("RETRY_BACKOFF_MAX", defaults.RETRY_BACKOFF_MAX)
        self.slot_free_at: dict[str, float] = {}  # slot -> monotonic time its latest Retry-After expires
        self.waiting: dict[int, CallLaterResult] = {}  # id(request) -> its timer

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        middleware = cls(crawler.settings)
        middleware.crawler = crawler
        crawler.signals.connect(middleware.request_scheduled, signal=signals.request_scheduled)
        crawler.signals.connect(middleware.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        asked = retry_after_seconds(response.headers.get(b"Retry-After"))
        if asked is not None and asked > self.backoff_max:
            self.crawler.stats.inc_value("retry/retry_after_too_long")
            logger.info("not retrying %s this run: Retry-After asks for %.0f s (RETRY_BACKOFF_MAX is %.0f s)",
                        request.url, asked, self.backoff_max)
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        self._plan_wait(retry, asked)
        return retry

    async def process_exception(self, request: Request, exception: Exception) -> Request | Response | None:
        if request.meta.get("dont_retry", False) or not isinstance(exception, self.exceptions_to_retry):
            return None
        retry = self._retry(request, exception)
        if retry is None:
            return None
        self._plan_wait(retry, None)
        return retry

    def _plan_wait(self, retry: Request, asked: float | None) -> None:
        """Note on ``retry`` how long it waits: its back-off, its slot's ``Retry-After`` if later."""
        delay = backoff_seconds(retry.meta.get("retry_times", 1), self.backoff_base, self.backoff_max)
        stats = self.crawler.stats
        now = time.monotonic()
        slot = self._slot_key(retry)
        if asked is not None:
            stats.inc_value("retry/retry_after_honoured")
            self.slot_free_at[slot] = max(self.slot_free_at.get(slot, 0.0), now + min(asked, self.backoff_max))
        delay = min(self.backoff_max, max(delay, self.slot_free_at.get(slot, 0.0) - now))
        if delay <= 0:
            return
        stats.inc_value("retry/backoff_waits")
        stats.inc_value("retry/backoff_seconds", delay)
        retry.meta[_WAIT] = delay

    def _slot_key(self, request: Request) -> str:
        return self.crawler.engine.downloader.get_slot_key(request)

    def request_scheduled(self, request: Request, spider: object = None) -> None:
        """Keep a retry that must wait away from the scheduler until it is due."""
        delay = request.meta.pop(_WAIT, 0.0)
        if delay <= 0:
            return
        logger.debug("retrying %s in %.1f s", request.url, delay)
        self.waiting[id(request)] = call_later(delay, self._release, request)
        raise IgnoreRequest(f"retry of {request.url} waits {delay:.1f} s")  # the engine drops it quietly

    def _release(self, request: Request) -> None:
        self.waiting.pop(id(request), None)
        self.crawler.engine.crawl(request)

    def spider_idle(self) -> None:
        if self.waiting:
            raise DontCloseSpider

    def spider_closed(self) -> None:
        if self.waiting:
            self.crawler.stats.set_value("retry/waiting_at_close", len(self.waiting))
        for timer in self.waiting.values():
            timer.cancel()
        self.waiting.clear()
