"""``reindex`` beside a running reading room (``newsarchive serve``) on SQLite (issue 35).

The reading room holds read-only connections to the archive's file. A rebuild
must still swap in (it failed with ``database is locked`` turning the old
file's journal mode off), the running reading room must read the rebuilt
index, not the file it replaced, and a reading room started after the rebuild
must open it (a read-only connection set ``journal_mode=WAL``: "attempt to
write a readonly database").
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
import urllib.error
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.helpers.cli import newsarchive
from tests.helpers.crawl import ROOT, run_crawl
from tests.newsweb import NewsWeb
from tests.storage.web.test_pages import free_port, get, q

STALE = "A headline only the replaced index holds"


@pytest.fixture(scope="module")
def crawled(tmp_path_factory) -> tuple[Path, Path, str, str]:
    """(archive dir, seed file, an article's URL, its archived title)."""
    root = tmp_path_factory.mktemp("reindex-readers")
    with NewsWeb(seed=3, articles_per_outlet=1) as web:
        seeds = root / "seeds.toml"
        seeds.write_text(web.seed_toml(), encoding="utf-8")
        run_crawl(root / "archive", seeds, web.proxy_url)
        url = web.article_urls()[0]
        return root / "archive", seeds, url, web.article(url).title


@contextmanager
def serving(archive_dir: Path) -> Iterator[str]:
    """``newsarchive serve`` in a process of its own; yields its base URL once it answers."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "storage.cli", "--archive-dir", str(archive_dir), "serve",
                                "--port", str(port)], cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if get(f"http://127.0.0.1:{port}/").status == 200:
                    break
            except urllib.error.URLError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"newsarchive serve did not answer:\n{process.communicate(timeout=10)[1][-3000:]}")
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.communicate(timeout=10)


def retitle(archive_dir: Path, url: str, title: str) -> None:
    """Change the page's archived title in the index as it is (the rebuild will not have it)."""
    with sqlite3.connect(archive_dir / "archive.sqlite3", timeout=30) as connection:
        changed = connection.execute("UPDATE versions SET title = ? WHERE page_id = (SELECT id FROM pages WHERE url = ?)",
                                     (title, url)).rowcount
    connection.close()
    assert changed == 1


def test_reindex_swaps_in_under_a_running_reading_room_which_then_reads_the_rebuilt_index(crawled) -> None:
    archive_dir, seeds, url, title = crawled
    with serving(archive_dir) as base:
        retitle(archive_dir, url, STALE)
        assert STALE in get(f"{base}/page?{q(url=url)}").text  # the reading room reads the index as it is

        result = newsarchive("--archive-dir", str(archive_dir), "reindex", "--yes", "--seeds", str(seeds),
                             "--workers", "1")
        assert result.exit_code == 0, result.output

        page = get(f"{base}/page?{q(url=url)}")
        assert page.status == 200
        assert STALE not in page.text and title in page.text  # the rebuilt index, not the file it replaced


def test_the_reading_room_opens_an_archive_reindex_rebuilt(crawled) -> None:
    archive_dir, seeds, url, title = crawled
    result = newsarchive("--archive-dir", str(archive_dir), "reindex", "--yes", "--seeds", str(seeds),
                         "--workers", "1")
    assert result.exit_code == 0, result.output
    with serving(archive_dir) as base:
        page = get(f"{base}/page?{q(url=url)}")
        assert page.status == 200 and title in page.text
