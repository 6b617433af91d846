"""What story matching's PostgreSQL lock costs when several writers record at once.

Every recording transaction takes story matching's advisory lock first and
holds it until commit (storage/stories/matcher.py, ``lock_stories``), so the
batches of all writers of one database take turns. This starts 1, 2 and 4
writer processes on a fresh PostgreSQL schema, each recording ``--batches``
batches of 50 new articles (texts of 250 words, none a copy of another) as the
crawl's writer does, once as shipped and once with the lock left out, in
alternating order, and prints captures per second over all writers (medians
of ``--rounds``), what the lock takes off, and the share of the writers' batch
time spent waiting for the lock (as shipped): the figure a busy machine
disturbs least.

Run (PostgreSQL must be up):

    .venv/bin/python bench/writers.py
    .venv/bin/python bench/writers.py --db postgresql+psycopg://postgres@127.0.0.1:5432/test --rounds 5
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from extract.article import Article  # noqa: E402
from storage.archive import Archive  # noqa: E402
from storage.stories import matcher  # noqa: E402
from storage.versions.captures import CaptureInput, WarcPointer  # noqa: E402
from tests.helpers.captures import scratch_schema  # noqa: E402

BATCH = 50
WORDS = [f"{a}{b}{c}" for a in "bcdfghklmnprstv" for b in "aeiou" for c in ("n", "r", "s", "l", "t", "m")]
T0 = datetime(2024, 5, 1, tzinfo=timezone.utc)


def _batch(writer: int, number: int, rng: random.Random) -> list[tuple[CaptureInput, Article]]:
    entries = []
    for i in range(BATCH):
        url = f"https://daily.example/{writer}/{number}/{i}"
        at = T0 + timedelta(seconds=number * BATCH + i)
        capture = CaptureInput(outlet="daily", url=url, fetched_url=url, fetched_at=at, status=200,
                               warc=WarcPointer("bench.warc.gz", i, 1000, f"<urn:uuid:{uuid.uuid4()}>"),
                               content_type="text/html", payload_digest=f"sha1:{uuid.uuid4().hex[:32]}")
        text = " ".join(rng.choice(WORDS) for _ in range(250)) + "."
        entries.append((capture, Article(text=text, title=f"Story {writer} {number} {i}")))
    return entries


def _writer(db_url: str, archive_dir: str, writer: int, batches: int, locked: bool, start, waits) -> None:
    waited = 0.0
    take_lock = matcher.lock_stories

    def timed_lock(session) -> None:
        nonlocal waited
        began = time.perf_counter()
        take_lock(session)
        waited += time.perf_counter() - began

    # Measurement only: the lock timed, or left out.
    matcher.lock_stories = timed_lock if locked else (lambda session: None)
    rng = random.Random(writer)
    prepared = [_batch(writer, number, rng) for number in range(batches)]
    with Archive(db_url, Path(archive_dir)) as archive:
        start.wait()
        began = time.perf_counter()
        for batch in prepared:
            archive.record_captures(batch)
        waits.put((waited, time.perf_counter() - began))


def _run(pg_url: str, writers: int, batches: int, locked: bool) -> tuple[float, float]:
    """Captures per second over ``writers`` processes, from the moment all are ready, and the share of
    the writers' time spent waiting for the lock."""
    context = multiprocessing.get_context("spawn")
    with scratch_schema(pg_url, "bench") as db_url, tempfile.TemporaryDirectory() as archive_dir:
        with Archive(db_url, Path(archive_dir), create=True) as archive:
            archive.ensure_outlet("daily", ["daily.example"])
        start, waits = context.Barrier(writers + 1), context.Queue()
        processes = [context.Process(target=_writer, args=(db_url, archive_dir, n, batches, locked, start, waits))
                     for n in range(writers)]
        for process in processes:
            process.start()
        start.wait()
        began = time.perf_counter()
        for process in processes:
            process.join()
        elapsed = time.perf_counter() - began
        if any(process.exitcode for process in processes):
            raise SystemExit("a writer failed")
        timings = [waits.get() for _ in processes]
    return writers * batches * BATCH / elapsed, sum(w for w, _ in timings) / sum(t for _, t in timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--batches", type=int, default=6, help="batches of 50 per writer")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(f"{args.batches} batches of {BATCH} new articles per writer; captures/s over all writers")
    print(f"{'writers':>7} {'locked':>8} {'no lock':>8} {'lock costs':>10} {'waiting':>8}")
    for writers in (1, 2, 4):
        figures: dict[bool, list[float]] = {True: [], False: []}
        waiting: list[float] = []
        for round_no in range(args.rounds):
            order = (True, False) if round_no % 2 == 0 else (False, True)
            for locked in order:
                rate, waited = _run(args.db, writers, args.batches, locked)
                figures[locked].append(rate)
                if locked:
                    waiting.append(waited)
        locked, free = statistics.median(figures[True]), statistics.median(figures[False])
        print(f"{writers:>7} {locked:>8.0f} {free:>8.0f} {1 - locked / free:>9.0%} "
              f"{statistics.median(waiting):>8.0%}", flush=True)


if __name__ == "__main__":
    main()
