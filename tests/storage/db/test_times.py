"""Parsing and printing of the times users type and read (no database)."""

from __future__ import annotations

from datetime import datetime, timezone

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


def test_iso_prints_utc_with_z() -> None:
    paris = datetime.fromisoformat("2024-05-01T14:30:00+02:00")
    assert iso(paris) == "2024-05-01T12:30:00Z" and iso(None) is None


def test_normalisation_ignores_typography_but_not_words() -> None:
    assert normalize_text("  \u201cQuoted\u201d \u2014 text\u00ad\n\n here ") == '"Quoted" - text here'
    assert text_hash("T", "a  b") == text_hash("T", "a b")
    assert text_hash("T", "a b") != text_hash("T", "a c")
    assert text_hash("Title one", "x") != text_hash("Title two", "x")
