"""The reading room in a real browser: headless Chromium (Debian's) through Playwright.

The app runs under uvicorn on 127.0.0.1 over the archive of ``test_web.py``
(crawled from the simulated web, one article edited, one removed, one
hostile). The tests click from the home page to an article and its diff, open
every kind of page, and check that no page logs a console error and that no
archived script ever runs. Screenshots go to the test's tmp dir; with
``NEWSARCHIVE_SAVE_SCREENSHOTS=1`` the diff's is also saved as
``storage/web/screenshots/diff.png`` (the README's picture).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from storage.archive import Archive
from tests.helpers.crawl import ROOT
from tests.helpers.frontpages import hostile_front_pages
from tests.storage.web.test_pages import (
    CORRECTION,
    NEW_TITLE,
    Crawled,
    crawled_archive,
    every_page,
    q,
    running_app,
)

README_SCREENSHOT = ROOT / "storage" / "web" / "screenshots" / "diff.png"
VIEWPORT = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory) -> Crawled:
    return crawled_archive(tmp_path_factory.getbasetemp() / "web-archive")


@pytest.fixture(scope="module")
def app(crawled: Crawled) -> Iterator[str]:
    with Archive(archive_dir=crawled.archive_dir, read_only=True) as reader, running_app(reader) as base:
        yield base


class Watched:
    """A browser page whose console errors, failed requests and dialogs are recorded."""

    def __init__(self, page) -> None:
        self.page = page
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", lambda message: self.errors.append(f"{message.text} @ {message.location}")
                if message.type == "error" else None)
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        page.on("dialog", self._dialog)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, url: str) -> int:
        response = self.page.goto(url, wait_until="load")
        return response.status if response else 0

    def pwned(self) -> list[str]:
        """What the hostile scripts would have left: the app's global, and a mark on any frame's document.

        A sandboxed frame runs no script, Playwright's included, so frames are read through the DOM only.
        """
        found = []
        value = self.page.evaluate("() => typeof window.__pwned === 'undefined' ? null : String(window.__pwned)")
        if value is not None:
            found.append(f"app page: {value}")
        for frame in self.page.frames:
            if not frame.url.startswith(("http:", "about:")):  # a frame the browser refused to load: no document
                continue
            mark = frame.locator("html").get_attribute("data-pwned", timeout=5000)
            if mark is not None:
                found.append(f"{frame.url}: {mark}")
        return found


@pytest.fixture
def tab(browser) -> Iterator[Watched]:
    context = browser.new_context(viewport=VIEWPORT, java_script_enabled=True)
    try:
        yield Watched(context.new_page())
    finally:
        context.close()


def shoot(tab: Watched, path: Path) -> Path:
    tab.page.screenshot(path=str(path), full_page=False)
    assert path.stat().st_size > 5000, f"{path} looks empty"
    return path


def test_home_to_outlet_to_article_to_diff(tab: Watched, app: str, crawled: Crawled, tmp_path: Path) -> None:
    assert tab.open(app + "/") == 200
    assert tab.page.locator("svg rect.bar").count() > 0
    shoot(tab, tmp_path / "1-home.png")

    tab.page.locator("table.outlets").get_by_role("link", name=crawled.outlet, exact=True).click()
    tab.page.wait_for_load_state()
    assert tab.page.url == app + f"/outlet/{crawled.outlet}"
    shoot(tab, tmp_path / "2-outlet.png")

    tab.page.locator("a.article-link", has_text=NEW_TITLE).click()
    tab.page.wait_for_load_state()
    assert quote(crawled.edited, safe="") in tab.page.url
    assert tab.page.locator("h1.article-title").inner_text() == NEW_TITLE
    assert tab.page.locator("table.versions tbody tr").count() == 2
    shoot(tab, tmp_path / "3-article.png")

    tab.page.locator("table.versions a.diff-link").first.click()
    tab.page.wait_for_load_state()
    assert "/diff?" in tab.page.url
    inserted = " ".join(tab.page.locator("article.diff ins").all_inner_texts())
    deleted = " ".join(tab.page.locator("article.diff del").all_inner_texts())
    assert "whole" in inserted and CORRECTION in inserted, inserted
    assert tab.page.locator("h1.article-title del").count() + tab.page.locator("h1.article-title ins").count() > 0
    assert deleted or inserted
    assert "Correction note" in tab.page.locator("ul.changes-summary").inner_text()
    diff_shot = shoot(tab, tmp_path / "4-diff.png")

    tab.page.locator("a.side-link").click()
    tab.page.wait_for_load_state()
    right = " ".join(tab.page.locator("table.diff.side td:nth-child(2) ins").all_inner_texts())
    left = " ".join(tab.page.locator("table.diff.side td:nth-child(1)").all_inner_texts())
    assert CORRECTION in right and CORRECTION not in left
    shoot(tab, tmp_path / "5-diff-side-by-side.png")

    assert tab.errors == [] and tab.dialogs == []
    if os.environ.get("NEWSARCHIVE_SAVE_SCREENSHOTS") == "1":
        README_SCREENSHOT.write_bytes(diff_shot.read_bytes())


def test_every_page_renders_without_console_errors(tab: Watched, app: str, crawled: Crawled,
                                                   tmp_path: Path) -> None:
    with Archive(archive_dir=crawled.archive_dir, read_only=True) as reader:
        stories = reader.story_page(limit=1)
        capture_id = reader.page_captures(crawled.edited)[-1].id
    paths = [p for p in every_page(crawled, stories[0].id if stories else None, capture_id)
             if not p.startswith(("/changes.atom", "/capture/"))]
    for number, path in enumerate(paths):
        assert tab.open(app + path) == 200, path
        assert tab.errors == [], (path, tab.errors)
        assert tab.page.locator("main h1").count() == 1, path
        if path.startswith("/story/") or path.startswith("/search?"):
            shoot(tab, tmp_path / f"page-{number:02d}-{re.sub(r'[^a-z]+', '-', path)[:30]}.png")
    assert tab.dialogs == [] and tab.pwned() == []


def test_search_form_works_without_javascript(browser, app: str, tmp_path: Path) -> None:
    context = browser.new_context(viewport=VIEWPORT, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(app + "/")
        page.locator("form.quick-search input[name=q]").fill("harbour")
        page.locator("form.quick-search button").click()
        page.wait_for_load_state()
        assert "/search?q=harbour" in page.url
        assert page.locator("ol.hits li").count() > 0 and page.locator("ol.hits mark").count() > 0
        page.screenshot(path=str(tmp_path / "search-no-js.png"))
    finally:
        context.close()


def test_hostile_article_runs_no_script_anywhere(tab: Watched, app: str, crawled: Crawled, tmp_path: Path) -> None:
    assert tab.open(app + f"/page?{q(url=crawled.hostile)}") == 200
    title = tab.page.locator("h1.article-title").inner_text()
    assert "<script>" in title and "onerror" in title  # shown as text
    tab.page.locator("a.permalink").hover()
    shoot(tab, tmp_path / "hostile-article.png")
    assert tab.errors == []
    assert tab.open(app + f"/search?{q(q='minutes meeting quoted')}") == 200
    assert tab.page.locator("ol.hits li").count() >= 1
    assert tab.errors == [] and tab.dialogs == [] and tab.pwned() == []


def test_capture_is_shown_inert_in_a_sandboxed_frame(tab: Watched, app: str, crawled: Crawled,
                                                     tmp_path: Path) -> None:
    with Archive(archive_dir=crawled.archive_dir, read_only=True) as reader:
        entry = reader.page_captures(crawled.hostile)[0]
    assert tab.open(app + f"/capture/{entry.id}") == 200
    banner = tab.page.locator(".banner").inner_text()
    assert entry.warc_file in banner and entry.warc_record_id in banner and str(entry.warc_offset) in banner
    frame_element = tab.page.locator("iframe.capture")
    assert frame_element.get_attribute("sandbox") == ""
    frame = frame_element.content_frame
    frame.locator("h1").first.wait_for()
    assert "Harbour vote" in frame.locator("h1").first.inner_text()
    frame.locator("#hostile-link").click()  # a javascript: link in the capture does nothing
    tab.page.wait_for_timeout(300)
    shoot(tab, tmp_path / "capture.png")
    assert tab.dialogs == [] and tab.pwned() == []
    assert all(f.url.startswith(app) or f.url in ("", "about:blank") for f in tab.page.frames), [
        f.url for f in tab.page.frames]
    # The only errors are the browser refusing what the capture asks for (its scripts, its image),
    # reported from inside its frame; and they show the refusals happened.
    inside = f"{app}/capture/{entry.id}/"
    assert tab.errors and all(f"'url': '{inside}" in error for error in tab.errors), tab.errors
    assert any("sandboxed" in error for error in tab.errors)


def test_the_hostile_markup_does_run_where_nothing_stops_it(tab: Watched) -> None:
    """The control for the tests above: the same markup in a plain page sets the marks they look for."""
    from tests.newsweb.hostile import UNSAFE_HTML

    tab.page.set_content(f"<html><body>{UNSAFE_HTML}</body></html>")
    tab.page.wait_for_timeout(300)
    assert tab.pwned() and tab.dialogs == ["capture"]


def test_front_page_and_prominence_chart_render_and_run_no_archived_script(tab: Watched, tmp_path: Path) -> None:
    url = hostile_front_pages(tmp_path / "archive")
    with Archive(archive_dir=tmp_path / "archive", read_only=True) as reader, running_app(reader) as base:
        assert tab.open(base + "/frontpage/daily?" + q(at="2024-05-01T09:30Z")) == 200
        headline = tab.page.locator("table.frontpage a.article-link").inner_text()
        assert "<script>" in headline and "onerror" in headline  # shown as text
        tab.page.locator("a.later").click()
        tab.page.wait_for_load_state()
        assert "capture 2 of 2" in tab.page.locator("p.lede").inner_text()
        shoot(tab, tmp_path / "frontpage.png")
        assert tab.open(base + "/page?" + q(url=url)) == 200
        assert tab.page.locator("figure.prominence svg rect.rank").count() == 2
        assert any("<script>" in cell for cell in tab.page.locator("table.headlines td").all_inner_texts())
        shoot(tab, tmp_path / "prominence.png")
    assert tab.errors == [] and tab.dialogs == [] and tab.pwned() == []
