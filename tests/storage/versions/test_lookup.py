"""Which discovered links the archive holds, and the suggestions for a URL it does not hold."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from extract.article import Article
from storage.archive import Archive
from storage.db.errors import NoSuchPage
from tests.helpers.captures import capture

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
PAGE = "https://daily.example/2026/03/tunnel-opens"


def article(title: str) -> Article:
    return Article(title=title, text=f"{title}.\n\nThe second paragraph of {title.lower()} says more.")


def record(archive: Archive, url: str, fetched_url: str | None = None, outlet: str = "daily") -> None:
    made = capture(url, T0, outlet=outlet)
    archive.record_capture(dataclasses.replace(made, fetched_url=fetched_url or url), article(url.rsplit("/", 1)[-1]))


def test_archived_among_names_pages_by_identity_and_by_the_url_they_were_fetched_as(archive: Archive) -> None:
    record(archive, PAGE)
    record(archive, "https://daily.example/2026/03/bridge", fetched_url="https://daily.example/r/bridge-old")
    links = [PAGE + "?utm_source=feed#comments", "https://daily.example/r/bridge-old",
             "https://daily.example/2026/03/not-yet", "not a url at all"]
    assert archive.archived_among(links) == {PAGE, "https://daily.example/r/bridge-old"}
    assert archive.archived_among([]) == set()


def test_archived_among_asks_in_batches_of_any_size(archive: Archive) -> None:
    record(archive, PAGE)
    links = [f"https://daily.example/2026/03/story-{n}" for n in range(1500)] + [PAGE]
    assert archive.archived_among(links) == {PAGE}


def test_suggestions_for_a_missing_url_are_pages_of_its_host_only(archive: Archive) -> None:
    archive.ensure_outlet("lookalike", ["daily.example.org"])
    record(archive, "https://daily.example.org/2026/03/tunnel-opened", outlet="lookalike")
    record(archive, "http://www.daily.example/2026/03/tunnel-opened")
    with pytest.raises(NoSuchPage) as missing:
        archive.versions(PAGE)
    assert "closest archived: http://www.daily.example/2026/03/tunnel-opened)" in str(missing.value)


def test_suggestions_come_from_the_neighbours_of_the_url_however_many_pages_its_host_holds(archive: Archive) -> None:
    """A host of 6,000 pages: the page one slip away sorts late, past any fixed first few thousand of the host."""
    urls = [f"https://daily.example/news/{n:05d}-council-story" for n in range(6000)]
    for start in range(0, len(urls), 1000):
        archive.record_captures([(capture(url, T0), article(url.rsplit("/", 1)[-1])) for url in urls[start:start + 1000]])
    with pytest.raises(NoSuchPage) as missing:
        archive.versions("https://daily.example/news/05990-council-storey")
    assert "closest archived: https://daily.example/news/05990-council-story" in str(missing.value)
