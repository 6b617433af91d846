"""End to end: re-checks that find a page unchanged join its capture's run instead of adding capture rows (issue 37.6).

Real crawls of the simulated news web, whose article pages answer
``If-None-Match`` with 304, on SQLite and PostgreSQL: every listing still gives
every fetch, and ``reindex`` rebuilds the same runs from the WARCs alone.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from sqlalchemy import create_engine, text
from warcio.archiveiterator import ArchiveIterator

from storage.archive import Archive
from storage.export.wacz import write_wacz
from tests.helpers.cli import newsarchive
from tests.helpers.crawl import run_crawl
from tests.storage.versions.test_revisits_crawl import own_articles, seeds  # noqa: F401 - seeds is a fixture

NEWSWEB = {"seed": 31, "articles_per_outlet": 2}  # options of the `web` fixture (conftest.py)
RECHECKS = 3

CAPTURES = """SELECT c.warc_record_id, c.fetched_url, c.fetched_at, c.status, c.record_type, c.warc_file, c.warc_offset,
    c.warc_length, c.payload_digest, c.etag, c.last_fetched_at FROM captures c JOIN pages p ON p.id = c.page_id
    WHERE p.url = :url ORDER BY c.fetched_at"""
FETCHES = """SELECT c.warc_record_id, f.fetched_at, f.status, w.name, f.warc_offset, f.warc_length, f.record_id
    FROM capture_fetches f JOIN captures c ON c.id = f.capture_id JOIN warc_files w ON w.id = f.warc_file_id
    JOIN pages p ON p.id = c.page_id WHERE p.url = :url ORDER BY f.fetched_at"""


def rows(db_url: str, sql: str, url: str) -> list[tuple]:
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            return [tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)
                    for row in connection.execute(text(sql), {"url": url})]
    finally:
        engine.dispose()


def listing(db_url: str, archive_dir: Path, url: str) -> list[tuple]:
    with Archive(db_url, archive_dir) as archive:
        return [(c.fetched_at, c.status, c.record_type, c.warc_file, c.warc_offset, c.warc_record_id)
                for c in archive.captures(url)]


def record_ids_in(wacz: Path) -> set[str]:
    with zipfile.ZipFile(wacz) as package:
        data = package.read("archive/data.warc.gz")
    return {record.rec_headers.get_header("WARC-Record-ID") for record in ArchiveIterator(io.BytesIO(data))}


def crawl(archive_dir: Path, seeds: Path, web, db_url: str, outlet: str, recheck: str | None = None) -> None:
    args = {"outlet": outlet} if recheck is None else {"outlet": outlet, "recheck": recheck}
    run_crawl(archive_dir, seeds, web.proxy_url, db_url=db_url, args=args)


def test_unchanged_rechecks_join_the_captures_run_and_reindex_rebuilds_it(web, seeds, tmp_path, db_url) -> None:
    url = own_articles(web)[0]
    outlet = web.article(url).outlet
    archive_dir = tmp_path / "archive"
    crawl(archive_dir, seeds, web, db_url, outlet)
    for _ in range(RECHECKS):
        crawl(archive_dir, seeds, web, db_url, outlet, recheck="all")

    [capture] = rows(db_url, CAPTURES, url)  # one capture row: the first fetch, anchoring the run
    fetches = rows(db_url, FETCHES, url)
    assert len(fetches) == RECHECKS and {f[0] for f in fetches} == {capture[0]}
    assert capture[-1] == fetches[-1][1]  # last_fetched_at: the run's last re-check
    listed = listing(db_url, archive_dir, url)
    assert [(status, kind) for _, status, kind, *_ in listed] == [(200, "response")] + [(304, "revisit")] * RECHECKS
    assert [c[0] for c in listed] == sorted(c[0] for c in listed)
    assert len({c[-1] for c in listed}) == RECHECKS + 1  # every fetch with its own WARC record
    with Archive(db_url, archive_dir) as archive:
        entries = archive.page_captures(url)
        assert [(e.fetch, e.version) for e in entries] == [(0, 1)] + [(n, None) for n in range(1, RECHECKS + 1)]
        for entry in entries:  # each fetch is addressable: /capture/ID?fetch=N
            assert archive.capture(entry.id, entry.fetch) == entry
            assert archive.payload_capture(entry.id, entry.fetch).warc_record_id == entries[0].warc_record_id
        [version] = archive.versions(url)
        assert version.last_seen == listed[-1][0]
        stats = archive.stats()
        assert stats.last_capture >= listed[-1][0]
        # a WACZ of the last two re-checks holds their revisit records and the response they revisit
        write_wacz(archive, tmp_path / "late.wacz", outlet=outlet, since=listed[-2][0])
    packed = record_ids_in(tmp_path / "late.wacz")
    assert {listed[0][-1], listed[-2][-1], listed[-1][-1]} <= packed and listed[1][-1] not in packed

    result = newsarchive("--db", db_url, "--archive-dir", str(archive_dir), "reindex", "--yes",
                         "--seeds", str(seeds), "--workers", "1")
    assert result.exit_code == 0, result.output
    assert rows(db_url, CAPTURES, url) == [capture]
    assert rows(db_url, FETCHES, url) == fetches
    assert listing(db_url, archive_dir, url) == listed
    with Archive(db_url, archive_dir) as archive:
        assert archive.stats().captures == stats.captures


def test_a_changed_recheck_starts_a_new_capture_row_and_its_own_run(web, seeds, tmp_path, db_url) -> None:
    url = own_articles(web)[1]
    outlet = web.article(url).outlet
    archive_dir = tmp_path / "archive"
    crawl(archive_dir, seeds, web, db_url, outlet)
    crawl(archive_dir, seeds, web, db_url, outlet, recheck="all")
    # a paragraph of this test's own: the simulated web is the module's, edited again for the next backend
    web.edit_article(url, append_paragraph=f"Update: the council confirmed the figures ({tmp_path.name}).")
    for _ in range(2):
        crawl(archive_dir, seeds, web, db_url, outlet, recheck="all")

    captures = rows(db_url, CAPTURES, url)
    assert [(c[3], c[4]) for c in captures] == [(200, "response"), (200, "response")]
    fetches = rows(db_url, FETCHES, url)
    assert [f[0] for f in fetches] == [captures[0][0], captures[1][0]]  # one unchanged re-check in each run
    with Archive(db_url, archive_dir) as archive:
        versions = archive.versions(url)
        entries = archive.page_captures(url)
    assert [v.version for v in versions] == [1, 2] and versions[1].warc_record_id == captures[1][0]
    assert [(e.record_type, e.status, e.version) for e in entries] == [
        ("response", 200, 1), ("revisit", 304, None), ("response", 200, 2), ("revisit", 304, None)]
