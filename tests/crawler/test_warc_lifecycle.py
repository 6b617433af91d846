"""A WARC file's life across a crawl: the run's end lands in its last file, even when every write rotates;
the bytes a batch of rows points at are on disk before the batch is written; a killed crawl's open file is
read while open and finished by ``newsarchive warcs repair``."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from storage.warc.context import RunEnd, RunStart
from storage.warc.reader import read_entries
from tests.helpers.cli import newsarchive
from tests.helpers.crawl import ROOT, crawl_command, crawl_env, run_crawl, start_crawl, warc_files

NEWSWEB = {"seed": 5, "articles_per_outlet": 2}  # options of the `web` fixture (conftest.py)


def run_records(path: Path) -> list[RunStart | RunEnd]:
    with path.open("rb") as stream:
        return [item for item in read_entries(stream, path, path.name) if isinstance(item, RunStart | RunEnd)]


@pytest.fixture(scope="module")
def tiny_files_crawl(web, tmp_path_factory) -> Path:
    """A crawl whose WARC files hold a few hundred bytes: every batch of records fills its file."""
    root = tmp_path_factory.mktemp("tiny")
    seeds = root / "news.toml"
    seeds.write_text(web.seed_toml(), encoding="utf-8")
    archive_dir = root / "archive"
    run_crawl(archive_dir, seeds, web.proxy_url, settings={"WARC_MAX_SIZE": "500", "ARCHIVE_INDEX": "0"})
    return archive_dir


def test_the_run_end_record_is_in_the_runs_last_file(tiny_files_crawl: Path) -> None:
    files = warc_files(tiny_files_crawl)
    assert len(files) > 3
    ends = [(path, record) for path in files for record in run_records(path) if isinstance(record, RunEnd)]
    assert len(ends) == 1, [path.name for path, _ in ends]
    (path, end), = ends
    assert path == files[-1]
    assert end.warc_files == [file.name for file in files]
    assert not list((tiny_files_crawl / "warcs").glob("*.open"))


BATCH = 2  # ARCHIVE_WRITE_BATCH: many batches from a small crawl


@pytest.mark.skipif(shutil.which("strace") is None, reason="needs strace to see the crawl's fsync calls")
def test_each_batch_syncs_the_open_warc_file_before_it_is_written(web, tmp_path: Path) -> None:
    seeds = tmp_path / "news.toml"
    seeds.write_text(web.seed_toml(), encoding="utf-8")
    archive_dir = tmp_path / "archive"
    trace = tmp_path / "strace.txt"
    command = ["strace", "-f", "-qq", "-y", "-e", "trace=fsync,fdatasync", "-o", str(trace),
               *crawl_command(archive_dir, seeds, settings={"ARCHIVE_WRITE_BATCH": str(BATCH)})]
    done = subprocess.run(command, cwd=ROOT, env=crawl_env(web.proxy_url), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-4000:]
    (warc,) = warc_files(archive_dir)  # one file, open the whole crawl: synced only at its close before
    syncs = re.findall(rf"fs?y?n?c?\w*\(\d+<[^>]*{re.escape(warc.name)}\.open>\)", trace.read_text())
    engine = create_engine(f"sqlite:///{archive_dir / 'archive.sqlite3'}")
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT count(*) FROM captures WHERE warc_file = :name"),
                                  {"name": warc.name}).scalar_one()
    engine.dispose()
    assert len(syncs) > 1, "the open WARC file was synced only when it was closed"
    batches = int(re.search(r"'archive/batches': (\d+)", done.stderr).group(1))
    assert rows > BATCH and batches >= 2
    assert len(syncs) == batches + 1  # once per batch (not per record), then at the close


def first_version_url(archive_dir: Path) -> str | None:
    database = archive_dir / "archive.sqlite3"
    if not database.exists():
        return None
    engine = create_engine(f"sqlite:///{database}")
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT p.url FROM versions v JOIN pages p ON p.id = v.page_id "
                                           "ORDER BY v.id LIMIT 1")).scalar()
    except OperationalError:  # tables not made yet
        return None
    finally:
        engine.dispose()


def test_a_killed_crawls_open_file_is_read_while_open_and_finished_by_warcs_repair(web, tmp_path: Path) -> None:
    seeds = tmp_path / "news.toml"
    seeds.write_text(web.seed_toml(), encoding="utf-8")
    archive_dir = tmp_path / "archive"
    crawl = start_crawl(archive_dir, seeds, web.proxy_url, settings={"DOWNLOAD_DELAY": "1", "ARCHIVE_WRITE_BATCH": "1"},
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while (url := first_version_url(archive_dir)) is None and crawl.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        crawl.kill()
        crawl.wait()
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(crawl.pid, signal.SIGKILL)
    assert url is not None, "the crawl recorded no version before it was killed"
    (left_open,) = (archive_dir / "warcs").glob("*.warc.gz.open")
    raw = newsarchive("--archive-dir", str(archive_dir), "show", url, "--raw")
    assert raw.exit_code == 0, raw.output
    assert "<html" in raw.stdout.lower()
    repaired = newsarchive("--archive-dir", str(archive_dir), "warcs", "repair", "--json")
    assert repaired.exit_code == 0, repaired.output
    assert json.loads(repaired.stdout)["finished"] == 1
    assert not left_open.exists() and left_open.with_name(left_open.name.removesuffix(".open")).exists()
    assert newsarchive("--archive-dir", str(archive_dir), "show", url, "--raw").stdout == raw.stdout
