"""UTC time for the archive: parse what users type, print ISO 8601."""

from __future__ import annotations

from datetime import datetime, time, timezone

from storage.db.errors import BadTime

_DATE_LENGTH = len("2024-05-01")

def utc(value: datetime) -> datetime:
    """``value`` as an aware UTC datetime; naive values are taken to be UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)

def parse_time(text: str, *, end_of_day: bool = False, what: str = "time") -> datetime:
    """Parse an ISO 8601 timestamp or plain date (``2024-05-01``) into aware UTC.

    A plain date means its first instant, or its last with ``end_of_day``
    (so ``--until 2024-05-01`` includes that whole day). Raises :class:`BadTime`.
    """
    cleaned = text.strip()
    try:
        parsed = datetime.fromisoformat(cleaned.replace("z", "Z"))
    except ValueError:
        raise BadTime(
            f"bad {what} {text!r}: use ISO 8601, e.g. 2024-05-01 or 2024-05-01T12:00:00Z"
        ) from None
    if end_of_day and len(cleaned) == _DATE_LENGTH:
        parsed = datetime.combine(parsed.date(), time.max)
    return utc(parsed)

def iso(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with a ``Z`` suffix, or ``None``."""
    if value is None:
        return None
    return utc(value).isoformat().replace("+00:00", "Z")

def now() -> datetime:
    return datetime.now(timezone.utc)
