"""The reading room in headless Chromium: phone widths, chart axes, the story timeline, captures, search, counts.

Same archive and server helpers as ``test_browser.py``; a real uvicorn on
127.0.0.1 and Debian's chromium through Playwright.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from storage.archive import Archive
from storage.stories.origin import credible_published
from tests.helpers.captures import article, capture, hours
from tests.storage.web.test_browser import VIEWPORT, Watched
from tests.storage.web.test_pages import Crawled, crawled_archive, every_page, q, running_app

PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory) -> Crawled:
    return crawled_archive(tmp_path_factory.getbasetemp() / "web-archive")


@pytest.fixture(scope="module")
def reader(crawled: Crawled) -> Iterator[Archive]:
    with Archive(archive_dir=crawled.archive_dir, read_only=True) as archive:
        yield archive


@pytest.fixture(scope="module")
def app(reader: Archive) -> Iterator[str]:
    with running_app(reader) as base:
        yield base


@pytest.fixture
def tab(browser) -> Iterator[Watched]:
    context = browser.new_context(viewport=VIEWPORT)
    try:
        yield Watched(context.new_page())
    finally:
        context.close()


@pytest.fixture
def phone(browser) -> Iterator[Watched]:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    try:
        yield Watched(context.new_page())
    finally:
        context.close()


def boxes(tab: Watched, selector: str) -> list[dict[str, float]]:
    return [element.bounding_box() for element in tab.page.locator(selector).all()]


def inside(inner: dict[str, float], outer: dict[str, float], slack: float = 1.0) -> bool:
    return (inner["x"] >= outer["x"] - slack and inner["y"] >= outer["y"] - slack
            and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + slack
            and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + slack)


def apart(first: dict[str, float], second: dict[str, float]) -> bool:
    return (first["x"] + first["width"] <= second["x"] or second["x"] + second["width"] <= first["x"]
            or first["y"] + first["height"] <= second["y"] or second["y"] + second["height"] <= first["y"])


# -- a phone's width -------------------------------------------------------------------------------


def test_no_page_is_wider_than_a_390px_phone(phone: Watched, app: str, crawled: Crawled, reader: Archive) -> None:
    story = reader.story_page(limit=1)[0].id
    capture_id = reader.page_captures(crawled.edited)[-1].id
    paths = [p for p in every_page(crawled, story, capture_id) if not p.startswith("/changes.atom")]
    paths += ["/search", "/story/99999", f"/search?{q(q='harbour', versions='all')}", "/", "/stories"]
    wide = {}
    for path in paths:
        phone.open(app + path)
        width = phone.page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            wide[path] = width
    assert wide == {}
    assert [e for e in phone.errors if "/story/99999" not in e] == []  # the 404 page's own status is logged
    assert phone.dialogs == [] and phone.pwned() == []


# -- charts ----------------------------------------------------------------------------------------


def check_axes(tab: Watched, figure: str, x_title: str, y_title: str) -> list[list[str]]:
    """Every chart in ``figure``: both axis titles, value ticks, labels inside the chart and apart. Its y ticks."""
    found = []
    charts = tab.page.locator(f"{figure} svg").all()
    assert charts, figure
    for chart in charts:
        assert chart.locator("text.x-title").text_content() == x_title
        assert chart.locator("text.y-title").text_content() == y_title
        y_ticks = chart.locator("text.y-tick").all_text_contents()
        x_ticks = chart.locator("text.x-tick").all()
        assert len(y_ticks) >= 1 and x_ticks
        frame = chart.bounding_box()
        texts = [t.bounding_box() for t in chart.locator("text").all()]
        assert all(inside(box, frame) for box in texts), (figure, texts, frame)
        labels = [t.bounding_box() for t in x_ticks]
        assert all(apart(a, b) for i, a in enumerate(labels) for b in labels[i + 1:]), (figure, labels)
        found.append(y_ticks)
    return found


def test_charts_have_labelled_axes(tab: Watched, app: str, crawled: Crawled, reader: Archive) -> None:
    assert tab.open(app + "/") == 200
    activity = reader.activity(30)
    [captures] = check_axes(tab, "div.charts figure.chart:nth-child(1)", "day (UTC)", "captures")
    [changes] = check_axes(tab, "div.charts figure.chart:nth-child(2)", "day (UTC)", "changes")
    assert captures[0] == "0" and captures[-1] == str(max(d.captures for d in activity))
    assert changes[0] == "0" and changes[-1] == str(max(d.changes for d in activity))
    first_day = tab.page.locator("div.charts figure.chart").first.locator("text.x-tick").first.text_content()
    assert first_day == activity[0].day

    assert tab.open(app + f"/outlet/{crawled.outlet}") == 200
    check_axes(tab, "div.charts figure.chart:first-child", "versions of an article", "articles")

    lead = reader.frontpage("harbour-gazette").entries[0].url
    assert tab.open(app + f"/page?{q(url=lead)}") == 200
    ranks = check_axes(tab, "figure.prominence", "capture (UTC)", "rank")
    lives = reader.prominence(lead)
    assert [r[0] for r in ranks] == ["1"] * len(lives) and [r[-1] for r in ranks] == [str(p.worst_rank) for p in lives]
    assert tab.errors == []


# -- the story timeline ----------------------------------------------------------------------------


def test_story_timeline_places_copies_by_published_date_with_labels(tab: Watched, app: str,
                                                                    reader: Archive) -> None:
    story = reader.story(reader.story_page(limit=1)[0].id)
    placed = {m.outlet: credible_published(m.first_seen, m.published) for m in story.members}
    assert len(set(placed.values()) - {None}) >= 2, "the simulated web dates its syndicated copies apart"
    assert tab.open(app + f"/story/{story.id}") == 200
    figure = tab.page.locator("figure.timeline")
    names = figure.locator("text.mark-label").all_text_contents()
    assert sorted(names) == sorted(placed)
    x_of = {label.text_content(): float(label.get_attribute("x")) for label in figure.locator("text.mark-label").all()}
    dated = sorted((when, outlet) for outlet, when in placed.items() if when is not None)
    assert [x_of[outlet] for _, outlet in dated] == sorted(x_of[outlet] for _, outlet in dated)
    first, last = dated[0][0], dated[-1][0]
    ticks = figure.locator("text.time-tick").all_text_contents()
    assert ticks[0] == first.strftime("%Y-%m-%d %H:%M") and ticks[-1] == last.strftime("%Y-%m-%d %H:%M")
    assert "published" in figure.locator("figcaption").inner_text()
    assert tab.errors == []


# -- captures --------------------------------------------------------------------------------------


def test_capture_fills_the_window_and_links_its_neighbours_and_itself_alone(tab: Watched, app: str,
                                                                            crawled: Crawled,
                                                                            reader: Archive) -> None:
    first, second = reader.page_captures(crawled.edited)[:2]
    assert tab.open(app + f"/capture/{first.id}") == 200
    frame = tab.page.locator("iframe.capture").bounding_box()
    height = tab.page.evaluate("window.innerHeight")
    assert frame["y"] + frame["height"] >= height - 16, (frame, height)  # down to the window's bottom
    assert tab.page.evaluate("document.documentElement.scrollHeight") <= height  # one scrollbar: the capture's
    assert tab.page.locator("a.earlier").count() == 0
    tab.page.locator("a.later").click()
    tab.page.wait_for_load_state()
    assert tab.page.url == app + f"/capture/{second.id}"
    tab.page.locator("a.earlier").click()
    tab.page.wait_for_load_state()
    assert tab.page.url == app + f"/capture/{first.id}"
    tab.page.locator("a.open-alone").click()
    tab.page.wait_for_load_state()
    assert tab.page.url == app + f"/capture/{first.id}/raw"
    assert "flood defence" in tab.page.locator("h1").first.inner_text().lower()


def test_a_hostile_capture_opened_alone_runs_no_script(tab: Watched, app: str, crawled: Crawled,
                                                        reader: Archive) -> None:
    entry = reader.page_captures(crawled.hostile)[0]
    assert tab.open(app + f"/capture/{entry.id}") == 200
    tab.page.locator("a.open-alone").click()
    tab.page.wait_for_load_state()
    tab.page.wait_for_timeout(300)
    assert tab.page.url.endswith(f"/capture/{entry.id}/raw")
    assert "Harbour vote" in tab.page.locator("h1").first.inner_text()
    assert tab.dialogs == [] and tab.page.locator("html").get_attribute("data-pwned") is None
    assert any("sandboxed" in error or "Content Security Policy" in error for error in tab.errors), tab.errors


# -- search ----------------------------------------------------------------------------------------


def test_search_filters_by_language_and_every_version_and_counts_the_matches(browser, app: str,
                                                                             reader: Archive) -> None:
    context = browser.new_context(viewport=VIEWPORT, java_script_enabled=False)  # the form needs no script
    try:
        page = context.new_page()
        page.goto(app + "/search")
        page.locator("form.search input[name=q]").fill("council")
        page.locator("form.search button").click()
        page.wait_for_load_state()
        latest = len(reader.search("council", limit=1000))
        assert page.locator("p.result-count").inner_text().startswith(f"{latest} matches")
        assert page.locator("ol.hits li").count() == min(latest, 20)

        page.locator("form.search input[name=versions]").check()
        page.locator("form.search button").click()
        page.wait_for_load_state()
        every = len(reader.search("council", limit=1000, all_versions=True))
        assert every > latest and "versions=all" in page.url
        assert page.locator("p.result-count").inner_text().startswith(f"{every} matches")
        assert page.locator("form.search input[name=versions]").is_checked()

        [language] = {h.language for h in reader.search("council", limit=1000)}
        page.locator("form.search input[name=language]").fill(language)
        page.locator("form.search button").click()
        page.wait_for_load_state()
        assert page.locator("p.result-count").inner_text().startswith(f"{every} matches")
        page.locator("form.search input[name=language]").fill("xx" if language != "xx" else "yy")
        page.locator("form.search button").click()
        page.wait_for_load_state()
        assert page.locator("p.result-count").inner_text().startswith("No matches")
        assert page.locator("ol.hits li").count() == 0
        page.goto(app + f"/search?{q(q='council', language='<b>')}")
        assert "parameter language must be a language code" in page.locator("p.error-message").inner_text()
    finally:
        context.close()


# -- counts after a crawl --------------------------------------------------------------------------


def lede_numbers(tab: Watched) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", tab.page.locator("p.lede").inner_text())]


def test_home_counts_agree_with_the_page_right_after_a_crawl_writes(tab: Watched, tmp_path: Path) -> None:
    url = "https://daily.example/news/{n}"
    with Archive(archive_dir=tmp_path, create=True) as writer:
        writer.ensure_outlet("daily", ["daily.example"])
        writer.record_capture(capture(url.format(n=1), hours(0)), article("The first article of the day."))
        with Archive(archive_dir=tmp_path, read_only=True) as reader, running_app(reader) as base:
            assert tab.open(base + "/") == 200
            assert lede_numbers(tab) == [1, 1, 1]  # outlets · pages · versions
            writer.record_capture(capture(url.format(n=2), hours(1)), article("A second article arrives."))
            writer.record_capture(capture(url.format(n=1), hours(2)), article("The first article, now edited."))
            tab.page.reload()
            assert lede_numbers(tab) == [1, 2, 3]
            row = tab.page.locator("table.outlets tbody tr").first.locator("td").all_inner_texts()
            assert row[1:3] == ["2", "3"]
            assert tab.page.locator("a.diff-link").count() == 1  # the edit, in the latest changes
            assert "2024-05-01 10:00" in row[3]  # last capture: the edit's
