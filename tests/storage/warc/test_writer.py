"""WarcFileWriter: file naming, rotation, pointers, and failed writes; WarcMiddleware on a failing disk."""

from __future__ import annotations

import errno
import gzip
import os
import resource
import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from scrapy.http import Response

from crawler.middlewares import warc_records as capture
from storage.warc.payload import read_payload
from storage.warc.writer import WarcFileWriter, WarcWriteError, safe_name_part
from tests.helpers.crawl import run_crawl
from tests.helpers.crawl import run_probe_crawl
from tests.newsweb.probe import GZIP_HTML, serve
from tests.helpers.warcs import decode_strictly, read_file, record_at

BIN = Path(sys.executable).parent


def page(n: int, size: int = 200) -> Response:
    body = os.urandom(size // 2).hex().encode()
    return Response(f"http://news.example/story/{n}?page=1", status=200, body=body, headers={"Content-Type": "text/plain"})


def records_for(n: int, size: int = 200) -> list:
    return [capture.response_record(page(n, size), datetime.now(UTC))]


def test_file_is_open_while_written_and_renamed_when_closed(tmp_path: Path) -> None:
    writer = WarcFileWriter(tmp_path, prefix="test")
    writer.write(records_for(1))
    (open_file,) = tmp_path.iterdir()
    assert open_file.name.endswith(".warc.gz.open")
    closed = writer.close()
    assert closed == tmp_path / open_file.name.removesuffix(".open")
    assert [path.name for path in tmp_path.iterdir()] == [closed.name]
    assert [record.type for record in read_file(closed)] == ["warcinfo", "response"]


def test_a_record_is_read_by_its_files_final_name_while_the_file_is_still_open(tmp_path: Path) -> None:
    writer = WarcFileWriter(tmp_path)
    response = page(1)
    (pointer,) = writer.write([capture.response_record(response, datetime.now(UTC))])
    assert not (tmp_path / pointer.file).exists()  # rows name the final name from the start
    assert read_payload(tmp_path / pointer.file, pointer.offset) == response.body
    writer.close()
    assert read_payload(tmp_path / pointer.file, pointer.offset) == response.body


def test_pointers_cover_exactly_one_gzip_member(tmp_path: Path) -> None:
    writer = WarcFileWriter(tmp_path)
    pointers = [writer.write(records_for(n))[0] for n in range(3)]
    path = writer.close()
    stored = read_file(path)[1:]
    for pointer, record in zip(pointers, stored, strict=True):
        assert (pointer.offset, pointer.length) == (record.offset, record.length)
        assert pointer.record_id == record.warc.get_header("WARC-Record-ID")
        assert record_at(path, pointer.offset).warc.get_header("WARC-Record-ID") == pointer.record_id
    assert pointers[-1].offset + pointers[-1].length == path.stat().st_size


def test_rotates_when_the_file_reaches_max_size(tmp_path: Path) -> None:
    writer = WarcFileWriter(tmp_path, max_size=2500)
    for n in range(8):
        writer.write(records_for(n, 1000))
    writer.close()
    files = sorted(tmp_path.iterdir())
    assert len(files) >= 3 and writer.files_opened == len(files)
    serials = [path.name.split("-")[2] for path in files]
    assert serials == [f"{n:05d}" for n in range(len(files))]
    for path in files:
        assert read_file(path)[0].type == "warcinfo"
    assert sum(len(read_file(path)) - 1 for path in files) == 8


@pytest.mark.parametrize("prefix", ["../../escape", "/etc/passwd", "a/b\\c", "..", ""])
def test_prefix_never_escapes_the_warcs_dir(tmp_path: Path, prefix: str) -> None:
    warcs = tmp_path / "warcs"
    writer = WarcFileWriter(warcs, prefix=prefix)
    writer.write(records_for(1))
    path = writer.close()
    assert path.parent == warcs
    assert [p.name for p in tmp_path.iterdir()] == ["warcs"]
    assert "/" not in safe_name_part(prefix) and not safe_name_part(prefix).startswith(".")


def test_failed_write_is_cut_back_to_the_last_whole_record(tmp_path: Path) -> None:
    writer = WarcFileWriter(tmp_path)
    writer.write(records_for(1))
    (open_file,) = tmp_path.iterdir()
    good_size = open_file.stat().st_size
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (good_size + 500, hard))
    try:
        with pytest.raises(WarcWriteError) as raised:
            writer.write(records_for(2, 20_000))
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)
    assert raised.value.path == open_file
    assert str(open_file) in str(raised.value) and "rerun" in str(raised.value)
    assert open_file.stat().st_size == good_size
    writer.write(records_for(3))  # the writer carries on after space is freed
    path = writer.close()
    assert len(read_file(path)) == 3
    check = subprocess.run([str(BIN / "warcio"), "check", str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout


def test_disk_full_message_names_the_file_and_the_fix() -> None:
    error = WarcWriteError(Path("archive/warcs/x.warc.gz.open"), OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))
    assert str(error) == "disk full writing archive/warcs/x.warc.gz.open: free space and rerun"


def test_crawl_stops_cleanly_when_the_archive_cannot_be_written(tmp_path: Path) -> None:
    with serve() as base:
        result = run_probe_crawl(
            tmp_path, base, pages="gzip,big", revisits="0", fsize_limit="6000", settings={"CONCURRENT_REQUESTS": "1"}
        )
    assert result.closed["reason"] == "warc_write_failed"
    errors = [line for line in result.log.splitlines() if "] ERROR:" in line]
    assert len(errors) == 1, errors
    files = sorted(result.warcs_dir.iterdir())
    assert len(files) == 1 and files[0].name.endswith(".warc.gz")
    assert files[0].name + ".open" in errors[0] and "rerun" in errors[0]
    assert "crawler/warc/" not in result.log  # no traceback through our code
    check = subprocess.run([str(BIN / "warcio"), "check", str(files[0])], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
    stored = read_file(files[0])
    urls = [r.warc.get_header("WARC-Target-URI") for r in stored if r.type == "response"]
    assert urls == [f"{base}/gzip"]
    gzipped = next(r for r in stored if r.type == "response")
    assert decode_strictly(gzipped.payload, gzipped.http_values("Content-Encoding")).decode() == GZIP_HTML


def test_unwritable_archive_dir_is_one_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the archive directory should be")
    writer = WarcFileWriter(blocker / "warcs")
    with pytest.raises(WarcWriteError) as raised:
        writer.write(records_for(1))
    assert str(raised.value).startswith(f"cannot write {blocker / 'warcs'} (")
    assert str(raised.value).endswith("rerun")


@pytest.mark.parametrize("level", [0, 1, 2, 3])
def test_every_gzip_level_writes_standard_gzip_members_that_shrink_text(tmp_path: Path, level: int) -> None:
    body = b"<p>Ministers met in Vienna for security talks on Tuesday.</p>\n" * 400
    response = Response("http://news.example/story/1", status=200, body=body, headers={"Content-Type": "text/html"})
    writer = WarcFileWriter(tmp_path, gzip_level=level)
    (pointer,) = writer.write([capture.response_record(response, datetime.now(UTC))])
    path = writer.close()
    assert pointer.length < len(body) / 4
    with path.open("rb") as handle:
        handle.seek(pointer.offset)
        member = handle.read(pointer.length)
    assert gzip.decompress(member).endswith(body + b"\r\n\r\n")  # zlib reads what ISA-L wrote
    assert record_at(path, pointer.offset).payload == body


@pytest.mark.parametrize("level", [-1, 4, 6, "fast"])
def test_a_gzip_level_outside_isa_l_is_refused_by_name(tmp_path: Path, level: object) -> None:
    with pytest.raises(ValueError, match=r"^WARC_GZIP_LEVEL is .*: set an ISA-L level from 0 \(fastest\) to 3"):
        WarcFileWriter(tmp_path, gzip_level=level)  # type: ignore[arg-type]


def test_scrapy_crawl_refuses_a_bad_gzip_level_in_one_line(tmp_path: Path) -> None:
    result = run_crawl(tmp_path / "a", None, None, settings={"WARC_GZIP_LEVEL": "6"}, check=False)
    assert result.returncode == 2
    assert [line for line in result.stderr.splitlines() if line.strip()] == [
        "error: WARC_GZIP_LEVEL is '6': set an ISA-L level from 0 (fastest) to 3 (smallest files)"
    ]
    assert not (tmp_path / "a").exists()
