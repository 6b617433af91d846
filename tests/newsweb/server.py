"""The HTTP side of the news web: a proxy-style server that routes on the requested host.

Clients either send absolute-form request lines (``GET http://host/path``, as
Scrapy does through ``http_proxy``) or origin-form ones with a ``Host`` header.
Pages of outlets that gzip are compressed when the client accepts it (at
level 1, nginx's default ``gzip_comp_level``: the server's CPU is shared with the
crawlers the benchmarks measure; ``NewsWeb(content_coding="br")`` or ``"zstd"``
sends those codings instead to a client that asks for them (gzip to one that
asks only for that), as CDNs do, and ``force_coding=True`` whether it asked
or not, as some servers do); article
pages carry ``ETag``/``Last-Modified`` and answer conditional requests with 304.
"""

from __future__ import annotations

import base64
import functools
import gzip
import logging
import secrets
import sys
import zlib

import brotli

if sys.version_info >= (3, 14):
    from compression import zstd
else:
    from backports import zstd
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Callable
from urllib.parse import urlsplit

from tests.newsweb import feeds, frontpages, pages, walls
from tests.newsweb.model import Article, Outlet
from tests.newsweb.outlets import HOST_REDIRECTS
from tests.newsweb.templates import PageContext, render_article

if TYPE_CHECKING:
    from tests.newsweb.web import NewsWeb

logger = logging.getLogger(__name__)
GZIP_LEVEL = 1

HTML = "text/html"
SECTION_LINK_SUFFIX = {"metro-tribune": "?ref=section"}
ENCODERS: dict[str, Callable[[bytes], bytes]] = {
    "gzip": lambda body: gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0),
    "br": lambda body: brotli.compress(body, quality=1),
    "zstd": lambda body: zstd.compress(body, level=1),
}


@dataclass(slots=True)
class Response:
    """What to send; ``stream`` (faults only) writes the whole answer itself."""

    status: int
    body: bytes = b""
    content_type: str | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)
    compressible: bool = False
    stream: Callable[[BaseHTTPRequestHandler], None] | None = None


def text_response(status: int, text: str, content_type: str, charset: str = "utf-8", **kw) -> Response:
    body = text.encode(charset, errors="xmlcharrefreplace")
    return Response(status, body, f"{content_type}; charset={charset}", **kw)


def _cookies() -> list[tuple[str, str]]:
    return [
        ("Set-Cookie", f"nw_session={secrets.token_hex(8)}; Path=/; HttpOnly"),
        ("Set-Cookie", "consent=pending; Path=/; Max-Age=31536000; SameSite=Lax"),
    ]


def html_response(outlet: Outlet, html: str, status: int = 200, headers: list | None = None) -> Response:
    response = text_response(status, html, HTML, outlet.charset, compressible=outlet.gzip)
    response.headers = _cookies() + (headers or [])
    return response


@functools.lru_cache(maxsize=4)
def gzip_bomb(size: int) -> bytes:
    """Gzip of ``size`` zero bytes (a few KB per megabyte)."""
    squeeze = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    return b"".join(squeeze.compress(bytes(min(1 << 20, size - done))) for done in range(0, size, 1 << 20)) + \
        squeeze.flush()


def not_modified(article: Article, headers) -> bool:
    """RFC 9110: If-None-Match wins over If-Modified-Since when both are sent."""
    if_none_match = headers.get("If-None-Match")
    if if_none_match is not None:
        tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
        return "*" in tags or article.etag() in tags
    since = headers.get("If-Modified-Since")
    if since:
        try:
            moment = parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return article.modified.replace(microsecond=0) <= moment
    return False


def _validators(article: Article) -> list[tuple[str, str]]:
    return [
        ("ETag", article.etag()),
        ("Last-Modified", format_datetime(article.modified, usegmt=True)),
        ("Cache-Control", "public, max-age=60"),
    ]


def article_response(web: NewsWeb, outlet: Outlet, article: Article, headers) -> Response:
    if article.wall is not None:  # conditional headers or not: the wall answers
        wall = walls.WALLS[article.wall]
        return Response(wall.status, walls.wall_page(article.wall), f"{HTML}; charset=utf-8", list(wall.headers))
    if article.status == 301:
        return Response(301, b"", None, [("Location", article.location or outlet.home)])
    if not article.live and article.bomb_bytes:
        return Response(article.status, gzip_bomb(article.bomb_bytes), "application/octet-stream",
                        [("Content-Encoding", "gzip")])
    if not article.live:
        return html_response(
            outlet, pages.not_found_page(outlet.site_name, article.path, article.status), article.status
        )
    if not_modified(article, headers):
        return Response(304, headers=_validators(article))
    head_pad, foot_pad = web.padding(outlet.name)
    ctx = PageContext(
        outlet, article, web.related(article), web.next_request_number(), datetime.now(UTC), head_pad, foot_pad
    )
    return html_response(outlet, render_article(ctx), headers=_validators(article))


def outlet_response(web: NewsWeb, outlet: Outlet, path: str, headers) -> Response:
    """Route one request inside an outlet's site."""
    route = urlsplit(path).path or "/"
    article = web.lookup(outlet.url(route))
    if article is not None:  # the common request: no need to list the outlet's articles
        return article_response(web, outlet, article, headers)
    now = datetime.now(UTC)
    articles = [a for a in web.live_articles(outlet.name) if a.listed]  # a moved article may be linked by nothing
    if route == "/" and web.front_rounds is not None:
        html = frontpages.home_page(outlet, articles, web.front_rounds.round, web.next_request_number(), now)
        return html_response(outlet, html)
    if route == "/":
        return html_response(outlet, pages.home_page(outlet, articles, web.next_request_number(), now))
    for section_path, label in outlet.sections:
        if route == section_path:
            in_section = [a for a in articles if a.section == label]
            html = pages.section_page(
                outlet, label, in_section, web.next_request_number(), now, SECTION_LINK_SUFFIX.get(outlet.name, "")
            )
            return html_response(outlet, html)
    if route == "/robots.txt":
        return text_response(200, feeds.robots_txt(outlet), "text/plain")
    if route == urlsplit(outlet.feeds[0]).path:
        text, content_type = feeds.feed(outlet, articles, now)
        return Response(200, text.encode(), content_type, compressible=outlet.gzip)
    sitemap = _sitemap(outlet, route, articles, now)
    if sitemap is not None:
        return Response(200, sitemap.encode(), "application/xml; charset=utf-8", compressible=outlet.gzip)
    if route.startswith("/private/") or route == "/search":
        return html_response(outlet, pages.private_page(outlet, route))
    return html_response(outlet, pages.not_found_page(outlet.site_name, route, 404), 404)


def _sitemap(outlet: Outlet, route: str, articles: list[Article], now: datetime) -> str | None:
    if route == "/sitemap_index.xml":
        return feeds.sitemap_index(outlet, articles, now)
    if route == "/sitemap-news.xml":
        return feeds.news_sitemap(outlet, articles)
    if route == "/sitemap-pages.xml":
        return feeds.pages_sitemap(outlet, articles, now)
    return None


def respond(web: NewsWeb, host: str, path: str, headers) -> Response:
    """The answer for ``http://{host}{path}``."""
    from tests.newsweb import probe  # its pages build this module's Response

    down = web.outages.answer(host, web.lookup(f"http://{host}{path}") is not None)
    if down is not None:
        return down
    if host in HOST_REDIRECTS:
        return Response(301, headers=[("Location", f"http://{HOST_REDIRECTS[host]}{path}")])
    outlet = web.outlet_for_host(host)
    if outlet is not None:
        return outlet_response(web, outlet, path, headers)
    if web.fault_outlet is not None and host == web.fault_outlet.host:
        return web.fault_outlet.respond(path, headers)
    if host in probe.HOSTS:
        return probe.respond(path, headers)
    return text_response(502, f"newsweb: no simulated site at host {host!r}\n", "text/plain")


class NewsWebHandler(BaseHTTPRequestHandler):
    """Answers requests for every simulated host on one port."""

    protocol_version = "HTTP/1.1"
    server_version = "NewsWeb/1.0"
    timeout = 60  # idle keep-alive connections give up eventually

    def do_GET(self) -> None:
        self._serve(send_body=True)

    def do_HEAD(self) -> None:
        self._serve(send_body=False)

    def log_message(self, format: str, *args) -> None:
        logger.debug("%s %s", self.address_string(), format % args)

    def _target(self) -> tuple[str, str]:
        if self.path.startswith(("http://", "https://")):
            parts = urlsplit(self.path)
            host = (parts.hostname or "").lower()
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            return host, path
        host = (self.headers.get("Host") or "").split(":")[0].lower()
        return host, self.path

    def _serve(self, send_body: bool) -> None:
        web: NewsWeb = self.server.web
        web.request_started()
        try:
            self._answer(web, send_body)
        finally:
            web.request_finished()

    def _answer(self, web: NewsWeb, send_body: bool) -> None:
        if web.proxy_auth and self.headers.get("Proxy-Authorization") != _basic(web.proxy_auth):
            self.send_response(407)
            self.send_header("Proxy-Authenticate", 'Basic realm="newsweb"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        host, path = self._target()
        url = f"http://{host}{path}"
        response = respond(web, host, path, self.headers)
        web.record(self.command, url, response.status, dict(self.headers.items()))
        if response.stream is not None:
            response.stream(self)
            return
        body = response.body
        headers = list(response.headers)
        if response.compressible:
            headers.append(("Vary", "Accept-Encoding"))
            accepted = self.headers.get("Accept-Encoding") or ""
            coding = next((c for c in (web.content_coding, "gzip") if web.force_coding or c in accepted), None)
            if coding is not None and body:
                body = ENCODERS[coding](body)
                headers.append(("Content-Encoding", coding))
        self.send_response(response.status)
        if response.content_type:
            self.send_header("Content-Type", response.content_type)
        for name, value in headers:
            self.send_header(name, value)
        if response.status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body and response.status != 304:
            self.wfile.write(body)


def _basic(credentials: str) -> str:
    return "Basic " + base64.b64encode(credentials.encode()).decode()


class NewsWebServer(ThreadingHTTPServer):
    """ThreadingHTTPServer that knows its ``NewsWeb``."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], web: NewsWeb) -> None:
        self.web = web
        super().__init__(address, NewsWebHandler)

    def handle_error(self, request, client_address) -> None:
        # clients hanging up (timeouts, size limits) are expected, not server bugs
        if isinstance(sys.exc_info()[1], OSError):
            logger.debug("client %s went away: %s", client_address, sys.exc_info()[1])
            return
        super().handle_error(request, client_address)
