"""``reindex`` while a crawl without the archive lock writes (distributed crawls turn it off).

What such a crawl writes into the index being replaced is in no WARC the
rebuild read, so a swap would lose it: the rebuild is not swapped in, and
says so in one line.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from storage.archive import Archive
from storage.db.errors import ArchiveError
from storage.ingest.reindex import reindex
from storage.outlets.domains import OutletMap
from storage.outlets.seeds import OutletSeed
from tests.helpers.captures import T0, article, capture
from tests.storage.ingest.test_ingest import Fetched, fetch_pair, write_warc

HTML = b"<html><head><title>Harbour vote</title></head><body><article><p>" + b"The council met. " * 40 + \
    b"</p></article></body></html>"
CRAWLED = "https://daily.example/news/harbour-vote"
RACING = "https://daily.example/news/written-during-the-rebuild"


@pytest.fixture
def archive_with_a_warc(db_url: str, archive_dir: Path) -> Path:
    (archive_dir / "warcs").mkdir(parents=True)
    page = Fetched(CRAWLED, 200, [("Content-Type", "text/html; charset=utf-8")], HTML)
    write_warc(archive_dir / "warcs" / "a.warc.gz", [fetch_pair(page, T0)])
    with Archive(db_url, archive_dir, create=True) as archive:
        archive.ensure_outlet("daily", ["daily.example"])
    return archive_dir


def _write_while_rebuilding(db_url: str, archive_dir: Path):
    """A progress callback that records a capture into the archive's index once, as a racing crawl would."""
    written = []

    def progress(*_: int) -> None:
        if not written:
            with Archive(db_url, archive_dir) as racing:
                racing.record_captures([(capture(RACING, T0 + timedelta(hours=1)), article("Written meanwhile."))])
            written.append(RACING)
    return progress


def test_a_capture_written_during_the_rebuild_is_not_lost_at_the_swap(db_url, archive_with_a_warc) -> None:
    outlets = OutletMap([OutletSeed(name="daily", domains=("daily.example",))])
    progress = _write_while_rebuilding(db_url, archive_with_a_warc)
    with pytest.raises(ArchiveError, match="archive was written during the rebuild"):
        reindex(db_url, archive_with_a_warc, outlets, confirm=lambda before, after: True, progress=progress,
                workers=1)
    with Archive(db_url, archive_with_a_warc) as archive:
        assert [v.url for v in archive.versions(RACING)] == [RACING]


def test_a_rebuild_with_no_writer_meanwhile_is_swapped_in(db_url, archive_with_a_warc) -> None:
    outlets = OutletMap([OutletSeed(name="daily", domains=("daily.example",))])
    reindex(db_url, archive_with_a_warc, outlets, confirm=lambda before, after: True, workers=1)
    with Archive(db_url, archive_with_a_warc) as archive:
        assert len(archive.captures(CRAWLED)) == 1
