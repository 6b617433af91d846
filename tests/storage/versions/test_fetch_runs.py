"""Runs of unchanged re-checks (issue 37.6): what joins a capture's run, what starts a row, and every fetch listed.

Through the Archive API on SQLite and PostgreSQL; the crawl and ``reindex``
side is in ``test_fetch_runs_crawl.py``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import create_engine, insert, select

from storage.archive import Archive
from storage.db.models import Capture
from tests.helpers.captures import T0, article, capture, scalars_of
from tests.helpers.schema import downgrade_to, revision_of
from tests.storage.web.test_pages import get, running_app

URL = "https://daily.example/news/council-vote"
DIGEST = "sha1:ORJUPKDU5JB3AB3YZ3TYUNCT4IHF5VJF"
TEXT = "The council met on Monday and voted to delay the bridge. Residents had asked for more time."


def table_count(db_url: str, table: str) -> int:
    [count] = scalars_of(db_url, f"SELECT count(*) FROM {table}")
    return int(count)


def recheck(at_hours: float, **changes):
    """An unchanged re-check: a revisit record of the first fetch's payload."""
    fetched = capture(URL, T0 + timedelta(hours=at_hours), record_type="revisit", digest=DIGEST, etag='"r1"',
                      warc_file=f"crawl-{int(at_hours):04d}.warc.gz", offset=int(at_hours) * 100)
    return replace(fetched, **changes) if changes else fetched


FIRST = capture(URL, T0, digest=DIGEST, etag='"r1"', warc_file="crawl-0000.warc.gz")


def test_unchanged_rechecks_add_fetch_rows_not_capture_rows(db_url, archive_dir) -> None:
    checks = [recheck(6 * n) for n in range(1, 5)]
    with Archive(db_url, archive_dir, create=True) as archive:
        archive.record_captures([(FIRST, article(TEXT))])
        for check in checks:
            archive.record_captures([(check, None)])
        assert table_count(db_url, "captures") == 1
        assert table_count(db_url, "capture_fetches") == len(checks)
        listed = archive.captures(URL)
        assert [c.warc_record_id for c in listed] == [FIRST.warc.record_id, *(c.warc.record_id for c in checks)]
        assert [c.fetched_at for c in listed] == [T0, *(c.fetched_at for c in checks)]
        assert [(c.record_type, c.warc_file, c.warc_offset) for c in listed[1:]] == [
            ("revisit", c.warc.file, c.warc.offset) for c in checks]
        stats = archive.stats()
        assert (stats.captures, stats.revisits, stats.last_capture) == (5, 4, checks[-1].fetched_at)
        [version] = archive.versions(URL)
        assert version.last_seen == checks[-1].fetched_at
        # the same records again (crash recovery, ingest of the same files) add nothing
        assert set(archive.record_captures([(check, None) for check in checks])) == {"unchanged"}
        assert (table_count(db_url, "captures"), table_count(db_url, "capture_fetches")) == (1, len(checks))
        assert archive.captures(URL) == listed


def test_a_recheck_unlike_the_latest_capture_gets_a_row_of_its_own(db_url, archive_dir) -> None:
    with Archive(db_url, archive_dir, create=True) as archive:
        archive.record_captures([(FIRST, article(TEXT))])
        archive.record_captures([(recheck(6), None)])  # joins
        archive.record_captures([(recheck(12, etag='"r2"'), None)])  # another ETag: a row, anchoring a new run
        archive.record_captures([(recheck(18, etag='"r2"'), None)])  # joins that one
        archive.record_captures([(recheck(3), None)])  # older than the run's last fetch: a row
        archive.record_captures([(recheck(24, etag='"r2"', status=304, content_type=None), None)])  # a 304 joins
        archive.record_captures([(recheck(30, etag='"r2"', status=304), None)])  # a 304 naming a type: a row
        assert table_count(db_url, "captures") == 4  # the first fetch, hours 3, 12 and 30
        assert table_count(db_url, "capture_fetches") == 3
        listed = archive.captures(URL)
        assert [c.fetched_at for c in listed] == [T0 + timedelta(hours=h) for h in (0, 3, 6, 12, 18, 24, 30)]
        assert [(c.etag, c.status, c.content_type) for c in listed[-3:]] == [
            ('"r2"', 200, "text/html; charset=utf-8"), ('"r2"', 304, None), ('"r2"', 304, "text/html; charset=utf-8")]
        entries = archive.page_captures(URL)
        assert [e.fetch for e in entries] == [0, 0, 1, 0, 1, 2, 0]


def test_every_fetch_of_a_run_opens_in_the_reading_room(db_url, archive_dir) -> None:
    with Archive(db_url, archive_dir, create=True) as archive:
        archive.record_captures([(FIRST, article(TEXT))])
        checks = [recheck(6), recheck(12)]
        for check in checks:
            archive.record_captures([(check, None)])
        [anchor] = scalars_of(db_url, "SELECT id FROM captures")
        with running_app(archive) as app:
            page = get(app + f"/page?url={URL}&format=json").json()
            assert [(c["id"], c["fetch"]) for c in page["captures"]] == [(anchor, 0), (anchor, 1), (anchor, 2)]
            html = get(app + f"/page?url={URL}").text
            assert f"/capture/{anchor}?fetch=2" in html
            for number, check in enumerate(checks, 1):
                answer = get(app + f"/capture/{anchor}?fetch={number}&format=json").json()
                assert answer["capture"]["warc_record_id"] == check.warc.record_id
                assert answer["payload_capture"]["warc_record_id"] == FIRST.warc.record_id
                assert answer["previous_fetch"] == number - 1
            assert get(app + f"/capture/{anchor}?format=json").json()["next_fetch"] == 1
            missing = get(app + f"/capture/{anchor}?fetch=3")
            assert missing.status == 404 and f"no fetch 3 of capture {anchor}" in missing.text
            assert get(app + f"/capture/{anchor}?fetch=x").status == 400


def test_an_older_archive_keeps_its_capture_ids_and_its_latest_row_anchors_the_next_run(db_url, archive_dir) -> None:
    """Rows written one per fetch before revision 0025 stay as they are: every id resolves, and growth stops."""
    with Archive(db_url, archive_dir, create=True) as archive:
        archive.record_captures([(FIRST, article(TEXT))])
    downgrade_to(db_url, "0024")
    old = [recheck(6), recheck(12)]
    engine = create_engine(db_url)
    with engine.begin() as connection:  # the rows an older newsarchive wrote for two unchanged re-checks
        [page_id] = connection.execute(select(Capture.page_id)).scalars()
        for check in old:
            connection.execute(insert(Capture.__table__).values(
                page_id=page_id, fetched_url=check.fetched_url, fetched_at=check.fetched_at, status=200,
                record_type="revisit", warc_file=check.warc.file, warc_offset=check.warc.offset,
                warc_length=check.warc.length, warc_record_id=check.warc.record_id, payload_digest=DIGEST,
                content_type=check.content_type, etag=check.etag))
    engine.dispose()
    with Archive(db_url, archive_dir, create=True) as archive:  # a writer: the cheap revision 0025 runs
        assert revision_of(db_url) == "0025"
        ids = [int(i) for i in scalars_of(db_url, "SELECT id FROM captures ORDER BY fetched_at")]
        assert [archive.capture(i).warc_record_id for i in ids] == [
            FIRST.warc.record_id, *(c.warc.record_id for c in old)]
        archive.record_captures([(recheck(18), None)])
        assert table_count(db_url, "captures") == 3 and table_count(db_url, "capture_fetches") == 1
        assert [(e.id, e.fetch) for e in archive.page_captures(URL)] == [(ids[0], 0), (ids[1], 0), (ids[2], 0),
                                                                         (ids[2], 1)]
