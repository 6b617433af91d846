"""The re-check schedule, with a controlled clock: what is due, in what order, and how it adapts."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from sqlalchemy import select

from storage.archive import Archive
from storage.db.models import Page, PageSchedule
from storage.db.times import aware
from storage.versions.captures import FailedCheck, Outcome
from storage.versions.recheck import CLAIM_LEASE, change_factor, ladder_step, next_check
from tests.helpers.captures import T0, article, capture, hours  # noqa: F401

H = timedelta(hours=1)


@pytest.fixture(autouse=True)
def clock_at_t0(request: pytest.FixtureRequest) -> None:
    """The archive's clock stands at T0, before every capture here: each is scheduled from its own time."""
    if "archive" in request.fixturenames:
        request.getfixturevalue("archive").clock = lambda: T0


@pytest.mark.parametrize(
    ("since_change", "step"),
    [
        (timedelta(minutes=10), timedelta(minutes=15)),
        (5 * H, H),
        (3 * 24 * H, 3 * H),
        (20 * 24 * H, 3 * 24 * H),
        (200 * 24 * H, 30 * 24 * H),
        (400 * 24 * H, None),
    ],
)
def test_ladder_follows_newsdiffs(since_change: timedelta, step: timedelta | None) -> None:
    assert ladder_step(since_change) == step


def test_pages_that_change_often_are_checked_sooner_and_quiet_ones_later() -> None:
    neutral = change_factor(0, 0, 0, 0)
    assert neutral == pytest.approx(1.0)
    busy = change_factor(changes=6, checks=10, outlet_changes=0, outlet_checks=0)
    quiet = change_factor(changes=0, checks=40, outlet_changes=0, outlet_checks=0)
    assert busy < 0.5 < 1.0 < 2.0 < quiet
    assert 0.25 <= busy and quiet <= 4.0


def test_a_new_page_starts_from_its_outlets_habits() -> None:
    lively_outlet = change_factor(0, 0, outlet_changes=300, outlet_checks=600)
    static_outlet = change_factor(0, 0, outlet_changes=0, outlet_checks=600)
    assert lively_outlet < 1.0 < static_outlet


def test_old_unchanged_pages_retire() -> None:
    assert next_check(T0 + 400 * 24 * H, T0, changes=0, checks=10) is None
    soon = next_check(T0 + timedelta(minutes=5), T0, changes=0, checks=0)
    assert soon - (T0 + timedelta(minutes=5)) == timedelta(minutes=15)


def test_due_pages_come_most_overdue_first_and_are_leased(archive: Archive) -> None:
    fresh = "https://daily.example/news/fresh"
    older = "https://daily.example/news/older"
    archive.record_capture(capture(older, T0), article("Older story text, first version."))
    archive.record_capture(capture(fresh, hours(2)), article("Fresh story text, first version."))
    assert archive.claim_rechecks(T0 + timedelta(minutes=10)) == []
    due = archive.claim_rechecks(hours(3))
    assert [t.url for t in due] == [older, fresh]
    assert due[0].fetched_url == older + "?utm_source=feed"
    # Claimed: a second process asking at the same moment gets nothing.
    assert archive.claim_rechecks(hours(3)) == []
    # The lease runs out if the claimer never reported back.
    assert {t.url for t in archive.claim_rechecks(hours(4))} == {older, fresh}


def test_an_unchanged_check_pushes_the_next_one_later_than_a_change(archive: Archive) -> None:
    steady = "https://daily.example/news/steady"
    lively = "https://daily.example/news/lively"
    for url in (steady, lively):
        archive.record_capture(capture(url, T0), article(f"{url} first text."))
    for n in range(1, 6):
        archive.record_capture(capture(steady, hours(n * 4)), article(f"{steady} first text."))
        archive.record_capture(capture(lively, hours(n * 4)), article(f"{lively} text, edit {n}."))
    at = hours(20) + timedelta(minutes=20)
    due_urls = [t.url for t in archive.claim_rechecks(at)]
    assert due_urls == [lively]
    assert steady in [t.url for t in archive.claim_rechecks(hours(26))]


def test_outlet_filter(archive: Archive) -> None:
    archive.ensure_outlet("other", ["other.example"])
    archive.record_capture(capture("https://other.example/a", T0, outlet="other"), article("Other outlet text."))
    archive.record_capture(capture("https://daily.example/a", T0), article("Daily outlet text."))
    assert [t.outlet for t in archive.claim_rechecks(hours(1), ["other"])] == ["other"]


def test_every_page_claimed_at_once_is_leased_from_now_not_from_its_due_time(archive: Archive) -> None:
    """`-a recheck=all`: every archived page is due now, and a page the run never reaches comes back a lease later."""
    recent, old = "https://daily.example/news/recent", "https://daily.example/news/old"
    archive.record_capture(capture(old, T0), article("Old story text, first version."))
    archive.record_capture(capture(recent, hours(5)), article("Recent story text, first version."))
    at = hours(5) + timedelta(minutes=1)
    claimed = archive.claim_rechecks(at, every=True)
    assert {t.url for t in claimed} == {recent, old}
    leased = archive.read(lambda session: list(session.scalars(select(PageSchedule.next_check_at))))
    assert {aware(t) for t in leased} == {at + CLAIM_LEASE}


def schedule_row(archive: Archive, url: str) -> PageSchedule:
    return archive.read(lambda session: session.scalar(
        select(PageSchedule).join(Page, Page.id == PageSchedule.page_id).where(Page.url == url)))


def test_failed_checks_back_off_doubling_up_to_a_day_and_an_answer_resets_them(archive: Archive) -> None:
    url = "https://daily.example/news/flaky"
    archive.record_capture(capture(url, T0), article("Flaky host's story, first version."))
    waits = []
    at = hours(1)
    for _ in range(10):
        archive.record_captures([(FailedCheck(url, at, "http_503"),)])
        row = schedule_row(archive, url)
        waits.append(aware(row.next_check_at) - at)
        at = aware(row.next_check_at)
    assert waits[:3] == [timedelta(minutes=30), timedelta(hours=1), timedelta(hours=2)]
    assert max(waits) == timedelta(days=1) == waits[-1], "capped: the page is tried daily, never dropped"
    assert (row.failures, row.last_failure) == (10, "http_503")
    archive.record_capture(capture(url, at, record_id="back"), article("Flaky host's story, first version."))
    row = schedule_row(archive, url)
    assert row.failures == 0
    assert aware(row.next_check_at) - at < timedelta(days=1)


def test_a_failure_of_a_page_the_archive_does_not_hold_changes_nothing(archive: Archive) -> None:
    assert archive.record_captures([(FailedCheck("https://daily.example/never", T0, "dns"),)]) == [
        Outcome.CHECK_FAILED]


def test_pages_ingested_from_last_months_files_do_not_jump_ahead_of_todays(archive: Archive) -> None:
    today = T0 + timedelta(days=35)
    archive.clock = lambda: today
    old = [f"https://daily.example/news/last-month-{n}" for n in range(3)]
    for n, url in enumerate(old):
        archive.record_capture(capture(url, T0 + timedelta(hours=n)), article(f"Last month's story {n}, as it was."))
    fresh = "https://daily.example/news/today"
    archive.record_capture(capture(fresh, today), article("Today's story, first version."))
    assert [t.url for t in archive.claim_rechecks(today + timedelta(hours=1))] == [fresh]
    for url in old:
        assert aware(schedule_row(archive, url).next_check_at) >= today + timedelta(days=7)


def test_the_ladders_one_year_end_counts_to_now_not_to_the_capture(archive: Archive) -> None:
    archive.clock = lambda: T0 + timedelta(days=400)
    url = "https://daily.example/news/ancient"
    archive.record_capture(capture(url, T0), article("A story from over a year ago."))
    assert schedule_row(archive, url).next_check_at is None


def gone(url: str, at, status: int = 404):
    return dataclasses.replace(capture(url, at), status=status)


def test_a_removed_page_leaves_the_fast_ladder_for_a_daily_then_weekly_tail(archive: Archive) -> None:
    url = "https://daily.example/news/taken-down"
    archive.record_capture(capture(url, T0), article("A story its outlet will take down."))
    removed_at = hours(1)
    archive.record_capture(gone(url, removed_at), None)
    assert aware(schedule_row(archive, url).next_check_at) == removed_at + timedelta(days=1)
    week_later = removed_at + timedelta(days=8)
    archive.record_capture(gone(url, week_later, status=410), None)
    assert aware(schedule_row(archive, url).next_check_at) == week_later + timedelta(days=7)
    year_later = removed_at + timedelta(days=366)
    archive.record_capture(gone(url, year_later), None)
    assert schedule_row(archive, url).next_check_at is None, "removed for a year: retired"


def test_a_removed_page_that_comes_back_returns_to_the_ladder(archive: Archive) -> None:
    url = "https://daily.example/news/back-again"
    archive.record_capture(capture(url, T0), article("A story taken down by mistake."))
    archive.record_capture(gone(url, hours(1)), None)
    archive.record_capture(capture(url, hours(25)), article("A story taken down by mistake."))
    assert aware(schedule_row(archive, url).next_check_at) - hours(25) < timedelta(hours=1)
