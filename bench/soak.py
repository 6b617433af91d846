"""Does the crawl hold its rate as the archive grows? A long ``scrapy crawl news``, first pages against last.

Serves a simulated news web (tests/newsweb) of ``--articles`` pages, crawls
it once with the full pipeline (fetch, WARC, extraction, versions, stories,
search index) into a fresh archive, then reads the capture times back from
the archive and prints:

  - the rate of the first and of the last ``--window`` pages (pages/s), and
    their ratio against the 0.9 target;
  - the rate of every window in between, so a slope shows where it starts;
  - the crawl's peak memory (RSS summed over its process tree) during the
    first and the last window, and overall;
  - for every window, the CPU milliseconds per page of the crawl process, the
    extraction workers and the archive's writer process, beside two readings of
    the machine itself: the CPU time of a fixed piece of Python work run every
    few seconds, and the share of CPU time the hypervisor stole. A cost that
    grows with the archive shows as a writer (or crawl) figure that rises while
    the machine's readings stay flat; a machine that slows shows in all of them.

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
import threading
import time
from bisect import bisect_right
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # its sibling crawl.py

from crawl import ROOT, _check, crawl_settings, proxy_env, run_measured, scrapy_command  # noqa: E402

from tests.newsweb import NewsWeb  # noqa: E402

TARGET = 0.9
PROBE_EVERY = 5.0  # seconds between two machine probes


class MachineProbe:
    """Every few seconds, the CPU time a fixed piece of Python work takes, and the host's steal and busy counters."""

    def __init__(self) -> None:
        self.work: list[tuple[float, float]] = []  # (time.time(), CPU ms of the fixed work)
        self.counters: list[tuple[float, int, int]] = []  # (time.time(), steal ticks, all ticks) from /proc/stat
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> MachineProbe:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(PROBE_EVERY):
            start = time.thread_time()
            sum(len(str(n * n)) for n in range(400_000))  # the fixed work: some 30 ms of interpreter time
            self.work.append((time.time(), 1000 * (time.thread_time() - start)))
            with open("/proc/stat", encoding="ascii") as handle:
                ticks = [int(field) for field in handle.readline().split()[1:]]
            self.counters.append((time.time(), ticks[7] if len(ticks) > 7 else 0, sum(ticks[:8])))

    def work_ms(self, start: float, end: float) -> float:
        """Median CPU ms of the fixed work between ``start`` and ``end`` (0 when not probed then)."""
        inside = [ms for at, ms in self.work if start <= at <= end]
        return statistics.median(inside) if inside else 0.0

    def steal_share(self, start: float, end: float) -> float:
        inside = [(steal, total) for at, steal, total in self.counters if start <= at <= end]
        if len(inside) < 2 or inside[-1][1] == inside[0][1]:
            return 0.0
        return (inside[-1][0] - inside[0][0]) / (inside[-1][1] - inside[0][1])


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
    parser.add_argument("--set", metavar="NAME=VALUE", action="append", default=[],
                        help="a Scrapy setting for the crawl, e.g. --set EXTRACT_WORKERS=2 (repeatable)")
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
                    "CLOSESPIDER_TIMEOUT": str(options.timeout), **dict(pair.split("=", 1) for pair in options.set)}
        command = scrapy_command(["crawl", "news", "-a", f"seeds={seeds}", "-a", "recheck=no"], settings)
        log = work / "crawl.log"
        with MachineProbe() as probe:
            run = run_measured(command, ROOT, proxy_env(web.proxy_url), log)
        _check(run.status, log)
        times = capture_times(archive / "archive.sqlite3")
        report(times, run.samples, run.seconds, run.peak_rss, options.window, len(web.article_urls()))
        report_costs(times, run.cpu_timeline, probe, options.window)


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


def cpu_at(timeline: list[tuple[float, dict[str, float]]], at: float) -> dict[str, float]:
    """CPU seconds by process role at the last poll before ``at``."""
    index = bisect_right([when for when, _ in timeline], at) - 1
    return timeline[max(index, 0)][1] if timeline else {}


def report_costs(times: list[float], timeline: list[tuple[float, dict[str, float]]], probe: MachineProbe,
                 window: int) -> None:
    """CPU ms per page of each process role in every window, beside the machine's readings."""
    if len(times) < window:
        return
    roles = ("crawl", "workers", "writer")
    print(f"CPU ms/page by window: {'crawl':>7} {'extract':>7} {'writer':>7} {'total':>7}   "
          f"machine: fixed work ms, steal")
    for first in range(0, len(times) - window + 1, window):
        start, end = times[first], times[first + window - 1]
        before, after = cpu_at(timeline, start), cpu_at(timeline, end)
        costs = [1000 * (after.get(role, 0.0) - before.get(role, 0.0)) / window for role in roles]
        machine = f"{probe.work_ms(start, end):7.1f} ms, {100 * probe.steal_share(start, end):4.1f}%"
        print(f"  pages {first + 1:>6}–{first + window:<6} " + " ".join(f"{cost:7.1f}" for cost in costs)
              + f" {sum(costs):7.1f}   {machine}")


if __name__ == "__main__":
    main()
