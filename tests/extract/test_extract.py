"""extract_article on real HTML through real trafilatura: text, metadata, bad input."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime

import pytest

from bench.outlet_pages import news_page, story
from extract import EXTRACTOR_VERSION, Article, extract_article

QUOTE = "“We will not back down,” she said."


def test_clutter_lines_are_stripped_and_short_quote_kept() -> None:
    body = story(1)
    body.insert(3, QUOTE)
    page = news_page("Council approves bridge", body, clutter=["Advertisement", "Share this article", "Photo: Reuters"])
    article = extract_article(page, "https://courier.example/news/bridge")
    lines = article.text.split("\n\n")
    assert QUOTE in lines
    for clutter in ("Advertisement", "Share this article", "Photo: Reuters"):
        assert clutter not in lines
    assert all(paragraph in lines for paragraph in body)


def test_paragraphs_are_separated_by_blank_lines() -> None:
    body = story(2)
    article = extract_article(news_page("River report", body), "https://courier.example/news/river")
    assert article.text.split("\n\n") == body


def test_headline_is_not_repeated_in_text() -> None:
    body = story(11)
    page = news_page("Harbour plan approved", body).replace("<p class=\"byline\">", "<p>Harbour plan approved</p><p class=\"byline\">")
    article = extract_article(page, "https://courier.example/h")
    assert article.text.split("\n\n") == body


def test_decomposed_accents_come_out_composed_and_the_headline_still_goes() -> None:
    # "Café" written as e + U+0301 COMBINING ACUTE ACCENT, as text pasted from some editors is.
    headline, body = "Caf\u0065\u0301 owners fear the winter", story(12)
    body[1] = "The owners of the old cafe\u0301 on the square said the heating bills had doubled since spring."
    page = news_page(headline, body).replace('<p class="byline">', f"<p>{headline}</p><p class=\"byline\">")
    article = extract_article(page, "https://courier.example/cafe")
    assert article.title == "Caf\u00e9 owners fear the winter"
    assert article.text.split("\n\n") == [unicodedata.normalize("NFC", paragraph) for paragraph in body]
    assert "caf\u00e9 on the square" in article.text


def test_title_loses_site_name_suffix() -> None:
    article = extract_article(news_page("Story title", story(3)), "https://courier.example/a")
    assert article.title == "Story title"
    assert article.sitename == "The Daily Courier"


def test_title_keeps_a_dash_that_is_part_of_it() -> None:
    page = news_page("Rates rise - again", story(3), site="Courier").replace(
        "<title>Rates rise - again | Courier</title>", "<title>Rates rise - again</title>")
    assert extract_article(page, "https://courier.example/a").title == "Rates rise - again"


def test_authors_are_names_without_roles_and_split() -> None:
    page = news_page("Budget", story(4), head='<meta name="author" content="By Jane Doe | Staff Writer">')
    assert extract_article(page, "https://courier.example/b").authors == ["Jane Doe"]
    ld = '<script type="application/ld+json">{"@type": "NewsArticle", "author": "Ann Lee and Bob Stone"}</script>'
    page = news_page("Budget", story(4), head=ld, byline="")
    assert extract_article(page, "https://courier.example/b").authors == ["Ann Lee", "Bob Stone"]


def test_outlet_name_is_not_an_author() -> None:
    ld = '<script type="application/ld+json">{"@type": "NewsArticle", "author": {"name": "The Daily Courier"}}</script>'
    page = news_page("Budget", story(4), head=ld + '<meta name="author" content="Courier">', byline="")
    assert extract_article(page, "https://courier.example/b").authors == []


def test_placeholder_date_is_ignored() -> None:
    head = '<meta property="article:published_time" content="0001-01-01T00:00:00Z">'
    assert extract_article(news_page("Old", story(5), head=head), "https://courier.example/o").published is None


def test_dates_are_timezone_aware_utc() -> None:
    head = ('<meta property="article:published_time" content="2024-03-01T10:30:00+02:00">'
            '<script type="application/ld+json">{"@type": "NewsArticle", "dateModified": "2024-03-02T09:00:00-05:00"}</script>')
    article = extract_article(news_page("Dated", story(5), head=head), "https://courier.example/d")
    assert article.published == datetime(2024, 3, 1, 8, 30, tzinfo=UTC)
    assert article.modified == datetime(2024, 3, 2, 14, 0, tzinfo=UTC)
    assert article.published.utcoffset().total_seconds() == 0


def test_missing_dates_are_none() -> None:
    article = extract_article(news_page("Undated", story(6)), "https://courier.example/u")
    assert article.published is None and article.modified is None


def test_language_canonical_description_and_tags() -> None:
    head = ('<link rel="canonical" href="https://courier.example/news/canon">'
            '<meta name="description" content="What happened at the harbour.">'
            '<meta name="keywords" content="harbour, council, budget">')
    article = extract_article(news_page("Harbour", story(7), head=head), "https://courier.example/news/canon?utm=x")
    assert article.language == "en"
    assert article.canonical_url == "https://courier.example/news/canon"
    assert article.description == "What happened at the harbour."
    assert article.tags[:3] == ["harbour", "council", "budget"]


def test_bytes_are_decoded_with_declared_charset() -> None:
    body = ["Der Bürgermeister äußerte sich über die Brücke und die Straßenbahn. " * 6] + story(8)
    page = news_page("Brücke", body).replace('charset="utf-8"', 'charset="iso-8859-1"')
    article = extract_article(page.encode("iso-8859-1", errors="replace"), "https://courier.example/de")
    assert "Bürgermeister äußerte" in article.text


def test_invalid_utf8_bytes_do_not_raise() -> None:
    page = news_page("Broken bytes", story(9)).encode("utf-8").replace(b"council", b"coun\xff\xfecil")
    article = extract_article(page, "https://courier.example/x")
    assert "\ufffd" in article.text


@pytest.mark.parametrize("bad", [
    b"", "", "   \n ", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), b"\x00" * 64,
    "<?xml version='1.0'?><rss></rss>", "<html><head><title>T</title></head></html>", "<p>x", "<<<>>>",
])
def test_empty_binary_or_bodiless_input_gives_empty_text(bad: str | bytes) -> None:
    article = extract_article(bad, "https://courier.example/bad")
    assert isinstance(article, Article)
    assert article.text == ""
    assert article.is_empty


def test_broken_markup_is_read_without_raising() -> None:
    body = story(10)
    page = news_page("Broken", body).replace("</p>", "", 3).replace("</article>", "<div><span>") + "<table><tr><td"
    article = extract_article(page, "https://courier.example/broken")
    assert body[-1] in article.text


def test_extractor_version_names_trafilatura() -> None:
    import trafilatura

    assert trafilatura.__version__ in EXTRACTOR_VERSION


def test_unclosed_title_does_not_swallow_the_page() -> None:
    from extract import extract_article

    body = "".join(f"<p>Paragraph {n} of the report on the harbour dredging plan and its costs.</p>" for n in range(6))
    html = f"<html><head><title>Harbour plan approved<meta charset='utf-8'></head><body><article>{body}</article></body></html>"
    article = extract_article(html, "https://news.test/a")
    assert "Paragraph 3 of the report" in article.text
    assert article.title and "Paragraph" not in article.title


@pytest.mark.parametrize("links, section, tags, categories", [
    ('<div class="tags"><a href="/tag/harbour/">Harbour</a><a href="/tags/budget">Budget</a></div>'
     '<div class="entry-meta"><a href="/category/local/">Local</a></div>', "", ["Harbour", "Budget"], ["Local"]),
    ('<div class="tags"><a href="/topics/harbour/">Harbour</a></div>', "Politics", [], ["Politics"]),
    ("", "", [], []),
])
def test_fallback_tags_and_categories_are_trafilaturas(links: str, section: str, tags: list[str],
                                                       categories: list[str]) -> None:
    """Links are searched only when one could name a tag or category; the answer is extract_catstags' either way."""
    from trafilatura.metadata import extract_catstags

    from extract.extractor import _load
    from extract.fallback_metadata import FallbackMetadata

    head = f'<meta property="article:section" content="{section}">' if section else ""
    tree = _load(news_page("Tagged", story(11), head=head).replace("</article>", f"{links}</article>"))
    fallback = FallbackMetadata(tree, "https://courier.example/t")
    assert (fallback.tags, fallback.categories) == (tags, categories)
    assert (fallback.tags, fallback.categories) == (extract_catstags("tag", tree), extract_catstags("category", tree))


def test_microdata_times_count_only_for_published_and_modified() -> None:
    from extract.extractor import _load
    from extract.metadata import meta_values

    body = ('<time itemprop="dateCreated" datetime="2020-01-01T00:00:00Z">x</time>'
            '<time itemprop="datePublished" datetime=" 2026-11-20T09:00:00Z ">y</time>'
            '<span itemprop="dateModified">no datetime</span>'
            '<time itemprop="dateModified" datetime="2026-11-21T10:00:00Z">z</time>'
            '<time itemprop="datePublished" datetime="2026-01-01T00:00:00Z">later</time>')
    tree = _load(news_page("Times", story(12)).replace("</article>", f"{body}</article>"))
    values = meta_values(tree)
    assert values["datepublished"] == "2026-11-20T09:00:00Z"
    assert values["datemodified"] == "2026-11-21T10:00:00Z"
    assert "datecreated" not in values


def _precise_text(tree, url: str) -> str:
    from extract.extractor import _PRECISION_OPTIONS, _bare

    document = _bare(tree, url, _PRECISION_OPTIONS, fast=True)
    return document.text if document is not None else ""


@pytest.mark.parametrize("extra", [
    '<nav><ul><li><a href="/a">Home</a></li><li><a href="/b">World</a></li></ul></nav>',
    '<nav><nav><a href="/x">Inner menu</a></nav></nav><nav>Menu text after a nested menu</nav>',
    '<div class="infinite-scroll"><nav><h1>Headline in a menu</h1></nav><p>Text of the scrolled block.</p></div>',
    '<footer><p>Footer words</p><svg><title>icon</title></svg></footer>tail text after the footer',
])
def test_trimmed_page_gives_the_precision_text_of_the_whole_page(extra: str) -> None:
    from extract.extractor import _load
    from extract.pretrim import trimmed

    tree = _load(news_page("Trimmed", story(13)).replace("<article", f"{extra}<article", 1))
    small = trimmed(tree)
    assert _precise_text(small, "https://courier.example/t") == _precise_text(tree, "https://courier.example/t")
    assert sum(1 for _ in small.iter()) <= sum(1 for _ in tree.iter())


def test_regions_with_a_headline_or_nested_kin_are_kept_whole() -> None:
    from extract.extractor import _load
    from extract.pretrim import trimmed

    page = news_page("Kept", story(14)).replace(
        "<article", '<nav id="n1"><nav id="n2"><a>x</a></nav></nav><aside id="a1"><h1>H</h1></aside>'
                    '<nav id="n3"><a>plain menu</a></nav><article', 1)
    small = trimmed(_load(page))
    sizes = {element.get("id"): len(element) for element in small.iter("nav", "aside") if element.get("id")}
    assert sizes == {"n1": 1, "n2": 1, "a1": 1, "n3": 0}


def test_trimming_leaves_the_page_itself_as_it_was() -> None:
    from lxml import etree

    from extract.extractor import _load
    from extract.pretrim import trimmed

    page = news_page("Whole", story(15)).replace(
        "<article", '<footer id="f">Footer <nav id="inner"><a href="/x">x</a> after</nav> end</footer>tail'
                    '<aside id="s"><p>Sidebar</p><!-- note --></aside><article', 1)
    tree = _load(page)
    before = etree.tostring(tree)
    small = trimmed(tree)
    assert etree.tostring(tree) == before  # the full passes read the page whole
    assert [(e.get("id"), len(e), e.text) for e in small.iter("footer", "aside") if e.get("id")] == [
        ("f", 0, "Footer "), ("s", 0, None)]
    assert small.find(".//footer").tail == "tail" and small.find(".//nav[@id='inner']") is None
    assert "Sidebar" in etree.tostring(tree, encoding="unicode")
