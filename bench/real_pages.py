"""A folder of saved HTML pages served as one news site, for bench/crawl.py ``--pages``.

Every ``*.html`` or ``*.html.gz`` file of the folder (``--copies`` times, under
distinct URLs) becomes an article of ``http://real-pages.test/``, whose home
page links them all; the server answers as an HTTP proxy on 127.0.0.1, the way
the simulated news web (tests/newsweb) does, so every contender of the crawl
benchmark fetches the same bytes the same way.
"""

from __future__ import annotations

import gzip
import threading
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

HOST = "real-pages.test"


def read_pages(folder: Path) -> list[bytes]:
    """The pages of ``folder`` (gzipped or not), in name order; a clear error when it holds none."""
    files = sorted(p for p in folder.iterdir() if p.name.endswith((".html", ".htm", ".html.gz", ".htm.gz")))
    if not files:
        raise SystemExit(f"error: {folder}: no .html or .html.gz files to serve (--pages takes a folder of pages)")
    return [gzip.decompress(p.read_bytes()) if p.name.endswith(".gz") else p.read_bytes() for p in files]


class RealPagesWeb:
    """The pages of a folder as articles of one site, served through a proxy on 127.0.0.1."""

    def __init__(self, folder: Path, copies: int = 1) -> None:
        pages = read_pages(folder)
        self.pages = {f"http://{HOST}/a/{copy}-{n}/": body for copy in range(copies) for n, body in enumerate(pages)}
        self._server: ThreadingHTTPServer | None = None

    def article_urls(self) -> list[str]:
        return list(self.pages)

    def seed_toml(self) -> str:
        return (f'[[outlet]]\nname = "real-pages"\ndomains = ["{HOST}"]\nstart_urls = ["http://{HOST}/"]\n'
                f"article_pattern = '^http://real-pages\\.test/a/'\n")

    def home_page(self) -> bytes:
        links = "\n".join(f'<li><a href="{escape(url)}">Article {n}</a></li>' for n, url in enumerate(self.pages))
        return f"<!doctype html><html><head><title>Real pages</title></head><body><ul>{links}</ul></body></html>".encode()

    @property
    def proxy_url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> RealPagesWeb:
        web = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802  (http.server's name)
                parts = urlsplit(self.path)
                url = f"http://{parts.netloc or self.headers.get('Host', HOST)}{parts.path}"
                body = web.home_page() if parts.path == "/" else web.pages.get(url)
                status = 200 if body is not None else 404
                body = body if body is not None else b"not found\n"
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
