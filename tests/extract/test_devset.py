"""Real pages of the extraction development set (``tests/data/``): extraction beats plain trafilatura on them."""

from __future__ import annotations

import pytest
import trafilatura

from bench.metric import score
from extract import extract_article
from tests.helpers.datasets import dev_html, dev_truth

SAMPLE = 24


@pytest.fixture(scope="module")
def pages() -> list[tuple[str, str, str]]:
    truth = dev_truth()
    chosen = sorted(truth)[::max(1, len(truth) // SAMPLE)][:SAMPLE]
    return [(truth[key]["url"], dev_html(key), truth[key]["articleBody"]) for key in chosen]


def test_sample_beats_plain_trafilatura(pages: list[tuple[str, str, str]]) -> None:
    ours = score((extract_article(html, url).text, body) for url, html, body in pages)
    plain = score(((trafilatura.extract(html, url=url) or ""), body) for url, html, body in pages)
    assert ours.f1 >= plain.f1
    assert ours.precision > plain.precision


def test_every_page_gives_text_and_utc_dates(pages: list[tuple[str, str, str]]) -> None:
    for url, html, _ in pages:
        article = extract_article(html.encode("utf-8"), url)
        assert article.text, url
        assert "\n\n\n" not in article.text
        for moment in (article.published, article.modified):
            assert moment is None or moment.utcoffset().total_seconds() == 0, url


def test_fast_passes_give_what_the_full_comparison_gives(pages: list[tuple[str, str, str]]) -> None:
    """The extractor skips trafilatura's readability/jusText comparison where its fast modes agree;
    on real pages that must not change the text."""
    from extract.extractor import _careful_document, _load, _main_document

    for url, html, _ in pages:
        tree = _load(html)
        assert (_main_document(tree, url).text or "") == (_careful_document(tree, url).text or ""), url


def test_fallback_tags_and_categories_are_trafilaturas_on_real_pages(pages: list[tuple[str, str, str]]) -> None:
    """FallbackMetadata skips trafilatura's link searches where no link could match; on real pages
    that must not change a tag or a category."""
    from trafilatura.metadata import extract_catstags

    from extract.extractor import _load
    from extract.fallback_metadata import FallbackMetadata

    for url, html, _ in pages:
        tree = _load(html)
        fallback = FallbackMetadata(tree, url)
        assert fallback._catstags("tag") == extract_catstags("tag", tree), url
        assert fallback._catstags("category") == extract_catstags("category", tree), url


def test_trimmed_pages_check_a_short_precise_text_as_the_whole_page_does() -> None:
    """The fast balanced pass is only a yardstick for a short precise text: run on the trimmed copy,
    it must send every page of the set the way the whole page sends it (keep the precise text, or look closer)."""
    from extract.extractor import (_BALANCED_OPTIONS, _MODES_AGREE, _PRECISION_OPTIONS, _SHORT_TEXT, _bare, _length,
                                   _load)
    from extract.pretrim import trimmed

    checked = 0
    for key, entry in sorted(dev_truth().items()):
        url, tree = entry["url"], _load(dev_html(key))
        small = trimmed(tree)
        precise = _length(_bare(small, url, _PRECISION_OPTIONS, fast=True))
        if not 0 < precise < _SHORT_TEXT:
            continue
        whole, cut = (_length(_bare(t, url, _BALANCED_OPTIONS, fast=True)) for t in (tree, small))
        assert (precise >= _MODES_AGREE * whole) == (precise >= _MODES_AGREE * cut), url
        checked += 1
    assert checked >= 5  # pages with a short precise text are in the set


def test_trimmed_pages_give_the_same_precision_text(pages: list[tuple[str, str, str]]) -> None:
    from extract.extractor import _PRECISION_OPTIONS, _bare, _load
    from extract.pretrim import trimmed

    for url, html, _ in pages:
        tree = _load(html)
        whole, small = (_bare(t, url, _PRECISION_OPTIONS, fast=True) for t in (tree, trimmed(tree)))
        assert (whole.text if whole else None) == (small.text if small else None), url
