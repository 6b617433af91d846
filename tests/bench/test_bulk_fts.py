"""bulk_load's full-text indexing on SQLite: one statement per batch, the row trigger kept for everyone else."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from bench import bulk_load as bulk
from storage.archive import Archive
from tests.helpers.captures import article, capture, hours

TRIGGER = "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = 'versions_fts_insert'"


def items(prefix: str, n: int) -> list:
    return [(capture(f"https://daily.example/{prefix}{i}", hours(i)),
             article(f"Paragraph about the {prefix} harbour number {i}.\n\nAnother {prefix} line.", title=f"T{i}"))
            for i in range(n)]


def test_bulk_loaded_text_is_in_a_consistent_fts_index_and_the_trigger_stays(tmp_path: Path) -> None:
    with Archive(f"sqlite:///{tmp_path / 'a.sqlite3'}", tmp_path, create=True) as archive:
        bulk.bulk_load(archive, items("ferry", 7), batch=3)
        assert archive.read(lambda s: s.execute(text(TRIGGER)).scalar()) == 1
        # FTS5 compares its index with the versions table: raises if a row is missing or extra.
        archive.write(lambda s: s.execute(text("INSERT INTO versions_fts(versions_fts) VALUES ('integrity-check')")))
        assert len(archive.search("ferry harbour")) == 7
        archive.record_captures(items("tram", 1))  # the row-by-row path still indexes through the trigger
        assert [h.url for h in archive.search("tram")] == ["https://daily.example/tram0"]


def test_a_rolled_back_batch_leaves_the_trigger_and_no_index_rows(tmp_path: Path) -> None:
    with Archive(f"sqlite:///{tmp_path / 'a.sqlite3'}", tmp_path, create=True) as archive:
        def load_then_fail(session):
            bulk.load_batch(session, items("ferry", 3), None, {})
            raise RuntimeError("stop")

        with pytest.raises(RuntimeError):
            archive.write(load_then_fail)
        assert archive.read(lambda s: s.execute(text(TRIGGER)).scalar()) == 1
        assert archive.read(lambda s: s.execute(text("SELECT count(*) FROM versions_fts")).scalar()) == 0
        assert archive.search("ferry") == []
        archive.record_captures(items("tram", 1))
        assert len(archive.search("tram")) == 1


def test_bulk_load_ids_follow_rows_inserted_by_the_recorder(db_url: str, tmp_path: Path) -> None:
    with Archive(db_url, tmp_path / "archive", create=True) as archive:
        archive.record_captures(items("tram", 2))
        bulk.bulk_load(archive, items("ferry", 4), batch=2)
        archive.record_captures(items("bus", 2))
        assert archive.stats().versions == 8
        assert {len(archive.search(w)) for w in ("tram", "ferry", "bus")} == {2, 4}
        for i in range(4):
            (version,) = archive.versions(f"https://daily.example/ferry{i}")
            assert version.title == f"T{i}"
