"""Finishing ``.warc.gz.open`` files left by a killed crawl."""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from scrapy.http import Response
from warcio.warcwriter import WARCWriter

from crawler.middlewares import warc_records as capture
from storage.warc.repair import finish_open_files
from storage.warc import holder
from storage.warc.pointer import WarcPointer
from storage.warc.writer import WarcFileWriter, safe_name_part
from tests.helpers.cli import newsarchive
from tests.helpers.crawl import ROOT, run_probe_crawl
from tests.newsweb.probe import serve
from tests.helpers.warcs import read_file

BIN = Path(sys.executable).parent


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def write_pages(directory: Path, pages: int) -> tuple[Path, list[WarcPointer]]:
    """A real WARC with ``pages`` response records, written by this process, and their pointers."""
    writer = WarcFileWriter(directory)
    pointers = []
    for n in range(pages):
        response = Response(f"http://news.example/{n}", body=f"<p>story {n}</p>".encode() * 50)
        pointers += writer.write([capture.response_record(response, datetime.now(UTC))])
    return writer.close(), pointers


def written_warc(tmp_path: Path, pages: int, *, by_this_process: bool = False) -> tuple[bytes, list[WarcPointer]]:
    """Bytes of a real WARC with ``pages`` response records, and their pointers; written by a process that has
    ended (as a killed crawl's file is) unless ``by_this_process``."""
    if by_this_process:
        path, pointers = write_pages(tmp_path / "source", pages)
        return path.read_bytes(), pointers
    script = ("import json, sys; from pathlib import Path; from tests.storage.warc.test_repair import write_pages; "
              "path, pointers = write_pages(Path(sys.argv[1]), int(sys.argv[2])); "
              "print(json.dumps([str(path), [[p.file, p.offset, p.length, p.record_id] for p in pointers]]))")
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path / "ended"), str(pages)], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    path, pointers = json.loads(done.stdout)
    return Path(path).read_bytes(), [WarcPointer(*pointer) for pointer in pointers]


def warc_by(writer: dict[str, str], pages: int = 2) -> bytes:
    """A WARC whose warcinfo names ``writer`` (``newsarchive-host``, ``-pid``, ``-boot-id``, ``-started``),
    as a crawl on another machine, container or boot wrote it."""
    out = io.BytesIO()
    warc = WARCWriter(out, gzip=True)
    warc.write_record(warc.create_warcinfo_record("crafted.warc.gz", writer))
    for n in range(pages):
        response = Response(f"http://news.example/{n}", body=f"<p>story {n}</p>".encode() * 50)
        warc.write_record(capture.response_record(response, datetime.now(UTC)))
    return out.getvalue()


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
    mine_data, _ = written_warc(tmp_path, 1, by_this_process=True)
    mine = abandoned(tmp_path / "warcs", mine_data[:-10], pid=os.getpid())
    data = warc_by({holder.HOST: "some-other-host", holder.PID: "77", holder.BOOT_ID: "another-kernel",
                    holder.STARTED: "1234"})
    elsewhere = abandoned(tmp_path / "warcs", data[:-10], host="some-other-host", pid=77)
    assert finish_open_files(tmp_path / "warcs") == []
    assert mine.read_bytes() == mine_data[:-10] and elsewhere.read_bytes() == data[:-10]
    (report,) = finish_open_files(tmp_path / "warcs", other_hosts=True)
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


linux_only = pytest.mark.skipif(holder.boot_id() is None, reason="boot ids and process start times come from /proc")


def this_host() -> str:
    return socket.gethostname()


@linux_only
def test_a_file_of_an_earlier_containers_pid_1_is_finished_though_pid_1_runs(tmp_path: Path) -> None:
    started_before = str(int(holder.process_started(1)) + 1)  # another process 1: this container's came later
    data = warc_by({holder.HOST: this_host(), holder.PID: "1", holder.BOOT_ID: holder.boot_id(),
                    holder.STARTED: started_before})
    path = abandoned(tmp_path / "warcs", data[:-10], pid=1)
    (report,) = finish_open_files(tmp_path / "warcs")
    assert report.path == path.with_name(path.name.removesuffix(".open")) and report.records == 2


@linux_only
def test_files_this_machine_wrote_before_it_restarted_are_finished_though_their_pid_runs(tmp_path: Path) -> None:
    data = warc_by({holder.HOST: this_host(), holder.PID: str(os.getpid()), holder.BOOT_ID: "a-boot-before",
                    holder.STARTED: "100"})
    abandoned(tmp_path / "warcs", data, pid=os.getpid())
    (report,) = finish_open_files(tmp_path / "warcs")
    assert report.records == 3 and not report.left


@linux_only
def test_a_crawl_finishes_the_files_of_another_container_on_this_kernel(tmp_path: Path) -> None:
    data = warc_by({holder.HOST: "old-container", holder.PID: str(dead_pid()), holder.BOOT_ID: holder.boot_id(),
                    holder.STARTED: "100"})
    path = abandoned(tmp_path / "archive" / "warcs", data, host="old-container", pid=1)
    with serve() as base:
        result = run_probe_crawl(tmp_path, base, pages="search?q=x", revisits="0")
    finished = path.with_name(path.name.removesuffix(".open"))
    assert f"finished {finished}" in result.log and len(read_file(finished)) == 3


def repair(archive_dir: Path, *options: str) -> dict:
    result = newsarchive("--archive-dir", str(archive_dir), "warcs", "repair", "--json", *options)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


WRITE_AND_WAIT = """
import sys, time
from datetime import UTC, datetime
from scrapy.http import Response
from crawler.middlewares.warc_records import response_record
from storage.warc.writer import WarcFileWriter
writer = WarcFileWriter(sys.argv[1])
writer.write([response_record(Response("http://news.example/live", body=b"<p>live</p>"), datetime.now(UTC))])
print(writer.current_name, flush=True)
time.sleep(300)
"""


def test_warcs_repair_leaves_a_file_whose_lock_a_live_writer_holds_and_finishes_it_once_killed(
        tmp_path: Path) -> None:
    warcs = tmp_path / "archive" / "warcs"
    writer = subprocess.Popen([sys.executable, "-c", WRITE_AND_WAIT, str(warcs)], cwd=ROOT, stdout=subprocess.PIPE,
                              text=True)
    try:
        name = writer.stdout.readline().strip()
        # Named as if another machine's long-dead process wrote it: only the lock tells that it is in use.
        path = (warcs / (name + ".open")).rename(warcs / "newsarchive-20260101000000000-00000-elsewhere-77.warc.gz.open")
        size = path.stat().st_size
        held = repair(tmp_path / "archive", "--other-hosts")
        assert held["left_in_use"] == 1 and held["finished"] == 0
        assert "lock" in held["files"][0]["reason"] and path.stat().st_size == size
    finally:
        writer.kill()
        writer.wait()
    done = repair(tmp_path / "archive", "--other-hosts")
    assert done["finished"] == 1 and not path.exists()
    assert path.with_name(path.name.removesuffix(".open")).exists()


def test_warcs_repair_leaves_another_machines_file_until_asked(tmp_path: Path) -> None:
    data = warc_by({holder.HOST: "crawler-b", holder.PID: "4242", holder.BOOT_ID: "kernel-of-b", holder.STARTED: "9"})
    path = abandoned(tmp_path / "archive" / "warcs", data[:-10], host="crawler-b", pid=4242)
    result = newsarchive("--archive-dir", str(tmp_path / "archive"), "warcs", "repair")
    assert result.exit_code == 0, result.output
    assert "written on crawler-b" in result.stdout and "--other-hosts" in result.stdout
    assert "1 left (written on another machine)" in result.stdout and path.read_bytes() == data[:-10]
    planned = repair(tmp_path / "archive", "--other-hosts", "--dry-run")
    assert planned["would_finish"] == 1 and path.read_bytes() == data[:-10]
    done = repair(tmp_path / "archive", "--other-hosts")
    assert done["finished"] == 1 and done["files"][0]["records"] == 2


def test_warcs_repair_without_a_warcs_folder_says_so_in_one_line(tmp_path: Path) -> None:
    result = newsarchive("--archive-dir", str(tmp_path / "nothing"), "warcs", "repair")
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [f"Error: no WARC folder at {tmp_path / 'nothing' / 'warcs'}: "
                                                  "pass the archive's --archive-dir"]
