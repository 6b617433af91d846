"""Distributed crawling: two ``scrapy crawl news`` processes, one Redis frontier, one PostgreSQL archive."""

from __future__ import annotations

import re
import subprocess
import uuid
from collections import Counter
from collections.abc import Iterator

import pytest
import redis
from scrapy import Request
from scrapy.utils.request import RequestFingerprinter

from crawler.distributed.frontier import FrontierDupeFilter
from storage.archive import Archive
from tests.helpers.crawl import start_crawl, tool, warc_files
from tests.helpers.captures import scratch_schema

IDLE_SECONDS = 6
NO_RECHECKS = {"recheck": "no"}


def squash(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip()


def finish(process: subprocess.Popen[str], timeout: float = 240) -> str:
    _, stderr = process.communicate(timeout=timeout)
    assert process.returncode == 0, f"crawl exited {process.returncode}:\n{stderr[-6000:]}"
    return stderr


def stat(stderr: str, name: str) -> int:
    match = re.search(rf"'{re.escape(name)}': (\d+)", stderr)
    return int(match.group(1)) if match else 0


NEWSWEB = {"seed": 11, "articles_per_outlet": 25}  # options of the `web` fixture (conftest.py)


@pytest.fixture(scope="module")
def pg_archive_url(pg_url: str) -> Iterator[str]:
    """A PostgreSQL schema of this module's own, dropped afterwards."""
    with scratch_schema(pg_url, "test_dist") as url:
        yield url


@pytest.fixture(scope="module")
def redis_prefix(redis_url: str) -> Iterator[str]:
    prefix = f"natest-{uuid.uuid4().hex[:12]}"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)
    client.close()


@pytest.fixture(scope="module")
def shared(web, pg_archive_url, redis_url, redis_prefix, tmp_path_factory):
    """Two processes crawl the web together: (archive_dir, seeds, [(pid, stderr), …])."""
    root = tmp_path_factory.mktemp("distributed")
    seeds = root / "seeds.toml"
    seeds.write_text(web.seed_toml(), encoding="utf-8")
    # A few requests in flight per process and a polite delay, as for a real outlet: the crawl
    # outlasts the second process's start-up even on a loaded machine, and the rest waits in
    # Redis for either process.
    settings = {"REDIS_URL": redis_url, "REDIS_KEY_PREFIX": redis_prefix,
                "MAX_IDLE_TIME_BEFORE_CLOSE": str(IDLE_SECONDS), "CONCURRENT_REQUESTS": "4",
                "DOWNLOAD_DELAY": "0.4", "RANDOMIZE_DOWNLOAD_DELAY": "0"}
    web.clear_log()
    processes = [start_crawl(root / "archive", seeds, web.proxy_url, db_url=pg_archive_url, settings=settings,
                             args=NO_RECHECKS) for _ in range(2)]
    runs = [(process.pid, finish(process)) for process in processes]
    return root / "archive", seeds, settings, runs


def test_every_article_is_fetched_exactly_once_across_both_processes(web, shared) -> None:
    articles = set(web.article_urls())
    fetches = Counter(entry.url.split("#")[0] for entry in web.request_log
                      if entry.method == "GET" and entry.url.split("?")[0] in articles)
    assert set(fetches) == articles
    assert all(count == 1 for count in fetches.values()), fetches.most_common(3)


def test_exactly_one_process_seeds_and_both_do_work(web, shared) -> None:
    *_, runs = shared
    assert sorted(stat(stderr, "distributed/seeder") for _, stderr in runs) == [0, 1]
    dequeued = [stat(stderr, "scheduler/dequeued/redis") for _, stderr in runs]
    assert all(count > 0 for count in dequeued), dequeued
    assert sum(dequeued) >= len(web.article_urls())
    for _, stderr in runs:
        summary = stderr[stderr.index("newsarchive crawl finished"):]
        assert int(re.search(r"fetched\s+(\d+) responses", summary).group(1)) > 0


def test_each_process_writes_its_own_warc_files(shared) -> None:
    archive_dir, _, _, runs = shared
    writers = {int(re.search(r"-(\d+)\.warc\.gz$", path.name).group(1)) for path in warc_files(archive_dir)}
    assert writers == {pid for pid, _ in runs}
    result = subprocess.run([tool("warcio"), "check", *map(str, warc_files(archive_dir))],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not list((archive_dir / "warcs").glob("*.open"))


def test_shared_archive_holds_one_version_per_article_with_its_body(web, shared, pg_archive_url) -> None:
    archive_dir, *_ = shared
    with Archive(pg_archive_url, archive_dir=archive_dir) as archive:
        assert archive.stats().versions == len(web.article_urls())
        for url in web.article_urls():
            [version] = archive.versions(url)
            stored = squash(version.text)
            for paragraph in web.article(url).paragraphs:
                assert squash(paragraph) in stored, (url, paragraph)


def test_last_process_out_clears_the_run_keys(shared, redis_url, redis_prefix) -> None:
    client = redis.Redis.from_url(redis_url)
    try:
        assert list(client.scan_iter(f"{redis_prefix}:*")) == []
    finally:
        client.close()


def test_next_run_seeds_the_frontier_again(web, shared, pg_archive_url) -> None:
    archive_dir, seeds, settings, _ = shared
    web.clear_log()
    stderr = finish(start_crawl(archive_dir, seeds, web.proxy_url, db_url=pg_archive_url, settings=settings,
                                  args=NO_RECHECKS))
    assert stat(stderr, "distributed/seeder") == 1
    feeds = {url for name in re.findall(r'feeds = \[(.*?)\]', seeds.read_text()) for url in re.findall(r'"([^"]+)"', name)}
    assert feeds and feeds <= {entry.url for entry in web.request_log}


def test_recheck_requests_pass_the_shared_duplicate_filter(redis_url, redis_prefix) -> None:
    client = redis.Redis.from_url(redis_url)
    dupefilter = FrontierDupeFilter(client, key=f"{redis_prefix}:unit:dupefilter")
    dupefilter.fingerprinter = RequestFingerprinter()
    try:
        url = "http://daily.example/news/story-1"
        assert not dupefilter.request_seen(Request(url))
        assert dupefilter.request_seen(Request(url + "#comments"))
        assert not dupefilter.request_seen(Request(url, meta={"recheck": True}))
    finally:
        dupefilter.clear()
        client.close()


def test_unreachable_redis_is_one_clear_error(web, tmp_path) -> None:
    seeds = tmp_path / "seeds.toml"
    seeds.write_text(web.seed_toml(), encoding="utf-8")
    process = start_crawl(tmp_path / "archive", seeds, web.proxy_url, db_url=f"sqlite:///{tmp_path / 'a.sqlite3'}",
                          settings={"REDIS_URL": "redis://127.0.0.1:1/0"}, args=NO_RECHECKS)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 1
    assert "cannot reach Redis at redis://127.0.0.1:1/0" in stderr
    assert "Traceback" not in stderr
