"""Retries that wait: honour ``Retry-After`` and back off exponentially between attempts.

Scrapy's ``RetryMiddleware`` sends a retry straight back to the scheduler, so a
busy server (429, 503) is asked again at once. This subclass keeps its settings
(``RETRY_ENABLED``, ``RETRY_TIMES``, ``RETRY_HTTP_CODES``, ``RETRY_EXCEPTIONS``)
and waits before each retry: ``RETRY_BACKOFF_BASE`` seconds doubled per attempt
(1 s, 2 s, 4 s … by default), or the server's ``Retry-After`` (seconds or an
HTTP date) when that is longer. No wait exceeds ``RETRY_BACKOFF_MAX`` (default
60 s); a server asking for more than that is not retried in this run (its
``Retry-After`` is honoured by not coming back early).

Turn it on in place of Scrapy's own::

    DOWNLOADER_MIDDLEWARES = {
        "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
        "crawler.middlewares.retry.BackoffRetryMiddleware": 550,
    }

Stats: ``retry/backoff_waits``, ``retry/backoff_seconds`` (total waited),
``retry/retry_after_honoured``, ``retry/retry_after_too_long``.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.utils.response import response_status_message

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response
    from scrapy.settings import BaseSettings
    from typing_extensions import Self

from crawler import settings as defaults

logger = logging.getLogger(__name__)


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
    """``RetryMiddleware`` that sleeps before each retry, honouring ``Retry-After``."""

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.backoff_base = settings.getfloat("RETRY_BACKOFF_BASE", defaults.RETRY_BACKOFF_BASE)
        self.backoff_max = settings.getfloat("RETRY_BACKOFF_MAX", defaults.RETRY_BACKOFF_MAX)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        middleware = cls(crawler.settings)
        middleware.crawler = crawler
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
        await self._wait(retry, asked)
        return retry

    async def process_exception(self, request: Request, exception: Exception) -> Request | Response | None:
        if request.meta.get("dont_retry", False) or not isinstance(exception, self.exceptions_to_retry):
            return None
        retry = self._retry(request, exception)
        if retry is None:
            return None
        await self._wait(retry, None)
        return retry

    async def _wait(self, retry: Request, asked: float | None) -> None:
        delay = backoff_seconds(retry.meta.get("retry_times", 1), self.backoff_base, self.backoff_max)
        stats = self.crawler.stats
        if asked is not None:
            stats.inc_value("retry/retry_after_honoured")
            delay = min(self.backoff_max, max(delay, asked))
        if delay <= 0:
            return
        stats.inc_value("retry/backoff_waits")
        stats.inc_value("retry/backoff_seconds", delay)
        logger.debug("waiting %.1f s before retrying %s", delay, retry.url)
        await asyncio.sleep(delay)
