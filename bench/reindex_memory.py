"""Memory of ``reindex``/``ingest`` as the WARCs grow: what it keeps per capture, old way against new.

Two measurements, each alternating old and new ``--runs`` times, every run
printed, then medians and ratios:

  payloads  the structure ingest keeps so that a revisit finds the response it
            repeats, fed N HTML responses (record id and payload digest each):
            old, a dict with both keys for every response of the run (as at commit
            45163f0, kept below); new, storage.ingest.ingest.RecentPayloads at its
            bound. Python heap peak (tracemalloc) at each of ``--sizes``.
  reindex   with ``--warcs N,N,...``: peak RSS of the whole process tree of
            ``newsarchive reindex`` over an archive of N captures (WARCs of
            small article pages written here), this worktree against the
            checkout given by ``--before DIR`` (e.g. ``git worktree add DIR 45163f0``).

    python bench/reindex_memory.py --sizes 10000,100000,1000000
    python bench/reindex_memory.py --sizes 100000 --warcs 300,1000,3000 --before ../old-checkout
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import tracemalloc
import uuid
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from storage.ingest.ingest import IN_FLIGHT_PER_WORKER, PAYLOADS_KEPT, WRITE_BATCH, RecentPayloads  # noqa: E402


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

PAGE = """<!doctype html><html><head><title>{title}</title></head><body><article><h1>{title}</h1>
{paragraphs}</article></body></html>"""


def write_archive(directory: Path, captures: int) -> Path:
    """An archive directory whose warcs/ hold ``captures`` article responses of one outlet, and its seed file."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    warcs = directory / "warcs"
    warcs.mkdir(parents=True)
    with (warcs / "bench-00000.warc.gz").open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for n in range(captures):
            title = f"Council report number {n} on the harbour works"
            paragraphs = "\n".join(f"<p>Paragraph {k} of report {n}: the council met on Tuesday and agreed the "
                                   f"budget for the harbour works, item {k * n}.</p>" for k in range(8))
            body = PAGE.format(title=title, paragraphs=paragraphs).encode()
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                               ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(f"http://bench.example/news/{n}", "response",
                                                          payload=io.BytesIO(body), length=len(body), http_headers=http))
    seeds = directory / "seeds.toml"
    seeds.write_text('[[outlet]]\nname = "bench"\ndomains = ["bench.example"]\nstart_urls = ["http://bench.example/"]\n'
                     "article_pattern = '^http://bench\\.example/news/'\n", encoding="utf-8")
    return seeds


def reindex_peak(checkout: Path, archive: Path, seeds: Path, log: Path) -> int:
    from crawl import run_measured  # the crawl benchmark's process-tree RSS sampling

    command = [sys.executable, "-m", "storage.cli", "--archive-dir", str(archive), "reindex",
               "--seeds", str(seeds), "--yes", "--force", "--workers", "1"]
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    env.pop("NEWSARCHIVE_DB_URL", None)
    run = run_measured(command, checkout, env, log)
    if run.status != 0:
        raise SystemExit(f"error: reindex in {checkout} exited {run.status}; see {log}")
    return run.peak_rss


def reindex_memory(sizes: list[int], before: Path, runs: int) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-reindex-") as tmp:
        for size in sizes:
            archive = Path(tmp) / f"archive-{size}"
            seeds = write_archive(archive, size)
            log = Path(tmp) / "reindex.log"
            alternate(f"reindex {size:>7} captures (peak RSS)", runs,
                      lambda: reindex_peak(before, archive, seeds, log), lambda: reindex_peak(ROOT, archive, seeds, log))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="responses fed to the payload tables")
    parser.add_argument("--warcs", default="", help="captures per archive for whole reindex runs (needs --before)")
    parser.add_argument("--before", type=Path, help="a checkout of the old code, for --warcs")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    payload_memory([int(size) for size in args.sizes.split(",")], args.runs)
    if args.warcs:
        if args.before is None or not (args.before / "storage").is_dir():
            raise SystemExit("error: --warcs needs --before DIR, a checkout of the old code (git worktree add DIR 45163f0)")
        reindex_memory([int(size) for size in args.warcs.split(",")], args.before.resolve(), args.runs)


if __name__ == "__main__":
    main()
