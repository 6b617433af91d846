"""What an archive directory already holds, before the demo writes into it: nothing, the demo, or a real crawl."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

from storage.archive import Archive
from storage.db.engine import resolve_url, sqlite_path


class Holds(Enum):
    NOTHING = "nothing"
    DEMO = "demo"
    OTHER = "other"


def held(archive_dir: Path, demo_outlets: set[str]) -> tuple[Holds, list[str]]:
    """Whether ``archive_dir`` is empty, holds the demo's outlets only, or others (named in the list)."""
    database = sqlite_path(resolve_url(None, archive_dir))
    if database is None or not database.is_file():
        warcs = archive_dir / "warcs"
        return (Holds.OTHER, []) if warcs.is_dir() and any(warcs.iterdir()) else (Holds.NOTHING, [])
    with Archive(archive_dir=archive_dir, read_only=True) as archive:
        names = [outlet.name for outlet in archive.outlets()]
    if not names:
        return Holds.NOTHING, []
    others = sorted(set(names) - demo_outlets)
    return (Holds.OTHER, others) if others else (Holds.DEMO, names)
