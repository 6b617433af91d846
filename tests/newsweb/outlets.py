"""The four simulated outlets: host names, URL shapes, feeds and quirks.

Each outlet differs the way real ones do: article URL shape, feed format
(RSS or Atom), whether it gzips, which charset it serves, whether it carries
JSON-LD. ``SYNDICATION`` says how each one carries the shared wire story.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from datetime import datetime

from tests.newsweb.model import Outlet

logger = logging.getLogger(__name__)


def slugify(title: str) -> str:
    """URL slug of a headline: ASCII, lower case, words joined by hyphens."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:70].rstrip("-")


def _dated_path(slug: str, published: datetime, number: int) -> str:
    return f"/{published:%Y/%m/%d}/{slug}/"


def _numbered_path(slug: str, published: datetime, number: int) -> str:
    return f"/news/{slug}-{number}"


def _html_path(slug: str, published: datetime, number: int) -> str:
    return f"/article/{slug}.html"


def _wire_path(slug: str, published: datetime, number: int) -> str:
    return f"/stories/{published:%Y-%m-%d}/{slug}-{number:x}"


def _outlet(
    name: str, site_name: str, host: str, domain: str, feed: str, sections: list[tuple[str, str]], **quirks
) -> Outlet:
    base = f"http://{host}"
    return Outlet(
        name=name,
        site_name=site_name,
        host=host,
        domains=[domain],
        feeds=[base + feed],
        sitemaps=[base + "/sitemap_index.xml"],
        start_urls=[base + "/"] + [base + path for path, _ in sections],
        sections=sections,
        **quirks,
    )


def build_outlets() -> list[Outlet]:
    """The outlets of the web, in a fixed order; the wire outlet is last."""
    return [
        _outlet(
            "daily-courier",
            "The Daily Courier",
            "www.daily-courier.test",
            "daily-courier.test",
            "/feed/",
            [("/local/", "Local"), ("/business/", "Business")],
            article_pattern=r"/\d{4}/\d{2}/\d{2}/[a-z0-9-]+/$",
            feed_format="rss",
            gzip=True,
            charset="utf-8",
            json_ld=True,
            article_path=_dated_path,
        ),
        _outlet(
            "metro-tribune",
            "Metro Tribune",
            "metro-tribune.test",
            "metro-tribune.test",
            "/rss.xml",
            [("/politics", "Politics"), ("/city", "City")],
            article_pattern=r"/news/[a-z0-9-]+-\d+$",
            feed_format="rss",
            gzip=False,
            charset="utf-8",
            json_ld=True,
            article_path=_numbered_path,
        ),
        _outlet(
            "harbour-gazette",
            "Harbour Gazette",
            "news.harbour-gazette.test",
            "harbour-gazette.test",
            "/atom.xml",
            [("/section/environment/", "Environment"), ("/section/health/", "Health")],
            article_pattern=None,
            feed_format="atom",
            gzip=True,
            charset="windows-1252",
            json_ld=False,
            article_path=_html_path,
        ),
        _outlet(
            "example-press",
            "Example Press",
            "wire.example-press.test",
            "example-press.test",
            "/rss/all.xml",
            [("/wire/world/", "World"), ("/wire/national/", "National")],
            article_pattern=r"/stories/\d{4}-\d{2}-\d{2}/",
            feed_format="rss",
            gzip=True,
            charset="utf-8",
            json_ld=True,
            article_path=_wire_path,
        ),
    ]


# outlet name -> how it carries the syndicated wire story
SYNDICATION = {
    "example-press": "original",
    "metro-tribune": "verbatim",
    "daily-courier": "edited",
    "harbour-gazette": "rewritten",
}

# bare domains that answer with a permanent redirect to the outlet's host
HOST_REDIRECTS = {"daily-courier.test": "www.daily-courier.test"}
