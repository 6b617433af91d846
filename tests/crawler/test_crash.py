"""Crash safety: ``scrapy crawl news`` killed with SIGKILL at random moments loses nothing.

Many short trials share one archive; after each kill the abandoned ``.open``
WARC files are finished (as the next crawl's start does), every WARC must read
cleanly to its last record, and every database row must point at a complete
record. A final uninterrupted crawl then completes the work with exactly one
version per article. The crawl lock is checked the same way: it keeps a second
crawl out while one runs, and a killed crawl does not keep it.
"""

from __future__ import annotations

import io
import os
import random
import signal
import subprocess
import time
from pathlib import Path

from sqlalchemy import create_engine, text
from warcio.archiveiterator import ArchiveIterator

from crawler.exitcodes import LOCKED
from storage.archive import Archive
from storage.db.engine import resolve_url
from storage.db.errors import NoSuchPage
from storage.warc.repair import finish_open_files
from tests.helpers.crawl import run_crawl, start_crawl, tool, warc_files
from tests.newsweb import NewsWeb

TRIALS = 21
CRASH_SETTINGS = {"WARC_MAX_SIZE": "60000", "EXTRACT_WORKERS": "1", "ARCHIVE_WRITE_BATCH": "5"}


def kill_hard(process: subprocess.Popen[str]) -> int:
    """SIGKILL the crawl, then whatever it left behind in its group (extraction workers)."""
    try:
        os.kill(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    code = process.wait(timeout=30)
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.communicate(timeout=30)  # the helpers held the stderr pipe open until now
    return code


def wait_for(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


def record_id_at(path: Path, offset: int, length: int) -> str | None:
    with open(path, "rb") as handle:
        handle.seek(offset)
        member = io.BytesIO(handle.read(length))
    record = next(iter(ArchiveIterator(member)), None)
    if record is None:
        return None
    record.content_stream().read()  # a truncated payload raises here
    return record.rec_headers.get_header("WARC-Record-ID")


class ArchiveChecker:
    """Repairs and checks an archive after a kill; remembers files already verified."""

    def __init__(self, archive_dir: Path) -> None:
        self.archive_dir = archive_dir
        self.warcs = archive_dir / "warcs"
        self.checked: set[tuple[str, int]] = set()
        self.repaired = 0  # .open files a kill left behind and the check finished

    def check(self) -> int:
        """Repair, then check WARCs and rows; return how many capture rows were verified."""
        reports = finish_open_files(self.warcs)
        assert not [report for report in reports if report.error], reports
        self.repaired += len(reports)
        assert not list(self.warcs.glob("*.open")), "finish_open_files left .open files behind"
        self._check_warcs()
        return self._check_rows()

    def _check_warcs(self) -> None:
        fresh = [p for p in warc_files(self.archive_dir) if (p.name, p.stat().st_size) not in self.checked]
        if not fresh:
            return
        result = subprocess.run([tool("warcio"), "check", *map(str, fresh)], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
        self.checked.update((p.name, p.stat().st_size) for p in fresh)

    def _check_rows(self) -> int:
        url = resolve_url(None, self.archive_dir)
        if not (self.archive_dir / url.database.rsplit("/", 1)[-1]).exists():
            return 0
        engine = create_engine(url)
        try:
            with engine.connect() as db:
                if not db.execute(text("SELECT name FROM sqlite_master WHERE name = 'captures'")).first():
                    return 0
                rows = db.execute(text("SELECT warc_file, warc_offset, warc_length, warc_record_id FROM captures")).all()
                orphans = db.execute(text(
                    "SELECT count(*) FROM versions v LEFT JOIN captures c ON c.id = v.capture_id WHERE c.id IS NULL"
                )).scalar_one()
        finally:
            engine.dispose()
        assert orphans == 0
        for warc_file, offset, length, record_id in rows:
            path = self.warcs / warc_file
            assert path.exists(), f"row points at missing {warc_file}"
            assert record_id_at(path, offset, length) == record_id, (warc_file, offset)
        return len(rows)

    def versions_per_article(self, urls: list[str]) -> dict[str, int]:
        counts = {}
        with Archive(archive_dir=self.archive_dir) as archive:
            for url in urls:
                try:
                    counts[url] = len(archive.versions(url))
                except NoSuchPage:
                    counts[url] = 0
        return counts


# Enough articles that later trials still have pages to fetch when the kill lands
# (archived pages are left to their re-check schedule, so each trial has less to do).
NEWSWEB = {"seed": 5, "articles_per_outlet": 60, "page_padding_kb": 6}  # options of the `web` fixture (conftest.py)


def test_sigkill_at_random_moments_loses_nothing(web, tmp_path) -> None:
    seeds = tmp_path / "seeds.toml"
    seeds.write_text(web.seed_toml(), encoding="utf-8")
    archive_dir = tmp_path / "archive"
    checker = ArchiveChecker(archive_dir)
    rng = random.Random(20261123)
    killed_mid_crawl = 0
    for trial in range(TRIALS):
        web.clear_log()
        began = time.monotonic()
        process = start_crawl(archive_dir, seeds, web.proxy_url, settings=CRASH_SETTINGS, stdout=subprocess.DEVNULL,
                              start_new_session=True)
        kind = trial % 3
        if kind == 0:  # after a random number of served requests: mid-fetch, mid-write
            served = rng.randint(1, 60)
            wait_for(lambda: len(web.request_log) >= served or process.poll() is not None, timeout=20)
        elif kind == 1:  # during start-up: imports, lock, database migration, WARC repair
            time.sleep(rng.uniform(0.2, 2.0))
        else:  # a random moment after fetching began, shutdown included
            wait_for(lambda: web.request_log or process.poll() is not None, timeout=20)
            time.sleep(rng.uniform(0.0, 1.5))
        finished = process.poll() is not None
        code = kill_hard(process)
        if not finished:
            assert code == -signal.SIGKILL
            killed_mid_crawl += bool(web.request_log)
        checker.check()
        print(f"trial {trial}: {time.monotonic() - began:.1f} s, exit {code}, {len(web.request_log)} requests")
    print(f"{killed_mid_crawl} kills mid-crawl, {checker.repaired} open WARC files repaired")
    assert killed_mid_crawl >= TRIALS // 3, "too few kills landed while pages were being fetched"
    assert checker.repaired >= TRIALS // 3, "too few kills left a WARC file open"
    assert warc_files(archive_dir)

    result = run_crawl(archive_dir, seeds, web.proxy_url, settings=CRASH_SETTINGS)
    assert "Traceback" not in result.stderr
    assert checker.check() > 0
    versions = checker.versions_per_article(web.article_urls())
    assert {url: n for url, n in versions.items() if n != 1} == {}


def test_second_crawl_is_locked_out_and_a_killed_crawl_frees_the_lock(tmp_path) -> None:
    archive_dir = tmp_path / "archive"
    with NewsWeb(seed=1, articles_per_outlet=1, faults=True, hang_seconds=30) as web:
        hanging = tmp_path / "hang.toml"
        hanging.write_text('[[outlet]]\nname = "faulty"\ndomains = ["faulty.test"]\n'
                           'start_urls = ["http://faulty.test/hang"]\n', encoding="utf-8")
        quick = tmp_path / "quick.toml"
        quick.write_text('[[outlet]]\nname = "faulty"\ndomains = ["faulty.test"]\n'
                         'start_urls = ["http://faulty.test/charset/bogus"]\n', encoding="utf-8")
        first = start_crawl(archive_dir, hanging, web.proxy_url, settings={"DOWNLOAD_TIMEOUT": "60", "RETRY_ENABLED": "0"},
                            stdout=subprocess.DEVNULL, start_new_session=True)
        try:
            assert wait_for(lambda: web.hits("http://faulty.test/hang") > 0, timeout=30), "first crawl never started"
            second = run_crawl(archive_dir, quick, web.proxy_url, check=False, timeout=60)
        finally:
            kill_hard(first)
        assert second.returncode == LOCKED
        complaint = [line for line in second.stderr.splitlines() if line.strip()]
        assert len(complaint) == 1 and "another crawl" in complaint[0], second.stderr
        assert "Traceback" not in second.stderr

        third = run_crawl(archive_dir, quick, web.proxy_url, check=False, timeout=60)
        assert third.returncode == 0, third.stderr[-3000:]
        assert web.hits("http://faulty.test/charset/bogus") == 1
