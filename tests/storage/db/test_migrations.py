"""Opening an archive never runs a migration that works through a big table; ``newsarchive migrate`` does (issue 37)."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from crawler.exitcodes import MIGRATION_NEEDED, NOTHING_FETCHED
from storage.archive import Archive
from storage.db.errors import SchemaNeedsMigration
from storage.db.migrate import head_revisions
from tests.helpers.captures import T0, article, capture
from tests.helpers.cli import newsarchive
from tests.helpers.crawl import run_crawl, start_crawl
from tests.helpers.schema import downgrade_to, revision_of

HEAD = next(iter(head_revisions()))
BEFORE_HEAVY = "0011"  # 0012 rewrites every version and builds an index
BEFORE_CHEAP = "0019"  # 0020 adds two columns to page_schedule: cheap
URL = "https://daily.example/news/story-1"
UNREACHABLE_SEED = """
[[outlet]]
name = "nowhere"
domains = ["nowhere.invalid"]
start_urls = ["http://www.nowhere.invalid/"]
"""


@pytest.fixture
def old_archive(db_url: str, archive_dir: Path) -> str:
    """An archive holding a version, taken back to the revision before a heavy one."""
    with Archive(db_url, archive_dir, create=True) as archive:
        archive.ensure_outlet("daily", ["daily.example"])
        archive.record_capture(capture(URL, T0), article("The council met on Monday.", language="en"))
    downgrade_to(db_url, BEFORE_HEAVY)
    return db_url


def crawl(archive_dir: Path, db_url: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    seeds = tmp_path / "seeds.toml"
    seeds.write_text(UNREACHABLE_SEED, encoding="utf-8")
    return run_crawl(archive_dir, seeds, None, db_url=db_url, check=False,
                     settings={"LOG_LEVEL": "WARNING", "RETRY_TIMES": "0"}, timeout=120)


def test_a_crawl_refuses_an_archive_that_needs_a_heavy_migration_in_one_line(
        old_archive: str, archive_dir: Path, tmp_path: Path) -> None:
    result = crawl(archive_dir, old_archive, tmp_path)
    assert result.returncode == MIGRATION_NEEDED, result.stderr[-3000:]
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert lines[0].startswith("error: ") and "0012" in lines[0] and " migrate" in lines[0]
    assert revision_of(old_archive) == BEFORE_HEAVY


def test_opening_to_write_refuses_and_a_read_command_never_migrates(old_archive: str, archive_dir: Path) -> None:
    with pytest.raises(SchemaNeedsMigration, match="migrate"):
        Archive(old_archive, archive_dir, create=True)
    result = newsarchive("--db", old_archive, "--archive-dir", str(archive_dir), "stats")
    assert result.exit_code == MIGRATION_NEEDED
    assert result.stderr.count("\n") == 1 and "migrate" in result.stderr
    assert revision_of(old_archive) == BEFORE_HEAVY


def test_migrate_estimates_asks_then_brings_the_archive_to_head(old_archive: str, archive_dir: Path) -> None:
    where = ("--db", old_archive, "--archive-dir", str(archive_dir))
    declined = newsarchive(*where, "migrate", input="n\n")
    assert declined.exit_code == 1
    assert "0012" in declined.stdout and "rows of versions" in declined.stdout
    assert revision_of(old_archive) == BEFORE_HEAVY

    done = newsarchive(*where, "migrate", "--yes")
    assert done.exit_code == 0, done.output
    assert f"the archive is at {HEAD}" in done.stdout
    assert "0015 done" in done.stderr
    assert revision_of(old_archive) == HEAD
    engine = create_engine(old_archive)
    try:
        with engine.connect() as connection:
            # The rewrite reached the version that was there before.
            assert connection.execute(text("SELECT declared_language FROM versions")).scalar_one() == "en"
    finally:
        engine.dispose()
    assert newsarchive(*where, "stats").exit_code == 0
    assert "is up to date" in newsarchive(*where, "migrate").stdout


def test_cheap_revisions_run_when_a_writer_opens_the_archive(db_url: str, archive_dir: Path) -> None:
    with Archive(db_url, archive_dir, create=True) as archive:
        archive.ensure_outlet("daily", ["daily.example"])
    downgrade_to(db_url, BEFORE_CHEAP)
    assert newsarchive("--db", db_url, "--archive-dir", str(archive_dir), "outlets").exit_code == MIGRATION_NEEDED
    assert revision_of(db_url) == BEFORE_CHEAP
    with Archive(db_url, archive_dir, create=True) as archive:
        assert [outlet.name for outlet in archive.outlets()] == ["daily"]
    assert revision_of(db_url) == HEAD


def test_a_crawl_still_creates_a_new_archive(db_url: str, archive_dir: Path, tmp_path: Path) -> None:
    result = crawl(archive_dir, db_url, tmp_path)
    assert result.returncode == NOTHING_FETCHED, result.stderr[-3000:]
    assert revision_of(db_url) == HEAD


def test_a_half_built_new_archive_is_finished_by_the_next_writer(db_url: str, archive_dir: Path) -> None:
    """Another process creating the archive commits its revisions one by one: a crawl starting beside it sees a
    schema below a heavy revision with empty tables, and must go on (three distributed crawls start together)."""
    with Archive(db_url, archive_dir, create=True):
        pass
    downgrade_to(db_url, BEFORE_HEAVY)
    with Archive(db_url, archive_dir, create=True) as archive:
        archive.ensure_outlet("daily", ["daily.example"])
    assert revision_of(db_url) == HEAD


def test_an_archive_made_older_after_the_crawl_checked_it_is_refused_in_the_same_line(tmp_path: Path) -> None:
    """The race the check before a crawl cannot see: the archive is replaced by an older one (a restore, an older
    writer) between that check and the crawl opening it. The crawl's opening refuses it as the check would have:
    one line, exit 78, no traceback. The older archive is put in place the moment the crawl holds its lock, which
    it takes right after the check, seconds before its engine starts."""
    older = tmp_path / "older.sqlite3"
    with Archive(f"sqlite:///{older}", tmp_path / "scratch", create=True) as archive:
        archive.ensure_outlet("daily", ["daily.example"])
        archive.record_capture(capture(URL, T0), article("The council met on Monday.", language="en"))
    downgrade_to(f"sqlite:///{older}", BEFORE_HEAVY)
    seeds = tmp_path / "seeds.toml"
    seeds.write_text(UNREACHABLE_SEED, encoding="utf-8")
    archive_dir = tmp_path / "archive"
    crawl = start_crawl(archive_dir, seeds, None, settings={"LOG_LEVEL": "WARNING", "RETRY_TIMES": "0"})
    try:
        deadline = time.monotonic() + 120
        while not (archive_dir / "crawl.lock").exists() and crawl.poll() is None and time.monotonic() < deadline:
            time.sleep(0.002)
        assert not (archive_dir / "archive.sqlite3").exists(), "the crawl opened its archive before the swap"
        os.replace(older, archive_dir / "archive.sqlite3")
        _, stderr = crawl.communicate(timeout=120)
    finally:
        crawl.kill()
        crawl.wait()
    assert crawl.returncode == MIGRATION_NEEDED, stderr[-3000:]
    assert "Traceback" not in stderr and " ERROR: " not in stderr, stderr[-3000:]
    errors = [line for line in stderr.splitlines() if line.strip() and " WARNING: " not in line]
    assert len(errors) == 1, errors
    assert errors[0].startswith("error: ") and "0012" in errors[0] and " migrate" in errors[0]
    assert revision_of(f"sqlite:///{archive_dir / 'archive.sqlite3'}") == BEFORE_HEAVY
