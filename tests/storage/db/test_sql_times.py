"""Times in the SQLite file compare with ISO 8601 text the way the times compare (issue 15)."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from storage.archive import Archive
from storage.db.times import iso, parse_time
from tests.helpers.captures import article, capture
from tests.helpers.cli import newsarchive
from tests.helpers.schema import downgrade_to

T = datetime(2026, 12, 2, 3, 28, 35, 862339, tzinfo=timezone.utc)
STEPS = [timedelta(minutes=-2), timedelta(0), timedelta(seconds=30), timedelta(hours=5)]


@pytest.fixture
def archive_file(tmp_path: Path) -> Path:
    with Archive(archive_dir=tmp_path, create=True) as archive:
        archive.ensure_outlet("daily", ["daily.example"])
        for n, step in enumerate(STEPS):
            archive.record_capture(capture(f"https://daily.example/{n}", T + step), article(f"Story number {n}."))
    return tmp_path / "archive.sqlite3"


def count(path: Path, where: str) -> int:
    with sqlite3.connect(path) as connection:
        return connection.execute(f"SELECT count(*) FROM versions WHERE {where}").fetchone()[0]


@pytest.mark.parametrize("bound", [
    "2026-12-02T03:27:00Z", "2026-12-02T03:28:35.862339Z", "2026-12-02T03:28", "2026-12-02T03:29:00Z",
    "2026-12-02", "2026-12-02T08:00:00Z", iso(T + timedelta(seconds=30)),
])
def test_iso_8601_bounds_select_the_right_rows(archive_file: Path, bound: str) -> None:
    expected = sum(T + step >= parse_time(bound) for step in STEPS)
    assert count(archive_file, f"first_seen >= '{bound}'") == expected


def test_times_in_the_file_are_what_the_cli_prints(archive_file: Path) -> None:
    with sqlite3.connect(archive_file) as connection:
        stored = [row[0] for row in connection.execute("SELECT first_seen FROM versions ORDER BY id")]
    assert stored == [f"{T + step:%Y-%m-%dT%H:%M:%S.%f}Z" for step in STEPS]


def test_the_migration_rewrites_older_archives_and_loses_no_time(archive_file: Path) -> None:
    downgrade_to(f"sqlite:///{archive_file}", "0009")
    assert count(archive_file, "first_seen LIKE '2026-12-02 03:28:35.862339'") == 1  # the old form
    migrated = newsarchive("--archive-dir", str(archive_file.parent), "migrate", "--yes")  # 0010 rewrites every row
    assert migrated.exit_code == 0, migrated.output
    with Archive(archive_dir=archive_file.parent) as archive:
        firsts = sorted(v.first_seen for url in (f"https://daily.example/{n}" for n in range(4))
                        for v in archive.versions(url))
    assert firsts == [T + step for step in STEPS]
    assert count(archive_file, "first_seen >= '2026-12-02T03:28:35.862339Z'") == 3
