"""A small real HTTP/1.1 server on 127.0.0.1 serving the pages the WARC tests capture."""

from __future__ import annotations

import gzip
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

GZIP_HTML = "<html><head><title>Gzip story</title></head><body><p>Compressed news about the harbour bridge.</p></body></html>"
CHUNKS = [b"<html><body><p>Chunked ", b"news arrives ", b"in three parts.</p></body></html>"]
UNCHANGED_HTML = b"<html><body><p>This page never changes.</p></body></html>"
ETAG = '"v1"'
CUSTOM_REASON = "Fine Thanks"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        route = getattr(self, "page_" + parts.path.strip("/").replace("-", "_"), None)
        if route is None:
            self.simple(404, b"<html><body><p>Nothing here.</p></body></html>")
        else:
            route(parts.query)

    def simple(self, status: int, body: bytes, headers: list[tuple[str, str]] = (), reason: str | None = None) -> None:
        self.send_response(status, reason)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def page_gzip(self, query: str) -> None:
        self.simple(200, gzip.compress(GZIP_HTML.encode(), mtime=0), [("Content-Encoding", "gzip")])

    def page_cookies(self, query: str) -> None:
        body = b"<html><body><p>Two cookies were set.</p></body></html>"
        self.simple(200, body, [("Set-Cookie", "first=1; Path=/"), ("Set-Cookie", "second=2; Path=/")])

    def page_search(self, query: str) -> None:
        self.simple(200, f"<html><body><p>Results for {query}</p></body></html>".encode())

    def page_chunked(self, query: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for chunk in CHUNKS:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        self.wfile.write(b"0\r\n\r\n")

    def page_redirect(self, query: str) -> None:
        self.simple(302, b"", [("Location", "/search?q=redirected")])

    def page_reason(self, query: str) -> None:
        self.simple(200, b"<html><body><p>Custom reason.</p></body></html>", reason=CUSTOM_REASON)

    def page_unchanged(self, query: str) -> None:
        self.simple(200, UNCHANGED_HTML)

    def page_etag(self, query: str) -> None:
        if self.headers.get("If-None-Match") == ETAG:
            self.send_response(304)
            self.send_header("ETag", ETAG)
            self.end_headers()
            return
        self.simple(200, b"<html><body><p>Tagged page.</p></body></html>", [("ETag", ETAG)])

    def page_big(self, query: str) -> None:
        # Hex of random bytes: compresses only about in half, so the WARC grows.
        self.simple(200, ("<p>%s</p>" % os.urandom(15000).hex()).encode())


@contextmanager
def serve() -> Iterator[str]:
    """Run the server in a thread; yield its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
