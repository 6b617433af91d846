"""``extract.page.judge_page``: the one decision, shared by the spider and WARC ingest,
of a page's identity and whether it is an article."""

from __future__ import annotations

import re

from extract.page import is_html_type, judge_page


def owns_example(url: str) -> bool:
    return "://www.example.test/" in url or "://example.test/" in url


def page(head: str = "", body: str = "<p>Text</p>") -> bytes:
    return f"<html><head>{head}</head><body>{body}</body></html>".encode()


def test_owned_canonical_link_is_the_identity_canonicalised() -> None:
    verdict = judge_page("http://www.example.test/a?utm_source=x", page('<link rel="canonical" href="/story/one?b=2&a=1">'),
                         "text/html", owns=owns_example)
    assert verdict.url == "http://www.example.test/story/one?a=1&b=2"


def test_canonical_link_to_another_site_is_ignored() -> None:
    verdict = judge_page("http://www.example.test/story/x", page('<link rel="canonical" href="http://other.test/x">'),
                         "text/html", owns=owns_example)
    assert verdict.url == "http://www.example.test/story/x"


def test_og_url_is_used_when_there_is_no_canonical_link() -> None:
    verdict = judge_page("http://www.example.test/x?id=1", page('<meta property="og:url" content="http://example.test/y">'),
                         "text/html", owns=owns_example)
    assert verdict.url == "http://example.test/y"


def test_page_metadata_makes_an_article() -> None:
    declared = page('<meta property="og:type" content="article">')
    assert judge_page("http://www.example.test/", declared, None, owns=owns_example, listed=False).is_article
    jsonld = page('<script type="application/ld+json">{"@graph": [{"@type": "NewsArticle"}]}</script>')
    assert judge_page("http://www.example.test/", jsonld, "text/html", owns=owns_example, listed=False).is_article
    assert not judge_page("http://www.example.test/", page(), "text/html", owns=owns_example, listed=False).is_article


def test_listed_pages_are_articles_but_unlisted_ones_need_the_pattern() -> None:
    url = "http://www.example.test/2026/11/20/a-long-story-about-things/"
    pattern = re.compile(r"/news/")
    assert judge_page(url, page(), "text/html", owns=owns_example, article_pattern=pattern, listed=True).is_article
    assert not judge_page(url, page(), "text/html", owns=owns_example, article_pattern=pattern, listed=False).is_article
    assert not judge_page(url, page(), "text/html", owns=owns_example, article_pattern=pattern).is_article


def test_unknown_listing_falls_back_to_url_heuristics_without_a_pattern() -> None:
    dated = "http://www.example.test/2026/11/20/a-long-story-about-things/"
    section = "http://www.example.test/section/politics/"
    assert judge_page(dated, page(), "text/html", owns=owns_example).is_article
    assert not judge_page(section, page(), "text/html", owns=owns_example).is_article
    # a crawl knows it did not come from a feed: the URL shape alone does not decide
    assert not judge_page(dated, page(), "text/html", owns=owns_example, listed=False).is_article


def test_non_html_is_never_an_article() -> None:
    verdict = judge_page("http://www.example.test/feed.xml?utm_medium=rss", b"<rss/>", "application/rss+xml",
                         owns=owns_example, listed=True)
    assert (verdict.is_html, verdict.is_article, verdict.url) == (False, False, "http://www.example.test/feed.xml")
    assert is_html_type("application/xhtml+xml") and is_html_type(None) and not is_html_type("image/png")


def test_declared_charset_decodes_the_page() -> None:
    body = '<html><head><meta charset="iso-8859-1"><link rel="canonical" href="/caf\xe9"></head></html>'.encode("latin-1")
    verdict = judge_page("http://www.example.test/x", body, "text/html", owns=owns_example)
    assert verdict.url == "http://www.example.test/caf%C3%A9"


def test_a_canonical_naming_the_home_page_or_a_listing_does_not_merge_articles() -> None:
    """A CMS bug: every article declares the home page (or its section) as its URL; each stays its own page."""
    first = "http://www.example.test/2026/11/20/mayor-resigns-after-vote/"
    second = "http://www.example.test/2026/11/21/river-floods-old-town/"
    for declared in ("/", "http://www.example.test/", "/politics/", "/section/news/"):
        head = f'<link rel="canonical" href="{declared}"><meta property="og:type" content="article">'
        urls = {judge_page(url, page(head), "text/html", owns=owns_example).url for url in (first, second)}
        assert urls == {first, second}, declared
    pattern = re.compile(r"/news/\d+")
    head = '<meta property="og:url" content="http://www.example.test/news/">'
    verdict = judge_page("http://www.example.test/news/123", page(head), "text/html", owns=owns_example,
                         article_pattern=pattern)
    assert verdict.url == "http://www.example.test/news/123"


def test_a_canonical_naming_another_article_or_a_short_id_still_decides() -> None:
    fetched = "http://www.example.test/2026/11/20/mayor-resigns-after-vote/?ref=home"
    for declared in ("/2026/11/20/mayor-resigns-after-vote/", "/a/12345", "/?p=123"):
        verdict = judge_page(fetched, page(f'<link rel="canonical" href="{declared}">'), "text/html", owns=owns_example)
        assert verdict.url == "http://www.example.test" + declared
    home = judge_page("http://www.example.test/index.html", page('<link rel="canonical" href="/">'), "text/html",
                      owns=owns_example)
    assert home.url == "http://www.example.test/"


def test_a_canonical_that_cannot_be_parsed_is_ignored() -> None:
    fetched = "http://www.example.test/2026/11/20/mayor-resigns-after-vote/"
    for declared in ("http://www.example.test:99999/x", "http://[::1/x", "http://www.example.test:port/x"):
        verdict = judge_page(fetched, page(f'<link rel="canonical" href="{declared}">'), "text/html",
                             owns=lambda url: True)
        assert verdict.url == fetched, declared
