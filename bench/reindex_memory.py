"""Memory of ``reindex``/``ingest`` as the WARCs grow: what it keeps per capture, old way against new.

Two measurements, each alternating old and new ``--runs`` times, every run
printed, then medians and ratios:

  payloads  the structure ingest keeps so that a revisit finds the response it
            repeats, fed N HTML responses (record id and payload digest each):
            old, a dict with both keys for every response of the run (as at commit
            45163f0, kept below); new, storage.ingest.ingest.RecentPayloads at its
            bound. Python heap peak (tracemalloc) at each of ``--sizes``.
  reindex   with ``--crawls PAGESxRECHECKS,...``: peak RSS of the whole process
            tree of ``newsarchive reindex --yes`` (SQLite, default workers;
            sampled from /proc every 50 ms, bench/tree_memory.py) and its wall
            time, over the WARCs a crawl of PAGES articles re-checked RECHECKS
            times writes (bench/crawl_warcs.py: mostly revisits, the crawler's
            own record code), this worktree against the checkout given by
            ``--before DIR`` (``git worktree add DIR 45163f0``), alternately;
            then the rows per table of both, and MB per 100k captures between
            the first and last crawl. ``--ingest``: also ``ingest`` each crawl
            into a fresh archive and compare its rows per table with reindex's.
  trace     ``--trace PAGESxRECHECKS``: what the Python heap of one reindex's
            main process gains from 75% of its records to the end
            (tracemalloc, by where it was allocated).
  sqlite    ``--sqlite-cache ROWS``: RSS of a process writing ROWS rows through
            the archive's SQLite engine; SQLite's page cache is no Python memory.

    python bench/reindex_memory.py --sizes 10000,100000,1000000
    python bench/reindex_memory.py --sizes "" --crawls 1000x10,1000x30 --before ../old-checkout --runs 2 --ingest
    python bench/reindex_memory.py --sizes "" --trace 100x20 --sqlite-cache 800000
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from storage.ingest.ingest import IN_FLIGHT_PER_WORKER, PAYLOADS_KEPT, WRITE_BATCH, RecentPayloads  # noqa: E402
from tree_memory import TreePeak  # noqa: E402


class OldPayloads:
    """As ingest kept them before: every response of the run, by record id and by digest."""

    def __init__(self) -> None:
        self.payloads: dict[str, tuple[Path, int, str | None]] = {}

    def add(self, where: tuple[Path, int, str | None], record_id: str, digest: str | None) -> None:
        self.payloads[record_id] = where
        if digest:
            self.payloads.setdefault(digest, where)


def feed(table: OldPayloads | RecentPayloads, responses: int) -> int:
    """Python heap peak, in bytes, while ``responses`` responses go in."""
    warc = Path("archive/warcs/crawl-00001.warc.gz")
    tracemalloc.start()
    for n in range(responses):
        table.add((warc, n * 9000, "text/html; charset=utf-8"), f"<urn:uuid:{uuid.uuid4()}>",
                  f"sha1:{uuid.uuid4().hex.upper()[:32]}")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def alternate(name: str, runs: int, old: Callable[[], int], new: Callable[[], int]) -> tuple[float, float]:
    peaks: dict[str, list[int]] = {"old": [], "new": []}
    for run in range(1, runs + 1):
        order = [("old", old), ("new", new)] if run % 2 else [("new", new), ("old", old)]
        line = []
        for label, call in order:
            peaks[label].append(call())
            line.append(f"{label} {peaks[label][-1] / 1e6:9.1f} MB")
        print(f"{name} run {run}: " + "   ".join(line), flush=True)
    old_median, new_median = statistics.median(peaks["old"]), statistics.median(peaks["new"])
    print(f"{name} median: old {old_median / 1e6:.1f} MB, new {new_median / 1e6:.1f} MB, "
          f"old/new {old_median / new_median:.1f}x", flush=True)
    return old_median, new_median


def payload_memory(sizes: list[int], runs: int) -> None:
    kept = max(PAYLOADS_KEPT, IN_FLIGHT_PER_WORKER * (os.cpu_count() or 1) + WRITE_BATCH + 1)
    print(f"payloads: new keeps the latest {kept} responses", flush=True)
    medians = [alternate(f"payloads {size:>9} responses", runs, lambda size=size: feed(OldPayloads(), size),
                         lambda size=size: feed(RecentPayloads(kept), size)) for size in sizes]
    if len(sizes) > 1:
        (first, (old_a, new_a)), (last, (old_b, new_b)) = (sizes[0], medians[0]), (sizes[-1], medians[-1])
        print(f"payloads slope: old {(old_b - old_a) / (last - first):.0f} bytes/response, "
              f"new {(new_b - new_a) / (last - first):.1f} bytes/response\n", flush=True)


# -- the whole reindex -------------------------------------------------------------------------


@dataclass
class Measured:
    peak_mb: float
    hwm_mb: float
    seconds: float
    tables: dict[str, int]


def archive_of(work: Path, warcs: Path, name: str) -> Path:
    """A fresh archive directory whose warcs/ is ``warcs`` (linked, never copied)."""
    archive = work / name
    shutil.rmtree(archive, ignore_errors=True)
    archive.mkdir(parents=True)
    (archive / "warcs").symlink_to(warcs)
    return archive


def table_counts(archive: Path) -> dict[str, int]:
    """Rows in each table of the archive's SQLite index."""
    with sqlite3.connect(archive / "archive.sqlite3") as connection:
        names = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        return {name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}


def run_cli(checkout: Path, archive: Path, args: list[str], interval: float = 0.05) -> Measured:
    """``newsarchive --archive-dir ARCHIVE ARGS`` of ``checkout``, the peak RSS of its whole process tree sampled."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSARCHIVE_")}
    env["PYTHONPATH"] = str(checkout)
    started = time.monotonic()
    process = subprocess.Popen([sys.executable, "-m", "storage.cli", "--archive-dir", str(archive), *args],
                               cwd=checkout, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = TreePeak(process.pid, interval)
    out, err = process.communicate()
    seconds = time.monotonic() - started
    peak_mb, hwm_mb = peak.stop()
    if process.returncode != 0:
        raise SystemExit(f"error: {args[0]} in {checkout} exited {process.returncode}:\n{(out + err)[-2000:]}")
    return Measured(peak_mb, hwm_mb, seconds, table_counts(archive))


def reindex_run(checkout: Path, work: Path, warcs: Path) -> Measured:
    return run_cli(checkout, archive_of(work, warcs, "archive"), ["reindex", "--yes"])


def reindex_memory(plans: list[tuple[int, int]], before: Path, runs: int, compare_ingest: bool) -> None:
    """For each ``pages x rechecks``: old and new reindex alternately, every run, medians; then the slope."""
    from crawl_warcs import write_crawl

    medians: list[tuple[int, float, float, float, float]] = []
    with tempfile.TemporaryDirectory(prefix="bench-reindex-") as tmp:
        work = Path(tmp)
        for pages, rechecks in plans:
            warcs = work / f"warcs-{pages}x{rechecks}"
            written = write_crawl(warcs, pages, rechecks, before_render=True)  # read by old and new
            print(f"reindex {pages} pages x {rechecks} re-checks: {written.captures} captures, {written.records} "
                  f"records in {written.files} files, {written.bytes / 1e6:.0f} MB (written in "
                  f"{written.seconds:.0f}s)", flush=True)
            got: dict[str, list[Measured]] = {"old": [], "new": []}
            for run in range(1, runs + 1):
                order = ["old", "new"] if run % 2 else ["new", "old"]
                for label in order:
                    got[label].append(reindex_run(before if label == "old" else ROOT, work, warcs))
                    m = got[label][-1]
                    print(f"  run {run} {label}: peak {m.peak_mb:7.1f} MB (hwm sum {m.hwm_mb:7.1f}), "
                          f"{m.seconds:7.1f} s", flush=True)
            old_tables, new_tables = got["old"][-1].tables, got["new"][-1].tables
            differ = {t: (old_tables.get(t), n) for t, n in new_tables.items() if old_tables.get(t) != n}
            print(f"  tables (new): {new_tables}" + (f"; old differs: {differ}" if differ else "; old: the same"))
            row = (written.captures, *(statistics.median(m.peak_mb for m in got[label]) for label in ("old", "new")),
                   *(statistics.median(m.seconds for m in got[label]) for label in ("old", "new")))
            medians.append(row)
            print(f"  median: old {row[1]:.1f} MB {row[3]:.0f} s, new {row[2]:.1f} MB {row[4]:.0f} s, "
                  f"old/new {row[1] / row[2]:.2f}x", flush=True)
            if compare_ingest:
                ingest_equals_reindex(work, warcs, new_tables)
            shutil.rmtree(warcs)
    print_slope(medians)


def ingest_equals_reindex(work: Path, warcs: Path, reindexed: dict[str, int]) -> None:
    """``ingest`` of the same files into a fresh archive: its rows per table against the reindex's."""
    ingested = run_cli(ROOT, archive_of(work, warcs, "ingested"), ["ingest", str(warcs)])
    differ = {t: (ingested.tables.get(t), reindexed.get(t)) for t in sorted(set(reindexed) | set(ingested.tables))
              if ingested.tables.get(t) != reindexed.get(t)}
    print(f"  ingest of the same files: peak {ingested.peak_mb:.1f} MB, {ingested.seconds:.0f} s; rows per table "
          + ("the same as reindex" if not differ else f"DIFFER (ingest, reindex): {differ}"), flush=True)


def print_slope(medians: list[tuple[int, float, float, float, float]]) -> None:
    print("\ncaptures   old MB   new MB   old s   new s")
    for captures, old_mb, new_mb, old_s, new_s in medians:
        print(f"{captures:8} {old_mb:8.1f} {new_mb:8.1f} {old_s:7.0f} {new_s:7.0f}")
    if len(medians) > 1:
        (a, old_a, new_a, *_), (b, old_b, new_b, *_) = medians[0], medians[-1]
        per = 100_000 / (b - a)
        print(f"slope {a} -> {b} captures: old {(old_b - old_a) * per:+.1f} MB per 100k captures, "
              f"new {(new_b - new_a) * per:+.1f} MB per 100k captures", flush=True)


def trace_growth(pages: int, rechecks: int, top: int = 12) -> None:
    """What the Python heap of a reindex's main process gains from 75% of its records (past the re-check run
    where pages change, and the window and batch written after it, so one-time set-ups such as compiling the
    comparison's phrase tables are behind: use 16 re-checks or more) to the end:
    tracemalloc snapshots compared, by where the memory was allocated (extraction runs in two worker
    processes, untraced: under tracemalloc it is some fifty times slower)."""
    from crawl_warcs import write_crawl
    from storage.ingest.reindex import reindex
    from storage.outlets.domains import OutletMap

    with tempfile.TemporaryDirectory(prefix="bench-reindex-trace-") as tmp:
        archive = Path(tmp) / "archive"
        written = write_crawl(archive / "warcs", pages, rechecks)
        first_at = written.captures * 3 // 4
        snapshots: list[tuple[int, tracemalloc.Snapshot]] = []

        def progress(_bytes: int, records: int) -> None:
            if records == first_at or records == written.captures:
                snapshots.append((records, tracemalloc.take_snapshot()))

        tracemalloc.start(8)
        started = time.monotonic()
        summary = reindex(None, archive, OutletMap([]), confirm=lambda *_: True, workers=2, progress=progress)
        seconds = time.monotonic() - started
        tracemalloc.stop()
    (a, early), (b, late) = snapshots[0], snapshots[-1]
    grown = late.compare_to(early, "traceback")
    net = sum(stat.size_diff for stat in grown)
    print(f"trace {pages} pages x {rechecks} re-checks: {summary.captures_added} captures in {seconds:.0f}s; "
          f"Python heap from record {a} to {b}: {net / 1e6:+.2f} MB, {net / (b - a):+.1f} bytes per capture", flush=True)
    for stat in sorted((stat for stat in grown if stat.size_diff > 0), key=lambda stat: -stat.size_diff)[:top]:
        ours = [frame for frame in stat.traceback if "site-packages" not in frame.filename
                and "/lib/python3" not in frame.filename] or list(stat.traceback)
        where = " <- ".join(f"{Path(f.filename).name}:{f.lineno}" for f in ours[-1:-5:-1])
        print(f"  {stat.size_diff / 1e3:+9.1f} kB {stat.count_diff:+7d} blocks  {where}", flush=True)


def sqlite_cache(rows: int, step: int = 100_000) -> None:
    """RSS of this process as it writes ``rows`` rows of ~350 bytes through the archive's SQLite engine (its
    PRAGMAs: a page cache of SQLITE_CACHE_KIB per connection, filled as pages are used): what a reindex's
    main process gains as its new index grows, whatever Python holds."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from storage.db.engine import SQLITE_CACHE_KIB, make_engine
    from tree_memory import rss_kb

    print(f"sqlite: page cache bound {SQLITE_CACHE_KIB / 1024:.0f} MiB per connection", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-sqlite-cache-") as tmp:
        db = Path(tmp) / "archive.sqlite3"
        engine = make_engine(make_url(f"sqlite:///{db}"), create=True)
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b TEXT)"))
            connection.execute(text("CREATE INDEX t_a ON t (a)"))
        print(f"sqlite: empty, RSS {rss_kb(os.getpid()) / 1024:.0f} MB", flush=True)
        for done in range(step, rows + 1, step):
            with engine.begin() as connection:
                connection.execute(text("INSERT INTO t (a, b) VALUES (:a, :b)"),
                                   [{"a": f"{done}-{n}-" + "k" * 40, "b": "v" * 300} for n in range(step)])
            size = sum(path.stat().st_size for path in Path(tmp).iterdir())
            print(f"sqlite: {done:8} rows, file and WAL {size / 1e6:5.0f} MB, RSS {rss_kb(os.getpid()) / 1024:5.0f} MB",
                  flush=True)
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="responses fed to the payload tables")
    parser.add_argument("--crawls", default="", help="whole reindex runs over crawls of PAGESxRECHECKS, comma-separated "
                        "(e.g. 1000x10,1000x30,1000x100; needs --before)")
    parser.add_argument("--before", type=Path, help="a checkout of the old code, for --crawls")
    parser.add_argument("--ingest", action="store_true", help="also ingest each crawl and compare rows per table")
    parser.add_argument("--trace", default="", help="PAGESxRECHECKS: what the heap of one in-process reindex gains "
                        "from 75%% of its records to the end (tracemalloc)")
    parser.add_argument("--sqlite-cache", type=int, default=0, help="ROWS: RSS as the archive's SQLite engine writes them")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if args.sqlite_cache:
        sqlite_cache(args.sqlite_cache)
    if args.trace:
        trace_growth(*(int(n) for n in args.trace.split("x")))
    if args.sizes:
        payload_memory([int(size) for size in args.sizes.split(",")], args.runs)
    if args.crawls:
        if args.before is None or not (args.before / "storage").is_dir():
            raise SystemExit("error: --crawls needs --before DIR, a checkout of the old code (git worktree add DIR 45163f0)")
        plans = [tuple(int(n) for n in plan.split("x")) for plan in args.crawls.split(",")]
        reindex_memory(plans, args.before.resolve(), args.runs, args.ingest)  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
