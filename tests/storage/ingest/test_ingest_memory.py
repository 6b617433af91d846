"""Ingest keeps flat memory and counts only its own captures.

A revisit of a response older than the payloads ingest keeps in memory is
resolved through the archive's index; ``captures_added`` counts what this run
wrote, whatever another writer adds meanwhile.
"""

from __future__ import annotations

from datetime import timedelta

from warcio.warcwriter import WARCWriter

from storage.archive import Archive
from storage.ingest import ingest as ingest_module
from storage.outlets.domains import load_outlet_map
from tests.helpers.captures import article, capture
from tests.storage.ingest.test_ingest import (  # noqa: F401  (NEWSWEB, pages and seeds: its web and fixtures)
    NEWSWEB,
    T0,
    Fetched,
    fetch_pair,
    pages,
    revisit_of,
    seeds,
    write_warc,
)


def copies(page: Fetched, count: int) -> list[Fetched]:
    """``page`` under ``count`` distinct URLs of its outlet."""
    return [Fetched(f"{page.url}?copy={n}", page.status, page.headers, page.body) for n in range(count)]


def run_ingest(archive: Archive, warc, seeds, progress=None):
    return ingest_module.ingest(archive, [warc], load_outlet_map([str(seeds)], None, False), workers=1, progress=progress)


def test_a_revisit_of_a_response_no_longer_kept_resolves_through_the_index(tmp_path, pages, seeds,
                                                                           monkeypatch) -> None:
    monkeypatch.setattr(ingest_module, "PAYLOADS_KEPT", 1)  # keep only as many as can be unwritten
    page, made = pages[0], []

    def first(writer: WARCWriter) -> list:
        records = fetch_pair(page, T0)(writer)
        made.append(records[0])
        return records

    others = copies(pages[1], ingest_module.IN_FLIGHT_PER_WORKER + ingest_module.WRITE_BATCH + 20)
    warc = tmp_path / "a.warc.gz"
    write_warc(warc, [first, *(fetch_pair(other, T0 + timedelta(minutes=1)) for other in others),
                      lambda w: revisit_of(page, made[0], T0 + timedelta(hours=1))(w)])
    with Archive(archive_dir=tmp_path / "archive", create=True) as archive:
        summary = run_ingest(archive, warc, seeds)
        assert summary.revisits_unresolved == 0
        [only] = archive.versions(page.url)
        assert only.last_seen == T0 + timedelta(hours=1)


def test_captures_added_are_this_runs_while_another_writer_adds_captures(tmp_path, pages, seeds) -> None:
    warc = tmp_path / "a.warc.gz"
    write_warc(warc, [fetch_pair(page, T0) for page in pages])
    written = []

    def another_writer(_bytes: int, records: int) -> None:
        if records == 1 and not written:
            with Archive(archive_dir=tmp_path / "archive") as other:
                other.ensure_outlet("elsewhere", ["elsewhere.example"])
                other.record_capture(capture("https://elsewhere.example/a/story", T0, outlet="elsewhere"),
                                     article("A story from another writer.\n\nIts second paragraph."))
            written.append(True)

    with Archive(archive_dir=tmp_path / "archive", create=True) as archive:
        summary = run_ingest(archive, warc, seeds, progress=another_writer)
        assert written and archive.stats().captures == len(pages) + 1
    assert summary.captures_added == len(pages) and summary.already_indexed == 0
