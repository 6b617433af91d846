"""The Archive API on real SQLite and PostgreSQL: schema, versioning, queries."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import IntegrityError

from storage.archive import Archive
from storage.db.errors import (
    ArchiveMissing,
    DatabaseUnreachable,
    NoSuchOutlet,
    NoSuchPage,
    NoSuchVersion,
)
from storage.db.migrate import head_revisions
from storage.versions.captures import Outcome
from tests.helpers.captures import T0, article, capture, hours  # noqa: F401

URL = "https://daily.example/news/story-1"
BODY = "The council met on Monday.\n\nIt voted to close the bridge for repairs."


def count_rows(db_url: str, table: str) -> int:
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            return connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
    finally:
        engine.dispose()


def test_migration_creates_schema_and_full_text_index(archive: Archive, db_url: str) -> None:
    engine = create_engine(db_url)
    try:
        inspector = inspect(engine)
        assert {"outlets", "pages", "captures", "versions", "alembic_version"} <= set(inspector.get_table_names())
        with engine.connect() as connection:
            assert {connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()} == head_revisions()
        if archive.backend == "sqlite":
            assert "versions_fts" in inspector.get_table_names()
        else:
            assert "search" in {c["name"] for c in inspector.get_columns("versions")}
            assert "ix_versions_search" in {i["name"] for i in inspector.get_indexes("versions")}
    finally:
        engine.dispose()


def test_reopening_an_archive_keeps_its_rows(archive: Archive, db_url: str, tmp_path: Path) -> None:
    archive.record_capture(capture(URL, T0), article(BODY))
    with Archive(db_url, tmp_path / "archive", create=False) as again:
        assert [v.version for v in again.versions(URL)] == [1]


def test_first_capture_creates_version_one(archive: Archive) -> None:
    outcome = archive.record_capture(capture(URL, T0), article(BODY, authors=["Ann Lee"], language="en"))
    assert outcome is Outcome.NEW
    [version] = archive.versions(URL)
    assert (version.version, version.outlet, version.text, version.authors) == (1, "daily", BODY, ["Ann Lee"])
    assert version.first_seen == version.last_seen == T0


def test_unchanged_recapture_adds_a_capture_not_a_version(archive: Archive, db_url: str) -> None:
    archive.record_capture(capture(URL, T0), article(BODY))
    outcome = archive.record_capture(capture(URL, hours(6)), article(BODY))
    assert outcome is Outcome.UNCHANGED
    [version] = archive.versions(URL)
    assert (version.first_seen, version.last_seen) == (T0, hours(6))
    assert len(archive.captures(URL)) == 2
    assert count_rows(db_url, "versions") == 1


def test_changed_text_adds_version_two(archive: Archive) -> None:
    archive.record_capture(capture(URL, T0), article(BODY))
    changed = BODY + "\n\nUpdate: the council reversed its decision."
    assert archive.record_capture(capture(URL, hours(3)), article(changed)) is Outcome.CHANGED
    first, second = archive.versions(URL)
    assert (first.version, second.version) == (1, 2)
    assert first.last_seen == T0 and second.first_seen == hours(3)
    assert second.change_summary is not None
    assert second.change_summary["paragraphs_added"] == 1
    assert second.change_summary["title_changed"] is False


def test_changed_title_alone_adds_a_version(archive: Archive) -> None:
    archive.record_capture(capture(URL, T0), article(BODY, title="Bridge to close"))
    outcome = archive.record_capture(capture(URL, hours(1)), article(BODY, title="Bridge closes for a month"))
    assert outcome is Outcome.CHANGED
    assert archive.versions(URL)[1].change_summary["title_changed"] is True


def test_whitespace_quote_and_dash_changes_add_no_version(archive: Archive) -> None:
    archive.record_capture(capture(URL, T0), article('He said "no" - twice.\n\nCafe\u0301 closed.'))
    respaced = "  He said \u201cno\u201d \u2013 twice.\n\n\n   Caf\u00e9\u00a0closed.  "
    assert archive.record_capture(capture(URL, hours(1)), article(respaced)) is Outcome.UNCHANGED
    assert len(archive.versions(URL)) == 1


def test_same_warc_record_twice_is_idempotent(archive: Archive, db_url: str) -> None:
    first = capture(URL, T0, record_id="<urn:uuid:11111111-1111-1111-1111-111111111111>")
    archive.record_capture(first, article(BODY))
    again = archive.record_captures([(first, article(BODY + " Changed.")), (first, article(BODY))])
    assert again == [Outcome.UNCHANGED, Outcome.UNCHANGED]
    assert count_rows(db_url, "captures") == 1
    assert len(archive.versions(URL)) == 1


def test_a_new_warc_record_twice_in_one_batch_is_indexed_once(archive: Archive, db_url: str) -> None:
    first = capture(URL, T0, record_id="<urn:uuid:22222222-2222-2222-2222-222222222222>")
    outcomes = archive.record_captures([(first, article(BODY)), (first, article(BODY + " Changed."))])
    assert outcomes == [Outcome.NEW, Outcome.UNCHANGED]
    assert count_rows(db_url, "captures") == 1
    assert [v.text for v in archive.versions(URL)] == [BODY]


def test_a_failing_batch_records_nothing(archive: Archive, db_url: str) -> None:
    good = capture("https://daily.example/news/ok", T0)
    bad = capture("https://daily.example/news/bad", T0)
    object.__setattr__(bad, "status", None)  # violates NOT NULL in the database itself
    with pytest.raises(IntegrityError):
        archive.record_captures([(good, article(BODY)), (bad, article(BODY))])
    assert count_rows(db_url, "captures") == 0
    assert count_rows(db_url, "pages") == 0


def test_capture_without_article_text_adds_no_version(archive: Archive) -> None:
    assert archive.record_capture(capture(URL, T0), None) is Outcome.NOT_ARTICLE
    assert archive.record_capture(capture(URL, hours(1)), article("   ")) is Outcome.NOT_ARTICLE
    assert archive.versions(URL) == []
    assert len(archive.captures(URL)) == 2
    with pytest.raises(NoSuchVersion, match="no article text"):
        archive.version(URL)


def test_revisit_of_the_same_payload_extends_the_latest_version(archive: Archive) -> None:
    archive.record_capture(capture(URL, T0, digest="sha1:AAAA"), article(BODY))
    revisit = capture(URL, hours(5), digest="sha1:AAAA", record_type="revisit")
    assert archive.record_capture(revisit, None) is Outcome.UNCHANGED
    assert archive.versions(URL)[0].last_seen == hours(5)
    assert [c.record_type for c in archive.captures(URL)] == ["response", "revisit"]


def test_version_at_a_time_and_by_number(archive: Archive) -> None:
    archive.record_capture(capture(URL, T0), article(BODY))
    archive.record_capture(capture(URL, hours(2)), article(BODY + " More."))
    archive.record_capture(capture(URL, hours(4)), article(BODY + " Even more."))
    assert archive.version(URL, at=hours(1)).version == 1
    assert archive.version(URL, at=hours(2)).version == 2
    assert archive.version(URL, at=hours(100)).version == 3
    assert archive.version(URL).version == 3
    assert archive.version(URL, number=2).text.endswith("More.")
    with pytest.raises(NoSuchVersion, match="first captured 2024-05-01T08:00:00Z"):
        archive.version(URL, at=T0 - timedelta(days=1))
    with pytest.raises(NoSuchVersion, match="versions 1 to 3"):
        archive.version(URL, number=9)


def test_unknown_url_raises_no_such_page(archive: Archive) -> None:
    with pytest.raises(NoSuchPage, match="no page https://daily.example/missing"):
        archive.versions("https://daily.example/missing")


def test_pages_are_found_by_fetched_url_too(archive: Archive) -> None:
    archive.record_capture(capture(URL, T0), article(BODY))
    assert archive.version(URL + "?utm_source=feed").url == URL


def test_times_come_back_timezone_aware_utc(archive: Archive) -> None:
    paris = timezone(timedelta(hours=2))
    at = datetime(2024, 5, 1, 12, 30, tzinfo=paris)
    archive.record_capture(capture(URL, at), article(BODY, published=datetime(2024, 5, 1, 9, 0, tzinfo=paris)))
    version = archive.version(URL)
    assert version.first_seen == at and version.first_seen.utcoffset() == timedelta(0)
    assert version.published.tzinfo is not None and version.published.hour == 7
    assert version.to_json()["first_seen"] == "2024-05-01T10:30:00Z"


def test_outlets_report_counts_and_last_capture(archive: Archive) -> None:
    archive.record_capture(capture(URL, T0), article(BODY))
    archive.record_capture(capture(URL, hours(1)), article(BODY + " New."))
    archive.record_capture(capture("https://other.example/a", hours(2), outlet="other"), article(BODY))
    by_name = {o.name: o for o in archive.outlets()}
    assert (by_name["daily"].pages, by_name["daily"].versions, by_name["daily"].domains) == (1, 2, ["daily.example"])
    assert by_name["daily"].last_capture == hours(1)
    assert (by_name["other"].pages, by_name["other"].versions) == (1, 1)


def test_last_capture_gives_what_a_conditional_request_needs(archive: Archive) -> None:
    assert archive.last_capture(URL) is None
    archive.record_capture(capture(URL, T0, etag='"v1"', digest="sha1:OLD"), article(BODY))
    archive.record_capture(capture(URL, hours(1), etag='"v2"', digest="sha1:NEW", offset=999), article(BODY))
    last = archive.last_capture(URL)
    assert (last.etag, last.payload_digest, last.warc_offset, last.fetched_at) == ('"v2"', "sha1:NEW", 999, hours(1))


def test_stats_count_everything(archive: Archive) -> None:
    archive.record_capture(capture(URL, T0), article(BODY))
    archive.record_capture(capture(URL, hours(1)), article(BODY + " New."))
    archive.record_capture(capture("https://daily.example/b", hours(2)), None)
    stats = archive.stats()
    assert (stats.outlets, stats.pages, stats.captures, stats.versions, stats.changed_pages) == (1, 2, 3, 2, 1)
    assert (stats.first_capture, stats.last_capture) == (T0, hours(2))


def test_export_streams_versions_with_filters(archive: Archive) -> None:
    for n in range(7):
        archive.record_capture(capture(f"https://daily.example/{n}", hours(n)), article(f"Story {n} text."))
    archive.record_capture(capture("https://daily.example/0", hours(10)), article("Story 0 rewritten."))
    assert len(list(archive.export())) == 8
    window = [v.url for v in archive.export(since=hours(2), until=hours(4))]
    assert window == [f"https://daily.example/{n}" for n in (2, 3, 4)]
    latest = {v.url: v.version for v in archive.export(latest_only=True)}
    assert len(latest) == 7 and latest["https://daily.example/0"] == 2
    with pytest.raises(NoSuchOutlet, match="no outlet 'nobody' in the archive"):
        list(archive.export(outlet="nobody"))


def test_concurrent_writers_number_versions_without_gaps(archive: Archive) -> None:
    def crawl(worker: int) -> None:
        for n in range(10):
            archive.record_capture(capture(URL, hours(worker * 10 + n)), article(f"Text {worker}-{n}"))
            archive.record_capture(capture(f"https://daily.example/w{worker}/{n}", T0), article("Same text"))

    threads = [threading.Thread(target=crawl, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [v.version for v in archive.versions(URL)] == list(range(1, 41))
    assert archive.stats().pages == 41


def test_unreachable_database_is_one_clear_error() -> None:
    with pytest.raises(DatabaseUnreachable) as error:
        Archive("postgresql://nobody@127.0.0.1:1/x")
    message = str(error.value)
    assert "127.0.0.1:1/x" in message and "\n" not in message


def test_opening_from_the_wrong_folder_creates_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEWSARCHIVE_DB_URL", raising=False)
    with pytest.raises(ArchiveMissing, match="no archive at archive/archive.sqlite3"):
        Archive(archive_dir="archive")
    assert list(tmp_path.iterdir()) == []


def test_read_only_open_does_not_create_a_missing_archive(tmp_path: Path) -> None:
    with pytest.raises(ArchiveMissing, match="no archive at"):
        Archive(archive_dir=tmp_path / "nothing", create=False)
    assert not (tmp_path / "nothing").exists()


def test_default_database_is_sqlite_in_the_archive_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEWSARCHIVE_DB_URL", raising=False)
    with Archive(archive_dir=tmp_path / "arch", create=True) as archive:
        archive.record_capture(capture(URL, T0), article(BODY))
    assert (tmp_path / "arch" / "archive.sqlite3").is_file()


def test_revisit_of_a_different_payload_is_not_an_article(archive: Archive) -> None:
    archive.record_capture(capture(URL, T0, digest="sha1:AAAA"), article(BODY))
    revisit = capture(URL, hours(5), digest="sha1:BBBB", record_type="revisit")
    assert archive.record_capture(revisit, None) is Outcome.NOT_ARTICLE
    assert archive.versions(URL)[0].last_seen == T0
