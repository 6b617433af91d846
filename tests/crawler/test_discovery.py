"""Discovery parsers: feeds, sitemaps (news sitemaps too), URL identity, article signals."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime

import pytest
from parsel import Selector

from crawler.discovery.feeds import FeedError, parse_feed
from crawler.discovery.sitemaps import SitemapError, parse_sitemap
from extract.page_signals import (
    declared_identity,
    page_declares_article,
    url_looks_like_article,
)
from extract.urls import canonicalize_url, strip_tracking

NEWS_SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"
        xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
  <url>
    <loc>https://news.test/2026/11/20/talks-end/</loc>
    <image:image><image:loc>https://news.test/i.jpg</image:loc><image:title>A photo</image:title></image:image>
    <news:news>
      <news:publication><news:name>News</news:name><news:language>en</news:language></news:publication>
      <news:publication_date>2026-11-20T10:30:00+01:00</news:publication_date>
      <news:title>Talks end without a deal</news:title>
    </news:news>
  </url>
  <url><loc>/relative/page-one-two-three</loc><lastmod>2026-11-19</lastmod></url>
</urlset>"""


def test_news_sitemap_keeps_title_and_publication_date() -> None:
    sitemap = parse_sitemap(NEWS_SITEMAP, "https://news.test/sitemap-news.xml")
    assert sitemap.kind == "urlset"
    first, second = sitemap.entries
    assert first.news_title == "Talks end without a deal"
    assert first.news_published == datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    assert second.url == "https://news.test/relative/page-one-two-three"
    assert second.lastmod == datetime(2026, 11, 19, tzinfo=UTC)
    assert second.news_title is None


def test_gzipped_sitemap_index() -> None:
    index = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sitemap><loc>https://news.test/a.xml</loc></sitemap><sitemap><loc>https://news.test/b.xml</loc></sitemap>
    </sitemapindex>"""
    sitemap = parse_sitemap(gzip.compress(index), "https://news.test/index.xml.gz")
    assert sitemap.kind == "sitemapindex"
    assert [e.url for e in sitemap.entries] == ["https://news.test/a.xml", "https://news.test/b.xml"]


def test_gzip_bomb_sitemap_is_refused() -> None:
    bomb = gzip.compress(b"<urlset>" + b" " * 2_000_000 + b"</urlset>")
    with pytest.raises(SitemapError, match="inflates to more than"):
        parse_sitemap(bomb, "https://news.test/s.xml.gz", max_bytes=1_000_000)


@pytest.mark.parametrize("body", [b"", b"<html><body>not a sitemap</body></html>", b"\x1f\x8bbroken"])
def test_broken_sitemaps_raise_one_clear_error(body: bytes) -> None:
    with pytest.raises(SitemapError):
        parse_sitemap(body, "https://news.test/s.xml")


def test_truncated_sitemap_keeps_entries_before_the_damage() -> None:
    cut = NEWS_SITEMAP[: NEWS_SITEMAP.index(b"<url><loc>/relative")] + b"<url><loc>https://news.test/x"
    sitemap = parse_sitemap(cut, "https://news.test/s.xml")
    assert sitemap.entries[0].url == "https://news.test/2026/11/20/talks-end/"


def test_rss_and_atom_feeds() -> None:
    rss = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>N</title>
      <item><title>One</title><link>https://news.test/a?utm_source=rss</link><pubDate>Fri, 20 Nov 2026 08:00:00 GMT</pubDate></item>
      <item><title>No link</title></item></channel></rss>"""
    atom = b"""<feed xmlns="http://www.w3.org/2005/Atom"><title>N</title>
      <entry><title>Two</title><link rel="alternate" href="/b"/><updated>2026-11-21T00:00:00Z</updated></entry></feed>"""
    [one] = parse_feed(rss, "https://news.test/feed").entries
    assert (one.url, one.title, one.published) == ("https://news.test/a?utm_source=rss", "One",
                                                   datetime(2026, 11, 20, 8, tzinfo=UTC))
    [two] = parse_feed(atom, "https://news.test/atom.xml").entries
    assert two.url == "https://news.test/b"


TRICKY_FEEDS = {
    "rss": b"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>N</title>
      <item><title>Cats &amp; dogs</title><link> /rel/one </link><pubDate>Fri, 20 Nov 2026 10:00:00 +0200</pubDate></item>
      <item><title><![CDATA[Talks <b>end</b>]]></title><guid isPermaLink="true">https://news.test/guid-only</guid></item>
      <item><title>Undated</title><link>https://news.test/undated</link></item>
      <item><title>No link at all</title><guid isPermaLink="false">tag:news.test,2026:7</guid></item>
    </channel></rss>""",
    "atom": b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>N</title>
      <entry><title type="html">Caf&#233; opens</title><id>tag:x</id>
        <link rel="enclosure" href="https://news.test/photo.jpg"/><link rel="alternate" href="https://news.test/cafe"/>
        <published>2026-11-21T09:30:00+01:00</published><updated>2026-11-22T00:00:00Z</updated></entry>
      <entry><title>Updated only</title><link href="b/two"/><updated>2026-11-21T00:00:00Z</updated></entry>
    </feed>""",
}


@pytest.mark.parametrize("kind", sorted(TRICKY_FEEDS))
def test_fast_feed_reading_matches_feedparser(kind: str) -> None:
    import feedparser

    from crawler.discovery import feeds

    body, base = TRICKY_FEEDS[kind], "https://news.test/feeds/main.xml"
    fast = feeds._fast_entries(body, base, None)
    assert fast is not None  # well-formed: the fast path reads it
    reference = [e for e in (feeds._entry(raw, base) for raw in feedparser.parse(body).entries) if e]
    assert [(e.url, e.published) for e in fast] == [(e.url, e.published) for e in reference]
    assert len(fast) == (3 if kind == "rss" else 2)


def test_simulated_web_feeds_read_alike_by_both_parsers() -> None:
    import urllib.request

    import feedparser

    from crawler.discovery import feeds
    from tests.newsweb import NewsWeb

    with NewsWeb(seed=3, articles_per_outlet=12) as web:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": web.proxy_url}))
        urls = [url for outlet in web.outlets for url in outlet.feeds]
        bodies = {url: opener.open(url).read() for url in urls}
    assert len(bodies) >= 4
    for url, body in bodies.items():
        reference = [e for e in (feeds._entry(raw, url) for raw in feedparser.parse(body).entries) if e]
        assert feeds._fast_entries(body, url, None) == reference


def test_damaged_feed_keeps_its_readable_entries_and_says_why() -> None:
    cut = b"""<rss version="2.0"><channel><title>N</title>
      <item><title>One</title><link>https://news.test/a</link></item>
      <item><title>Two</title><link>https://news.test/b"""
    feed = parse_feed(cut, "https://news.test/feed")
    assert [e.url for e in feed.entries][:1] == ["https://news.test/a"]
    assert feed.damage


def test_huge_feed_is_capped_to_its_newest_entries() -> None:
    items = b"".join(b"<item><link>https://news.test/%d</link></item>" % n for n in range(50))
    feed = parse_feed(b'<rss version="2.0"><channel>' + items + b"</channel></rss>", "https://news.test/f", max_entries=10)
    assert [e.url for e in feed.entries] == [f"https://news.test/{n}" for n in range(10)]


def test_garbage_feed_raises_feed_error() -> None:
    with pytest.raises(FeedError, match="not an RSS/Atom feed"):
        parse_feed(b"\x89PNG\r\n\x1a\n\x00\x00binary", "https://news.test/feed")


def test_canonical_url_drops_tracking_and_fragments() -> None:
    assert canonicalize_url("HTTPS://News.Test:443/a/b?utm_medium=x&id=7&fbclid=1#comments") == "https://news.test/a/b?id=7"
    assert strip_tracking("https://news.test/a?gclid=1") == "https://news.test/a"
    assert canonicalize_url("https://news.test/x?b=2&a=1") == canonicalize_url("https://news.test/x?a=1&b=2")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://n.test/2026/11/20/talks/", True),
        ("https://n.test/news/world-leaders-meet-in-geneva", True),
        ("https://n.test/news/talks-1234567", True),
        ("https://n.test/section/world/", False),
        ("https://n.test/tag/russia-ukraine-war-news", False),
        ("https://n.test/about", False),
        ("https://n.test/images/big-photo-of-the-day.jpg", False),
    ],
)
def test_article_url_shapes(url: str, expected: bool) -> None:
    assert url_looks_like_article(url) is expected


def test_page_signals_and_identity() -> None:
    page = Selector(text="""<html><head><link rel="canonical" href="https://n.test/a">
      <script type="application/ld+json">{"@graph": [{"@type": "WebSite"}, {"@type": ["NewsArticle"]}]}</script>
      <script type="application/ld+json">{broken</script></head></html>""")
    assert page_declares_article(page)
    assert declared_identity(page) == "https://n.test/a"
    assert not page_declares_article(Selector(text="<html><head><meta property='og:type' content='website'></head></html>"))
