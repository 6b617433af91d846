"""Crawl throughput: the newsarchive pipeline against bare Scrapy, trafilatura and wget.

Serves a simulated news web (tests/newsweb) of ``--articles`` pages of
realistic size and measures, in one run, pages per second and the peak memory
(RSS summed over the process tree) of:

  server  a 32-thread urllib client fetching every article (the web's ceiling)
  (a)     bare Scrapy: a minimal spider over the article URLs, responses discarded
  (b)     trafilatura alone, extracting the same pages on all cores
  (b2)    newsarchive's own page analysis alone (judge + extract, as the pipeline's
          workers run it) on all cores: the ceiling of (c) on this machine
  (s)     storing alone: (b2)'s articles recorded into a fresh SQLite archive, in
          batches as the pipeline writes them (versions, full-text index, stories)
  (c)     the full pipeline: ``scrapy crawl news`` (fetch → WARC → extract → store)
  (d)     archive-only: ``scrapy crawl news -s ARCHIVE_INDEX=0`` (fetch → WARC)
  (e)     ``wget --warc-file`` over the article URLs, through the same proxy

then the ideal, 1/(1/a + 1/b): a crawler that fetched like (a) and extracted
like (b) on the same cores and paid nothing else; the ratio (c)/ideal against
its 0.85 target; (d)/(a) against its 0.8 target; (c)/(1/(1/a + 1/b2)), what
the pipeline keeps of the ideal with its own extractor; and the
CPU bound: serving and fetching as in (a), extracting as in (b2) and storing as
in (s) cost CPU that no pipeline avoids, so cores / (their sum per page) is the
fastest (c) can be on this machine. Every
crawler gets the same concurrency settings. When (a), (b) and (c) all run,
(b) and (a) run again after (c) and each counts both runs, so a machine whose
speed drifts steadily over the run gives the ideal it had during (c);
``--rounds N`` repeats the three and prints every round and the median ratio.
``--pages DIR`` measures the same way on a folder of real saved pages
(``*.html`` or ``*.html.gz``, bench/real_pages.py) served as one site, each
``--copies`` times under distinct URLs, instead of the simulated web. Run:

    .venv/bin/python bench/crawl.py                  # 2,000 articles of ~120 KB
    .venv/bin/python bench/crawl.py --articles 200   # a quick run
    .venv/bin/python bench/crawl.py --only a,b,c --articles 6000 --rounds 3
    .venv/bin/python bench/crawl.py --only a,b,c --pages path/to/html --copies 10 --rounds 3
"""

from __future__ import annotations

import argparse
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing import Pool
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))  # its sibling generate.py

from real_pages import RealPagesWeb  # noqa: E402

from tests.newsweb import NewsWeb  # noqa: E402

IDEAL_TARGET = 0.85  # (c) against 1/(1/a + 1/b)
ARCHIVE_TARGET = 0.8  # (d) against (a)
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

BARE_SPIDER = '''
import scrapy

class Bare(scrapy.Spider):
    name = "bare"

    async def start(self):
        with open(self.urls, encoding="utf-8") as handle:
            for line in handle:
                yield scrapy.Request(line.strip(), callback=self.discard)

    def discard(self, response):
        self.crawler.stats.inc_value("bare/pages")
'''


@dataclass
class Result:
    name: str
    pages: int
    seconds: float
    peak_rss: int  # bytes; 0 when measured inside this process
    cpu: float = 0.0  # CPU seconds of the contender's own processes
    server_cpu: float = 0.0  # CPU seconds of this process meanwhile: the simulated web's server threads
    main_cpu: float = 0.0  # of ``cpu``, the command's own process (the rest: its workers)

    @property
    def rate(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0

    def per_page_ms(self, seconds: float) -> float:
        return 1000 * seconds / self.pages if self.pages else 0.0


class CpuClock:
    """CPU seconds spent by this process and by its reaped children between start and stop."""

    def __init__(self) -> None:
        self.own = self.children = 0.0

    def __enter__(self) -> CpuClock:
        self._start = os.times()
        return self

    def __exit__(self, *exc: object) -> None:
        end = os.times()
        self.own = (end.user + end.system) - (self._start.user + self._start.system)
        self.children = (end.children_user + end.children_system) - (
            self._start.children_user + self._start.children_system)


# -- memory ---------------------------------------------------------------------------


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        tree.setdefault(int(fields[1]), []).append(int(entry))
    return tree


def _tree(pid: int) -> list[int]:
    tree, found, todo = _children(), [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(tree.get(current, []))
    return found


def tree_rss(pids: list[int]) -> int:
    """Resident memory of these processes, in bytes."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/statm", "rb") as handle:
                total += int(handle.read().split()[1]) * PAGE_SIZE
        except OSError:
            pass
    return total


def process_cpu(pid: int) -> float | None:
    """User + system CPU seconds of one process so far (None once it is gone)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            fields = handle.read().rsplit(b")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def process_role(pid: int, command_pid: int) -> str:
    """``crawl`` for the command's own process, ``writer`` for a child holding an SQLite archive open,
    else ``workers``."""
    if pid == command_pid:
        return "crawl"
    try:
        opened = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
    except OSError:
        return "workers"
    return "writer" if any(path.endswith(".sqlite3") for path in opened) else "workers"


@dataclass
class Measured:
    seconds: float
    peak_rss: int
    status: int
    cpu: float  # the command's process tree, last reading of each process
    server_cpu: float
    main_cpu: float  # the command's own process
    samples: list[tuple[float, int]]  # (time.time(), RSS of the tree in bytes), every poll
    cpu_timeline: list[tuple[float, dict[str, float]]]  # (time.time(), CPU seconds so far by process_role), every poll


def run_measured(command: list[str], cwd: Path, env: dict[str, str], log: Path) -> Measured:
    """Run ``command``, polling its process tree's memory and CPU."""
    started = time.perf_counter()
    cpu_by_pid: dict[int, float] = {}
    role_of: dict[int, str] = {}
    samples: list[tuple[float, int]] = []
    timeline: list[tuple[float, dict[str, float]]] = []
    polls = 0
    with CpuClock() as clock, open(log, "w", encoding="utf-8") as out:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        while process.poll() is None:
            pids = _tree(process.pid)
            at = time.time()
            samples.append((at, tree_rss(pids)))
            for pid in pids:
                cpu_by_pid[pid] = process_cpu(pid) or cpu_by_pid.get(pid, 0.0)
                if role_of.get(pid, "workers") == "workers" and polls % 20 == 0:  # the writer opens its file late
                    role_of[pid] = process_role(pid, process.pid)
            timeline.append((at, _by_role(cpu_by_pid, role_of)))
            polls += 1
            time.sleep(0.1)
    peak = max((rss for _, rss in samples), default=0)
    return Measured(time.perf_counter() - started, peak, process.returncode, sum(cpu_by_pid.values()), clock.own,
                    cpu_by_pid.get(process.pid, 0.0), samples, timeline)


def _by_role(cpu_by_pid: dict[int, float], role_of: dict[int, str]) -> dict[str, float]:
    totals: dict[str, float] = {}
    for pid, cpu in cpu_by_pid.items():
        role = role_of.get(pid, "workers")
        totals[role] = totals.get(role, 0.0) + cpu
    return totals


# -- the contenders -------------------------------------------------------------------------


def fetch_all(urls: list[str], proxy: str, threads: int) -> tuple[Result, list[bytes]]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": proxy}))

    def fetch(url: str) -> bytes:
        with opener.open(url, timeout=60) as response:
            return response.read()

    started = time.perf_counter()
    with CpuClock() as clock, ThreadPoolExecutor(threads) as pool:
        pages = list(pool.map(fetch, urls))
    seconds = time.perf_counter() - started
    return Result("server: 32-thread urllib client", len(pages), seconds, 0, server_cpu=clock.own), pages


def _extract(item: tuple[bytes, str]) -> int:
    import trafilatura

    text = trafilatura.extract(item[0], url=item[1])
    return len(text or "")


def _analyse(item: tuple[bytes, str]) -> Any:
    from extract.page import analyse_page

    analysis = analyse_page(item[1], item[0], "text/html; charset=utf-8", owns=lambda _url: True, listed=True)
    return analysis.extracted.article if analysis.extracted else None


def newsarchive_extraction_alone(pages: list[bytes], urls: list[str]) -> tuple[Result, list[Any]]:
    """(b2), and the articles it extracted (None where a page had none) for (s)."""
    started = time.perf_counter()
    with CpuClock() as clock:
        with Pool(os.cpu_count()) as pool:
            articles = pool.map(_analyse, list(zip(pages, urls)), chunksize=8)
    seconds = time.perf_counter() - started
    result = Result(f"(b2) newsarchive extraction alone, {os.cpu_count()} processes", len(pages), seconds, 0,
                    cpu=clock.children)
    return result, articles


def storing_alone(work: Path, urls: list[str], articles: list[Any], batch: int = 50) -> Result:
    """Record (b2)'s articles as the crawl's writer does: ``record_captures`` in batches, one archive."""
    from generate import synthetic_capture

    from storage.archive import Archive

    now = datetime.now(UTC)
    entries = [(synthetic_capture(urlsplit(url).hostname or "bench", url, now), article)
               for url, article in zip(urls, articles)]
    with Archive(f"sqlite:///{work / 'stored.sqlite3'}", archive_dir=work / "stored", create=True) as archive:
        for outlet in sorted({entry[0].outlet for entry in entries}):
            archive.ensure_outlet(outlet, [outlet])
        started, cpu_started = time.perf_counter(), time.process_time()
        for first in range(0, len(entries), batch):
            archive.record_captures(entries[first:first + batch])
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    return Result(f"(s) storing alone: record_captures, batches of {batch}", len(entries), seconds, 0, cpu=cpu)


def trafilatura_alone(pages: list[bytes], urls: list[str]) -> Result:
    started = time.perf_counter()
    with CpuClock() as clock:
        with Pool(os.cpu_count()) as pool:
            lengths = pool.map(_extract, list(zip(pages, urls)), chunksize=8)
    seconds = time.perf_counter() - started
    empty = sum(1 for n in lengths if n == 0)
    if empty:
        print(f"  note: trafilatura found no text in {empty} pages", file=sys.stderr)
    return Result(f"(b) trafilatura alone, {os.cpu_count()} processes", len(pages), seconds, 0, cpu=clock.children)


def crawl_settings(concurrency: int) -> dict[str, str]:
    return {
        "CONCURRENT_REQUESTS": str(concurrency),
        "CONCURRENT_REQUESTS_PER_DOMAIN": str(concurrency),
        "DOWNLOAD_DELAY": "0",
        "AUTOTHROTTLE_ENABLED": "0",
        "LOG_LEVEL": "INFO",
        "CLOSESPIDER_TIMEOUT": "3600",
    }


def scrapy_command(args: list[str], settings: dict[str, str]) -> list[str]:
    command = [sys.executable, "-m", "scrapy", *args]
    for name, value in settings.items():
        command += ["-s", f"{name}={value}"]
    return command


def proxy_env(proxy: str, db_url: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "https_proxy", "no_proxy")}
    env["http_proxy"] = proxy
    env.pop("NEWSARCHIVE_DB_URL", None)
    if db_url:
        env["NEWSARCHIVE_DB_URL"] = db_url
    env["PYTHONPATH"] = str(ROOT)
    return env


def bare_scrapy(work: Path, url_file: Path, proxy: str, concurrency: int, count: int) -> Result:
    spider = work / "bare_spider.py"
    spider.write_text(BARE_SPIDER, encoding="utf-8")
    outside = work / "outside"  # no scrapy.cfg here: Scrapy's defaults, not the project's settings
    outside.mkdir(exist_ok=True)
    command = scrapy_command(["runspider", str(spider), "-a", f"urls={url_file}"],
                             {**crawl_settings(concurrency), "ROBOTSTXT_OBEY": "0", "TELNETCONSOLE_ENABLED": "0"})
    run = run_measured(command, outside, proxy_env(proxy), work / "bare.log")
    _check(run.status, work / "bare.log")
    return Result("(a) bare Scrapy, responses discarded", _stat(work / "bare.log", "bare/pages", count),
                  run.seconds, run.peak_rss, run.cpu, run.server_cpu)


def news_crawl(name: str, work: Path, seeds: Path, proxy: str, concurrency: int, count: int,
               extra: dict[str, str], db_url: str | None, profile: Path | None = None) -> Result:
    archive = Path(tempfile.mkdtemp(prefix=name.split()[0].strip("()") + "-", dir=work))  # a fresh one every run
    settings = {**crawl_settings(concurrency), "ARCHIVE_DIR": str(archive), "ARCHIVE_ALLOW_PRIVATE_NETWORKS": "1",
                "SITEMAP_MAX_AGE_DAYS": "0", **extra}
    command = scrapy_command(["crawl", "news", "-a", f"seeds={seeds}", "-a", "recheck=no"], settings)
    if profile is not None:
        command = profiled(command, profile)
    log = archive.with_suffix(".log")
    run = run_measured(command, ROOT, proxy_env(proxy, db_url), log)
    _check(run.status, log)
    main_cpu = 0.0 if profile is not None else run.main_cpu  # profiled, the command's own process is py-spy
    return Result(name, _stat(log, "pages/fetched", count), run.seconds, run.peak_rss, run.cpu, run.server_cpu,
                  main_cpu)


def profiled(command: list[str], output: Path) -> list[str]:
    """``command`` under py-spy, sampling it and its extraction workers into collapsed stacks at ``output``."""
    spy = Path(sys.executable).with_name("py-spy")
    if not spy.exists():
        raise SystemExit("error: --profile needs py-spy: .venv/bin/pip install -e '.[bench]'")
    return [str(spy), "record", "--subprocesses", "--nonblocking", "--format", "raw", "--rate", "200",
            "--output", str(output), "--", *command]


def print_profile(collapsed: Path, top: int = 25) -> None:
    """The functions (file:line) where the profiled crawl spent its samples: own time, and own plus callees'."""
    own: dict[str, int] = {}
    inclusive: dict[str, int] = {}
    parts: dict[str, int] = {}
    total = 0
    for line in collapsed.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        # Process frames ("process 12:"command line"") may hold ";" themselves: keep "function (file:line)" frames.
        frames = [_frame_name(frame) for frame in stack.split(";") if _FRAME.match(frame)]
        total += int(count)
        part = _part(stack)
        parts[part] = parts.get(part, 0) + int(count)
        if frames:
            own[frames[-1]] = own.get(frames[-1], 0) + int(count)
        for frame in set(frames):
            inclusive[frame] = inclusive.get(frame, 0) + int(count)
    print(f"\nprofile of (c): {total} samples over the crawler and its workers")
    for part, count in sorted(parts.items(), key=lambda kv: -kv[1]):
        print(f"  {100 * count / total:5.1f}%  {part}")
    for label, table in (("own time", own), ("with callees", inclusive)):
        print(f"  top {top} by {label}:")
        for frame, count in sorted(table.items(), key=lambda kv: -kv[1])[:top]:
            print(f"    {100 * count / total:5.1f}%  {frame}")


_FRAME = re.compile(r"^[^\"]+ \([^()\"]+:\d+\)$")


def _part(stack: str) -> str:
    """Which part of the crawl a sampled stack belongs to."""
    if "Archive._write" in stack:
        return "the archive's writer process (record_captures)"
    if "forkserver import main" in stack:
        return "extraction workers (analyse_page)"
    return "crawler: Scrapy's thread (fetching, WARC writing, pipelines, feeding the workers)"


def _frame_name(frame: str) -> str:
    """``function (path/to/file.py:12)`` → ``function (file.py)``, short enough to read and stable across lines."""
    name, _, where = frame.partition(" (")
    path = where.rstrip(")").rsplit(":", 1)[0]
    for marker in ("site-packages/", "/lib/python3"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    else:
        path = path.removeprefix(str(ROOT) + "/")
    return f"{name} ({path})"


def wget_warc(work: Path, url_file: Path, proxy: str, count: int) -> Result:
    command = ["wget", "--quiet", "-e", "robots=off", "-e", "use_proxy=yes", "-e", f"http_proxy={proxy}",
               "--warc-file", str(work / "wget"), "-i", str(url_file), "-O", "/dev/null"]
    run = run_measured(command, work, dict(os.environ), work / "wget.log")
    if run.status not in (0, 8):
        _check(run.status, work / "wget.log")
    return Result("(e) wget --warc-file (one connection)", count, run.seconds, run.peak_rss, run.cpu, run.server_cpu)


def _stat(log: Path, name: str, fallback: int) -> int:
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        if f"'{name}':" in line:
            return int(line.split(":")[-1].strip(" ,}"))
    return fallback


def _check(status: int, log: Path) -> None:
    if status != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise SystemExit(f"error: {log.name} run exited {status}; its log ends:\n{tail}")


# -- report -------------------------------------------------------------------------------


def print_results(results: list[Result], page_kb: float) -> None:
    print(f"\n{'contender':<48} {'pages':>6} {'seconds':>8} {'pages/s':>8} {'MB/s':>7} {'peak RSS':>10} "
          f"{'CPU ms/page':>11} {'server ms/page':>14}")
    for r in results:
        rss = f"{r.peak_rss / 2**20:.0f} MB" if r.peak_rss else "-"
        cpu = f"{r.per_page_ms(r.cpu):.1f}" if r.cpu else "-"
        server = f"{r.per_page_ms(r.server_cpu):.1f}" if r.server_cpu else "-"
        print(f"{r.name:<48} {r.pages:>6} {r.seconds:>8.1f} {r.rate:>8.1f} {r.rate * page_kb / 1024:>7.1f} {rss:>10} "
              f"{cpu:>11} {server:>14}")
    print("CPU ms/page: the contender's processes; server ms/page: the simulated web (and for the first row "
          "its client) in this process meanwhile.")


def ideal(a: Result, b: Result) -> float:
    """Pages/s of a crawler that fetched like (a) and extracted like (b) on the same cores, and did nothing else.

    Fetching and extracting share the cores, so their costs per page add.
    """
    return 1 / (1 / a.rate + 1 / b.rate)


def print_ratios(by_key: dict[str, Result]) -> None:
    a, b, b2, c, d, stored = (by_key.get(k) for k in ("a", "b", "b2", "c", "d", "s"))
    print()
    if a and b:
        print(f"ideal         = 1/(1/a + 1/b) = 1/(1/{a.rate:.1f} + 1/{b.rate:.1f}) = {ideal(a, b):.1f} pages/s")
    if a and b and c:
        _print_ratio("(c)/ideal", c, ideal(a, b), IDEAL_TARGET)
    if a and d:
        _print_ratio("(d)/(a)", d, a.rate, ARCHIVE_TARGET)
    if a and b2 and c:
        _print_ratio("(c)/ideal(b2)", c, ideal(a, b2), None)
    if a and b and c:
        print_cpu_bound(a, b, c)
    if a and b and b2 and stored:
        print_pipeline_bound(a, b, b2, stored)


def _print_ratio(label: str, result: Result, ceiling: float, target: float | None) -> None:
    ratio = result.rate / ceiling
    verdict = f"(target ≥ {target}: {'met' if ratio >= target else 'MISSED'})" if target else (
        "(against the ideal with newsarchive's own extraction, (b2), for (b))")
    print(f"{label:<13} = {result.rate:.1f}/{ceiling:.1f} = {ratio:.2f}  {verdict}")


def print_cpu_bound(a: Result, b: Result, c: Result) -> None:
    """The fastest any crawler could fetch like (a) and extract like (b) on this machine's cores.

    Doing both costs at least the CPU of both per page, so with every core busy the
    rate is at most cores / (CPU of (a) and its server + CPU of (b)) per page.
    """
    if not (a.cpu and b.cpu):
        return
    _print_bound("CPU bound", {"fetching and serving as in (a)": a.per_page_ms(a.cpu + a.server_cpu),
                               "extracting as in (b)": b.per_page_ms(b.cpu)}, "a pipeline doing both", a, b)
    if c.cpu:
        cores = os.cpu_count() or 1
        total = c.per_page_ms(c.cpu + c.server_cpu)
        print(f"(c) spends {total:.1f} ms/page with its server ({c.per_page_ms(c.cpu):.1f} in the crawler and its "
              f"workers): {1000 * cores / total:.1f} pages/s if all {cores} cores did nothing else")
    if c.main_cpu:
        print(f"(c) CPU by process: the crawl process {c.per_page_ms(c.main_cpu):.1f} ms/page (Scrapy, WARC, the "
              f"pipeline), its worker processes (extraction, the writer) {c.per_page_ms(c.cpu - c.main_cpu):.1f}")


def print_pipeline_bound(a: Result, b: Result, b2: Result, stored: Result) -> None:
    """The fastest (c) can be here: its unavoidable work (serve, fetch, extract, store) over all cores."""
    _print_bound("Pipeline bound", {"serving and fetching as in (a)": a.per_page_ms(a.cpu + a.server_cpu),
                                    "extracting as in (b2)": b2.per_page_ms(b2.cpu),
                                    "storing as in (s)": stored.per_page_ms(stored.cpu)}, "(c)", a, b)


def _print_bound(label: str, parts: dict[str, float], who: str, a: Result, b: Result) -> None:
    """cores / (the CPU ms per page of ``parts``): a rate no pipeline doing all of them can beat."""
    cores = os.cpu_count() or 1
    bound = 1000 * cores / sum(parts.values())
    spelled = ", ".join(f"{name} {ms:.1f}" for name, ms in parts.items())
    print(f"{label}: {spelled} ms/page, so {who} cannot beat {bound:.1f} pages/s on {cores} cores "
          f"= {bound / ideal(a, b):.2f} of the ideal")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000, help="article pages in the web (default 2000)")
    parser.add_argument("--padding-kb", type=int, default=120, help="page padding, KB (default 120)")
    parser.add_argument("--concurrency", type=int, default=32, help="concurrent requests (default 32)")
    parser.add_argument("--db", help="archive database URL for (c) (default: SQLite in the archive)")
    parser.add_argument("--skip-wget", action="store_true", help="leave out (e)")
    parser.add_argument("--profile", metavar="FILE", type=Path,
                        help="run (c) under py-spy, keep its collapsed stacks in FILE (for flame graphs) and "
                             "print where its CPU went; sampling slows (c)")
    parser.add_argument("--set", metavar="NAME=VALUE", action="append", default=[],
                        help="a Scrapy setting for (c), e.g. --set ARCHIVE_WRITE_BATCH=20 (repeatable)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="measure (a), (b) and (c) this many times, alternated, and print the median ratio")
    parser.add_argument("--pages", metavar="DIR", type=Path,
                        help="crawl this folder of real HTML pages (.html or .html.gz) instead of the simulated web")
    parser.add_argument("--copies", type=int, default=1, help="with --pages: serve each page this many times")
    parser.add_argument("--only", default="a,b,b2,s,c,d,e",
                        help="comma-separated contenders to run, e.g. a,d (default: all; ratios need a,b,c,d)")
    options = parser.parse_args()
    wanted = set(options.only.split(","))
    overrides = dict(setting.split("=", 1) for setting in options.set)
    if options.skip_wget:
        wanted.discard("e")

    if options.pages is not None and not options.pages.is_dir():
        raise SystemExit(f"error: --pages {options.pages}: no such folder")
    per_outlet = math.ceil(options.articles / 4)
    served = RealPagesWeb(options.pages, options.copies) if options.pages is not None else \
        NewsWeb(seed=3, articles_per_outlet=per_outlet, page_padding_kb=options.padding_kb)
    with served as web, tempfile.TemporaryDirectory(prefix="bench-crawl-") as tmp:
        work = Path(tmp)
        urls = web.article_urls()
        url_file = work / "urls.txt"
        url_file.write_text("\n".join(urls) + "\n", encoding="utf-8")
        seeds = work / "seeds.toml"
        seeds.write_text(web.seed_toml(), encoding="utf-8")
        print(f"{len(urls)} article pages, {os.cpu_count()} cores, concurrency {options.concurrency}", flush=True)

        server, pages = fetch_all(urls, web.proxy_url, 32)
        page_kb = sum(map(len, pages)) / len(pages) / 1024
        print(f"  mean article page {page_kb:.0f} KB; server ceiling {server.rate:.1f} pages/s", flush=True)
        rounds = []
        for number in range(1, options.rounds + 1):
            if options.rounds > 1:
                print(f"round {number} of {options.rounds}", flush=True)
            results = {"server": server}
            _fetch_and_extract(results, wanted, work, url_file, web.proxy_url, options.concurrency, pages, urls)
            if number == 1 and ("b2" in wanted or "s" in wanted):
                results["b2"], articles = newsarchive_extraction_alone(pages, urls)
                print(f"  (b2) {results['b2'].rate:.1f} pages/s", flush=True)
                if "s" in wanted:
                    results["s"] = storing_alone(work, urls, articles)
                    print(f"  (s) {results['s'].rate:.1f} pages/s", flush=True)
                del articles
            if "c" in wanted:
                profile = options.profile.resolve() if options.profile and number == 1 else None
                results["c"] = news_crawl("(c) full pipeline: fetch, WARC, extract, store", work, seeds,
                                          web.proxy_url, options.concurrency, len(urls), overrides, options.db, profile)
                print(f"  (c) {results['c'].rate:.1f} pages/s", flush=True)
                if "a" in wanted and "b" in wanted:  # (b), (a) again: a drift of the machine's speed cancels out
                    again: dict[str, Result] = {}
                    _fetch_and_extract(again, wanted, work, url_file, web.proxy_url, options.concurrency, pages, urls,
                                       order=("b", "a"))
                    for key in ("a", "b"):
                        results[key] = combined(results[key], again[key])
            if number == 1 and "d" in wanted:
                results["d"] = news_crawl("(d) archive-only: fetch, WARC", work, seeds, web.proxy_url,
                                          options.concurrency, len(urls), {"ARCHIVE_INDEX": "0"}, None)
                print(f"  (d) {results['d'].rate:.1f} pages/s", flush=True)
            if number == 1 and "e" in wanted:
                results["e"] = wget_warc(work, url_file, web.proxy_url, len(urls))
            print_results(list(results.values()), page_kb)
            print_ratios(results)
            rounds.append(results)
        if len(rounds) > 1:
            print_rounds(rounds)
        if options.profile and "c" in rounds[0]:
            print_profile(options.profile)


def _fetch_and_extract(results: dict[str, Result], wanted: set[str], work: Path, url_file: Path, proxy: str,
                       concurrency: int, pages: list[bytes], urls: list[str], order: tuple[str, ...] = ("a", "b")) -> None:
    """(a) and (b), those of them wanted, in ``order``, into ``results``."""
    for key in order:
        if key not in wanted:
            continue
        if key == "a":
            results["a"] = bare_scrapy(work, url_file, proxy, concurrency, len(urls))
        else:
            results["b"] = trafilatura_alone(pages, urls)
        print(f"  ({key}) {results[key].rate:.1f} pages/s", flush=True)


def combined(first: Result, second: Result) -> Result:
    """Two runs of one contender as one: their pages, seconds and CPU added up, the higher peak."""
    return Result(f"{first.name} ×2", first.pages + second.pages, first.seconds + second.seconds,
                  max(first.peak_rss, second.peak_rss), first.cpu + second.cpu, first.server_cpu + second.server_cpu,
                  first.main_cpu + second.main_cpu)


def print_rounds(rounds: list[dict[str, Result]]) -> None:
    """Every round's (a), (b), ideal, (c) and ratio, and the median ratio."""
    print(f"\n{'round':>5} {'(a)':>7} {'(b)':>7} {'ideal':>7} {'(c)':>7} {'(c)/ideal':>9} {'(c) CPU ms/page':>15}")
    ratios = []
    for number, results in enumerate(rounds, 1):
        a, b, c = results.get("a"), results.get("b"), results.get("c")
        if not (a and b and c):
            continue
        ratios.append(c.rate / ideal(a, b))
        print(f"{number:>5} {a.rate:>7.1f} {b.rate:>7.1f} {ideal(a, b):>7.1f} {c.rate:>7.1f} {ratios[-1]:>9.2f} "
              f"{c.per_page_ms(c.cpu):>15.1f}")
    if ratios:
        print(f"median (c)/ideal over {len(ratios)} rounds: {statistics.median(ratios):.2f} "
              f"(target ≥ {IDEAL_TARGET}); every round: {', '.join(f'{r:.2f}' for r in ratios)}")


if __name__ == "__main__":
    main()
