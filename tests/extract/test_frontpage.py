"""Front pages into ranked article links (extract/frontpage.py), on small HTML."""

from __future__ import annotations

from extract.frontpage import front_page_links

BASE = "https://news.test/"


def is_article(url: str) -> bool:
    return "/article/" in url


def links(html: str, base: str = BASE):
    return front_page_links(html, base, is_article)


def test_ranks_follow_reading_order_and_repeats_keep_their_first_place() -> None:
    found = links("""<main>
        <a href="/article/one">One</a> <a href="/section/politics/">Politics</a>
        <a href="/article/two">Two</a> <a href="/article/one#comments">12 comments</a>
        <a href="https://other.test/article/three">Three</a></main>""")
    assert [(f.rank, f.url, f.headline) for f in found] == [
        (1, "https://news.test/article/one", "One"),
        (2, "https://news.test/article/two", "Two"),
        (3, "https://other.test/article/three", "Three"),
    ]


def test_section_is_the_nearest_heading_or_landmark_label_not_a_headline() -> None:
    found = links("""<body>
        <section aria-label="Lead story"><h2><a href="/article/lead">The lead</a></h2></section>
        <section><h2>Top stories</h2><ul><li><h3><a href="/article/a">A</a></h3></li></ul></section>
        <nav aria-label="Most read"><a href="/article/b">B</a></nav>
        <h3>Opinion</h3><a href="/article/c">C</a></body>""")
    assert [(f.headline, f.section) for f in found] == [
        ("The lead", "Lead story"), ("A", "Top stories"), ("B", "Most read"), ("C", "Opinion")]


def test_the_lead_is_the_first_link_in_an_h1_or_h2_else_the_first() -> None:
    in_heading = links('<a href="/article/x">X</a><h2><a href="/article/y">Y</a></h2><h2><a href="/article/z">Z</a></h2>')
    assert [f.lead for f in in_heading] == [False, True, False]
    plain = links('<h3><a href="/article/x">X</a></h3><a href="/article/y">Y</a>')
    assert [f.lead for f in plain] == [True, False]


def test_headline_falls_back_to_image_alt_and_a_later_text_link() -> None:
    found = links('<a href="/article/p"><img src="p.jpg" alt="Picture story"></a>'
                  '<a href="/article/q"><img src="q.jpg"></a><a href="/article/q">Q told in words</a>')
    assert [f.headline for f in found] == ["Picture story", "Q told in words"]


def test_scripts_inside_links_are_not_headline_text_and_escaped_markup_stays_text() -> None:
    found = links('<a href="/article/s">Vote <script>alert(1)</script>&lt;script&gt;x&lt;/script&gt;</a>')
    assert found[0].headline == "Vote <script>x</script>"


def test_base_href_and_non_article_or_non_http_links() -> None:
    found = links('<html><head><base href="https://news.test/en/"></head><body>'
                  '<a href="article/rel">Rel</a><a href="javascript:void(0)">js</a>'
                  '<a href="mailto:x@news.test">mail</a><a href="#top">top</a><a href="/about">About</a></body></html>')
    assert [f.url for f in found] == ["https://news.test/en/article/rel"]


def test_empty_or_broken_documents_give_no_links() -> None:
    assert links("") == []
    assert links(b"\x00\xff garbage") == []
    assert front_page_links(b'<a href="/article/bytes">Bytes \xc3\xa9t\xc3\xa9</a>', BASE, is_article)[0].headline \
        == "Bytes été"
