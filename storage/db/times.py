"""UTC time for the archive: parse what users type, print ISO 8601."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta, timezone

from storage.db.errors import BadTime

_DATE_LENGTH = len("2024-05-01")
_AGO = re.compile(r"(\d+)\s*(m|min|h|d|w)", re.IGNORECASE)
_UNITS = {"m": "minutes", "min": "minutes", "h": "hours", "d": "days", "w": "weeks"}
EXAMPLES = "2024-05-01, 2024-05-01T12:00:00Z, 90m, 2h, 3d, 1w, today or yesterday"


def utc(value: datetime) -> datetime:
    """``value`` as an aware UTC datetime; naive values are taken to be UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def parse_time(text: str, *, end_of_day: bool = False, what: str = "time", at: datetime | None = None) -> datetime:
    """Parse what a user typed as a time into aware UTC; raises :class:`BadTime`.

    Accepted: an ISO 8601 timestamp, a plain date (``2024-05-01``: its first
    instant, or its last with ``end_of_day``, so ``--until 2024-05-01``
    includes that whole day), a time ago (``90m``, ``2h``, ``3d``, ``1w``:
    before ``at``, default now), ``today`` and ``yesterday`` (UTC days, like dates).
    """
    cleaned = text.strip()
    moment = utc(at) if at is not None else now()
    relative = _relative(cleaned.lower(), moment, end_of_day, what)
    if relative is not None:
        return relative
    try:
        parsed = datetime.fromisoformat(cleaned.replace("z", "Z"))
    except ValueError:
        raise BadTime(f"bad {what} {text!r}: use ISO 8601 or a time ago, e.g. {EXAMPLES}") from None
    if end_of_day and len(cleaned) == _DATE_LENGTH:
        parsed = datetime.combine(parsed.date(), time.max)
    return utc(parsed)


def _relative(text: str, moment: datetime, end_of_day: bool, what: str) -> datetime | None:
    if text in ("today", "yesterday"):
        day = moment.date() - timedelta(days=1 if text == "yesterday" else 0)
        return datetime.combine(day, time.max if end_of_day else time.min, tzinfo=timezone.utc)
    match = _AGO.fullmatch(text)
    if match is None:
        return None
    try:
        return moment - timedelta(**{_UNITS[match.group(2).lower()]: int(match.group(1))})
    except OverflowError:  # 999999999999d: before the year 1
        raise BadTime(f"bad {what} {text!r}: that reaches back before the year 1; give a shorter time ago or a date") from None


def aware(value: datetime | str | None) -> datetime | None:
    """A time read back as aware UTC; aggregates (``max``, ``min``) bypass the column type on SQLite and are text."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return utc(value)


def iso(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with a ``Z`` suffix, or ``None``."""
    if value is None:
        return None
    return utc(value).isoformat().replace("+00:00", "Z")


def now() -> datetime:
    return datetime.now(timezone.utc)
