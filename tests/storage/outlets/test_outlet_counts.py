"""Outlet counts grown by the rows added since a kept count equal a full count (the reading room's fresh counts)."""

from __future__ import annotations

from storage.archive import Archive
from tests.helpers.captures import article, capture, hours


def test_grown_counts_equal_a_full_count_after_each_write(archive: Archive) -> None:
    archive.ensure_outlet("weekly", ["weekly.example"])
    generation = archive.generation()
    kept = archive.outlets_as_of(generation)
    assert kept == archive.outlets()
    writes = [("https://daily.example/a", "daily", 0, "First text."), ("https://weekly.example/b", "weekly", 1, "Other."),
              ("https://daily.example/a", "daily", 2, "First text, edited."), ("https://daily.example/a", "daily", 3,
                                                                                 "First text, edited.")]
    for url, outlet, at, text in writes:
        archive.record_capture(capture(url, hours(at), outlet=outlet), article(text))
        now = archive.generation()
        assert now != generation
        kept, generation = archive.outlets_as_of(now, kept, generation), now
        assert kept == archive.outlets(), (url, at)
    daily = next(o for o in kept if o.name == "daily")
    assert (daily.pages, daily.versions, daily.last_capture) == (1, 2, hours(3))  # the unchanged recapture counts
    archive.ensure_outlet("monthly", ["monthly.example"])  # a new outlet: counted in full
    assert archive.outlets_as_of(archive.generation(), kept, generation) == archive.outlets()
