"""Fault injection: the host ``faulty.test``, whose every path misbehaves in one way.

Turned on by ``NewsWeb(faults=True)``. ``FaultOutlet.paths()`` lists each
fault URL with what a correct crawler does about it; the home page links
them all, and the outlet's seed entry points at the broken feeds and sitemaps.
"""

from __future__ import annotations

import logging
import socket
import struct
import threading
import zlib
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from typing import Callable, NamedTuple

from tests.newsweb.model import Outlet
from tests.newsweb.server import Response, text_response

logger = logging.getLogger(__name__)

HOST = "faulty.test"
BASE = f"http://{HOST}"
BOMB_BYTES = 256 * 1024 * 1024  # what the gzip bomb inflates to
ENDLESS_CAP = 4 * 1024 * 1024 * 1024  # the endless body stops here at the latest
HUGE_ITEMS = 20_000
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


class FaultPath(NamedTuple):
    """One misbehaving URL and what a correct crawler does about it."""

    url: str
    fault: str
    expect: str


FAULTS = [
    ("/reset", "connection reset before any response", "download error counted; crawl continues"),
    ("/hang", "no response for hang_seconds", "DOWNLOAD_TIMEOUT fires; crawl continues"),
    ("/slow", "body trickles in over about 2 seconds", "fetched completely and archived"),
    ("/error/500", "500 Internal Server Error", "retried a few times, then recorded as failed"),
    ("/error/503", "503 with Retry-After: 2", "retried later, then recorded as failed"),
    ("/error/429", "429 Too Many Requests with Retry-After: 1", "backs off and retries; not hammered"),
    ("/redirect-loop/a", "a → b → a redirect loop", "stops at the redirect limit"),
    ("/gzip-bomb", "256 MB of zeros gzipped to a few hundred KB", "refused by DOWNLOAD_MAXSIZE; memory stays flat"),
    ("/endless", "an HTML body that never ends", "cut off by DOWNLOAD_MAXSIZE or the timeout"),
    ("/binary.html", "PNG bytes labelled text/html", "no article extracted; no crash"),
    ("/charset/wrong", "windows-1252 bytes labelled UTF-8", "decoded with replacement characters; no crash"),
    ("/charset/mixed", "UTF-8 and Latin-1 bytes in one page, meta and header disagree", "decoded; no crash"),
    ("/charset/bogus", "charset=x-no-such-charset", "falls back to a default; no crash"),
    ("/malformed.html", "unclosed tags, stray end tags, a NUL byte", "parsed leniently; text extracted"),
    ("/feed/broken.xml", "truncated RSS with an unescaped &", "one error line naming the feed; crawl continues"),
    ("/feed/huge.xml", f"valid RSS with {HUGE_ITEMS} items", "parsed without stalling the crawl"),
    ("/sitemap-malformed.xml", "an HTML error page served as XML", "one error line naming the sitemap"),
    ("/sitemap-loop-a.xml", "two sitemap indexes that list each other", "each fetched once; no loop"),
]


def _pause(stopping: threading.Event, seconds: float) -> bool:
    """Sleep unless the web stops; True if it is stopping."""
    return stopping.wait(seconds)


def _reset(handler: BaseHTTPRequestHandler) -> None:
    handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    handler.close_connection = True
    handler.connection.close()


def _headers(handler: BaseHTTPRequestHandler, status: int, headers: list[tuple[str, str]]) -> None:
    handler.send_response(status)
    for name, value in headers:
        handler.send_header(name, value)
    handler.end_headers()


class FaultOutlet:
    """The ``faulty.test`` site; built only when faults are on."""

    host = HOST

    def __init__(self, hang_seconds: float, stopping: threading.Event) -> None:
        self.hang_seconds = hang_seconds
        self.stopping = stopping
        self._bomb: bytes | None = None
        self._lock = threading.Lock()
        self.outlet = Outlet(
            name="faulty",
            site_name="Faulty Times",
            host=HOST,
            domains=[HOST],
            feeds=[BASE + "/feed/broken.xml", BASE + "/feed/huge.xml"],
            sitemaps=[BASE + "/sitemap-loop-a.xml", BASE + "/sitemap-malformed.xml"],
            start_urls=[BASE + "/"],
            article_pattern=None,
            feed_format="rss",
            sections=[],
            gzip=False,
            charset="utf-8",
            json_ld=False,
            article_path=lambda slug, published, number: f"/item/{number}",
        )

    def paths(self) -> list[FaultPath]:
        return [FaultPath(BASE + path, fault, expect) for path, fault, expect in FAULTS]

    def respond(self, path: str, headers) -> Response:
        route = path.split("?", 1)[0]
        simple = self._simple_routes().get(route)
        if simple is not None:
            return simple()
        if route.startswith("/item/"):
            return text_response(
                200, _page(f"Item {route[6:]}", "<p>A placeholder item from the huge feed.</p>"), "text/html"
            )
        return text_response(404, _page("Not found", "<p>No such fault.</p>"), "text/html")

    def _simple_routes(self) -> dict[str, Callable[[], Response]]:
        return {
            "/": self._home,
            "/robots.txt": lambda: text_response(200, "User-agent: *\nDisallow:\n", "text/plain"),
            "/reset": lambda: Response(0, stream=_reset),
            "/hang": lambda: Response(0, stream=self._hang),
            "/slow": lambda: Response(200, stream=self._slow),
            "/error/500": lambda: text_response(500, _page("Error", "<p>Internal error.</p>"), "text/html"),
            "/error/503": lambda: text_response(
                503, _page("Busy", "<p>Try later.</p>"), "text/html", headers=[("Retry-After", "2")]
            ),
            "/error/429": lambda: text_response(
                429, "Too many requests\n", "text/plain", headers=[("Retry-After", "1")]
            ),
            "/redirect-loop/a": lambda: Response(302, headers=[("Location", BASE + "/redirect-loop/b")]),
            "/redirect-loop/b": lambda: Response(302, headers=[("Location", BASE + "/redirect-loop/a")]),
            "/gzip-bomb": lambda: Response(200, stream=self._gzip_bomb),
            "/endless": lambda: Response(200, stream=self._endless),
            "/binary.html": lambda: Response(200, PNG, "text/html; charset=utf-8"),
            "/charset/wrong": lambda: Response(
                200,
                _page("Café société", "<p>Crème brûlée à la carte.</p>").encode("cp1252"),
                "text/html; charset=utf-8",
            ),
            "/charset/mixed": lambda: Response(200, _mixed_charset(), "text/html; charset=iso-8859-1"),
            "/charset/bogus": lambda: Response(
                200, _page("Bogus", "<p>Plain words.</p>").encode(), "text/html; charset=x-no-such-charset"
            ),
            "/malformed.html": lambda: Response(200, MALFORMED.encode(), "text/html; charset=utf-8"),
            "/feed/broken.xml": lambda: Response(200, BROKEN_FEED.encode(), "application/rss+xml; charset=utf-8"),
            "/feed/huge.xml": lambda: Response(200, _huge_feed().encode(), "application/rss+xml; charset=utf-8"),
            "/sitemap-malformed.xml": lambda: Response(
                200, _page("502 Bad Gateway", "<p>upstream</p>").encode(), "application/xml"
            ),
            "/sitemap-loop-a.xml": lambda: Response(200, _index("/sitemap-loop-b.xml").encode(), "application/xml"),
            "/sitemap-loop-b.xml": lambda: Response(200, _index("/sitemap-loop-a.xml").encode(), "application/xml"),
        }

    def _home(self) -> Response:
        links = "".join(f'<li><a href="{p.url}">{p.fault}</a></li>' for p in self.paths())
        return text_response(200, _page("Faulty Times", f"<ul>{links}</ul>"), "text/html")

    def _hang(self, handler: BaseHTTPRequestHandler) -> None:
        _pause(self.stopping, self.hang_seconds)
        handler.close_connection = True

    def _slow(self, handler: BaseHTTPRequestHandler) -> None:
        body = _page("Slow news day", "<p>" + "This page arrives slowly. " * 40 + "</p>").encode()
        _headers(handler, 200, [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))])
        step = len(body) // 6 + 1
        for start in range(0, len(body), step):
            if _pause(self.stopping, 0.3):
                break
            handler.wfile.write(body[start : start + step])
            handler.wfile.flush()

    def _gzip_bomb(self, handler: BaseHTTPRequestHandler) -> None:
        body = self.bomb()
        _headers(
            handler,
            200,
            [
                ("Content-Type", "text/html; charset=utf-8"),
                ("Content-Encoding", "gzip"),
                ("Content-Length", str(len(body))),
            ],
        )
        handler.wfile.write(body)

    def bomb(self) -> bytes:
        """The gzip bomb's bytes, built once on first use."""
        with self._lock:
            if self._bomb is None:
                compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: gzip container
                block = b"\0" * (1024 * 1024)
                parts = [compressor.compress(block) for _ in range(BOMB_BYTES // len(block))]
                self._bomb = b"".join(parts) + compressor.flush()
            return self._bomb

    def _endless(self, handler: BaseHTTPRequestHandler) -> None:
        _headers(handler, 200, [("Content-Type", "text/html; charset=utf-8"), ("Connection", "close")])
        handler.close_connection = True
        chunk = ("<p>" + "and on and on " * 4600 + "</p>\n").encode()
        handler.wfile.write(b"<!DOCTYPE html><html><head><title>Endless</title></head><body>")
        sent = 0
        try:
            while sent < ENDLESS_CAP and not self.stopping.is_set():
                handler.wfile.write(chunk)
                sent += len(chunk)
        except OSError:
            pass  # the client gave up, as it should


def _page(title: str, body: str) -> str:
    return f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head><body><h1>{title}</h1>{body}</body></html>\n'


def _mixed_charset() -> bytes:
    head = '<html><head><meta charset="utf-8"><title>Mixed</title></head><body>'.encode()
    return head + "<p>Zoë says: naïve</p>".encode() + "<p>Zoë says: naïve</p>".encode("latin-1") + b"</body></html>"


def _index(target: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{BASE}{target}</loc></sitemap></sitemapindex>\n"
    )


def _huge_feed() -> str:
    now = datetime.now(UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")
    items = "".join(
        f"<item><title>Item {n}</title><link>{BASE}/item/{n}</link><pubDate>{now}</pubDate>"
        f"<description>Placeholder item number {n} of a very long feed.</description></item>\n"
        for n in range(HUGE_ITEMS)
    )
    return f'<?xml version="1.0"?>\n<rss version="2.0"><channel><title>Huge</title><link>{BASE}/</link>{items}</channel></rss>\n'


BROKEN_FEED = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Faulty Times & Co</title>'
    f"<item><title>Half an item</title><link>{BASE}/item/1</link><description>Cut off mid"
)

MALFORMED = (
    "<html><head><title>Malformed page<body><div class=story><h1>Storm hits the quay</h2>"
    "<p>Waves broke over the harbour wall on Tuesday night<p>Residents were moved to the school hall.\x00"
    "<table><p>Sandbags ran out by midnight.</td></div></div></span>"
    '<p class="unterminated>Crews worked until dawn to clear the road.</p><b><i>Officials said the damage '
    "was still being assessed.</b></i></body>"
)
