"""``extract.page.analyse_page`` parses a page once for its verdict and its text: on real pages it
gives what :func:`judge_page` and :func:`extract_page`, each parsing on its own, give."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from extract.extractor import extract_page
from extract.page import analyse_page, judge_page
from tests.helpers.datasets import dev_html, dev_truth

PAGES = sorted(dev_truth().items())[:30]
CONTENT_TYPE = "text/html; charset=utf-8"


@pytest.mark.parametrize(("key", "entry"), PAGES, ids=[key[:8] for key, _ in PAGES])
def test_one_parse_gives_the_verdict_and_text_of_two(key: str, entry: dict[str, str]) -> None:
    url = entry["url"]
    body = dev_html(key).encode("utf-8")
    host = urlsplit(url).hostname

    def owns(candidate: str) -> bool:
        return urlsplit(candidate).hostname == host

    analysis = analyse_page(url, body, CONTENT_TYPE, owns=owns)
    assert analysis.verdict == judge_page(url, body, CONTENT_TYPE, owns=owns)
    if analysis.verdict.is_article:
        assert analysis.extracted is not None
        alone = extract_page(body, url)
        assert analysis.extracted.article == alone.article
        assert analysis.extracted.raw_text == alone.raw_text
    else:
        assert analysis.extracted is None


def test_pages_judged_articles_by_their_markup_are_extracted() -> None:
    extracted = [analyse_page(entry["url"], dev_html(key).encode("utf-8"), CONTENT_TYPE, owns=lambda _u: True,
                              listed=False) for key, entry in PAGES]
    assert any(analysis.extracted is not None and analysis.extracted.article.text for analysis in extracted)
