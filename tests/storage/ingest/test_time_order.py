"""Captures out of time order across WARC files (issue 32): ``ingest`` and ``reindex`` get the history right.

WARC files are written here with warcio, one outlet's article captured with text
A at 09:00 and 11:00 and text B at 10:00: what a reader saw was A, then B, then
A again, and at 10:30 it was B.
"""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storage.archive import Archive
from storage.ingest.ingest import file_ref
from storage.ingest.time_order import TimeOrder
from storage.warc.reader import WarcEntry
from tests.helpers.captures import scalars_of
from tests.helpers.cli import newsarchive

URL = "http://www.harbour-news.example/2024/05/01/tunnel-closure-plans-change-again"
SEEDS = """[[outlet]]
name = "harbour-news"
domains = ["harbour-news.example"]
start_urls = ["http://www.harbour-news.example/"]
"""
PARAGRAPHS = [
    "Drivers will be sent over the old swing bridge, which the authority expects to add twenty minutes to "
    "journeys at the busiest times of the day.",
    "The work was first planned for last winter but was put off after the contractor ran short of parts, "
    "a spokeswoman for the authority said on Wednesday afternoon.",
    "Local businesses on the eastern quay said they had not been told about the closure until this week "
    "and asked for signs to be put up on the approach roads.",
]
TEXT = {"A": "The harbour tunnel will close for three weeks from Monday while engineers replace its fans.",
        "B": "The harbour tunnel will close for five weeks from Monday while engineers replace its fans and lights."}


def at(hour: int) -> datetime:
    return datetime(2024, 5, 1, hour, 0, tzinfo=UTC)


def page(which: str) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in [TEXT[which], *PARAGRAPHS])
    return (f'<html><head><title>Tunnel closure</title><meta property="og:type" content="article"></head>'
            f"<body><article><h1>Tunnel closure</h1>{body}</article></body></html>").encode()


def write_warc(path: Path, captures: list[tuple[str, int]]) -> Path:
    """A WARC at ``path`` with a response record per ``(text, hour)``."""
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True, warc_version="1.1")
        for which, hour in captures:
            body = page(which)
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                               ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                URL, "response", payload=io.BytesIO(body), length=len(body), http_headers=http,
                warc_headers_dict={"WARC-Date": at(hour).strftime("%Y-%m-%dT%H:%M:%SZ")}))
    return path


def history(archive_dir: Path) -> list[tuple[int, str, datetime]]:
    with Archive(archive_dir=archive_dir) as archive:
        return [(v.version, "A" if TEXT["A"] in v.text else "B", v.first_seen) for v in archive.versions(URL)]


def shown_at(archive_dir: Path, when: str) -> str:
    result = newsarchive("--archive-dir", str(archive_dir), "show", URL, "--at", when, "--json")
    assert result.exit_code == 0, result.output
    return "A" if TEXT["A"] in json.loads(result.stdout)["text"] else "B"


def test_an_older_warc_ingested_after_a_newer_one_goes_before_it(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds.toml"
    seeds.write_text(SEEDS, encoding="utf-8")
    newer = write_warc(tmp_path / "newer.warc.gz", [("B", 10)])
    older = write_warc(tmp_path / "older.warc.gz", [("A", 9), ("A", 11)])
    archive_dir = tmp_path / "archive"
    for path in (newer, older):
        result = newsarchive("--archive-dir", str(archive_dir), "ingest", str(path), "--seeds", str(seeds),
                             "--workers", "1", "--json")
        assert result.exit_code == 0, result.output
    assert history(archive_dir) == [(1, "A", at(9)), (2, "B", at(10)), (3, "A", at(11))]
    assert shown_at(archive_dir, "2024-05-01T10:30:00+00:00") == "B"


def test_reindex_records_captures_in_warc_date_order_across_files(tmp_path: Path) -> None:
    """The file named first holds the 10:00 capture, the other 09:00 and 11:00: read in time order all the same."""
    seeds = tmp_path / "seeds.toml"
    seeds.write_text(SEEDS, encoding="utf-8")
    archive_dir = tmp_path / "archive"
    (archive_dir / "warcs").mkdir(parents=True)
    write_warc(archive_dir / "warcs" / "a-process-two.warc.gz", [("B", 10)])
    write_warc(archive_dir / "warcs" / "b-process-one.warc.gz", [("A", 9), ("A", 11)])
    result = newsarchive("--archive-dir", str(archive_dir), "reindex", "--yes", "--seeds", str(seeds),
                         "--workers", "1", "--json")
    assert result.exit_code == 0, result.output
    assert history(archive_dir) == [(1, "A", at(9)), (2, "B", at(10)), (3, "A", at(11))]
    db_url = f"sqlite:///{archive_dir / 'archive.sqlite3'}"
    recorded = [str(moment) for moment in scalars_of(db_url, "SELECT fetched_at FROM captures ORDER BY id")]
    assert len(recorded) == 3 and recorded == sorted(recorded)
    # every capture counted as a check of the page, as a crawl in time order counts them
    assert scalars_of(db_url, "SELECT checks FROM page_schedule") == [2]


def test_files_that_do_not_overlap_in_time_are_read_one_at_a_time(tmp_path: Path) -> None:
    files = [write_warc(tmp_path / "c.warc.gz", [("A", 9), ("B", 10)]),
             write_warc(tmp_path / "a.warc.gz", [("A", 13), ("B", 14)]),
             write_warc(tmp_path / "b.warc.gz", [("A", 11), ("B", 12)])]
    merged = TimeOrder(files, [file_ref(path, tmp_path) for path in files])
    dates = [item.date for _, item in merged if isinstance(item, WarcEntry)]
    assert dates == [at(hour) for hour in range(9, 15)]
    assert merged.most_open == 1
    overlapping = [write_warc(tmp_path / "d.warc.gz", [("A", 9), ("B", 11)]),
                   write_warc(tmp_path / "e.warc.gz", [("A", 10), ("B", 12)])]
    merged = TimeOrder(overlapping, [file_ref(path, tmp_path) for path in overlapping])
    assert [item.date for _, item in merged] == [at(hour) for hour in range(9, 13)]
    assert merged.most_open == 2
