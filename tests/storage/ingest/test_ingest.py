"""``newsarchive ingest`` on WARCs written directly with warcio: gzip or not, WARC/1.0 or 1.1.

Pages are fetched for real from the simulated news web, then written into WARC
files the way other tools would; ingest must index them as a crawl would, point
at the files in place, resolve revisits and survive a truncated file.
"""

from __future__ import annotations

import io
import json
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from extract import extract_article
from storage.archive import Archive
from storage.db.models import PageSchedule
from storage.db.times import aware
from tests.helpers.cli import newsarchive

T0 = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


class Fetched:
    def __init__(self, url: str, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.url, self.status, self.headers, self.body = url, status, headers, body


NEWSWEB = {"seed": 5, "articles_per_outlet": 2}  # options of the `web` fixture (conftest.py)


@pytest.fixture(scope="module")
def pages(web) -> list[Fetched]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": web.proxy_url}))
    fetched = []
    for url in web.article_urls():
        with opener.open(url) as response:
            fetched.append(Fetched(url, response.status, list(response.headers.items()), response.read()))
    return fetched


@pytest.fixture
def seeds(web, tmp_path) -> Path:
    path = tmp_path / "seeds.toml"
    path.write_text(web.seed_toml(), encoding="utf-8")
    return path


def warc_date(moment: datetime, version: str) -> str:
    text = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return text + (f".{moment.microsecond:06d}Z" if version == "1.1" else "Z")


def response_record(writer: WARCWriter, page: Fetched, moment: datetime, version: str, body: bytes | None = None):
    body = page.body if body is None else body
    headers = [(k, v) for k, v in page.headers if k.lower() != "content-length"] + [("Content-Length", str(len(body)))]
    http = StatusAndHeaders(f"{page.status} OK", headers, protocol="HTTP/1.1")
    return writer.create_warc_record(page.url, "response", payload=io.BytesIO(body), length=len(body),
                                     http_headers=http, warc_headers_dict={"WARC-Date": warc_date(moment, version)})


def request_record(writer: WARCWriter, page: Fetched, moment: datetime, version: str, concurrent_to: str):
    http = StatusAndHeaders(f"GET {page.url} HTTP/1.1", [("Host", page.url.split("/")[2])], is_http_request=True)
    return writer.create_warc_record(page.url, "request", payload=io.BytesIO(b""), length=0, http_headers=http,
                                     warc_headers_dict={"WARC-Date": warc_date(moment, version),
                                                        "WARC-Concurrent-To": concurrent_to})


def write_warc(path: Path, records: list, *, gzip: bool = True, version: str = "1.1") -> list:
    """Write ``records`` (callables of the writer) after a warcinfo; return the records written."""
    written = []
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=gzip, warc_version=version)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "tests/storage/ingest/test_ingest.py"}))
        for make in records:
            for record in make(writer):
                writer.write_record(record)
                written.append(record)
    return written


def fetch_pair(page: Fetched, moment: datetime, version: str = "1.1", body: bytes | None = None):
    def make(writer: WARCWriter) -> list:
        response = response_record(writer, page, moment, version, body)
        return [response, request_record(writer, page, moment, version,
                                          response.rec_headers.get_header("WARC-Record-ID"))]
    return make


def revisit_of(page: Fetched, original, moment: datetime, version: str = "1.1"):
    def make(writer: WARCWriter) -> list:
        http = StatusAndHeaders("200 OK", page.headers, protocol="HTTP/1.1")
        record = writer.create_revisit_record(
            page.url, original.rec_headers.get_header("WARC-Payload-Digest"), page.url,
            original.rec_headers.get_header("WARC-Date"), http_headers=http,
            warc_headers_dict={"WARC-Date": warc_date(moment, version)})
        record.rec_headers.add_header("WARC-Refers-To", original.rec_headers.get_header("WARC-Record-ID"))
        return [record]
    return make


def ingest(archive_dir: Path, *args: str) -> tuple[int, dict, str]:
    result = newsarchive("--archive-dir", str(archive_dir), "ingest", *args, "--json")
    summary = json.loads(result.stdout.strip().splitlines()[-1]) if result.stdout.strip() else {}
    return result.exit_code, summary, result.stderr


def versions(archive_dir: Path, url: str):
    with Archive(archive_dir=archive_dir, create=False) as archive:
        return archive.versions(url)


@pytest.mark.parametrize(("gzip", "version"), [(True, "1.1"), (False, "1.0")])
def test_ingest_indexes_every_article_as_the_extractor_reads_it(tmp_path, pages, seeds, gzip, version) -> None:
    warc = tmp_path / ("made.warc.gz" if gzip else "made.warc")
    write_warc(warc, [fetch_pair(p, T0 + timedelta(minutes=i), version) for i, p in enumerate(pages)],
               gzip=gzip, version=version)
    code, summary, stderr = ingest(tmp_path / "archive", str(warc), "--seeds", str(seeds), "--workers", "2")
    assert code == 0, stderr
    assert summary["new"] == len(pages) and summary["records"] == len(pages)
    for i, page in enumerate(pages):
        [version_row] = versions(tmp_path / "archive", page.url)
        expected = extract_article(page.body, page.url)
        assert version_row.text == expected.text and version_row.title == expected.title
        assert version_row.first_seen == T0 + timedelta(minutes=i)
        assert version_row.warc_file == str(warc.resolve())
        with warc.open("rb") as stream:
            stream.seek(version_row.warc_offset)
            record = next(iter(ArchiveIterator(io.BytesIO(stream.read(version_row.warc_length)))))
        assert record.rec_headers.get_header("WARC-Record-ID") == version_row.warc_record_id


def test_outlets_come_from_the_seed_file_by_domain(tmp_path, pages, seeds, web) -> None:
    warc = tmp_path / "made.warc.gz"
    write_warc(warc, [fetch_pair(p, T0) for p in pages])
    ingest(tmp_path / "archive", str(warc), "--seeds", str(seeds), "--workers", "1")
    with Archive(archive_dir=tmp_path / "archive", create=False) as archive:
        by_outlet = {o.name: o.versions for o in archive.outlets()}
    assert by_outlet == {o.name: len(web.article_urls(o.name)) for o in web.outlets}


def test_ingesting_the_same_file_twice_adds_nothing(tmp_path, pages, seeds) -> None:
    warc = tmp_path / "made.warc.gz"
    write_warc(warc, [fetch_pair(p, T0) for p in pages])
    ingest(tmp_path / "archive", str(warc), "--seeds", str(seeds), "--workers", "1")
    with Archive(archive_dir=tmp_path / "archive") as archive:
        before = archive.stats()
    code, summary, _ = ingest(tmp_path / "archive", str(warc), "--seeds", str(seeds), "--workers", "1")
    assert code == 0
    assert summary["captures_added"] == 0 and summary["already_indexed"] == len(pages)
    assert summary["new"] == summary["changed"] == 0
    with Archive(archive_dir=tmp_path / "archive") as archive:
        after = archive.stats()
    assert (after.captures, after.versions, after.pages) == (before.captures, before.versions, before.pages)


def test_identical_payload_revisit_is_an_unchanged_capture(tmp_path, pages, seeds) -> None:
    page = pages[0]
    made: list = []

    def first(writer: WARCWriter) -> list:
        records = fetch_pair(page, T0)(writer)
        made.append(records[0])
        return records

    warc = tmp_path / "a.warc.gz"
    write_warc(warc, [first, lambda w: revisit_of(page, made[0], T0 + timedelta(hours=1))(w)])
    code, summary, _ = ingest(tmp_path / "archive", str(warc), "--seeds", str(seeds), "--workers", "1")
    assert code == 0 and summary["new"] == 1 and summary["unchanged"] == 1
    [only] = versions(tmp_path / "archive", page.url)
    assert only.last_seen == T0 + timedelta(hours=1)
    # A revisit in a later file resolves through the archive to the same payload.
    later = tmp_path / "b.warc.gz"
    write_warc(later, [revisit_of(page, made[0], T0 + timedelta(hours=2))])
    code, summary, _ = ingest(tmp_path / "archive", str(later), "--seeds", str(seeds), "--workers", "1")
    assert code == 0 and summary["unchanged"] == 1 and summary["revisits_unresolved"] == 0
    [only] = versions(tmp_path / "archive", page.url)
    assert only.last_seen == T0 + timedelta(hours=2)
    with Archive(archive_dir=tmp_path / "archive") as archive:
        assert [c.record_type for c in archive.captures(page.url)] == ["response", "revisit", "revisit"]


def test_revisit_of_an_older_payload_brings_its_text_back(tmp_path, pages, seeds, web) -> None:
    page = pages[1]
    words = web.article(page.url).paragraphs[0].split()[:4]
    changed = page.body.replace(" ".join(words).encode(), b"Revised by the desk: " + " ".join(words).encode(), 1)
    assert changed != page.body
    made: list = []

    def first(writer: WARCWriter) -> list:
        records = fetch_pair(page, T0)(writer)
        made.append(records[0])
        return records

    warc = tmp_path / "a.warc.gz"
    write_warc(warc, [first, fetch_pair(page, T0 + timedelta(hours=1), body=changed),
                      lambda w: revisit_of(page, made[0], T0 + timedelta(hours=2))(w)])
    code, summary, _ = ingest(tmp_path / "archive", str(warc), "--seeds", str(seeds), "--workers", "1")
    assert code == 0
    rows = versions(tmp_path / "archive", page.url)
    assert [v.version for v in rows] == [1, 2, 3]
    assert rows[2].text == rows[0].text != rows[1].text


def test_truncated_final_record_ingests_the_whole_ones_and_names_the_offset(tmp_path, pages, seeds) -> None:
    warc = tmp_path / "cut.warc.gz"
    write_warc(warc, [fetch_pair(p, T0) for p in pages[:3]])
    with warc.open("rb") as stream:
        iterator = ArchiveIterator(stream)
        offsets = []
        for record in iterator:
            iterator.read_to_end(record)
            offsets.append((record.rec_type, iterator.get_record_offset(), iterator.get_record_length()))
    last_type, last_offset, last_length = offsets[-2]  # the third response (its request follows)
    assert last_type == "response"
    with warc.open("r+b") as stream:
        stream.truncate(last_offset + last_length // 2)
    code, summary, stderr = ingest(tmp_path / "archive", str(warc), "--seeds", str(seeds), "--workers", "1")
    assert code == 0
    assert summary["new"] == 2
    [line] = [line for line in stderr.splitlines() if line.strip()]
    assert str(warc) in line and f"offset {last_offset}" in line
    assert "Traceback" not in stderr
    assert versions(tmp_path / "archive", pages[1].url)
    with Archive(archive_dir=tmp_path / "archive") as archive:
        assert archive.stats().versions == 2


def test_hosts_no_outlet_owns_are_skipped_and_counted_or_get_auto_outlets(tmp_path, pages, seeds) -> None:
    stranger = Fetched("http://www.elsewhere.test/2026/11/20/a-story-about-the-regional-budget/", 200,
                       pages[0].headers, pages[0].body.replace(b"daily-courier.test", b"elsewhere.test"))
    warc = tmp_path / "mixed.warc.gz"
    write_warc(warc, [fetch_pair(pages[0], T0), fetch_pair(stranger, T0)])
    code, summary, _ = ingest(tmp_path / "archive", str(warc), "--seeds", str(seeds), "--workers", "1")
    assert code == 0 and summary["skipped_no_outlet"] == 1 and summary["new"] == 1
    code, summary, _ = ingest(tmp_path / "archive", str(warc), "--seeds", str(seeds), "--auto-outlets",
                              "--workers", "1")
    assert code == 0 and summary["skipped_no_outlet"] == 0 and summary["new"] == 1
    with Archive(archive_dir=tmp_path / "archive") as archive:
        outlets = {o.name: o.domains for o in archive.outlets()}
    assert outlets["elsewhere.test"] == ["elsewhere.test"]
    [version] = versions(tmp_path / "archive", stranger.url)
    assert version.outlet == "elsewhere.test"


def test_outlet_option_keeps_one_outlet(tmp_path, pages, seeds, web) -> None:
    warc = tmp_path / "made.warc.gz"
    write_warc(warc, [fetch_pair(p, T0) for p in pages])
    name = web.outlets[1].name
    code, summary, _ = ingest(tmp_path / "archive", str(warc), "--seeds", str(seeds), "--outlet", name,
                              "--workers", "1")
    assert code == 0
    assert summary["new"] == len(web.article_urls(name))
    assert summary["skipped_no_outlet"] == len(pages) - len(web.article_urls(name))


def test_files_inside_the_archive_warcs_dir_are_named_relative(tmp_path, pages, seeds) -> None:
    warcs = tmp_path / "archive" / "warcs"
    warcs.mkdir(parents=True)
    write_warc(warcs / "inside.warc.gz", [fetch_pair(pages[0], T0)])
    code, _, stderr = ingest(tmp_path / "archive", str(warcs), "--seeds", str(seeds), "--workers", "1")
    assert code == 0, stderr
    [version] = versions(tmp_path / "archive", pages[0].url)
    assert version.warc_file == "inside.warc.gz"


def test_a_missing_file_is_one_clear_line(tmp_path, seeds) -> None:
    code, _, stderr = ingest(tmp_path / "archive", str(tmp_path / "nope.warc.gz"), "--seeds", str(seeds))
    assert code != 0
    assert stderr.strip().splitlines() == [f"Error: {tmp_path / 'nope.warc.gz'}: no such WARC file or directory"]


def test_a_file_that_is_not_a_warc_is_reported_not_raised(tmp_path, seeds) -> None:
    bogus = tmp_path / "notes.warc"
    bogus.write_text("these are my notes, not a web archive\n", encoding="utf-8")
    code, summary, stderr = ingest(tmp_path / "archive", str(bogus), "--seeds", str(seeds), "--workers", "1")
    assert code == 0
    assert summary["records"] == 0
    [line] = stderr.strip().splitlines()
    assert str(bogus) in line and "offset 0" in line


def test_pages_ingested_from_last_months_files_are_scheduled_from_now(tmp_path, pages, seeds) -> None:
    """An ingest of old captures schedules them by the ladder as seen from today, not overdue from their capture."""
    last_month = datetime.now(UTC) - timedelta(days=40)
    warc = tmp_path / "last-month.warc.gz"
    write_warc(warc, [fetch_pair(p, last_month + timedelta(minutes=i)) for i, p in enumerate(pages)])
    started = datetime.now(UTC)
    code, _, stderr = ingest(tmp_path / "archive", str(warc), "--seeds", str(seeds), "--workers", "1")
    assert code == 0, stderr
    with Archive(archive_dir=tmp_path / "archive", create=False) as archive:
        due = archive.read(lambda session: [aware(at) for at in session.scalars(select(PageSchedule.next_check_at))])
    assert len(due) == len(pages)
    assert min(due) > started + timedelta(days=7), "a month-old page is on the monthly step, counted from now"
