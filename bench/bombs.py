"""Peak memory of reading a decompression bomb back from WARC files (issue 35): ingest, reindex, /capture/ID/raw.

Writes, with warcio, a WARC of one ordinary article and one gzip bomb (an HTML
page that decodes to ``--inflate-mb`` MB from a few KB), and measures the peak
memory of the whole process tree (the command and its extraction workers) of:

  ingest   ``newsarchive ingest`` of the file into a fresh archive (default workers)
  reindex  ``newsarchive reindex`` of that archive
  raw      ``newsarchive serve`` while ``--clients`` clients fetch ``/capture/ID/raw`` of the bomb at once
  raw-big  the same, of a page within the limit (``--large-mb`` MB decoded): streamed now, held whole before

for the code before the fix (``--before`` commit, checked out with ``git
worktree add`` in a temporary directory, run with this virtualenv) and this
tree's code, alternately; it prints every run, the medians and the ratios.
The archive behind ``raw`` is indexed once with the code before, so it holds
a capture of the bomb (the fixed ingest makes none). Peak: the highest sum
of VmRSS over the process and all its descendants, sampled every 5 ms from
``/proc``; ``hwm`` is the sum of each process's own peak (VmHWM), an upper
bound. The limit is the default (32 MiB).

    .venv/bin/python bench/bombs.py                        # a 256 MB bomb, 3 runs each
    .venv/bin/python bench/bombs.py --inflate-mb 1024 --runs 1
    .venv/bin/python bench/bombs.py --chunked --runs 1     # the bomb as one transfer chunk
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import io
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

from tests.storage.ingest.test_hostile_warcs import DATE, article_body  # noqa: E402
from tree_memory import TreePeak  # noqa: E402

BEFORE = "45163f0"
HOST = "http://bombs.test/2026/11/20/"
GOOD, BOMB, LARGE = HOST + "an-ordinary-story/", HOST + "a-story-that-inflates/", HOST + "a-long-story/"
MB = 1024 * 1024


# -- the WARC files -------------------------------------------------------------------------------


def padded_gzip(url: str, size: int) -> bytes:
    """An article page padded (in a comment, of spaces) to ``size`` bytes, gzipped a megabyte at a time."""
    page = article_body(url)
    head, tail = page.split(b"</body>")
    squeeze = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    parts = [squeeze.compress(head + b"<!--")]
    left = size - len(page) - 7
    while left > 0:
        parts.append(squeeze.compress(b" " * min(MB, left)))
        left -= MB
    parts.append(squeeze.compress(b"--></body>" + tail))
    parts.append(squeeze.flush())
    return b"".join(parts)


def write_warc(path: Path, pages: list[tuple[str, bytes]], chunked: bool = False) -> Path:
    """Each ``(url, gzipped body)`` as a 200 response stored gzip-encoded, as sent (``chunked``: as one chunk)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True, warc_version="1.1")
        for url, wire in pages:
            framing = ("Content-Length", str(len(wire)))
            if chunked:
                wire, framing = b"%x\r\n" % len(wire) + wire + b"\r\n0\r\n\r\n", ("Transfer-Encoding", "chunked")
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                               ("Content-Encoding", "gzip"), framing], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(wire), length=len(wire),
                                                          http_headers=http, warc_headers_dict={"WARC-Date": DATE}))
    return path


# -- the commands ---------------------------------------------------------------------------------


@dataclass
class Sample:
    peak_mb: float
    hwm_mb: float
    seconds: float
    note: str = ""


def cli(*args: str) -> list[str]:
    """``newsarchive ARGS`` with this virtualenv; the code is the tree in PYTHONPATH and the working directory."""
    return [sys.executable, "-m", "storage.cli", *args]


def environment(tree: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NEWSARCHIVE_DB_URL", "NEWSARCHIVE_DOWNLOAD_MAXSIZE")}
    env["PYTHONPATH"] = str(tree)
    return env


def measured(tree: Path, args: list[str]) -> Sample:
    started = time.monotonic()
    process = subprocess.Popen(cli(*args), cwd=tree, env=environment(tree), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    peak = TreePeak(process.pid)
    out, err = process.communicate()
    seconds = time.monotonic() - started
    peak_mb, hwm_mb = peak.stop()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(args[:3])} failed in {tree}:\n{err[-2000:]}")
    last = out.strip().splitlines()[-1] if out.strip() else ""
    return Sample(peak_mb, hwm_mb, seconds, last)


def ingest_and_reindex(tree: Path, warc: Path, work: Path) -> tuple[Sample, Sample]:
    archive = Path(tempfile.mkdtemp(dir=work))
    (archive / "warcs").mkdir()
    shutil.copy2(warc, archive / "warcs" / warc.name)
    ingest = measured(tree, ["--archive-dir", str(archive), "ingest", str(archive / "warcs"), "--auto-outlets",
                             "--json"])
    reindex = measured(tree, ["--archive-dir", str(archive), "reindex", "--yes", "--auto-outlets", "--json"])
    shutil.rmtree(archive)
    return ingest, reindex


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(port: int, path: str, answers: list[tuple[int, int]]) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    connection.request("GET", path, headers={"Accept-Encoding": "identity"})
    response = connection.getresponse()
    size = 0
    while chunk := response.read(MB):
        size += len(chunk)
    answers.append((response.status, size))
    connection.close()


def raw_burst(tree: Path, archive: Path, capture_id: int, clients: int) -> Sample:
    """``clients`` fetches of ``/capture/ID/raw`` at once, against a server started for them."""
    port = _free_port()
    server = subprocess.Popen(cli("--archive-dir", str(archive), "serve", "--port", str(port)), cwd=tree,
                              env=environment(tree), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit(f"the server of {tree} did not start")
                time.sleep(0.1)
        answers: list[tuple[int, int]] = []
        peak = TreePeak(server.pid)
        started = time.monotonic()
        threads = [threading.Thread(target=_get, args=(port, f"/capture/{capture_id}/raw", answers))
                   for _ in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.monotonic() - started
        peak_mb, hwm_mb = peak.stop()
        statuses = sorted({status for status, _ in answers})
        sizes = sorted({size // MB for _, size in answers})
        return Sample(peak_mb, hwm_mb, seconds, f"status {statuses}, MB sent {sizes}")
    finally:
        server.terminate()
        server.wait(30)


def capture_ids(archive: Path) -> dict[str, int]:
    import sqlite3

    with sqlite3.connect(archive / "archive.sqlite3") as connection:
        rows = connection.execute("SELECT c.fetched_url, c.id FROM captures c").fetchall()
    return dict(rows)


# -- the comparison -------------------------------------------------------------------------------


def before_tree(commit: str, work: Path) -> Path:
    tree = work / f"before-{commit}"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), commit], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return tree


def compare(runs: int, steps: dict[str, Callable[[Path], Sample]], trees: dict[str, Path]) -> None:
    samples: dict[tuple[str, str], list[Sample]] = {(step, name): [] for step in steps for name in trees}
    for run in range(runs):
        order = list(trees) if run % 2 == 0 else list(reversed(trees))
        for step, measure in steps.items():
            for name in order:
                sample = measure(trees[name])
                samples[(step, name)].append(sample)
                print(f"run {run + 1} {step:8} {name:6} peak {sample.peak_mb:8.0f} MB  hwm {sample.hwm_mb:8.0f} MB  "
                      f"{sample.seconds:6.1f} s  {sample.note[:110]}", flush=True)
    print()
    print(f"{'':8} {'peak MB before':>15} {'after':>8} {'ratio':>7}   {'seconds before':>15} {'after':>7}")
    for step in steps:
        before = samples[(step, "before")]
        after = samples[(step, "after")]
        peak_b, peak_a = (statistics.median(s.peak_mb for s in x) for x in (before, after))
        sec_b, sec_a = (statistics.median(s.seconds for s in x) for x in (before, after))
        print(f"{step:8} {peak_b:15.0f} {peak_a:8.0f} {peak_b / peak_a:6.1f}x   {sec_b:15.1f} {sec_a:7.1f}")
        print(f"{'':8} every run, peak MB: before {[round(s.peak_mb) for s in before]}, "
              f"after {[round(s.peak_mb) for s in after]}; hwm sums: before {[round(s.hwm_mb) for s in before]}, "
              f"after {[round(s.hwm_mb) for s in after]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--inflate-mb", type=int, default=256, help="what the bomb decodes to (MB)")
    parser.add_argument("--large-mb", type=int, default=24, help="a page within the 32 MiB limit, for raw-big (MB)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--chunked", action="store_true",
                        help="store the bomb chunked, as one transfer chunk (warcio inflates a chunk in one call)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--before", default=BEFORE, help="the commit to compare with (default: main before the fix)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-bombs-") as scratch:
        work = Path(scratch)
        trees = {"before": before_tree(options.before, work), "after": ROOT}
        try:
            good = gzip.compress(article_body(GOOD))
            bomb = padded_gzip(BOMB, options.inflate_mb * MB)
            warc = write_warc(work / "bomb.warc.gz", [(GOOD, good), (BOMB, bomb)], chunked=options.chunked)
            large = write_warc(work / "large.warc.gz", [(LARGE, padded_gzip(LARGE, options.large_mb * MB))])
            print(f"bomb WARC {warc.stat().st_size / 1024:.1f} KB, its response decodes to {options.inflate_mb} MB"
                  f"{' (one transfer chunk)' if options.chunked else ''}; "
                  f"large page {options.large_mb} MB decoded; {options.clients} clients; {options.runs} runs each")
            served = work / "served"
            (served / "warcs").mkdir(parents=True)
            for path in (warc, large):
                shutil.copy2(path, served / "warcs" / path.name)
            measured(trees["before"], ["--archive-dir", str(served), "ingest", str(served / "warcs"),
                                       "--auto-outlets", "--json"])
            ids = capture_ids(served)
            both: dict[str, tuple[Sample, Sample]] = {}

            def ingest_step(tree: Path) -> Sample:
                both[str(tree)] = ingest_and_reindex(tree, warc, work)
                return both[str(tree)][0]

            steps = {
                "ingest": ingest_step,
                "reindex": lambda tree: both[str(tree)][1],  # measured with the ingest of the same run
                "raw": lambda tree: raw_burst(tree, served, ids[BOMB], options.clients),
                "raw-big": lambda tree: raw_burst(tree, served, ids[LARGE], options.clients),
            }
            compare(options.runs, steps, trees)
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(trees["before"])],
                           check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


if __name__ == "__main__":
    main()
