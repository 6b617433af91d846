"""Extraction on real pages of the wide many-language dev set (``tests/data/extraction-wide``)."""

from __future__ import annotations

import pytest
import trafilatura

from bench.segments import WidePage, count_segments, load_wide, score_segments
from extract import extract_article
from tests.helpers.datasets import EXTRACTION_WIDE

WIDE = EXTRACTION_WIDE


@pytest.fixture(scope="module")
def pages() -> list[WidePage]:
    return load_wide(WIDE)


def test_sample_beats_trafilatura_without_comments(pages: list[WidePage]) -> None:
    ours = score_segments((extract_article(page.html, page.url).text, page) for page in pages)
    plain = score_segments((trafilatura.extract(page.html, url=page.url, include_comments=False) or "", page)
                           for page in pages)
    assert ours.f1 > plain.f1
    assert ours.precision > plain.precision


@pytest.mark.parametrize("url", [
    "https://www.spiegel.de/spiegel/print/d-161500790.html",
    "https://www.vergleich.de/auto-leasen-finanzieren-oder-kaufen.html",
    "https://www.zdf.de/sport/us-sport-corona-100.html",
])
def test_a_precision_fragment_of_the_page_gives_way_to_the_balanced_text(pages: list[WidePage], url: str) -> None:
    """The fast precision pass keeps one block of these pages; the balanced text holds the whole story."""
    from extract.decode import decode_html
    from extract.extractor import _PRECISION_OPTIONS, _bare, _load
    from extract.pretrim import trimmed

    page = next(p for p in pages if p.url == url)
    fast = _bare(trimmed(_load(decode_html(page.html))), url, _PRECISION_OPTIONS, fast=True)
    precise = fast.text if fast is not None else ""
    counts = count_segments(extract_article(page.html, url).text, page)
    assert counts.fn == 0
    assert count_segments(precise, page).fn > 0


@pytest.mark.parametrize(("url", "clutter"), [
    ("hard::100noticias.com-millones.html", "Lea también:"),
    ("https://www.polityka.pl/tygodnikpolityka/swiat/2116825,1,krolowa-elzbieta-wyplywa-w-swiat-sygnal-dla-chin-i-rosji.read",
     "Czytaj też:"),
    ("hard::larepublica.net-hackers.html", "NOTAS RELACIONADAS"),
])
def test_link_leads_of_other_languages_are_stripped(pages: list[WidePage], url: str, clutter: str) -> None:
    page = next(p for p in pages if p.url == url)
    raw = trafilatura.extract(page.html, url=url, include_comments=False, favor_precision=True) or ""
    assert clutter in raw
    assert clutter not in extract_article(page.html, url).text


def test_text_comes_in_composed_form_whatever_form_the_page_writes(pages: list[WidePage]) -> None:
    """The page writes the Bengali letter য় precomposed (U+09DF), which Unicode's NFC writes as two
    code points; the corpus' segments, like trafilatura's own output, are NFC."""
    import unicodedata

    page = next(p for p in pages if p.url == "https://ukbdnews.com/2020/08/23646/")
    assert "\u09df".encode() in page.html
    text = extract_article(page.html, page.url).text
    assert unicodedata.is_normalized("NFC", text) and "\u09df" not in text
    assert count_segments(text, page).fn == 0
