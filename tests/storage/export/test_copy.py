"""``newsarchive copy --to URL``: a real SQLite archive copied into a fresh PostgreSQL schema."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from storage.archive import Archive
from storage.db.errors import ArchiveError
from storage.export.to_database import copy_archive
from tests.helpers.cli import newsarchive
from tests.helpers.captures import article, capture, hours, scratch_schema

STORY = "\n\n".join(f"The port authority approved berth number {n} for the new ferry terminal." for n in range(12))


@pytest.fixture
def pg_schema_url(pg_url: str) -> Iterator[str]:
    with scratch_schema(pg_url, "test_copy") as url:
        yield url


@pytest.fixture
def source(tmp_path: Path) -> Iterator[Archive]:
    """An SQLite archive with two versions of a page, a copy of it at another outlet, and a story."""
    with Archive(None, tmp_path / "archive", create=True) as archive:
        archive.record_capture(capture("https://port.example/ferry", hours(0), outlet="port"),
                               article(STORY, title="Ferry terminal"))
        archive.record_capture(capture("https://port.example/ferry", hours(2), outlet="port"),
                               article(STORY + "\n\nThe first sailing leaves at dawn.", title="Ferry terminal"))
        archive.record_capture(capture("https://wire.example/ferry", hours(1), outlet="wire"),
                               article(STORY, title="Ferry terminal approved"))
        archive.record_capture(capture("https://wire.example/other", hours(3), outlet="wire"),
                               article("Lighthouse keepers went on strike over pay.", title="Strike"))
        yield archive


def test_copy_to_postgresql_keeps_rows_ids_search_and_stories(source: Archive, pg_schema_url: str) -> None:
    before = source.stats()
    summary = copy_archive(source, pg_schema_url)
    assert summary.tables["versions"] == before.versions == 4
    assert summary.tables["story_members"] >= 2
    with Archive(pg_schema_url, source.archive_dir, create=False) as copy:
        assert copy.backend == "postgresql"
        after = copy.stats()
        assert (after.outlets, after.pages, after.captures, after.versions) == (
            before.outlets, before.pages, before.captures, before.versions)
        assert copy.versions("https://port.example/ferry") == source.versions("https://port.example/ferry")
        [hit] = copy.search("lighthouse strike")
        assert hit.url == "https://wire.example/other" and "**" in hit.snippet
        assert [h.version for h in copy.search('"first sailing"')] == [2]
        # The full-text index, dropped while versions were copied, is back.
        indexes = copy.read(lambda s: set(s.scalars(text("SELECT indexname FROM pg_indexes WHERE tablename = 'versions' "
                                                          "AND schemaname = current_schema()"))))
        assert "ix_versions_search" in indexes
        story = copy.copies("https://wire.example/ferry")
        assert story is not None and story.to_json() == source.copies("https://wire.example/ferry").to_json()
        # Sequences moved past the copied ids: new rows get fresh ids.
        copy.record_capture(capture("https://wire.example/new", hours(5), outlet="wire"),
                            article("Harbour dredging starts next week.", title="Dredging"))
        assert [h.url for h in copy.search("dredging")] == ["https://wire.example/new"]
        assert copy.stats().versions == 5


def test_copy_refuses_a_non_empty_target_unless_forced(source: Archive, pg_schema_url: str) -> None:
    copy_archive(source, pg_schema_url)
    with pytest.raises(ArchiveError, match="already holds an archive.*--force"):
        copy_archive(source, pg_schema_url)
    summary = copy_archive(source, pg_schema_url, force=True)
    assert summary.tables["versions"] == 4
    with Archive(pg_schema_url, source.archive_dir, create=False) as copy:
        assert copy.stats().versions == 4


def test_copy_command_copies_and_reports_in_one_line(source: Archive, pg_schema_url: str) -> None:
    where = ["--archive-dir", str(source.archive_dir)]
    result = newsarchive(*where, "copy", "--to", pg_schema_url, "--batch", "2")
    assert result.exit_code == 0, result.output
    assert "copied" in result.output and "versions 4" in result.output
    again = newsarchive(*where, "copy", "--to", pg_schema_url)
    assert again.exit_code == 1
    assert "--force" in again.output and "Traceback" not in again.output
    assert len(again.output.strip().splitlines()) == 1


def test_copy_command_names_an_unreachable_target(source: Archive) -> None:
    result = newsarchive("--archive-dir", str(source.archive_dir), "copy", "--to", "postgresql://nobody@127.0.0.1:1/none"
    )
    assert result.exit_code == 1
    assert "127.0.0.1:1" in result.output and "Traceback" not in result.output


def test_copy_to_another_sqlite_file_builds_its_full_text_index(source: Archive, tmp_path: Path) -> None:
    target = f"sqlite:///{tmp_path / 'copy.sqlite3'}"
    copy_archive(source, target, batch=1)
    with Archive(target, source.archive_dir, create=False) as copy:
        assert [h.url for h in copy.search("lighthouse")] == ["https://wire.example/other"]
        assert copy.version("https://port.example/ferry", at=hours(1)).version == 1


@pytest.mark.parametrize("target", ["postgresql", "sqlite"])
def test_copy_keeps_a_move_to_a_page_made_after_it(source: Archive, request: pytest.FixtureRequest,
                                                   tmp_path: Path, target: str) -> None:
    old, new = "https://port.example/ferry", "https://port.example/news/2024/05/01/ferry-terminal-r2"
    moved = dataclasses.replace(capture(old, hours(4), outlet="port"), fetched_url=new)
    source.record_capture(moved, article(STORY, title="Ferry terminal", canonical_url=new))
    assert source.versions(old)[-1].moved_to == new  # the old page's row points at a later one
    url = request.getfixturevalue("pg_schema_url") if target == "postgresql" else f"sqlite:///{tmp_path / 'copy.db'}"
    copy_archive(source, url)
    with Archive(url, source.archive_dir, create=False) as copy:
        assert copy.versions(old) == source.versions(old) and copy.versions(new)[0].moved_from == [old]
