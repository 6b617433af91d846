"""The probe site of the news web: pages that exercise the WARC writer's edge cases.

Answered for requests to the news web's own address (``http://127.0.0.1:PORT/…``,
no proxy): a gzip-encoded body, two ``Set-Cookie`` headers, a chunked body, a
redirect, a custom reason phrase, a page that never changes, one that answers
``If-None-Match`` with 304, and a large page that compresses poorly. Each is
``/NAME``; anything else is a 404.
"""

from __future__ import annotations

import gzip
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlsplit

from tests.newsweb.server import Response

HOSTS = ("127.0.0.1", "localhost")
GZIP_HTML = "<html><head><title>Gzip story</title></head><body><p>Compressed news about the harbour bridge.</p></body></html>"
CHUNKS = [b"<html><body><p>Chunked ", b"news arrives ", b"in three parts.</p></body></html>"]
UNCHANGED_HTML = b"<html><body><p>This page never changes.</p></body></html>"
ETAG = '"v1"'
CUSTOM_REASON = "Fine Thanks"
HTML = "text/html; charset=utf-8"


def respond(path: str, headers) -> Response:
    """The probe page at ``path``."""
    parts = urlsplit(path)
    page = PAGES.get(parts.path.strip("/"))
    if page is None:
        return Response(404, b"<html><body><p>Nothing here.</p></body></html>", HTML)
    return page(parts.query, headers)


def _gzip(query: str, headers) -> Response:
    return Response(200, gzip.compress(GZIP_HTML.encode(), mtime=0), HTML, [("Content-Encoding", "gzip")])


def _cookies(query: str, headers) -> Response:
    return Response(200, b"<html><body><p>Two cookies were set.</p></body></html>", HTML,
                    [("Set-Cookie", "first=1; Path=/"), ("Set-Cookie", "second=2; Path=/")])


def _search(query: str, headers) -> Response:
    return Response(200, f"<html><body><p>Results for {query}</p></body></html>".encode(), HTML)


def _chunked(query: str, headers) -> Response:
    def write(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", HTML)
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        for chunk in CHUNKS:
            handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        handler.wfile.write(b"0\r\n\r\n")

    return Response(200, stream=write)


def _redirect(query: str, headers) -> Response:
    return Response(302, b"", HTML, [("Location", "/search?q=redirected")])


def _reason(query: str, headers) -> Response:
    body = b"<html><body><p>Custom reason.</p></body></html>"

    def write(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200, CUSTOM_REASON)
        handler.send_header("Content-Type", HTML)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return Response(200, stream=write)


def _unchanged(query: str, headers) -> Response:
    return Response(200, UNCHANGED_HTML, HTML)


def _etag(query: str, headers) -> Response:
    if headers.get("If-None-Match") == ETAG:
        return Response(304, headers=[("ETag", ETAG)])
    return Response(200, b"<html><body><p>Tagged page.</p></body></html>", HTML, [("ETag", ETAG)])


def _big(query: str, headers) -> Response:
    # Hex of random bytes: compresses only about in half, so the WARC grows.
    return Response(200, ("<p>%s</p>" % os.urandom(15000).hex()).encode(), HTML)


PAGES: dict[str, Callable[[str, object], Response]] = {
    "gzip": _gzip, "cookies": _cookies, "search": _search, "chunked": _chunked, "redirect": _redirect,
    "reason": _reason, "unchanged": _unchanged, "etag": _etag, "big": _big,
}


@contextmanager
def serve() -> Iterator[str]:
    """Run the news web; yield the base URL of its probe pages."""
    from tests.newsweb import NewsWeb

    with NewsWeb(articles_per_outlet=1) as web:
        yield web.proxy_url
