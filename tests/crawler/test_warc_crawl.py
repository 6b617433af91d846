"""A real Scrapy crawl of a local server, archived by WarcMiddleware, checked with real WARC tools."""

from __future__ import annotations

import gzip
import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from storage.warc.records import IDENTICAL_PAYLOAD_PROFILE, NOT_MODIFIED_PROFILE
from tests.helpers.crawl import ROOT, ProbeResult, run_probe_crawl
from tests.newsweb.probe import (
    CHUNKS,
    CUSTOM_REASON,
    GZIP_HTML,
    UNCHANGED_HTML,
    serve,
)
from tests.helpers.warcs import Stored, decode_strictly, read_file, record_at

BIN = Path(sys.executable).parent
MAX_SIZE = 3000  # tiny, so the crawl rotates through several files


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> ProbeResult:
    with serve() as base:
        return run_probe_crawl(tmp_path_factory.mktemp("crawl"), base, settings={"WARC_MAX_SIZE": str(MAX_SIZE)})


@pytest.fixture(scope="module")
def files(crawl: ProbeResult) -> list[Path]:
    return sorted(crawl.warcs_dir.iterdir())


@pytest.fixture(scope="module")
def records(files: list[Path]) -> list[Stored]:
    return [record for path in files for record in read_file(path)]


def by_type(records: list[Stored], record_type: str) -> list[Stored]:
    return [record for record in records if record.type == record_type]


def response_for(records: list[Stored], url_end: str) -> Stored:
    matches = [r for r in by_type(records, "response") if r.warc.get_header("WARC-Target-URI").endswith(url_end)]
    assert len(matches) == 1, url_end
    return matches[0]


def test_every_file_passes_warcio_check(files: list[Path]) -> None:
    done = subprocess.run([str(BIN / "warcio"), "check", "-v", *map(str, files)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "digest pass" in done.stdout
    assert "fail" not in done.stdout.lower()


def test_rotation_makes_several_closed_files_each_starting_with_warcinfo(crawl: ProbeResult, files: list[Path]) -> None:
    assert len(files) >= 3
    assert all(path.name.endswith(".warc.gz") for path in files), files
    assert crawl.closed["stats"]["warc/files"] == len(files)
    for path in files:
        first = read_file(path)[0]
        assert first.type == "warcinfo"
        assert first.warc.get_header("WARC-Filename") == path.name
        assert b"software: newsarchive/" in first.payload
        # Rotation happens once a file reaches the limit, so only the last record pair can overshoot it.
        assert path.stat().st_size < MAX_SIZE + 3000


def test_file_names_follow_the_pattern(files: list[Path]) -> None:
    for path in files:
        prefix, stamp, serial, *host = path.name.removesuffix(".warc.gz").split("-")
        assert prefix == "newsarchive"
        assert len(stamp) == 17 and stamp.isdigit()
        assert len(serial) == 5 and serial.isdigit()
        assert host[-1].isdigit()  # the writing process's id


def test_cdxj_indexer_lists_every_response_and_the_revisits(crawl: ProbeResult, files: list[Path], records: list[Stored]) -> None:
    done = subprocess.run([str(BIN / "cdxj-indexer"), *map(str, files)], capture_output=True, text=True, check=True)
    entries = [json.loads(line.split(" ", 2)[2]) for line in done.stdout.splitlines()]
    indexed = {(entry["filename"], int(entry["offset"])) for entry in entries}
    for line in crawl.lines:
        assert (line["warc"]["file"], line["warc"]["offset"]) in indexed, line["url"]
    assert len(entries) == len(by_type(records, "response")) + len(by_type(records, "revisit"))
    revisits = [entry for entry in entries if entry["mime"] == "warc/revisit"]
    # the 304's revisit has no block, so no status: replay serves the page it revisits
    found = sorted((entry["url"].rsplit("/", 1)[1], entry.get("status")) for entry in revisits)
    assert found == [("etag", None), ("unchanged", "200")]


def test_stats_count_what_is_in_the_files(crawl: ProbeResult, records: list[Stored]) -> None:
    stats = crawl.closed["stats"]
    assert stats["warc/records"] == len(records) - len(by_type(records, "warcinfo"))
    assert stats["warc/revisits"] == len(by_type(records, "revisit")) == 2


def test_each_body_decodes_strictly_under_its_content_encoding(records: list[Stored]) -> None:
    for record in by_type(records, "response"):
        length = record.http_values("Content-Length")
        if length:
            assert int(length[0]) == len(record.payload)
        decode_strictly(record.payload, record.http_values("Content-Encoding"))
    gzipped = response_for(records, "/gzip")
    assert gzipped.http_values("Content-Encoding") == ["gzip"]
    assert decode_strictly(gzipped.payload, ["gzip"]).decode() == GZIP_HTML


def test_record_at_each_pointer_holds_the_body_the_spider_saw(crawl: ProbeResult) -> None:
    for line in crawl.by_kind("page") + crawl.by_kind("unchanged-first") + crawl.by_kind("etag-first"):
        pointer = line["warc"]
        stored = record_at(crawl.warcs_dir / pointer["file"], pointer["offset"])
        assert stored.warc.get_header("WARC-Record-ID") == pointer["record_id"]
        assert stored.warc.get_header("WARC-Target-URI") == line["url"]
        body = decode_strictly(stored.payload, stored.http_values("Content-Encoding"))
        assert body.decode("utf-8") == line["text"]
        with (crawl.warcs_dir / pointer["file"]).open("rb") as handle:
            handle.seek(pointer["offset"])
            member = handle.read(pointer["length"])
        assert member[:2] == b"\x1f\x8b"
        assert len(member) == pointer["length"]


def test_written_record_matches_the_warc_headers(crawl: ProbeResult) -> None:
    for line in crawl.lines:
        pointer = line["warc"]
        stored = record_at(crawl.warcs_dir / pointer["file"], pointer["offset"])
        assert stored.type == pointer["record_type"]
        assert stored.warc.get_header("WARC-Payload-Digest") == pointer["payload_digest"]
        assert stored.warc.get_header("WARC-Date") == pointer["date"].replace("+00:00", "Z")
        assert stored.warc.get_header("WARC-IP-Address") == pointer["ip"] == "127.0.0.1"


def test_two_set_cookie_headers_stay_two(crawl: ProbeResult, records: list[Stored]) -> None:
    assert response_for(records, "/cookies").http_values("Set-Cookie") == ["first=1; Path=/", "second=2; Path=/"]
    assert crawl.by_path("cookies")["set_cookie"] == ["first=1; Path=/", "second=2; Path=/"]


def test_request_record_has_request_line_with_query_and_host(records: list[Stored]) -> None:
    response = response_for(records, "/search?q=election&page=2")
    request = next(r for r in by_type(records, "request") if r.warc.get_header("WARC-Concurrent-To") == response.warc.get_header("WARC-Record-ID"))
    assert request.http.protocol == "GET"  # warcio splits the request line at the first space
    assert request.http.statusline == "/search?q=election&page=2 HTTP/1.1"
    host = request.http_values("Host")
    assert host == [response.warc.get_header("WARC-Target-URI").split("/")[2]]
    assert request.http_values("User-Agent") and request.http_values("Accept-Encoding")


def test_request_and_response_share_date_and_are_linked(records: list[Stored]) -> None:
    main = {r.warc.get_header("WARC-Record-ID"): r for r in records if r.type in ("response", "revisit")}
    requests = by_type(records, "request")
    assert len(requests) == len(main)
    for request in requests:
        partner = main[request.warc.get_header("WARC-Concurrent-To")]
        assert partner.warc.get_header("WARC-Date") == request.warc.get_header("WARC-Date")
        assert partner.warc.get_header("WARC-Target-URI") == request.warc.get_header("WARC-Target-URI")


def test_chunked_body_is_stored_dechunked_and_says_so(records: list[Stored]) -> None:
    chunked = response_for(records, "/chunked")
    assert chunked.payload == b"".join(CHUNKS)
    assert chunked.http_values("Transfer-Encoding") == []
    assert chunked.http_values("X-Orig-Transfer-Encoding") == ["chunked"]


def test_redirect_hop_and_404_are_archived(records: list[Stored]) -> None:
    hop = response_for(records, "/redirect")
    assert hop.http.get_statuscode() == "302"
    assert hop.http_values("Location") == ["/search?q=redirected"]
    assert response_for(records, "/search?q=redirected").http.get_statuscode() == "200"
    assert response_for(records, "/missing").http.statusline == "404 Not Found"


def test_status_line_keeps_the_servers_reason_phrase(records: list[Stored]) -> None:
    reason = response_for(records, "/reason")
    assert reason.http.statusline == f"200 {CUSTOM_REASON}"
    assert reason.http_values("X-Newsarchive-Status-Reason") == []


def test_unchanged_page_becomes_identical_payload_revisit(crawl: ProbeResult) -> None:
    first = crawl.by_kind("unchanged-first")[0]
    again = crawl.by_kind("unchanged-again")[0]
    assert again["text"] == first["text"] == UNCHANGED_HTML.decode()  # the callback still got the body
    assert again["warc"]["record_type"] == "revisit"
    stored = record_at(crawl.warcs_dir / again["warc"]["file"], again["warc"]["offset"])
    assert stored.warc.get_header("WARC-Profile") == IDENTICAL_PAYLOAD_PROFILE
    assert stored.warc.get_header("WARC-Refers-To") == first["warc"]["record_id"]
    assert stored.warc.get_header("WARC-Refers-To-Target-URI") == first["url"]
    assert stored.warc.get_header("WARC-Refers-To-Date") == first["warc"]["date"].replace("+00:00", "Z")
    assert stored.warc.get_header("WARC-Payload-Digest") == first["warc"]["payload_digest"]
    assert stored.http.get_statuscode() == "200"
    assert stored.warc.get_header("WARC-Truncated") == "length"  # WARC 1.1: an identical-digest truncation says so
    assert stored.payload == b""


def test_not_modified_becomes_server_not_modified_revisit(crawl: ProbeResult) -> None:
    first = crawl.by_kind("etag-first")[0]
    again = crawl.by_kind("etag-again")[0]
    assert again["status"] == 304
    stored = record_at(crawl.warcs_dir / again["warc"]["file"], again["warc"]["offset"])
    assert stored.type == "revisit"
    assert stored.warc.get_header("WARC-Profile") == NOT_MODIFIED_PROFILE
    assert stored.warc.get_header("WARC-Refers-To") == first["warc"]["record_id"]
    assert stored.warc.get_header("WARC-Refers-To-Target-URI") == first["url"]
    # no block: pywb would replay a 304 status line as it is, instead of the page it revisits
    assert stored.warc.get_header("Content-Length") == "0" and not stored.http


PYWB_BIN = ROOT / ".tools" / "pywb" / "bin"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "wayback exited early"
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"wayback did not answer at {url}")


def test_pywb_replays_captured_pages(crawl: ProbeResult, files: list[Path], tmp_path: Path) -> None:
    if not (PYWB_BIN / "wayback").exists():
        pytest.skip(f"pywb is not installed in {PYWB_BIN.parent} (its own venv; see the Makefile)")
    subprocess.run([str(PYWB_BIN / "wb-manager"), "init", "news"], cwd=tmp_path, check=True, capture_output=True)
    subprocess.run([str(PYWB_BIN / "wb-manager"), "add", "news", *map(str, files)], cwd=tmp_path, check=True, capture_output=True)
    port = free_port()
    wayback = subprocess.Popen(
        [str(PYWB_BIN / "wayback"), "-p", str(port), "-b", "127.0.0.1"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        root = f"http://127.0.0.1:{port}"
        wait_for(root + "/", wayback)
        for path, expected in [("gzip", GZIP_HTML), ("chunked", b"".join(CHUNKS).decode())]:
            url = crawl.by_path(path)["url"]
            with urllib.request.urlopen(f"{root}/news/id_/{url}", timeout=30) as reply:
                body = reply.read()
                if reply.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
            assert body.decode() == expected
    finally:
        wayback.terminate()
        wayback.wait(timeout=10)
