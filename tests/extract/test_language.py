"""Language detection on real pages of both dev sets (``tests/data/``): detected from the text, declaration kept."""

from __future__ import annotations

import pytest

from bench.segments import WidePage, load_wide
from extract import extract_article
from extract.language import best_language, detect_language
from tests.helpers.datasets import EXTRACTION_WIDE, dev_html, dev_truth

WIDE = EXTRACTION_WIDE

# Pages whose markup declares the wrong language, and the language their text is in.
MISDECLARED = {
    "https://www.ahlen.de/start/aktuelles/aktuelle/information/nachricht/aus-ahlen/reparaturcafe-am-31-januar/": ("en", "de"),
    "https://madame.lefigaro.fr/bien-etre/problemes-dintestin-quoi-manger-pour-aller-bien-110417-130897": ("en", "fr"),
    "https://ukbdnews.com/2020/08/23646/": ("en", "bn"),
    "hard::100noticias.com-millones.html": ("en", "es"),
    "http://sibenlab.blogspot.com/2018/06/sibenlab-privacy-policy.html": ("fr", "en"),
}
UNDECLARED = {
    "http://www.xinhuanet.com/local/2020-02/19/c_1125597921.htm": "zh",
    "https://wpolityce.pl/gospodarka/549052-jest-zgoda-pe-na-umowe-handlowa-miedzy-ue-a-londynem": "pl",
    "https://www.demokratiewebstatt.at/thema/thema-umwelt-und-klima/woher-kommt-die-dicke-luft": "de",
}


@pytest.fixture(scope="module")
def wide_pages() -> dict[str, WidePage]:
    return {page.url: page for page in load_wide(WIDE)}


@pytest.mark.parametrize("url", sorted(MISDECLARED))
def test_text_overrules_a_wrong_declaration(wide_pages: dict[str, WidePage], url: str) -> None:
    declared, spoken = MISDECLARED[url]
    article = extract_article(wide_pages[url].html, url)
    assert article.declared_language == declared
    assert article.language == spoken


@pytest.mark.parametrize("url", sorted(UNDECLARED))
def test_undeclared_pages_get_their_language(wide_pages: dict[str, WidePage], url: str) -> None:
    article = extract_article(wide_pages[url].html, url)
    assert article.declared_language is None
    assert article.language == UNDECLARED[url]


def test_detection_agrees_with_truthful_declarations(wide_pages: dict[str, WidePage]) -> None:
    """Where a page declares its language and is not known to lie, the text says the same (pages in 14 languages)."""
    checked = agreed = 0
    for url, page in wide_pages.items():
        article = extract_article(page.html, url)
        assert article.language is None or len(article.language) == 2, url
        if article.declared_language and url not in MISDECLARED:
            checked += 1
            agreed += article.language == article.declared_language
    assert checked >= 25
    assert agreed >= 0.9 * checked


def test_news_pages_in_english_are_detected_as_english() -> None:
    truth = dev_truth()
    keys = sorted(truth)[::8]
    languages = [detect_language(extract_article(dev_html(key), truth[key]["url"]).text)[0] for key in keys]
    assert languages.count("en") >= 0.8 * len(keys)


def test_the_truth_text_of_each_wide_page_detects_as_its_extraction_does(wide_pages: dict[str, WidePage]) -> None:
    """The human-chosen main-text segments and our extraction name the same language on most pages."""
    same = total = 0
    for url, page in wide_pages.items():
        truth_language, probability = detect_language(page.truth_text)
        if truth_language is None or probability < 0.95:
            continue
        total += 1
        same += extract_article(page.html, url).language == truth_language
    assert total >= 25
    assert same >= 0.9 * total


def test_too_little_text_falls_back_to_the_declaration(wide_pages: dict[str, WidePage]) -> None:
    page = wide_pages["https://www.spiegel.de/spiegel/print/d-161500790.html"]
    headline = page.with_segments[0][:30]  # a few words: too short to judge
    assert detect_language(headline) == (None, 0.0)
    assert best_language(headline, "de") == "de"
    assert best_language(headline, None) is None
