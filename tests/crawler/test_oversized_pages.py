"""An article page of too many HTML elements costs only itself (issue 35).

trafilatura's time grows faster than a page's elements (300,000 ``<p>`` took
250 s, and a crawl with ``CLOSESPIDER_TIMEOUT=45`` ran as long). A small local
outlet lists a normal article and one of 3,000 paragraphs; the crawl caps
pages at 1,000 elements (``EXTRACT_MAX_ELEMENTS``, 50,000 by default: the test
keeps its page small). The big page must be archived in the WARC, recorded as
an *unread* capture with one log line, and ``reindex`` must reach the same
verdict from the WARC alone (the crawl's cap rides in its run record).
``bench/oversized_pages.py`` measures the time.
"""

from __future__ import annotations

import shutil
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from storage.archive import Archive
from tests.crawler.test_hostile_discovery import OutletHandler, article_html, article_path
from tests.helpers.cli import newsarchive
from tests.helpers.crawl import run_crawl

CAP = 1000
NORMAL, HUGE = "harbour-vote-ends-in-a-tie", "minutes-of-every-council-meeting-ever"
SMALL_HOME, HUGE_HOME = "/", "/everything"


def home_html(links: list[str], filler: int = 0) -> str:
    items = "".join(f'<li><a href="{link}">Story {n}</a></li>' for n, link in enumerate(links))
    rows = "".join(f"<li>Archive entry {i}</li>" for i in range(filler))
    return f"<html><head><title>Home</title></head><body><h2>Latest</h2><ul>{items}{rows}</ul></body></html>"


def huge_article_html(slug: str, paragraphs: int = 3 * CAP) -> str:
    filler = "".join(f"<p>Item {i} of the minutes was read and noted.</p>" for i in range(paragraphs))
    return article_html(slug).replace("</article>", filler + "</article>")


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """(archive dir, base URL, the crawl's stderr)."""
    root: Path = tmp_path_factory.mktemp("oversized")
    server = ThreadingHTTPServer(("127.0.0.1", 0), OutletHandler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    items = "".join(f"<item><title>t</title><link>{base}{article_path(slug)}</link></item>" for slug in (NORMAL, HUGE))
    server.pages = {
        "/feed.xml": ("application/rss+xml",
                      f"<?xml version='1.0'?><rss version='2.0'><channel><title>N</title>{items}</channel></rss>"),
        article_path(NORMAL): ("text/html", article_html(NORMAL)),
        article_path(HUGE): ("text/html", huge_article_html(HUGE)),
        SMALL_HOME: ("text/html", home_html([article_path(NORMAL)])),
        HUGE_HOME: ("text/html", home_html([article_path(NORMAL), article_path(HUGE)], filler=3 * CAP)),
    }
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        seeds = root / "seeds.toml"
        seeds.write_text(f'[[outlet]]\nname = "local"\ndomains = ["127.0.0.1"]\nfeeds = ["{base}/feed.xml"]\n'
                         f'start_urls = ["{base}{SMALL_HOME}", "{base}{HUGE_HOME}"]\n', encoding="utf-8")
        result = run_crawl(root / "archive", seeds, None, timeout=180,
                           settings={"ROBOTSTXT_OBEY": "0", "EXTRACT_MAX_ELEMENTS": str(CAP)})
        yield root / "archive", base, result.stderr
    finally:
        server.shutdown()


def states(archive_dir: Path, url: str) -> tuple[list[str | None], int]:
    """(each capture's ``unread``, how many versions) of the page at ``url``."""
    with Archive(archive_dir=archive_dir) as archive:
        return [capture.unread for capture in archive.captures(url)], len(archive.versions(url))


def warc_payload(archive_dir: Path, url: str) -> bytes:
    for path in sorted((archive_dir / "warcs").glob("*.warc.gz")):
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type == "response" and record.rec_headers.get_header("WARC-Target-URI") == url:
                    return record.content_stream().read()
    raise AssertionError(f"no response record of {url}")


def test_a_page_over_the_cap_is_archived_and_recorded_unread_with_one_line(crawled) -> None:
    archive_dir, base, stderr = crawled
    huge = f"{base}{article_path(HUGE)}"
    assert states(archive_dir, f"{base}{article_path(NORMAL)}") == ([None], 1), stderr[-4000:]
    assert states(archive_dir, huge) == (["oversized"], 0), stderr[-4000:]
    assert warc_payload(archive_dir, huge).decode("utf-8") == huge_article_html(HUGE)
    lines = [line for line in stderr.splitlines() if huge in line and "not extracted" in line]
    assert len(lines) == 1 and f"EXTRACT_MAX_ELEMENTS={CAP}" in lines[0], lines
    assert "unread     1 pages archived but not extracted" in stderr


def test_show_says_why_the_page_has_no_text(crawled) -> None:
    archive_dir, base, _ = crawled
    result = newsarchive("--archive-dir", str(archive_dir), "show", f"{base}{article_path(HUGE)}")
    assert result.exit_code != 0 and "not extracted (oversized" in result.output, result.output


def test_reindex_reaches_the_crawls_verdict_from_the_warc(crawled, tmp_path) -> None:
    archive_dir, base, _ = crawled
    copy = tmp_path / "archive"
    shutil.copytree(archive_dir, copy)
    result = newsarchive("--archive-dir", str(copy), "reindex", "--yes", "--workers", "1")
    assert result.exit_code == 0, result.output
    assert "pages not extracted, more HTML elements than the cap: 1" in result.output
    assert "front pages whose links were not ranked, more HTML elements than the cap: 1" in result.output
    for slug in (NORMAL, HUGE):
        url = f"{base}{article_path(slug)}"
        assert states(copy, url) == states(archive_dir, url)
    assert ranked_front_pages(copy) == ranked_front_pages(archive_dir)


def ranked_front_pages(archive_dir: Path) -> list[str]:
    with Archive(archive_dir=archive_dir) as archive:
        return archive.frontpage_urls("local")


def test_a_start_page_over_the_cap_is_followed_not_ranked_with_one_line(crawled) -> None:
    archive_dir, base, stderr = crawled
    assert ranked_front_pages(archive_dir) == [f"{base}{SMALL_HOME}"]
    lines = [line for line in stderr.splitlines() if "front page" in line and HUGE_HOME in line]
    assert len(lines) == 1 and "not ranked" in lines[0] and f"EXTRACT_MAX_ELEMENTS={CAP}" in lines[0], lines
    assert "Traceback" not in stderr
    assert warc_payload(archive_dir, f"{base}{HUGE_HOME}").decode("utf-8").count("<li>") > 3 * CAP
