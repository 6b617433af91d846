"""An opt-in outlet whose articles share their paragraphs: a river authority's daily reports.

``NewsWeb(templated_outlet=True)`` adds it. Every report is the authority's
template: sentences whose numbers change from day to day, around two standing
paragraphs that are the same on every page. Nothing in a report is its own
but its figures, so an outlet model that has seen enough of them would strip
all of its text; the archive must keep every report whole anyway.
"""

from __future__ import annotations

import logging
import random
from datetime import datetime, timedelta

from tests.newsweb.model import Article, Outlet

logger = logging.getLogger(__name__)

NAME = "river-notices"
REPORTS = 12  # the held-out outlet of issue 16 had twelve articles
AUTHOR = "River Authority press office"
STANDING = [
    "No flood warnings are in force. The authority monitors river levels around the clock and issues "
    "warnings through its website, local radio and the public alert service.",
    "About the authority: the River Authority manages flood defences, gauging stations and navigation on "
    "the river and its tributaries, and publishes a report every morning.",
]


def _notice_path(slug: str, published: datetime, number: int) -> str:
    return f"/notices/{published:%Y}/{slug}"


def notices_outlet() -> Outlet:
    base = "http://notices.river-authority.test"
    sections = [("/reports/", "Reports"), ("/about/", "About")]
    return Outlet(
        name=NAME,
        site_name="River Authority Notices",
        host="notices.river-authority.test",
        domains=["river-authority.test"],
        feeds=[base + "/feed.xml"],
        sitemaps=[base + "/sitemap_index.xml"],
        start_urls=[base + "/"] + [base + path for path, _ in sections],
        sections=sections,
        article_pattern=r"/notices/\d{4}/river-level-report-\d+$",
        feed_format="rss",
        gzip=False,
        charset="utf-8",
        json_ld=True,
        article_path=_notice_path,
    )


def report_paragraphs(number: int, day: datetime) -> list[str]:
    """Report ``number``'s body: the template's sentences with that day's figures, then the standing paragraphs."""
    rng = random.Random(f"{NAME}:{number}")
    return [
        f"River level report {number}: readings were taken at {rng.randint(8, 14)} gauging stations "
        f"between 06:00 and 18:00 on {day:%d/%m/%Y}.",
        f"The highest reading, {rng.randint(1, 4)}.{rng.randint(0, 9)} metres, was recorded at gauge "
        f"{rng.randint(1, 9)}, which is {rng.randint(5, 60)} centimetres above its seasonal average.",
        f"The lowest reading, {rng.randint(0, 1)}.{rng.randint(0, 9)} metres, was recorded at gauge "
        f"{rng.randint(10, 14)}.",
        *STANDING,
    ]


def reports(outlet: Outlet, newest: datetime) -> list[Article]:
    """The outlet's ``REPORTS`` reports, one a day up to ``newest``."""
    articles = []
    for number in range(1, REPORTS + 1):
        published = newest - timedelta(days=REPORTS - number)
        title = f"River level report {number}"
        path = outlet.article_path(f"river-level-report-{number}", published, number)
        paragraphs = report_paragraphs(number, published)
        articles.append(Article(outlet.url(path), outlet.name, title, paragraphs, [AUTHOR], published, published,
                                "Reports", paragraphs[0]))
    return articles
