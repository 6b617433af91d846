"""Outlet boilerplate learning: recurring lines go after enough pages, one-off lines never do."""

from __future__ import annotations

import json

import pytest

from bench.outlet_pages import news_page, story
from extract import extract_article, extract_page
from extract.article import Article
from extract.boilerplate import (
    FORMAT,
    KEEP_WHOLE_SHARE,
    MIN_PAGES,
    OutletBoilerplate,
    normalise,
)

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


# -- outlets whose bodies share their paragraphs (issue 16, part 2) -----------

TOWNS = ["Port Ellery", "Ashford Bay", "Kingsmere", "Dunmore", "Westhaven", "Callowfield", "Marlow Cross",
         "Redcliffe", "Northgate", "Millbrook", "Eastfield", "Harbour Row"]
STANDING = [
    "Northwind Energy supplies gas and electricity to homes and businesses across the region and employs "
    "four thousand people at its sites.",
    "This release contains forward-looking statements about the company's plans, which involve risks and "
    "uncertainties that could cause actual results to differ.",
    "For media enquiries contact the Northwind press office, which answers on weekdays.",
]


def river_report(number: int) -> str:
    """A templated report: every sentence is the outlet's, only the numbers differ from report to report."""
    return "\n\n".join([
        f"River level report {number}: readings were taken at {8 + number % 5} gauging stations on "
        f"{number + 1:02d}/11/2026.",
        f"The highest reading, {1 + number % 3}.{number % 10} metres, was recorded at gauge {number % 7 + 1}.",
        "No flood warnings are in force. The authority monitors river levels around the clock.",
    ])


def press_release(number: int) -> str:
    """A press release: one line of news among the company's standing paragraphs."""
    return "\n\n".join([f"Northwind Energy has opened a depot in {TOWNS[number]}, creating {20 + number} jobs.",
                        *STANDING])


def archive_in_order(texts: list[str]) -> list[str]:
    """Each text through one outlet model, in publication order, as the crawl's pipeline applies it."""
    model = OutletBoilerplate()
    archived = []
    for number, text in enumerate(texts):
        article = Article(text=text, canonical_url=f"https://notices.example/{number}")
        archived.append(model.apply(article, raw_text=text).text)
    return archived


def test_templated_reports_all_keep_their_text() -> None:
    reports = [river_report(number) for number in range(12)]
    assert archive_in_order(reports) == reports


def test_press_releases_keep_their_text_when_standing_paragraphs_are_most_of_it() -> None:
    releases = [press_release(number) for number in range(12)]
    assert archive_in_order(releases) == releases


def test_numbered_lines_are_different_lines_unless_the_pattern_is_on_most_pages() -> None:
    model = OutletBoilerplate()
    for seed in range(20):
        extra = [PROMO] + ([f"Paragraph 3 of story {seed}"] if seed % 5 < 2 else [])  # on 8 of 20 pages
        model.observe(article_text(seed, *extra), page=f"https://c.example/{seed}")
    assert model.is_boilerplate(PROMO)
    assert not model.is_boilerplate("Paragraph 3 of story 6")  # seen on one page
    assert not model.is_boilerplate("Paragraph 3 of story 7")  # never seen; its pattern is on fewer than half
    assert "Paragraph 3 of story 21" in model.strip(article_text(21, PROMO, "Paragraph 3 of story 21"))


def reports_model(count: int = 12) -> OutletBoilerplate:
    model = OutletBoilerplate()
    for number in range(count):
        model.observe(river_report(number), page=f"https://notices.example/{number}")
    return model


def test_a_text_made_of_learned_lines_is_kept_whole_and_says_so() -> None:
    model = reports_model()
    fresh = river_report(40)
    assert all(model.is_boilerplate(line) for line in fresh.split("\n\n"))  # the model would strip every line
    outcome = model.strip_outcome(fresh)
    assert outcome.kept_whole and not outcome.stripped
    assert outcome.text == outcome.original == fresh
    assert outcome.share == 1.0


def test_apply_outcome_sets_the_text_and_reports_the_page() -> None:
    model = reports_model()
    report = Article(text=river_report(41), canonical_url="https://notices.example/41")
    outcome = model.apply_outcome(report, raw_text=report.text)
    assert outcome.kept_whole and report.text == river_report(41) and model.pages == 13
    standing = river_report(0).split("\n\n")[-1]  # the one line the reports share word for word
    ordinary = Article(text=article_text(5, standing))
    outcome = model.apply_outcome(ordinary, learn=False)
    assert outcome.stripped and not outcome.kept_whole and 0 < outcome.share < KEEP_WHOLE_SHARE
    assert ordinary.text == outcome.text == article_text(5) and model.pages == 13


def test_standing_paragraphs_still_go_when_they_are_a_minority() -> None:
    model = OutletBoilerplate()
    for number in range(12):
        model.observe(article_text(number, STANDING[2]), page=f"https://notices.example/{number}")
    outcome = model.strip_outcome(article_text(50, STANDING[2]))
    assert outcome.stripped and not outcome.kept_whole and 0 < outcome.share < 0.1
    assert outcome.text == article_text(50)


def test_the_keep_whole_threshold_is_more_than_half_of_the_text() -> None:
    model = OutletBoilerplate()
    for seed in range(10):
        model.observe(article_text(seed, PROMO), page=f"https://c.example/{seed}")
    news = "The ferry will run again from Friday, the harbour master said on Tuesday morning."
    longer, shorter = news[: len(PROMO) + 3].rstrip(), news[: len(PROMO) - 3].rstrip()
    assert len(shorter) < len(PROMO) < len(longer)
    stripped = model.strip_outcome(f"{longer}\n\n{PROMO}")
    assert stripped.text == longer and stripped.share < KEEP_WHOLE_SHARE
    kept = model.strip_outcome(f"{shorter}\n\n{PROMO}")
    assert kept.kept_whole and kept.share > KEEP_WHOLE_SHARE and kept.text == f"{shorter}\n\n{PROMO}"


def test_a_digit_pattern_on_most_pages_is_still_clutter() -> None:
    model = OutletBoilerplate()
    for seed in range(20):
        stamp = [f"Updated {seed % 12 + 1}:{seed * 7 % 60:02d} GMT"] if seed % 10 else []  # 18 of 20 pages
        model.observe(article_text(seed, "© 2024 Courier Media", *stamp), page=f"https://c.example/{seed}")
    assert model.is_boilerplate("© 2024 Courier Media")
    assert model.is_boilerplate("Updated 11:59 GMT")  # a time no page showed
    assert model.is_boilerplate("© 2025 Courier Media")  # the year's pattern is on every page
    assert [row[0] for row in model.explain()] == ["© # Courier Media", "© 2024 Courier Media", "Updated #:# GMT"]
    assert model.strip(article_text(30, "Updated 11:59 GMT", "© 2024 Courier Media")) == article_text(30)


def test_a_numbered_line_repeated_as_it_is_still_counts() -> None:
    model = OutletBoilerplate()
    for seed in range(20):
        model.observe(article_text(seed, *(["Call 0800 123 456 for help"] if seed % 5 < 2 else [])),
                      page=f"https://c.example/{seed}")
    assert model.is_boilerplate("Call 0800 123 456 for help")  # the same line on 8 of 20 pages, like any short line
    assert not model.is_boilerplate("Call 0800 123 457 for help")  # its pattern is on fewer than half


def test_format_1_model_loads_numbered_lines_as_digit_patterns() -> None:
    saved = {"format": 1, "pages": 20, "max_lines": 500, "recent": ["0123456789abcdef"],
             "lines": [[PROMO, 20], ["Updated 12:00 GMT", 18], ["Paragraph 3 of story 7", 8]]}
    model = OutletBoilerplate.from_dict(json.loads(json.dumps(saved)))
    assert model.pages == 20
    assert model.is_boilerplate(PROMO)
    assert model.is_boilerplate("Updated 09:30 GMT")  # its pattern was on 18 of 20 pages
    assert not model.is_boilerplate("Paragraph 3 of story 7")  # its pattern on 8 of 20 is no longer enough
    again = model.to_dict()
    assert again["format"] == FORMAT and again["recent"] == ["0123456789abcdef"]
    assert OutletBoilerplate.from_dict(again).explain() == model.explain()


def test_unknown_model_format_is_refused() -> None:
    with pytest.raises(ValueError, match="format"):
        OutletBoilerplate.from_dict({"format": FORMAT + 1, "pages": 1, "lines": []})
