"""Hostile discovery: one bad link or one odd page costs only itself.

One crawl of a small local outlet whose feed, sitemap and start page each hold
a malformed URL (``http://[::1/bad``) among good article links, and one of
whose articles carries a delayed meta refresh (which is no redirect of the
article). Every good article must be archived, and the bad links counted.
"""

from __future__ import annotations

import random
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from storage.archive import Archive
from tests.crawler.test_security import stat_value
from tests.helpers.crawl import run_crawl
from tests.newsweb.prose import generate_story

BAD_URL = "http://[::1/bad"
FEED_SLUGS = ["harbour-vote-ends-in-a-tie", "council-opens-the-new-library"]
SITEMAP_SLUGS = ["river-levels-fall-after-storm", "school-board-names-a-new-head"]
START_SLUGS = ["bridge-repairs-start-on-monday", "market-square-gets-new-trees"]
REFRESH_SLUG = "page-that-refreshes-every-minute"


def article_path(slug: str) -> str:
    return f"/2026/11/20/{slug}/"


def article_html(slug: str, head_extra: str = "") -> str:
    story = generate_story(random.Random(slug))
    paragraphs = "".join(f"<p>{text}</p>" for text in story.paragraphs)
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{story.title}</title>"
            f"<meta property='og:type' content='article'>{head_extra}</head><body><article>"
            f"<h1>{story.title}</h1><p class='byline'>By {story.authors[0]}</p>{paragraphs}</article></body></html>")


def pages(base: str) -> dict[str, tuple[str, str]]:
    """Path → (content type, body) of the outlet."""
    def links(slugs: list[str]) -> list[str]:
        return [f"{base}{article_path(slug)}" for slug in slugs]

    items = "".join(f"<item><title>t</title><link>{url}</link></item>"
                    for url in [links(FEED_SLUGS)[0], BAD_URL, links(FEED_SLUGS)[1]])
    locs = "".join(f"<url><loc>{url}</loc></url>" for url in [links(SITEMAP_SLUGS)[0], BAD_URL, links(SITEMAP_SLUGS)[1]])
    anchors = "".join(f"<li><a href='{url}'>story</a></li>"
                      for url in [links(START_SLUGS)[0], BAD_URL, links(START_SLUGS)[1], links([REFRESH_SLUG])[0]])
    served = {
        "/feed.xml": ("application/rss+xml", f"<?xml version='1.0'?><rss version='2.0'><channel><title>N</title>{items}"
                                             "</channel></rss>"),
        "/sitemap.xml": ("application/xml", f"<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>{locs}</urlset>"),
        "/": ("text/html", f"<!doctype html><html><head><title>Home</title></head><body><ul>{anchors}</ul></body></html>"),
        article_path(REFRESH_SLUG): ("text/html", article_html(REFRESH_SLUG, "<meta http-equiv='refresh' content='60;url=/'>")),
    }
    for slug in FEED_SLUGS + SITEMAP_SLUGS + START_SLUGS:
        served[article_path(slug)] = ("text/html", article_html(slug))
    return served


class OutletHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        found = self.server.pages.get(self.path.split("?")[0])
        if found is None:
            self.send_error(404)
            return
        content_type, text = found
        body = text.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", f"{content_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:
        pass


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """(archive dir, base URL, finished crawl) of the small outlet."""
    root: Path = tmp_path_factory.mktemp("hostile-discovery")
    server = ThreadingHTTPServer(("127.0.0.1", 0), OutletHandler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    server.pages = pages(base)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        seeds = root / "seeds.toml"
        seeds.write_text(f'[[outlet]]\nname = "local"\ndomains = ["127.0.0.1"]\nfeeds = ["{base}/feed.xml"]\n'
                         f'sitemaps = ["{base}/sitemap.xml"]\nstart_urls = ["{base}/"]\n', encoding="utf-8")
        result = run_crawl(root / "archive", seeds, None, settings={"ROBOTSTXT_OBEY": "0"}, timeout=180)
        yield root / "archive", base, result
    finally:
        server.shutdown()


def archived(archive_dir: Path, base: str, slugs: list[str]) -> list[str]:
    with Archive(archive_dir=archive_dir) as archive:
        return [slug for slug in slugs if archive.versions(f"{base}{article_path(slug)}")]


@pytest.mark.parametrize("slugs", [FEED_SLUGS, SITEMAP_SLUGS, START_SLUGS], ids=["feed", "sitemap", "start_page"])
def test_a_malformed_link_costs_only_itself(crawled, slugs) -> None:
    archive_dir, base, result = crawled
    assert archived(archive_dir, base, slugs) == slugs, result.stderr[-4000:]
    assert "Invalid IPv6 URL" not in result.stderr


def test_malformed_links_are_counted_in_the_summary(crawled) -> None:
    _, base, result = crawled
    assert stat_value(result.stderr, "errors/bad_url") == 3
    [errors_line] = [line for line in result.stderr.splitlines() if line.strip().startswith("errors ")]
    assert "bad_url 3" in errors_line, errors_line
    assert f"feed {base}/feed.xml: skipped 1 link(s) that are no usable URL" in result.stderr


def test_an_article_with_a_delayed_meta_refresh_is_archived(crawled) -> None:
    archive_dir, base, result = crawled
    assert archived(archive_dir, base, [REFRESH_SLUG]) == [REFRESH_SLUG], result.stderr[-4000:]
