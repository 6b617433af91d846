"""The download handler: Scrapy's HTTP for most pages, a real browser for those that need one.

:class:`BrowserDownloadHandler` is scrapy-playwright's handler with three changes:

* **Static crawls pay nothing.** scrapy-playwright starts Playwright (a Node
  process) when the engine starts; here it starts on the first request whose
  ``meta`` says ``playwright=True`` (an outlet rendered by the browser,
  :mod:`crawler.browser.render_mode`), and the browser with it. Every other
  request goes through :class:`crawler.middlewares.warc_handler.WarcHttpDownloadHandler`'s
  wire-noting HTTP/1.1 client, as before.
* **Every exchange is kept.** A :class:`crawler.browser.traffic.TrafficRecorder`
  collects every response the page got; the rendered DOM and a screenshot are
  taken once the page has settled, and all of it rides in
  ``request.meta["browser_capture"]`` (:class:`storage.warc.rendered.BrowserCapture`)
  to the WARC middleware. A render asked for a static page's new version
  (``meta["screenshot_of"]``, :mod:`crawler.browser.screenshots`) reads no
  bodies: only its DOM, screenshot and layout are kept.
* **Bounded.** A page has ``BROWSER_PAGE_TIMEOUT`` seconds in all; the network
  has ``BROWSER_SETTLE_TIMEOUT`` seconds to fall quiet after ``load`` (a page
  whose scripts poll forever is taken as it stands then); "load more" buttons
  are clicked at most ``BROWSER_LOAD_MORE_CLICKS`` times; at most
  ``BROWSER_MAX_PAGES`` pages are open at once, each renderer's JavaScript heap
  capped at ``BROWSER_JS_HEAP_MB``; response bodies over
  ``BROWSER_MAX_RESOURCE_BYTES`` are left out of the WARC. A page that overruns,
  or whose tab or browser crashes, fails alone with :class:`RenderFailed`
  (one log line from the spider's errback); a crashed browser is started again
  for the next page. Unless ``ARCHIVE_ALLOW_PRIVATE_NETWORKS`` is on (or the
  browser goes through a proxy), a request the page makes to a non-public
  address is aborted, as the private-network guard refuses Scrapy's.

The browser is Debian's Chromium (``BROWSER_EXECUTABLE``, default
``/usr/bin/chromium``; Playwright's own downloads are never used). It goes
through the same proxy as Scrapy (``http_proxy``), so a crawl through a proxy
renders through it too.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeout
from scrapy.http import Response
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler
from scrapy_playwright.page import PageMethod

from crawler import settings as defaults
from crawler.browser.errors import RenderFailed
from crawler.browser.load_more import expand
from crawler.browser.screenshots import SCREENSHOT_OF
from crawler.browser.traffic import TrafficRecorder
from crawler.middlewares.private_network import is_public_address, resolve
from crawler.middlewares.warc_handler import _WireNotingFactory
from storage.warc.rendered import BrowserCapture, Exchange

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

VIEWPORT = {"width": 1280, "height": 900}
SCREENSHOT_MAX_HEIGHT = 8000  # pixels: a screenshot shows the article, not an endless page
SCREENSHOT_QUALITY = 60
# Where each block of text stands on the page, in the screenshot's pixels (the diff page marks changed ones).
LAYOUT_SCRIPT = """(maxHeight) => {
  const blocks = [];
  for (const node of document.querySelectorAll('h1, h2, h3, h4, p, li, blockquote, figcaption, td')) {
    const box = node.getBoundingClientRect();
    const y = box.top + window.scrollY;
    const text = (node.innerText || '').trim();
    if (!text || box.width < 1 || box.height < 1 || y > maxHeight) continue;
    blocks.push({text: text.slice(0, 2000), x: Math.round(box.left + window.scrollX), y: Math.round(y),
                 w: Math.round(box.width), h: Math.round(box.height)});
  }
  return blocks.slice(0, 2000);
}"""


class BrowserDownloadHandler(ScrapyPlaywrightDownloadHandler):
    """HTTP/1.1 as ``WarcHttpDownloadHandler`` does it; requests with ``meta["playwright"]`` rendered by Chromium."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        super().__init__(crawler)
        self.config.launch_options = launch_options(settings)  # ours, whatever PLAYWRIGHT_LAUNCH_OPTIONS says
        self.config.max_pages_per_context = settings.getint("BROWSER_MAX_PAGES", defaults.BROWSER_MAX_PAGES)
        self._pool._factory = _WireNotingFactory
        self.page_timeout = settings.getfloat("BROWSER_PAGE_TIMEOUT", defaults.BROWSER_PAGE_TIMEOUT)
        self.settle_timeout = settings.getfloat("BROWSER_SETTLE_TIMEOUT", defaults.BROWSER_SETTLE_TIMEOUT)
        self.max_body = settings.getint("BROWSER_MAX_RESOURCE_BYTES", defaults.BROWSER_MAX_RESOURCE_BYTES)
        self.load_more_clicks = settings.getint("BROWSER_LOAD_MORE_CLICKS", defaults.BROWSER_LOAD_MORE_CLICKS)
        self.screenshots = settings.getbool("BROWSER_SCREENSHOTS", defaults.BROWSER_SCREENSHOTS)
        self._started = False
        self._start_lock = asyncio.Lock()
        proxied = bool(self.config.launch_options.get("proxy"))  # through a proxy: the proxy's business
        if not settings.getbool("ARCHIVE_ALLOW_PRIVATE_NETWORKS") and not proxied:
            self.abort_request = self._to_private_network

    async def _to_private_network(self, request: Any) -> bool:
        """Whether a request the page makes goes to a non-public address (crawler.middlewares.private_network)."""
        host = urlsplit(request.url).hostname or ""
        if not request.url.startswith(("http://", "https://")):
            return False
        blocked = [address for address in await resolve(host) if not is_public_address(address)]
        if blocked:
            self.stats.inc_value("private_network/blocked")
            logger.info("the browser was refused %s: %s resolves to non-public address %s", request.url, host,
                        blocked[0])
        return bool(blocked)

    async def _maybe_launch_in_thread(self) -> None:
        """Nothing at engine start: Playwright starts with the first rendered request (:meth:`_download_request`)."""

    async def _download_request(self, request: Request, spider: Spider | None = None) -> Response:
        async with self._start_lock:
            if not self._started:
                await self._launch()
                self._started = True
        request.meta.setdefault("playwright_context_kwargs", {"viewport": VIEWPORT})
        return await super()._download_request(request, spider)

    async def _download_request_with_page(self, request: Request, page: Any, spider: Spider) -> Response:
        # a render for a static version's screenshot keeps no exchange: its bodies are not even read
        recorder = TrafficRecorder(page, self.max_body, bodies=SCREENSHOT_OF not in request.meta)
        request.meta["playwright_include_page"] = True  # ours to close, after the screenshot
        request.meta["playwright_page_methods"] = [PageMethod(self._settle)]
        started = time.monotonic()
        try:
            return await asyncio.wait_for(self._render(request, page, spider, recorder, started), self.page_timeout)
        except (asyncio.TimeoutError, PlaywrightTimeout):
            self.stats.inc_value("browser/timeouts")
            raise RenderFailed("timeout", f"the page did not render within {self.page_timeout:g} s "
                                          "(BROWSER_PAGE_TIMEOUT)") from None
        except PlaywrightError as error:
            kind = "crash" if "crash" in str(error).lower() or "closed" in str(error).lower() else "error"
            self.stats.inc_value(f"browser/{kind}")
            raise RenderFailed(kind, _first_line(error)) from None
        finally:
            request.meta.pop("playwright_page", None)
            await _close_page(page)

    async def _render(self, request: Request, page: Any, spider: Spider, recorder: TrafficRecorder,
                      started: float) -> Response:
        response = await super()._download_request_with_page(request, page, spider)
        rendered_ms = (time.monotonic() - started) * 1000
        wanted = self.screenshots or SCREENSHOT_OF in request.meta
        screenshot, layout = await self._screenshot(page) if wanted else (None, None)
        exchanges = await recorder.finish(timeout=2.0)
        document = _document(exchanges, response.url)
        if document is None:
            raise RenderFailed("no_document", f"the browser got no response for {response.url}")
        request.meta["browser_capture"] = BrowserCapture(
            document, [exchange for exchange in exchanges if exchange is not document],
            response.text, screenshot, layout, rendered_ms)
        self.stats.inc_value("browser/pages")
        self.stats.inc_value("browser/render_ms", int(rendered_ms))
        self.stats.inc_value("browser/exchanges", len(exchanges))
        if recorder.skipped_bodies:
            self.stats.inc_value("browser/bodies_over_bound", recorder.skipped_bodies)
        if screenshot:
            self.stats.inc_value("browser/screenshots")
            self.stats.inc_value("browser/screenshot_bytes", len(screenshot))
        return response

    async def _settle(self, page: Any) -> None:
        """Wait (bounded) for the network to fall quiet, then open what "load more" buttons hide."""
        await _quiet(page, self.settle_timeout)
        clicks = await expand(page, self.load_more_clicks, lambda: _quiet(page, self.settle_timeout))
        if clicks:
            self.stats.inc_value("browser/load_more_clicks", clicks)

    async def _screenshot(self, page: Any) -> tuple[bytes | None, dict | None]:
        """A JPEG of the page (its first ``SCREENSHOT_MAX_HEIGHT`` pixels) and where its text blocks stand on it."""
        try:
            height = await page.evaluate("Math.max(document.documentElement.scrollHeight, 1)")
            clip = {"x": 0, "y": 0, "width": VIEWPORT["width"], "height": min(int(height), SCREENSHOT_MAX_HEIGHT)}
            shot = await page.screenshot(type="jpeg", quality=SCREENSHOT_QUALITY, full_page=True, clip=clip,
                                         timeout=self.settle_timeout * 1000)
            blocks = await page.evaluate(LAYOUT_SCRIPT, clip["height"])
        except PlaywrightError as error:
            self.stats.inc_value("browser/screenshot_failed")
            logger.info("no screenshot of %s: %s", page.url, _first_line(error))
            return None, None
        return shot, {"width": clip["width"], "height": clip["height"], "blocks": blocks}


def launch_options(settings: Any) -> dict[str, Any]:
    """How Chromium is started: Debian's binary, headless, bounded, through Scrapy's proxy."""
    heap = settings.getint("BROWSER_JS_HEAP_MB", defaults.BROWSER_JS_HEAP_MB)
    options: dict[str, Any] = {
        "executable_path": settings.get("BROWSER_EXECUTABLE", defaults.BROWSER_EXECUTABLE),
        "headless": True,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--mute-audio",
                 f"--js-flags=--max-old-space-size={heap}"],
        "timeout": 30_000,
    }
    proxy = os.environ.get("http_proxy") or os.environ.get("HTTP_PROXY")
    if proxy:
        options["proxy"] = _proxy(proxy)
    return options


def _proxy(url: str) -> dict[str, str]:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    proxy = {"server": f"{parts.scheme}://{parts.hostname}:{parts.port or 80}"}
    if parts.username:
        from urllib.parse import unquote

        proxy["username"] = unquote(parts.username)
        proxy["password"] = unquote(parts.password or "")
    return proxy


async def _quiet(page: Any, timeout: float) -> None:
    try:
        await page.wait_for_load_state("networkidle", timeout=timeout * 1000)
    except PlaywrightTimeout:
        pass  # scripts that never stop fetching: the page is taken as it stands


def _document(exchanges: list[Exchange], url: str) -> Exchange | None:
    for exchange in exchanges:
        if exchange.url == url and not 300 <= exchange.status < 400:
            return exchange
    return None


async def _close_page(page: Any) -> None:
    try:
        await asyncio.wait_for(page.close(run_before_unload=False), 10)
    except (asyncio.TimeoutError, PlaywrightError):
        logger.debug("page %s did not close cleanly", page.url)


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0][:300] if text else type(error).__name__
