"""A link of one outlet that redirects to another outlet's article (issue 35).

Two outlets on one local server, reached as an HTTP proxy (``courier.test``,
``gazette.test``). The courier's front page links an address of its own that
answers 301 to an article of the gazette, which nothing else links and whose
page does not say it is an article: only the gazette's ``article_pattern``
says so. Filed under the courier (the outlet whose link was followed) it was
judged by the courier's pattern and lost; an article belongs to the outlet
that owns its final URL. ``reindex`` must file it the same way from the WARCs.
"""

from __future__ import annotations

import random
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from storage.archive import Archive
from tests.helpers.cli import newsarchive
from tests.helpers.crawl import run_crawl
from tests.newsweb.prose import generate_story

COURIER, GAZETTE = "http://courier.test", "http://gazette.test"
LINK = f"{COURIER}/2026/11/20/partner-story-on-the-harbour/"  # the courier's address, answering 301
TARGET = f"{GAZETTE}/news/harbour-vote-ends-in-a-tie-4021"  # the gazette's article it redirects to
OWN = f"{COURIER}/2026/11/20/council-opens-the-new-library/"  # an ordinary article of the courier

SEEDS = f"""
[[outlet]]
name = "courier"
domains = ["courier.test"]
start_urls = ["{COURIER}/"]
article_pattern = '/\\d{{4}}/\\d{{2}}/\\d{{2}}/[a-z0-9-]+/$'

[[outlet]]
name = "gazette"
domains = ["gazette.test"]
start_urls = ["{GAZETTE}/"]
article_pattern = '/news/[a-z0-9-]+-\\d+$'
"""


def article_page(slug: str) -> str:
    """An article page that declares nothing (no og:type, no JSON-LD): only a URL pattern makes it an article."""
    story = generate_story(random.Random(slug))
    paragraphs = "".join(f"<p>{text}</p>" for text in story.paragraphs)
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{story.title}</title></head><body>"
            f"<main><h1>{story.title}</h1>{paragraphs}</main></body></html>")


PAGES = {
    f"{COURIER}/": f"<html><body><a href='{LINK}'>partner</a> <a href='{OWN}'>library</a></body></html>",
    OWN: article_page("library"),
    f"{GAZETTE}/": "<html><body><p>Nothing new today.</p></body></html>",
    TARGET: article_page("harbour"),
}


class ProxyHandler(BaseHTTPRequestHandler):
    """Serves both outlets to a client using it as its HTTP proxy (absolute URLs in the request line)."""

    def do_GET(self) -> None:
        if self.path == LINK:
            self.send_response(301)
            self.send_header("Location", TARGET)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        text = PAGES.get(self.path)
        if text is None:
            self.send_error(404)
            return
        body = text.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:
        pass


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """(archive dir, the crawl's stderr)."""
    root: Path = tmp_path_factory.mktemp("redirect-outlets")
    server = ThreadingHTTPServer(("127.0.0.1", 0), ProxyHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        seeds = root / "seeds.toml"
        seeds.write_text(SEEDS, encoding="utf-8")
        result = run_crawl(root / "archive", seeds, f"http://127.0.0.1:{server.server_address[1]}", timeout=180,
                           settings={"ROBOTSTXT_OBEY": "0"})
        yield root / "archive", result.stderr
    finally:
        server.shutdown()


FILED = {OWN: [("courier", 1)], TARGET: [("gazette", 1)]}


def filed(archive_dir: Path) -> dict[str, list[tuple[str, int]]]:
    """URL → (outlet, version) of every version in the archive."""
    with Archive(archive_dir=archive_dir) as archive:
        found: dict[str, list[tuple[str, int]]] = {}
        for version in archive.export():
            found.setdefault(version.url, []).append((version.outlet, version.version))
        return found


def test_an_article_reached_through_another_outlets_redirect_is_the_owners(crawled) -> None:
    archive_dir, stderr = crawled
    assert filed(archive_dir) == FILED, stderr[-4000:]
    assert f"{LINK} (a link of courier) redirected to {TARGET}: archived as an article of gazette" in stderr


def test_reindex_files_it_under_the_same_outlet(crawled, tmp_path) -> None:
    archive_dir, _ = crawled
    copy = tmp_path / "archive"
    shutil.copytree(archive_dir, copy)
    result = newsarchive("--archive-dir", str(copy), "reindex", "--yes", "--workers", "1")
    assert result.exit_code == 0, result.output
    assert filed(copy) == FILED  # the WARC's capture record names the courier, whose link was followed
