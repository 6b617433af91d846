"""Stopping a crawl the way timeout and systemd do loses nothing (issue 16).

SIGTERM goes to the whole process group: the extraction workers must leave the
shutdown to the crawl, a dead worker is replaced and its page tried again, and
every capture the WARCs hold is indexed afterwards by ingest, none twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.pipelines.worker_pool import PageKilledWorkers, WorkerPool
from storage.archive import Archive
from storage.warc.context import CONTENT_TYPE, from_json
from tests.helpers.cli import newsarchive
from tests.helpers.crawl import start_crawl, warc_files

NEWSWEB = {"seed": 23, "articles_per_outlet": 40, "page_padding_kb": 20}  # options of the `web` fixture


def run(pool: WorkerPool, work: Callable[[], object]) -> object:
    return asyncio.run(pool.run(work))


def test_a_worker_ignores_sigterm_and_a_dead_one_is_replaced() -> None:
    pool = WorkerPool(1)
    try:
        first = run(pool, os.getpid)
        os.kill(first, signal.SIGTERM)  # as systemd signals the whole group
        time.sleep(0.3)
        assert run(pool, os.getpid) == first, "the worker kept working through SIGTERM"
        os.kill(first, signal.SIGKILL)
        time.sleep(0.3)
        replaced = run(pool, os.getpid)
        assert replaced != first
    finally:
        pool.shutdown()


def test_a_page_that_kills_two_workers_is_given_up() -> None:
    pool = WorkerPool(1)
    try:
        with pytest.raises(PageKilledWorkers, match="killed the worker process twice"):
            run(pool, partial(os._exit, 3))
        assert isinstance(run(pool, os.getpid), int), "the pool still works for the next page"
    finally:
        pool.shutdown()


def indexable(archive_dir: Path) -> set[str]:
    """Record ids of the fetches the crawl makes captures of, read from the WARCs' own capture records."""
    found: set[str] = set()
    for path in warc_files(archive_dir):
        with path.open("rb") as stream:
            statuses: dict[str, int] = {}
            for record in ArchiveIterator(stream):
                if record.rec_type in ("response", "revisit"):
                    statuses[record.rec_headers.get_header("WARC-Record-ID")] = int(record.http_headers.get_statuscode())
                elif record.rec_type == "metadata" and record.rec_headers.get_header("Content-Type") == CONTENT_TYPE:
                    context = from_json(record.content_stream().read())
                    if getattr(context, "role", None) == "article" and statuses.get(context.record_id) == 200:
                        found.add(context.record_id)
    return found


def test_sigterm_to_the_process_group_loses_no_capture(web, tmp_path: Path) -> None:
    seeds = tmp_path / "seeds.toml"
    seeds.write_text(web.seed_toml(), encoding="utf-8")
    archive_dir = tmp_path / "archive"
    articles = set(web.article_urls())
    web.clear_log()
    crawl = start_crawl(archive_dir, seeds, web.proxy_url, settings={"EXTRACT_WORKERS": "2"},
                        stdout=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while sum(1 for entry in web.request_log if entry.url in articles) < 30 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(crawl.pid, signal.SIGTERM)  # the crawl and its extraction workers, as systemd stops a unit
    _, stderr = crawl.communicate(timeout=120)
    assert "BrokenProcessPool" not in stderr and "Traceback" not in stderr, stderr[-3000:]
    in_warcs = indexable(archive_dir)
    assert in_warcs, "the crawl archived pages before it stopped"
    result = newsarchive("--archive-dir", str(archive_dir), "ingest", str(archive_dir / "warcs"), "--workers", "1",
                         "--seeds", str(seeds), "--json")
    assert result.exit_code == 0, result.output
    with Archive(archive_dir=archive_dir) as archive:
        indexed = {capture.warc_record_id for url in articles for capture in _captures(archive, url)}
    assert in_warcs <= indexed, "every archived article fetch is a capture after ingest"
    again = json.loads(newsarchive("--archive-dir", str(archive_dir), "ingest", str(archive_dir / "warcs"),
                                   "--workers", "1", "--seeds", str(seeds), "--json").stdout)
    assert again["captures_added"] == 0, json.dumps(again)


def test_kill_9_of_a_crawl_ends_its_writer_and_extraction_workers(web, tmp_path: Path) -> None:
    seeds = tmp_path / "seeds.toml"
    seeds.write_text(web.seed_toml(), encoding="utf-8")
    crawl = start_crawl(tmp_path / "archive", seeds, web.proxy_url, settings={"EXTRACT_WORKERS": "2"},
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while len(children := descendants(crawl.pid)) < 4 and crawl.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)  # the fork server, the writer and two extraction workers
        assert len(children) >= 4, f"the crawl started only {len(children)} processes"
        crawl.kill()
        crawl.wait()
        deadline = time.monotonic() + 30
        while (left := [pid for pid in children if alive(pid)]) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not left, f"processes of the killed crawl still run: {left}"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(crawl.pid, signal.SIGKILL)  # whatever this test started and left


def descendants(root: int) -> list[int]:
    """Every living process under ``root``, read from /proc."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
    found, frontier = [], [root]
    while frontier:
        children = [pid for pid, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return [pid for pid in found if alive(pid)]


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie waiting for its parent to read its status is dead)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def _captures(archive: Archive, url: str) -> list:
    from storage.db.errors import NoSuchPage

    try:
        return archive.captures(url)
    except NoSuchPage:
        return []
