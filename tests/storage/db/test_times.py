"""Parsing and printing of the times users type and read (no database)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from storage.db.errors import BadTime
from storage.db.times import iso, parse_time
from storage.versions.normalize import normalize_text, text_hash


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2024-05-01", datetime(2024, 5, 1, tzinfo=timezone.utc)),
        ("2024-05-01T12:30", datetime(2024, 5, 1, 12, 30, tzinfo=timezone.utc)),
        ("2024-05-01T12:30:00Z", datetime(2024, 5, 1, 12, 30, tzinfo=timezone.utc)),
        ("2024-05-01 14:30+02:00", datetime(2024, 5, 1, 12, 30, tzinfo=timezone.utc)),
    ],
)
def test_parse_time_accepts_iso_8601_and_plain_dates(typed: str, expected: datetime) -> None:
    parsed = parse_time(typed)
    assert parsed == expected and parsed.tzinfo is timezone.utc


def test_plain_date_as_an_end_bound_covers_the_whole_day() -> None:
    assert parse_time("2024-05-01", end_of_day=True) == datetime(2024, 5, 1, 23, 59, 59, 999999, tzinfo=timezone.utc)
    assert parse_time("2024-05-01T10:00Z", end_of_day=True).hour == 10


def test_bad_time_names_the_option_and_the_fix() -> None:
    with pytest.raises(BadTime, match=r"bad --at 'soon': use ISO 8601"):
        parse_time("soon", what="--at")


AT = datetime(2026, 12, 2, 15, 45, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2h", datetime(2026, 12, 2, 13, 45, tzinfo=timezone.utc)),
        ("90m", datetime(2026, 12, 2, 14, 15, tzinfo=timezone.utc)),
        ("3d", datetime(2026, 11, 29, 15, 45, tzinfo=timezone.utc)),
        ("1W", datetime(2026, 11, 25, 15, 45, tzinfo=timezone.utc)),
        ("today", datetime(2026, 12, 2, tzinfo=timezone.utc)),
        (" Yesterday ", datetime(2026, 12, 1, tzinfo=timezone.utc)),
    ],
)
def test_parse_time_accepts_times_ago_and_day_names(typed: str, expected: datetime) -> None:
    assert parse_time(typed, at=AT) == expected


def test_day_names_as_an_end_bound_cover_the_whole_day() -> None:
    assert parse_time("yesterday", end_of_day=True, at=AT) == datetime(2026, 12, 1, 23, 59, 59, 999999,
                                                                      tzinfo=timezone.utc)
    assert parse_time("2h", end_of_day=True, at=AT) == datetime(2026, 12, 2, 13, 45, tzinfo=timezone.utc)


def test_a_time_ago_is_counted_from_now_by_default() -> None:
    before = datetime.now(timezone.utc)
    parsed = parse_time("1d")
    assert before - (parsed + timedelta(days=1)) < timedelta(seconds=5)


def test_bad_time_lists_every_accepted_form() -> None:
    with pytest.raises(BadTime) as caught:
        parse_time("2 fortnights")
    assert all(form in str(caught.value) for form in ("2024-05-01", "2h", "3d", "today", "yesterday"))


def test_iso_prints_utc_with_z() -> None:
    paris = datetime.fromisoformat("2024-05-01T14:30:00+02:00")
    assert iso(paris) == "2024-05-01T12:30:00Z" and iso(None) is None


def test_normalisation_ignores_typography_but_not_words() -> None:
    assert normalize_text("  \u201cQuoted\u201d \u2014 text\u00ad\n\n here ") == '"Quoted" - text here'
    assert text_hash("T", "a  b") == text_hash("T", "a b")
    assert text_hash("T", "a b") != text_hash("T", "a c")
    assert text_hash("Title one", "x") != text_hash("Title two", "x")
