"""A crawl's DOWNLOAD_MAXSIZE rides in its run record: reindex refuses what the crawl refused, whatever its environment.

The crawl runs with ``-s DOWNLOAD_MAXSIZE`` low enough that about half the
news web's article pages (5 to 8 KB) are refused: the gzipping outlets' bodies
are in the WARC as sent all the same. ``reindex`` without
``NEWSARCHIVE_DOWNLOAD_MAXSIZE``, or with one that says otherwise, must make
the captures the crawl made; a file without a run record still follows the
variable (``tests/storage/ingest/test_bombs.py``).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from storage.warc.capped import LIMIT_ENV
from storage.warc.errors import PayloadTooLarge
from storage.warc.payload import read_payload
from tests.crawler.test_faults import captures_of
from tests.helpers.cli import newsarchive
from tests.helpers.crawl import run_crawl, warc_files
from tests.newsweb import NewsWeb

MAX_SIZE = 6400


@pytest.fixture(scope="module")
def crawled(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("run-limits")
    with NewsWeb(seed=21, articles_per_outlet=3) as web:
        seeds = root / "seeds.toml"
        seeds.write_text(web.seed_toml(), encoding="utf-8")
        result = run_crawl(root / "archive", seeds, web.proxy_url, settings={"DOWNLOAD_MAXSIZE": str(MAX_SIZE)},
                           env={LIMIT_ENV: ""})  # empty: unset
    assert "DOWNLOAD_MAXSIZE" in result.stderr, "no page was refused: the test needs a lower limit"
    return root / "archive"


def reindexed(archive_dir: Path, copy: Path, env: dict[str, str] | None) -> list[tuple]:
    shutil.copytree(archive_dir, copy)
    result = newsarchive("--archive-dir", str(copy), "reindex", "--yes", "--workers", "1", "--json", env=env)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.strip().splitlines()[-1])["skipped_too_large"] > 0
    return captures_of(copy)


@pytest.mark.parametrize("env", [None, {LIMIT_ENV: str(10 * MAX_SIZE)}, {LIMIT_ENV: "0"}],
                         ids=["no variable", "a higher one", "none"])
def test_reindex_makes_the_captures_the_crawl_made(crawled: Path, tmp_path: Path, env, monkeypatch) -> None:
    monkeypatch.delenv(LIMIT_ENV, raising=False)
    crawl_captures = captures_of(crawled)
    assert crawl_captures
    assert reindexed(crawled, tmp_path / "archive", env) == crawl_captures


def test_a_payload_read_by_place_follows_its_crawl_s_limit(crawled: Path, monkeypatch) -> None:
    """``show --raw``, ``/capture/ID/raw``, ``reextract`` and a revisit's original read one record by file and offset."""
    monkeypatch.setenv(LIMIT_ENV, "0")
    sizes = {}
    for path in warc_files(crawled):
        with open(path, "rb") as stream:
            iterator = ArchiveIterator(stream)
            for record in iterator:
                if record.rec_type == "response" and record.http_headers.get_header("Content-Encoding") == "gzip":
                    size = len(record.content_stream().read())
                    iterator.read_to_end(record)
                    sizes[(path, iterator.get_record_offset())] = size
    big = [where for where, size in sizes.items() if size > MAX_SIZE]
    small = [where for where, size in sizes.items() if size <= MAX_SIZE]
    assert big and small
    with pytest.raises(PayloadTooLarge, match=f"more than {MAX_SIZE} bytes"):
        read_payload(*big[0])
    assert len(read_payload(*small[0])) == sizes[small[0]]


def test_a_run_record_cannot_raise_the_archive_s_limit(crawled: Path, tmp_path: Path, monkeypatch, caplog) -> None:
    """A WARC from elsewhere may carry a forged run record: it may lower the read-back limit, never raise it."""
    monkeypatch.delenv(LIMIT_ENV, raising=False)
    crawl_captures = captures_of(crawled)
    copy = tmp_path / "archive"
    shutil.copytree(crawled, copy)
    result = newsarchive("--archive-dir", str(copy), "reindex", "--yes", "--force", "--workers", "1",
                         "--json", env={LIMIT_ENV: str(MAX_SIZE // 4)})
    assert result.exit_code == 0, result.output
    assert len(captures_of(copy)) < len(crawl_captures)  # the lower ceiling refused pages the crawl kept
    assert f"set {LIMIT_ENV}={MAX_SIZE} " in caplog.text
