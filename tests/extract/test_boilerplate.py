"""Outlet boilerplate learning: recurring lines go after enough pages, one-off lines never do."""

from __future__ import annotations

import json

from bench.outlet_pages import news_page, story
from extract import extract_article, extract_page
from extract.article import Article
from extract.boilerplate import MIN_PAGES, OutletBoilerplate, normalise

PROMO = "Download the Courier app for breaking news alerts"
FOOTER_LONG = ("The Courier is committed to publishing a diversity of letters to the editor and we would like "
               "to hear what you think about this or any of our articles, so write to us")
QUOTE = "“We will not back down,” she said."


def article_text(seed: int, *extra: str) -> str:
    return "\n\n".join([*story(seed, 4), *extra])


def test_normalise_folds_case_whitespace_and_digits() -> None:
    assert normalise("  Updated  12:45 GMT ") == normalise("updated 09:01 gmt")


def test_nothing_is_stripped_before_enough_pages() -> None:
    model = OutletBoilerplate()
    for seed in range(MIN_PAGES - 1):
        model.observe(article_text(seed, PROMO), page=f"https://c.example/{seed}")
    assert PROMO in model.strip(article_text(99, PROMO))


def test_recurring_line_is_stripped_and_one_off_quote_kept() -> None:
    model = OutletBoilerplate()
    for seed in range(20):
        extra = [PROMO] + ([QUOTE] if seed == 7 else [])
        model.observe(article_text(seed, *extra), page=f"https://c.example/{seed}")
    text = article_text(7, QUOTE, PROMO)
    stripped = model.strip(text)
    assert PROMO not in stripped
    assert QUOTE in stripped
    assert story(7, 4)[0] in stripped
    assert [row[0] for row in model.explain()] == [PROMO]
    assert model.explain()[0][1:] == (20, 1.0)


def test_rare_line_below_share_is_kept() -> None:
    model = OutletBoilerplate()
    for seed in range(20):
        model.observe(article_text(seed, *(["Live updates"] if seed < 3 else [])), page=f"https://c.example/{seed}")
    assert not model.is_boilerplate("Live updates")


def test_long_line_needs_stronger_evidence_than_short() -> None:
    model = OutletBoilerplate()
    for seed in range(20):
        extra = [PROMO] if seed % 2 else []
        extra += [FOOTER_LONG] if seed % 2 else []
        model.observe(article_text(seed, *extra), page=f"https://c.example/{seed}")
    assert model.is_boilerplate(PROMO)
    assert not model.is_boilerplate(FOOTER_LONG)


def test_same_page_counts_once() -> None:
    model = OutletBoilerplate()
    for _ in range(10):
        model.observe(article_text(1, PROMO), page="https://c.example/same")
    assert model.pages == 1
    assert not model.is_boilerplate(PROMO)


def test_round_trip_through_json() -> None:
    model = OutletBoilerplate(max_lines=50)
    for seed in range(30):
        model.observe(article_text(seed, PROMO, f"Updated {seed}:00 GMT"), page=f"https://c.example/{seed}")
    data = json.loads(json.dumps(model.to_dict()))
    assert len(data["lines"]) <= 50
    restored = OutletBoilerplate.from_dict(data)
    assert restored.explain() == model.explain()
    assert restored.pages == model.pages
    text = article_text(100, PROMO, "Updated 11:00 GMT")
    assert restored.strip(text) == model.strip(text) == "\n\n".join(story(100, 4))
    assert not restored.observe(article_text(3), page="https://c.example/3")


def test_bounded_size_keeps_recurring_lines() -> None:
    model = OutletBoilerplate(max_lines=40)
    for seed in range(200):
        model.observe(article_text(seed, PROMO), page=f"https://c.example/{seed}")
    assert len(model.to_dict()["lines"]) <= 40
    assert model.is_boilerplate(PROMO)


def test_extract_article_learns_outlet_clutter() -> None:
    model = OutletBoilerplate()
    clutter = ["Download the Courier app for breaking news alerts", "Get our morning briefing in your inbox"]
    for seed in range(12):
        page = news_page(f"Story {seed}", story(seed), clutter=clutter)
        extract_article(page, f"https://courier.example/news/{seed}", boilerplate=model)
    body = story(500)
    body.insert(2, QUOTE)
    article = extract_article(news_page("Fresh", body, clutter=clutter), "https://courier.example/news/500", model)
    assert article.text.split("\n\n") == body


def test_stock_sentence_of_news_prose_needs_long_line_evidence() -> None:
    stock = "The council did not respond to a request for comment."
    model = OutletBoilerplate()
    for seed in range(7):
        model.observe(article_text(seed, *([stock] if seed % 2 else [])), page=f"https://c.example/{seed}")
    assert not model.is_boilerplate(stock)  # 3 of 7 pages would qualify a short label, not a sentence
    assert stock in model.strip(article_text(50, stock))


def test_apply_learns_from_raw_lines_and_strips_the_text() -> None:
    model = OutletBoilerplate()
    for seed in range(MIN_PAGES):
        page = Article(text=article_text(seed, PROMO), canonical_url=f"https://c.example/{seed}")
        model.apply(page, raw_text=article_text(seed, PROMO, "Share this article"))
    assert model.pages == MIN_PAGES and model.is_boilerplate("Share this article")
    fresh = model.apply(Article(text=article_text(77, PROMO)), page="https://c.example/77", learn=False)
    assert fresh.text == article_text(77) and model.pages == MIN_PAGES


def test_extract_page_keeps_the_lines_before_clutter_rules() -> None:
    html = news_page("Ferry returns", story(3), clutter=["Share this article"])
    page = extract_page(html, "https://courier.example/news/3")
    assert "Share this article" in page.raw_text.splitlines()
    assert "Share this article" not in page.article.text
    assert page.article.text == extract_article(html, "https://courier.example/news/3").text
