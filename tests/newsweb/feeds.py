"""robots.txt, RSS 2.0 / Atom feeds and sitemaps (index, news, plain) of an outlet."""

from __future__ import annotations

import logging
from datetime import datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape

from tests.newsweb.model import Article, Outlet

logger = logging.getLogger(__name__)

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
DISALLOWED_PREFIXES = ["/private/", "/search"]

# what each outlet appends to the article links in its feed
FEED_TRACKING = {"daily-courier": "?utm_source=rss&utm_medium=feed", "example-press": "?utm_source=rss"}


def robots_txt(outlet: Outlet) -> str:
    rules = "\n".join(f"Disallow: {prefix}" for prefix in DISALLOWED_PREFIXES)
    return (
        f"# robots.txt for {outlet.host}\n"
        f"User-agent: *\n{rules}\n\n"
        "User-agent: GPTBot\nDisallow: /\n\n"
        f"Sitemap: {outlet.url('/sitemap_index.xml')}\n"
    )


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def rss_feed(outlet: Outlet, articles: list[Article], now: datetime) -> str:
    tracking = FEED_TRACKING.get(outlet.name, "")
    items = "".join(
        "<item>"
        f"<title>{escape(a.title)}</title>"
        f"<link>{escape(a.url + tracking)}</link>"
        f'<guid isPermaLink="true">{escape(a.url)}</guid>'
        f"<pubDate>{format_datetime(a.published, usegmt=True)}</pubDate>"
        f"<dc:creator>{escape(', '.join(a.authors))}</dc:creator>"
        f"<category>{escape(a.section)}</category>"
        f"<description>{escape(a.description)}</description>"
        "</item>\n"
        for a in articles
    )
    built = max((a.modified for a in articles), default=now)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">\n'
        f"<channel><title>{escape(outlet.site_name)}</title><link>{outlet.home}</link>"
        f'<atom:link href="{outlet.feeds[0]}" rel="self" type="application/rss+xml"/>'
        f"<description>Latest news from {escape(outlet.site_name)}</description><language>en-gb</language>"
        f"<lastBuildDate>{format_datetime(built, usegmt=True)}</lastBuildDate>\n{items}</channel>\n</rss>\n"
    )


def atom_feed(outlet: Outlet, articles: list[Article], now: datetime) -> str:
    entries = "".join(
        "<entry>"
        f"<title>{escape(a.title)}</title>"
        f'<link rel="alternate" type="text/html" href="{escape(a.url)}"/>'
        f"<id>tag:{outlet.host},{a.published:%Y-%m-%d}:{escape(a.path)}</id>"
        f"<published>{_iso(a.published)}</published><updated>{_iso(a.modified)}</updated>"
        + "".join(f"<author><name>{escape(name)}</name></author>" for name in a.authors)
        + f"<summary>{escape(a.description)}</summary>"
        "</entry>\n"
        for a in articles
    )
    updated = max((a.modified for a in articles), default=now)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en-GB">\n'
        f"<title>{escape(outlet.site_name)}</title><id>{outlet.home}</id>"
        f'<link rel="self" href="{outlet.feeds[0]}"/><link rel="alternate" href="{outlet.home}"/>'
        f"<updated>{_iso(updated)}</updated>\n{entries}</feed>\n"
    )


def feed(outlet: Outlet, articles: list[Article], now: datetime) -> tuple[str, str]:
    """The outlet's feed and its content type."""
    if outlet.feed_format == "atom":
        return atom_feed(outlet, articles, now), "application/atom+xml; charset=utf-8"
    return rss_feed(outlet, articles, now), "application/rss+xml; charset=utf-8"


def sitemap_index(outlet: Outlet, articles: list[Article], now: datetime) -> str:
    lastmod = _iso(max((a.modified for a in articles), default=now))
    entries = "".join(
        f"<sitemap><loc>{outlet.url(path)}</loc><lastmod>{lastmod}</lastmod></sitemap>\n"
        for path in ("/sitemap-news.xml", "/sitemap-pages.xml")
    )
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{SITEMAP_NS}">\n{entries}</sitemapindex>\n'


def news_sitemap(outlet: Outlet, articles: list[Article]) -> str:
    urls = "".join(
        f"<url><loc>{escape(a.url)}</loc><news:news><news:publication><news:name>{escape(outlet.site_name)}"
        "</news:name><news:language>en</news:language></news:publication>"
        f"<news:publication_date>{_iso(a.published)}</news:publication_date>"
        f"<news:title>{escape(a.title)}</news:title></news:news></url>\n"
        for a in articles
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="{SITEMAP_NS}" xmlns:news="{NEWS_NS}">\n{urls}</urlset>\n'
    )


def pages_sitemap(outlet: Outlet, articles: list[Article], now: datetime) -> str:
    fronts = [outlet.home] + [outlet.url(path) for path, _ in outlet.sections]
    urls = "".join(f"<url><loc>{url}</loc><changefreq>hourly</changefreq></url>\n" for url in fronts)
    urls += "".join(f"<url><loc>{escape(a.url)}</loc><lastmod>{_iso(a.modified)}</lastmod></url>\n" for a in articles)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}">\n{urls}</urlset>\n'
