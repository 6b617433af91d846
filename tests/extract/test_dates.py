"""Published dates on real pages of both dev sets (``tests/data/``) against what their markup states."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bench.dates import stated_dates
from bench.segments import WidePage, load_wide
from extract import extract_article
from tests.helpers.datasets import EXTRACTION_WIDE, dev_html, dev_truth

WIDE = EXTRACTION_WIDE


@pytest.fixture(scope="module")
def wide_pages() -> dict[str, WidePage]:
    return {page.url: page for page in load_wide(WIDE)}


def test_published_is_the_article_json_ld_time_where_it_has_an_offset(wide_pages: dict[str, WidePage]) -> None:
    checked = 0
    for url, page in wide_pages.items():
        stated = stated_dates(page.html).get("json-ld datePublished")
        if stated is None or stated.time() == datetime.min.time():
            continue
        checked += 1
        published = extract_article(page.html, url).published
        assert published is not None and published.date() == stated.date(), url
    assert checked >= 8


def test_a_naive_json_ld_time_takes_the_offset_open_graph_gives() -> None:
    """polityka.pl: JSON-LD "2021-05-04T13:20:05" without an offset, og "20210504T132005+0200"."""
    page = {p.url: p for p in load_wide(WIDE)}["https://www.polityka.pl/tygodnikpolityka/swiat/2116825,1,krolowa-elzbieta-wyplywa-w-swiat-sygnal-dla-chin-i-rosji.read"]
    assert extract_article(page.html, page.url).published == datetime(2021, 5, 4, 11, 20, 5, tzinfo=UTC)


def test_a_bare_json_ld_day_takes_the_time_open_graph_gives(wide_pages: dict[str, WidePage]) -> None:
    """swim.de: the BlogPosting says "2022-02-03", article:published_time the time of day."""
    page = wide_pages["https://swim.de/training/lagen-pyramide-mit-ga2/"]
    assert extract_article(page.html, page.url).published == datetime(2022, 2, 3, 14, 54, 56, tzinfo=UTC)


def test_the_article_object_wins_over_the_web_page_object() -> None:
    """A news-set blog page: its WebPage object and og tag disagree by hours; the BlogPosting's day and og's time win."""
    truth = dev_truth()
    key = next(k for k in sorted(truth) if "theantijunecleaver.com/2014/09" in truth[k]["url"])
    article = extract_article(dev_html(key), truth[key]["url"])
    assert article.published == datetime(2014, 9, 15, 14, 22, 2, tzinfo=UTC)


def test_news_pages_dates_match_their_markup() -> None:
    truth = dev_truth()
    checked = agreed = 0
    for key in sorted(truth):
        html = dev_html(key)
        stated = stated_dates(html).get("article:published_time")
        if stated is None:
            continue
        checked += 1
        published = extract_article(html, truth[key]["url"]).published
        agreed += published is not None and published.date() == stated.date()
    assert checked >= 30
    assert agreed == checked
