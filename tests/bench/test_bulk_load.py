"""bench.bulk_load on real SQLite and PostgreSQL: the same versions as record_captures, faster."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from extract.article import Article
from bench.bulk_load import bulk_load
from storage.archive import Archive
from storage.db.fastpath import insert_rows
from storage.versions.captures import CaptureInput
from tests.helpers.captures import article, capture, hours  # noqa: F401

# Unchanged across versions: a change summary must not report it (the bulk path once did).
PUBLISHED = hours(-3)
BODY = " ".join(f"Paragraph word{n} about the council budget." for n in range(30))


def stream() -> list[tuple[CaptureInput, Article | None]]:
    """New pages, unchanged re-captures, edits, a noise-only change, a 404 and a revisit, in one batch."""
    a, b, c = "https://daily.example/a", "https://daily.example/b", "https://daily.example/c"
    items: list[tuple[CaptureInput, Article | None]] = [
        (capture(a, hours(0)), article(BODY, title="Budget", published=PUBLISHED)),
        (capture(b, hours(0.5)), article("Short note on the weather today.", title="Weather")),
        (capture(a, hours(1)), article(BODY, title="Budget", published=PUBLISHED)),  # unchanged
        (capture(a, hours(2)), article(BODY + "\n\nA new paragraph on the vote.", title="Budget", published=PUBLISHED)),
        (capture(b, hours(3)), article("Short note on the weather today.\n\nUpdated 5 minutes ago", title="Weather")),
        (capture(c, hours(3)), None),  # not an article
        (capture(b, hours(4)), article("Storms expected tonight.", title="Weather")),
    ]
    gone = dataclasses.replace(capture(a, hours(5)), status=404)
    items.append((gone, None))
    return items


def snapshot(archive: Archive) -> list[tuple]:
    rows = []
    for url in ("https://daily.example/a", "https://daily.example/b"):
        for v in archive.versions(url):
            rows.append((v.url, v.version, v.state, v.title, v.text, v.first_seen, v.last_seen, v.change_summary))
    return rows


# Batches split pages across transactions; with 2 and 4 a version extended by an unchanged
# capture is followed by a new version in the same batch.
@pytest.mark.parametrize("batch", [2, 3, 4])
def test_bulk_load_makes_the_versions_record_captures_makes(db_url: str, tmp_path: Path, batch: int) -> None:
    items = stream()
    with Archive(f"sqlite:///{tmp_path / 'reference.sqlite3'}", tmp_path / "ref", create=True) as reference:
        outcomes = reference.record_captures(items)
        expected = snapshot(reference)
    with Archive(db_url, tmp_path / "archive", create=True) as archive:
        summary = bulk_load(archive, items, batch=batch)
        assert snapshot(archive) == expected
        assert summary.captures == len(items)
        assert (summary.new, summary.changed) == (
            sum(o.value == "new" for o in outcomes), sum(o.value == "changed" for o in outcomes))
        assert [v.state for v in archive.versions("https://daily.example/a")][-1] == "removed"
        assert [h.url for h in archive.search("storms")] == ["https://daily.example/b"]
        assert archive.stats().captures == len(items)


def test_bulk_load_skips_records_already_indexed(db_url: str, tmp_path: Path) -> None:
    items = stream()
    with Archive(db_url, tmp_path / "archive", create=True) as archive:
        bulk_load(archive, items[:4])
        again = bulk_load(archive, items)
        assert again.skipped == 4
        assert archive.stats().captures == len(items)


def test_bulk_loaded_versions_join_stories_after_index_stories(db_url: str, tmp_path: Path) -> None:
    text = "\n\n".join(f"The minister announced measure number {n} for the regional rail network." for n in range(12))
    items = [
        (capture("https://daily.example/rail", hours(0), outlet="daily"), article(text, title="Rail plan")),
        (capture("https://other.example/rail", hours(1), outlet="other"), article(text, title="Rail plan")),
    ]
    with Archive(db_url, tmp_path / "archive", create=True) as archive:
        bulk_load(archive, items)
        assert archive.copies("https://other.example/rail") is None  # deferred
        seen, joined = archive.index_stories()
        assert (seen, joined) == (2, 1)  # the second version found the first
        story = archive.copies("https://other.example/rail")
        assert story is not None and story.origin.url == "https://daily.example/rail"
        assert sorted(m.url for m in story.members) == ["https://daily.example/rail", "https://other.example/rail"]


def test_versions_text_hash_is_kept_but_not_indexed(db_url: str, tmp_path: Path) -> None:
    from sqlalchemy import create_engine, inspect

    with Archive(db_url, tmp_path / "archive", create=True):
        pass
    engine = create_engine(db_url)
    try:
        inspector = inspect(engine)
        assert "text_hash" in {c["name"] for c in inspector.get_columns("versions")}
        assert "ix_versions_text_hash" not in {i["name"] for i in inspector.get_indexes("versions")}
    finally:
        engine.dispose()


def test_rows_go_in_as_sqlalchemy_would_store_them(tmp_path: Path) -> None:
    """``insert_rows``' straight ``executemany`` (the bulk path's) stores the values ``insert(table)`` stores."""
    from sqlalchemy import insert, text

    from storage.db.models import Outlet

    rows = [{"id": n, "name": f"outlet-{n}", "domains": ["a.example", "b"], "created_at": hours(n)} for n in (1, 2)]
    with Archive(f"sqlite:///{tmp_path / 'a.sqlite3'}", tmp_path, create=True) as archive:
        def stored(session, how) -> list[tuple]:
            how(session.connection(), Outlet.__table__, rows)
            found = session.execute(text("SELECT id, name, domains, created_at FROM outlets ORDER BY id")).all()
            session.execute(text("DELETE FROM outlets"))
            return [tuple(r) for r in found]

        fast = archive.write(lambda s: stored(s, insert_rows))
        slow = archive.write(lambda s: stored(s, lambda c, t, r: c.execute(insert(t), r)))
    assert fast == slow and len(fast) == 2
