"""Finishing ``.warc.gz.open`` files left by a killed crawl."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from scrapy.http import Response

from crawler.middlewares import warc_records as capture
from storage.warc.repair import finish_open_files
from storage.warc.writer import WarcFileWriter, safe_name_part
from tests.helpers.crawl import run_probe_crawl
from tests.newsweb.probe import serve
from tests.helpers.warcs import read_file

BIN = Path(sys.executable).parent


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def written_warc(tmp_path: Path, pages: int) -> tuple[bytes, list]:
    """Bytes of a real WARC with ``pages`` response records, and their pointers."""
    writer = WarcFileWriter(tmp_path / "source")
    pointers = []
    for n in range(pages):
        response = Response(f"http://news.example/{n}", body=f"<p>story {n}</p>".encode() * 50)
        pointers += writer.write([capture.response_record(response, datetime.now(UTC))])
    path = writer.close()
    return path.read_bytes(), pointers


def abandoned(warcs: Path, data: bytes, *, host: str | None = None, pid: int | None = None) -> Path:
    warcs.mkdir(parents=True, exist_ok=True)
    host = host or safe_name_part(socket.gethostname())
    path = warcs / f"newsarchive-20260101000000000-00000-{host}-{pid or dead_pid()}.warc.gz.open"
    path.write_bytes(data)
    return path


def warcio_check(path: Path) -> None:
    done = subprocess.run([str(BIN / "warcio"), "check", str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout


def test_file_cut_mid_record_keeps_the_whole_records(tmp_path: Path) -> None:
    data, pointers = written_warc(tmp_path, 4)
    last = pointers[-1]
    cut = last.offset + last.length // 2
    path = abandoned(tmp_path / "warcs", data[:cut])
    (report,) = finish_open_files(tmp_path / "warcs")
    assert report.path == path.with_name(path.name.removesuffix(".open"))
    assert not path.exists() and report.path.exists()
    assert report.records == 4  # warcinfo and three of the four responses
    assert report.bytes_dropped == cut - last.offset
    assert report.path.stat().st_size == last.offset
    warcio_check(report.path)
    assert [r.warc.get_header("WARC-Target-URI") for r in read_file(report.path)[1:]] == [
        f"http://news.example/{n}" for n in range(3)
    ]


def test_complete_file_is_only_renamed(tmp_path: Path) -> None:
    data, _ = written_warc(tmp_path, 2)
    abandoned(tmp_path / "warcs", data)
    (report,) = finish_open_files(tmp_path / "warcs")
    assert (report.records, report.bytes_dropped) == (3, 0)
    assert report.path.read_bytes() == data


def test_file_without_a_whole_record_is_removed(tmp_path: Path) -> None:
    data, _ = written_warc(tmp_path, 1)
    path = abandoned(tmp_path / "warcs", data[:40])
    (report,) = finish_open_files(tmp_path / "warcs")
    assert report.removed and not path.exists()
    assert list((tmp_path / "warcs").iterdir()) == []


def test_files_of_running_processes_and_other_hosts_are_left_alone(tmp_path: Path) -> None:
    data, _ = written_warc(tmp_path, 1)
    mine = abandoned(tmp_path / "warcs", data[:-10], pid=os.getpid())
    elsewhere = abandoned(tmp_path / "warcs", data[:-10], host="some-other-host")
    assert finish_open_files(tmp_path / "warcs", local_only=True) == []
    assert mine.read_bytes() == elsewhere.read_bytes() == data[:-10]
    (report,) = finish_open_files(tmp_path / "warcs")
    assert report.path.name == elsewhere.name.removesuffix(".open")
    assert mine.exists()


def test_crawl_start_finishes_abandoned_files(tmp_path: Path) -> None:
    data, pointers = written_warc(tmp_path, 3)
    path = abandoned(tmp_path / "archive" / "warcs", data[: pointers[-1].offset + 7])
    with serve() as base:
        result = run_probe_crawl(tmp_path, base, pages="search?q=x", revisits="0")
    finished = path.with_name(path.name.removesuffix(".open"))
    assert finished.exists() and not path.exists()
    assert len(read_file(finished)) == 3
    assert f"finished {finished}" in result.log
    assert not list(result.warcs_dir.glob("*.open"))
