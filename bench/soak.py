"""Does the crawl hold its rate as the archive grows? A long ``scrapy crawl news``, first pages against last.

Serves a simulated news web (tests/newsweb) of ``--articles`` pages, crawls
it once with the full pipeline (fetch, WARC, extraction, versions, stories,
search index) into a fresh archive, then reads the capture times back from
the archive and prints:

  - the rate of the first and of the last ``--window`` pages (pages/s), and
    their ratio against the 0.9 target;
  - the rate of every window in between, so a slope shows where it starts;
  - the crawl's peak memory (RSS summed over its process tree) during the
    first and the last window, and overall.

The crawl is time-boxed by ``--timeout`` (Scrapy's CLOSESPIDER_TIMEOUT); a
crawl cut short says so and compares the windows it has. Run:

    .venv/bin/python bench/soak.py                      # 50,000 pages, windows of 10,000
    .venv/bin/python bench/soak.py --articles 5000 --window 1000   # a quick look
"""

from __future__ import annotations

import argparse
import math
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # its sibling crawl.py

from crawl import ROOT, _check, crawl_settings, proxy_env, run_measured, scrapy_command  # noqa: E402

from tests.newsweb import NewsWeb  # noqa: E402

TARGET = 0.9


def capture_times(database: Path) -> list[float]:
    """Fetch times (POSIX seconds) of the crawl's article captures, in order."""
    with sqlite3.connect(database) as db:
        rows = db.execute(
            "SELECT c.fetched_at FROM captures c JOIN versions v ON v.page_id = c.page_id "
            "GROUP BY c.id ORDER BY c.fetched_at").fetchall()
    return [datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() for (value,) in rows]


def window_rates(times: list[float], window: int) -> list[tuple[int, float]]:
    """(first page number, pages/s) of each whole window of ``window`` consecutive captures."""
    rates = []
    for first in range(0, len(times) - window + 1, window):
        span = times[first + window - 1] - times[first]
        rates.append((first + 1, window / span if span > 0 else math.inf))
    return rates


def peak_between(samples: list[tuple[float, int]], start: float, end: float) -> int:
    return max((rss for at, rss in samples if start <= at <= end), default=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=50_000, help="article pages in the web (default 50000)")
    parser.add_argument("--window", type=int, default=10_000, help="pages per compared window (default 10000)")
    parser.add_argument("--padding-kb", type=int, default=120, help="page padding, KB (default 120)")
    parser.add_argument("--concurrency", type=int, default=32, help="concurrent requests (default 32)")
    parser.add_argument("--timeout", type=int, default=3 * 3600, help="stop the crawl after this many seconds")
    options = parser.parse_args()

    started = time.perf_counter()
    with NewsWeb(seed=5, articles_per_outlet=math.ceil(options.articles / 4),
                 page_padding_kb=options.padding_kb) as web, tempfile.TemporaryDirectory(prefix="bench-soak-") as tmp:
        work = Path(tmp)
        seeds = work / "seeds.toml"
        seeds.write_text(web.seed_toml(), encoding="utf-8")
        archive = work / "archive"
        archive.mkdir()
        print(f"{len(web.article_urls())} article pages (web built in {time.perf_counter() - started:.0f} s), "
              f"windows of {options.window}", flush=True)
        settings = {**crawl_settings(options.concurrency), "ARCHIVE_DIR": str(archive),
                    "ARCHIVE_ALLOW_PRIVATE_NETWORKS": "1", "SITEMAP_MAX_AGE_DAYS": "0",
                    "CLOSESPIDER_TIMEOUT": str(options.timeout)}
        command = scrapy_command(["crawl", "news", "-a", f"seeds={seeds}", "-a", "recheck=no"], settings)
        log = work / "crawl.log"
        run = run_measured(command, ROOT, proxy_env(web.proxy_url), log)
        _check(run.status, log)
        times = capture_times(archive / "archive.sqlite3")
        report(times, run.samples, run.seconds, run.peak_rss, options.window, len(web.article_urls()))


def report(times: list[float], samples: list[tuple[float, int]], seconds: float, peak: int, window: int,
           articles: int) -> None:
    print(f"crawl: {len(times)} article pages archived in {seconds:.0f} s "
          f"({len(times) / seconds:.1f} pages/s overall), peak RSS {peak / 2**20:.0f} MB")
    if len(times) < articles:
        print(f"  note: the crawl stopped before the last {articles - len(times)} pages (time box or errors)")
    if len(times) < 2 * window:
        print(f"too few pages for two windows of {window}: nothing to compare")
        return
    rates = window_rates(times, window)
    for first, rate in rates:
        print(f"  pages {first:>6}–{first + window - 1:<6} {rate:7.1f} pages/s")
    first_rate = window / (times[window - 1] - times[0])
    last_rate = window / (times[-1] - times[-window])
    ratio = last_rate / first_rate
    verdict = "met" if ratio >= TARGET else "MISSED"
    print(f"first {window}: {first_rate:.1f} pages/s; last {window}: {last_rate:.1f} pages/s; "
          f"last/first = {ratio:.2f} (target ≥ {TARGET}: {verdict})")
    first_peak = peak_between(samples, times[0], times[window - 1])
    last_peak = peak_between(samples, times[-window], times[-1])
    middle = [rss for at, rss in samples if times[0] <= at <= times[-1]]
    print(f"peak RSS: first window {first_peak / 2**20:.0f} MB, last window {last_peak / 2**20:.0f} MB "
          f"(last/first {last_peak / first_peak:.2f}); median over the crawl {statistics.median(middle) / 2**20:.0f} MB")


if __name__ == "__main__":
    main()
