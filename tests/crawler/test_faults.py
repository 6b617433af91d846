"""Fault injection: crawl the simulated web with its misbehaving outlet (``faulty.test``).

One crawl for the module, with a short DOWNLOAD_TIMEOUT and a small
DOWNLOAD_MAXSIZE; each test then checks what one kind of fault did. The server's
request log is time-stamped here so the waits between retries can be measured.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from crawler import settings as project_settings
from crawler.middlewares.retry import backoff_seconds, retry_after_seconds
from storage.archive import Archive
from storage.db.errors import NoSuchPage
from storage.warc.capped import LIMIT_ENV
from tests.helpers.cli import newsarchive
from tests.helpers.crawl import run_crawl, tool, warc_files
from tests.newsweb import NewsWeb

FAULTY = "http://faulty.test"
MAX_SIZE = 2 * 1024 * 1024
BACKOFF_BASE = 0.5
CRAWL_BOUND_SECONDS = 120

RETRY_SETTINGS = {
    "DOWNLOADER_MIDDLEWARES": {
        **project_settings.DOWNLOADER_MIDDLEWARES,
        "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
        "crawler.middlewares.retry.BackoffRetryMiddleware": 550,
    },
    "RETRY_BACKOFF_BASE": str(BACKOFF_BASE),
    "RETRY_BACKOFF_MAX": "10",
    "RETRY_GIVE_UP_LOG_LEVEL": "DEBUG",  # the spider's errback logs the one line per failure
}

# Fault URL -> the errors/<kind> it must be counted under.
FAILING = {
    "/reset": "connection_lost",
    "/hang": "timeout",
    "/error/500": "http_500",
    "/error/503": "http_503",
    "/error/429": "http_429",
    "/gzip-bomb": "too_large",
    "/endless": "too_large",
    "/feed/huge.xml": "too_large",
}


def retry_settings() -> dict[str, str]:
    return {name: json.dumps(value) if isinstance(value, dict) else value for name, value in RETRY_SETTINGS.items()}


def faulty_seed_toml(web: NewsWeb) -> str:
    # The fault paths are not article-shaped URLs; a pattern makes the home page's links articles.
    return web.seed_toml() + "article_pattern = '^http://faulty\\.test/.'\n"


class TimedLog:
    """Wraps ``NewsWeb.record`` to note when each request arrived (monotonic seconds)."""

    def __init__(self, web: NewsWeb) -> None:
        self.times: dict[str, list[float]] = defaultdict(list)
        self._record = web.record
        web.record = self  # type: ignore[method-assign]

    def __call__(self, method: str, url: str, status: int, headers: dict[str, str]) -> None:
        self.times[url].append(time.monotonic())
        self._record(method, url, status, headers)

    def gaps(self, url: str) -> list[float]:
        moments = self.times[url]
        return [later - earlier for earlier, later in zip(moments, moments[1:])]


@pytest.fixture(scope="module")
def faulty_crawl(tmp_path_factory):
    """(web, timed log, archive_dir, finished process, seconds the crawl took)."""
    root = tmp_path_factory.mktemp("faults")
    with NewsWeb(seed=11, faults=True, hang_seconds=8) as web:
        seeds = root / "seeds.toml"
        seeds.write_text(faulty_seed_toml(web), encoding="utf-8")
        web.fault_outlet.bomb()  # built up front: its first build is slow enough to time a fetch out
        log = TimedLog(web)
        started = time.monotonic()
        result = run_crawl(root / "archive", seeds, web.proxy_url, check=False, timeout=CRAWL_BOUND_SECONDS + 60,
                           settings={"DOWNLOAD_TIMEOUT": "3", "DOWNLOAD_MAXSIZE": str(MAX_SIZE), **retry_settings()})
        elapsed = time.monotonic() - started
        yield web, log, root / "archive", result, elapsed


def summary_errors(stderr: str) -> dict[str, int]:
    line = re.search(r"^\s+errors\s+(.*)$", stderr[stderr.index("newsarchive crawl finished"):], re.M).group(1)
    return {kind: int(count) for kind, count in re.findall(r"(\S+) (\d+)", line)}


def versions_of(archive: Archive, url: str) -> list:
    try:
        return archive.versions(url)
    except NoSuchPage:
        return []


def cdxj_urls(archive_dir: Path) -> set[str]:
    result = subprocess.run([tool("cdxj-indexer"), *map(str, warc_files(archive_dir))],
                            capture_output=True, text=True, check=True)
    return set(re.findall(r'"url": "([^"]+)"', result.stdout))


def test_crawl_with_faults_finishes_in_bounded_time(faulty_crawl) -> None:
    _, _, _, result, elapsed = faulty_crawl
    assert result.returncode == 0, result.stderr[-4000:]
    assert elapsed < CRAWL_BOUND_SECONDS
    assert "newsarchive crawl finished (finished)" in result.stderr


def test_faults_lose_no_article_of_the_normal_outlets(faulty_crawl) -> None:
    web, _, archive_dir, _, _ = faulty_crawl
    with Archive(archive_dir=archive_dir) as archive:
        missing = [url for url in web.article_urls() if not versions_of(archive, url)]
    assert not missing


def test_server_faults_print_no_traceback(faulty_crawl) -> None:
    _, _, _, result, _ = faulty_crawl
    assert "Traceback" not in result.stderr
    assert "Spider error processing" not in result.stderr


def test_each_failed_fetch_is_counted_by_kind(faulty_crawl) -> None:
    _, _, _, result, _ = faulty_crawl
    errors = summary_errors(result.stderr)
    expected: dict[str, int] = defaultdict(int)
    for kind in FAILING.values():
        expected[kind] += 1
    for kind, count in expected.items():
        assert errors.get(kind) == count, (kind, errors)


def test_each_failed_fetch_is_logged_as_one_line(faulty_crawl) -> None:
    _, _, _, result, _ = faulty_crawl
    for path, kind in FAILING.items():
        url = FAULTY + path
        lines = [line for line in result.stderr.splitlines()
                 if "[crawler." in line and re.search(re.escape(url) + r"(\s|$|;|:)", line)]
        assert len(lines) == 1, (url, lines)
        assert f"({kind})" in lines[0]


@pytest.mark.parametrize("path, retry_after", [("/error/500", None), ("/error/503", 2.0), ("/error/429", 1.0)])
def test_server_errors_are_retried_with_backoff(faulty_crawl, path: str, retry_after: float | None) -> None:
    web, log, _, _, _ = faulty_crawl
    url = FAULTY + path
    assert web.hits(url) == 1 + project_settings.RETRY_TIMES  # retried, then given up: not hammered
    tolerance = 0.15
    for attempt, gap in enumerate(log.gaps(url), start=1):
        backoff = BACKOFF_BASE * 2 ** (attempt - 1)
        assert gap >= max(backoff, retry_after or 0.0) - tolerance, (url, attempt, log.gaps(url))


def test_redirect_loop_ends(faulty_crawl) -> None:
    web, _, _, _, _ = faulty_crawl
    hops = web.hits(FAULTY + "/redirect-loop/a") + web.hits(FAULTY + "/redirect-loop/b")
    assert 2 <= hops <= project_settings.REDIRECT_MAX_TIMES + 1


def test_gzip_bomb_and_endless_body_are_cut_by_the_size_limit(faulty_crawl) -> None:
    web, _, archive_dir, result, _ = faulty_crawl
    assert web.hits(FAULTY + "/gzip-bomb") == 1 and web.hits(FAULTY + "/endless") == 1
    assert "exceeded DOWNLOAD_MAXSIZE" in result.stderr or "larger than download max size" in result.stderr
    with Archive(archive_dir=archive_dir) as archive:
        assert not versions_of(archive, FAULTY + "/gzip-bomb")
        assert not versions_of(archive, FAULTY + "/endless")


CAPTURES = ("SELECT c.fetched_url, c.status, c.record_type, c.warc_file, c.warc_offset, c.warc_record_id "
            "FROM captures c")


def captures_of(archive_dir: Path) -> list[tuple]:
    engine = create_engine(f"sqlite:///{archive_dir / 'archive.sqlite3'}")
    try:
        with engine.connect() as connection:
            return sorted(tuple(row) for row in connection.execute(text(CAPTURES)))
    finally:
        engine.dispose()


def test_reindex_refuses_the_gzip_bomb_the_crawl_refused(faulty_crawl, tmp_path) -> None:
    """The bomb's body is in the WARC as sent; reindex, under the crawl's limit, makes the captures the crawl made."""
    _, _, archive_dir, _, _ = faulty_crawl
    assert FAULTY + "/gzip-bomb" in cdxj_urls(archive_dir)
    crawled = captures_of(archive_dir)
    assert not [row for row in crawled if row[0].endswith("/gzip-bomb")]
    copy = tmp_path / "archive"
    shutil.copytree(archive_dir / "warcs", copy / "warcs")
    shutil.copy2(archive_dir / "archive.sqlite3", copy / "archive.sqlite3")
    result = newsarchive("--archive-dir", str(copy), "reindex", "--yes", "--json",
                         env={LIMIT_ENV: str(MAX_SIZE)})
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.strip().splitlines()[-1])["skipped_too_large"] == 1
    assert captures_of(copy) == crawled


def test_binary_and_non_html_responses_are_archived_without_a_version(faulty_crawl) -> None:
    _, _, archive_dir, _, _ = faulty_crawl
    indexed = cdxj_urls(archive_dir)
    for path in ("/binary.html", "/robots.txt", "/feed/broken.xml", "/error/429"):
        assert FAULTY + path in indexed, path
    with Archive(archive_dir=archive_dir) as archive:
        assert archive.captures(FAULTY + "/binary.html")
        assert not versions_of(archive, FAULTY + "/binary.html")


@pytest.mark.parametrize("path, words", [
    ("/charset/wrong", "la carte"),
    ("/charset/mixed", "says"),
    ("/charset/bogus", "Plain words"),
])
def test_bad_charsets_are_archived_and_extracted(faulty_crawl, path: str, words: str) -> None:
    _, _, archive_dir, _, _ = faulty_crawl
    url = FAULTY + path
    assert url in cdxj_urls(archive_dir)
    with Archive(archive_dir=archive_dir) as archive:
        assert archive.captures(url)
        [version] = versions_of(archive, url)
    assert words in version.text


def test_malformed_html_is_archived_and_processed(faulty_crawl) -> None:
    _, _, archive_dir, result, _ = faulty_crawl
    url = FAULTY + "/malformed.html"
    assert url in cdxj_urls(archive_dir)
    with Archive(archive_dir=archive_dir) as archive:
        assert archive.captures(url)
        for version in versions_of(archive, url):
            assert "\x00" not in version.text
    assert not [line for line in result.stderr.splitlines() if url in line and "ERROR" in line]


def test_malformed_html_text_is_extracted(faulty_crawl) -> None:
    # Its <title> is never closed and it holds a NUL byte; the text before the
    # unterminated attribute quote (which swallows the rest, in browsers too) survives.
    _, _, archive_dir, _, _ = faulty_crawl
    with Archive(archive_dir=archive_dir) as archive:
        [version] = versions_of(archive, FAULTY + "/malformed.html")
    assert version.title == "Storm hits the quay"
    assert "Waves broke over the harbour wall" in version.text
    assert "Residents were moved to the school hall." in version.text
    assert "\x00" not in version.text


def test_broken_sitemaps_and_sitemap_loops_end(faulty_crawl) -> None:
    web, _, _, result, _ = faulty_crawl
    assert web.hits(FAULTY + "/sitemap-loop-a.xml") == 1
    assert web.hits(FAULTY + "/sitemap-loop-b.xml") == 1
    malformed = [line for line in result.stderr.splitlines() if FAULTY + "/sitemap-malformed.xml" in line]
    assert len(malformed) == 1 and "sitemap" in malformed[0]
    assert summary_errors(result.stderr).get("bad_sitemap") == 1


def test_broken_feed_keeps_its_readable_entries(faulty_crawl) -> None:
    web, _, _, _, _ = faulty_crawl
    assert web.hits(FAULTY + "/feed/broken.xml") == 1
    assert web.hits(FAULTY + "/item/1") == 1  # the one complete link before the damage


def test_broken_feed_is_reported_in_one_line(faulty_crawl) -> None:
    _, _, _, result, _ = faulty_crawl
    lines = [line for line in result.stderr.splitlines() if FAULTY + "/feed/broken.xml" in line]
    assert len(lines) == 1 and "feed" in lines[0]


def test_retry_after_longer_than_the_cap_is_not_retried_this_run(tmp_path) -> None:
    with NewsWeb(seed=4, articles_per_outlet=1, faults=True) as web:
        seeds = tmp_path / "seeds.toml"
        seeds.write_text('[[outlet]]\nname = "faulty"\ndomains = ["faulty.test"]\n'
                         f'start_urls = ["{FAULTY}/error/503"]\n', encoding="utf-8")
        result = run_crawl(tmp_path / "archive", seeds, web.proxy_url, timeout=120,
                           settings={**retry_settings(), "RETRY_BACKOFF_MAX": "1"})
        assert web.hits(FAULTY + "/error/503") == 1  # Retry-After: 2 exceeds the 1 s cap
    assert summary_errors(result.stderr).get("http_503") == 1
    assert re.search(r"'retry/retry_after_too_long': 1\b", result.stderr)


@pytest.mark.parametrize("header, seconds", [
    (b"120", 120.0),
    ("Wed, 21 Oct 2026 07:28:30 GMT", 30.0),
    ("Wed, 21 Oct 2026 07:27:00 GMT", 0.0),  # already past: retry now
    ("soon", None),
    (None, None),
])
def test_retry_after_header_is_read_as_seconds_or_a_date(header, seconds) -> None:
    now = datetime(2026, 10, 21, 7, 28, tzinfo=UTC)
    assert retry_after_seconds(header, now) == seconds


def test_backoff_doubles_per_attempt_up_to_the_cap() -> None:
    assert [backoff_seconds(n, 0.5, 3.0) for n in (1, 2, 3, 4, 5)] == [0.5, 1.0, 2.0, 3.0, 3.0]
