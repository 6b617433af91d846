"""Permalinks, the Cite box and Atom feeds: built from the configured base URL, never from the ``Host`` header.

Behind a caching proxy a request's ``Host`` is whatever the client sent; a
feed built from it would be cached with that host in every id and link
(issue 35.13). With ``serve --base-url`` they use the public address; without
it links are relative and Atom ids are URNs no request can change.
"""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from urllib.parse import quote, urlsplit

import feedparser
import pytest

from storage.archive import Archive
from tests.helpers.cli import newsarchive
from tests.storage.web.test_pages import Crawled, crawled_archive, get, markup, q, running_app

PUBLIC = "https://archive.example.org/news"


@pytest.fixture(scope="module")
def crawled(tmp_path_factory) -> Crawled:
    return crawled_archive(tmp_path_factory.getbasetemp() / "web-archive")


@pytest.fixture(scope="module")
def reader(crawled: Crawled) -> Iterator[Archive]:
    with Archive(archive_dir=crawled.archive_dir, read_only=True) as archive:
        yield archive


def get_as(base: str, path: str, host: str) -> str:
    """GET ``path`` with a forged ``Host`` header, as a client behind a caching proxy may send it."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request("GET", parts.path + path, headers={"Host": host, "Accept-Encoding": "identity"})
        response = connection.getresponse()
        assert response.status == 200, (path, response.status)
        return response.read().decode("utf-8")
    finally:
        connection.close()


def test_a_forged_host_never_reaches_feeds_or_the_cite_box(reader: Archive, crawled: Crawled) -> None:
    with running_app(reader) as base:
        feeds = [get_as(base, path, "evil.example:666") for path in
                 ("/changes.atom", f"/changes.atom?{q(url=crawled.edited)}", f"/changes.atom?{q(q='harbour')}")]
        article = get_as(base, f"/page?{q(url=crawled.edited)}", "evil.example:666")
        data = get_as(base, f"/page?{q(url=crawled.edited, format='json')}", "evil.example:666")
        plain = get(base + "/changes.atom").text
    for text in [*feeds, article, data]:
        assert "evil.example" not in text
    parsed = feedparser.parse(feeds[1])
    assert not parsed.bozo and parsed.entries
    edited = quote(crawled.edited, safe="")
    assert parsed.feed.id == "urn:newsarchive:feed:changes" + quote(f"?{q(url=crawled.edited)}", safe="")
    assert parsed.entries[0].id == f"urn:newsarchive:version:{edited}:2"
    assert f'href="/diff?{q(url=crawled.edited, **{"from": 1, "to": 2})}"'.replace("&", "&amp;") in feeds[1]
    assert feeds[0] == plain  # the same answer whatever Host says: safe to cache
    permalink = [dict(attrs)["href"] for tag, attrs in markup(article).tags if ("class", "permalink") in attrs]
    assert permalink == [f"/page?{q(url=crawled.edited, v=2)}"]


def test_the_base_url_makes_permalinks_cite_box_and_atom_absolute(reader: Archive, crawled: Crawled) -> None:
    with running_app(reader, "/news", base_url=PUBLIC + "/") as base:
        feed_text = get_as(base, f"/changes.atom?{q(url=crawled.edited)}", "evil.example")
        article = get_as(base, f"/page?{q(url=crawled.edited)}", "evil.example")
        data = get(base + f"/page?{q(url=crawled.edited, format='json')}").json()
    feed = feedparser.parse(feed_text)
    assert not feed.bozo and "evil.example" not in feed_text + article
    [entry] = feed.entries
    assert entry.id == PUBLIC + f"/page?{q(url=crawled.edited, v=2)}"
    assert entry.link == PUBLIC + f"/diff?{q(url=crawled.edited, **{'from': 1, 'to': 2})}"
    assert feed.feed.id == PUBLIC + f"/changes.atom?{q(url=crawled.edited)}"
    assert data["permalink"] == PUBLIC + f"/page?{q(url=crawled.edited, v=2)}"
    cite = article.split('<aside class="cite">', 1)[1].split("</aside>", 1)[0]
    assert f'href="{PUBLIC}/page?{q(url=crawled.edited, v=2)}"'.replace("&", "&amp;") in cite


@pytest.mark.parametrize("bad", ["archive.example.org", "ftp://archive.example.org", "https://",
                                 "https://a.example/?x=1", "https://a.example/#top", "javascript:alert(1)"])
def test_serve_refuses_a_base_url_that_is_not_a_plain_http_address(crawled: Crawled, bad: str) -> None:
    result = newsarchive("--archive-dir", str(crawled.archive_dir), "serve", "--base-url", bad)
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "--base-url" in result.output
    assert "not an http(s) URL" in result.output or "not a URL like" in result.output


def test_serve_reads_the_base_url_from_the_environment(crawled: Crawled) -> None:
    result = newsarchive("--archive-dir", str(crawled.archive_dir), "serve",
                         env={"NEWSARCHIVE_BASE_URL": "nonsense"})
    assert result.exit_code == 2 and "not an http(s) URL" in result.output
    assert "--base-url" in newsarchive("serve", "--help").output
