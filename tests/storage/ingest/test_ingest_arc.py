"""ARC files, the Internet Archive's format before WARC, are ingested like WARCs (issue 16).

The file is written byte by byte in the ARC v1 layout (``tests.helpers.warcs.write_arc``:
a ``filedesc://`` header record, then one record per fetch: a URL line and the
HTTP response), read by warcio as every ARC reader does.
"""

from __future__ import annotations

import json
from pathlib import Path

from storage.archive import Archive
from tests.helpers.cli import newsarchive
from tests.helpers.warcs import write_arc

PAGES = {
    "http://www.harbour-news.example/notices/ferry-timetable": (
        "Ferry timetable changes",
        ["The harbour ferry will run every twenty minutes from Monday, the operator said.",
         "Night crossings stay hourly until the new pontoon opens in the spring."]),
    "http://www.harbour-news.example/notices/pier-repairs": (
        "Pier repairs begin",
        ["Repairs to the north pier began on Saturday after two years of delays.",
         "The council expects the work to be finished before the summer season."]),
}


def http_response(title: str, paragraphs: list[str]) -> bytes:
    body = (f"<html><head><title>{title}</title></head><body><h1>{title}</h1>"
            + "".join(f"<p>{p}</p>" for p in paragraphs) + "</body></html>").encode()
    head = (f"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {len(body)}\r\n\r\n"
            .encode())
    return head + body


def arc_file(path: Path, compress: bool) -> Path:
    captures = [(url, "20140216050221", http_response(title, paragraphs)) for url, (title, paragraphs) in PAGES.items()]
    return write_arc(path, captures, compress=compress)


def ingest(archive_dir: Path, *args: str) -> dict:
    result = newsarchive("--archive-dir", str(archive_dir), "ingest", *args, "--auto-outlets", "--workers", "1",
                         "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_an_arc_file_is_read_like_a_warc(tmp_path: Path) -> None:
    for compress in (False, True):
        arc = arc_file(tmp_path / f"harbour{'.arc.gz' if compress else '.arc'}", compress)
        summary = ingest(tmp_path / f"archive-{compress}", str(arc), "--all-pages")
        assert summary["damaged"] == [] and summary["records"] == len(PAGES)
        assert summary["new"] == len(PAGES)
        with Archive(archive_dir=tmp_path / f"archive-{compress}") as archive:
            for url, (title, paragraphs) in PAGES.items():
                [version] = archive.versions(url)
                assert version.title == title and paragraphs[1] in version.text
                assert version.first_seen.isoformat().startswith("2014-02-16T05:02:21")


def test_ingesting_an_arc_file_twice_adds_nothing(tmp_path: Path) -> None:
    arc = arc_file(tmp_path / "harbour.arc.gz", compress=True)
    ingest(tmp_path / "archive", str(arc), "--all-pages")
    again = ingest(tmp_path / "archive", str(arc), "--all-pages")
    assert again["captures_added"] == 0 and again["already_indexed"] == len(PAGES) and again["new"] == 0


def test_without_all_pages_pages_with_no_article_signal_are_captures_only(tmp_path: Path) -> None:
    arc = arc_file(tmp_path / "harbour.arc", compress=False)
    summary = ingest(tmp_path / "archive", str(arc))
    assert summary["captures_added"] == len(PAGES) and summary["new"] == 0 and summary["not_article"] == len(PAGES)
