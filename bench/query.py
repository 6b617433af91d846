"""Query latency and ingest rates of the archive at N versions, on SQLite and PostgreSQL.

Times the Archive calls behind the CLI — a two-word ``search``, ``versions
URL`` and ``show URL --at TIME`` — as median and p95 over ``--runs`` calls
(interpreter start-up excluded), then the ingest rate of ``record_captures``
(the crawler's path: batches of 50, stories fingerprinted in the transaction).
Prints figures only.

Either on an archive filled beforehand (``bench/generate.py``, e.g. ``--raw``
for a million versions), reused as it is::

    python bench/generate.py --raw --db sqlite:///bench.sqlite3 --versions 1000000
    python bench/query.py --db sqlite:///bench.sqlite3

or on fresh archives filled through ``bench.bulk_load.bulk_load``, SQLite in a
temporary directory and PostgreSQL in a throwaway schema. Then the bulk-ingest
rate printed is ``bulk_load``'s own (versioning rules and full-text index
included, text generation excluded), with the CPU time of this process and of
bulk_load's digest workers beside it: on a busy machine wall time includes
waiting for a core::

    python bench/query.py --versions 1000000 --pg postgresql+psycopg://postgres@127.0.0.1:5432/test
    python bench/query.py --versions 200000 --pg postgresql+psycopg://postgres@127.0.0.1:5432/test --no-sqlite
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import START, Vocabulary, generate  # noqa: E402
from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from extract.article import Article  # noqa: E402
from storage.archive import Archive  # noqa: E402
from storage.db.errors import NoSuchVersion  # noqa: E402
from storage.db.models import Page  # noqa: E402
from storage.versions.captures import CaptureInput, WarcPointer  # noqa: E402
from tests.helpers.captures import scratch_schema  # noqa: E402

INGEST_CAPTURES = 600
INGEST_BATCH = 50


def timed(calls: list[Callable[[], object]]) -> tuple[float, float, float]:
    """Median and p95 wall time, and median CPU time of this process, in milliseconds (after a warm-up call).

    On a busy machine wall time includes waiting for a core; for SQLite (which
    runs in this process) CPU time is the cost without that wait.
    """
    calls[0]()
    samples, cpu = [], []
    for call in calls:
        started, started_cpu = time.perf_counter(), time.process_time()
        call()
        samples.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.95))], statistics.median(cpu)


def show_at(archive: Archive, url: str, at: datetime) -> None:
    try:
        archive.version(url, at=at)
    except NoSuchVersion:
        pass  # a time before the page's first capture: still a full lookup


def sample_pages(archive: Archive, rng: random.Random, n: int) -> list[tuple[str, datetime]]:
    """``n`` random pages (url, first seen), by random ids."""
    top = archive.read(lambda s: s.scalar(select(func.max(Page.id)))) or 0
    ids = [rng.randint(1, top) for _ in range(n * 2)]
    rows = archive.read(lambda s: s.execute(select(Page.url, Page.first_seen).where(Page.id.in_(ids))).all())
    rng.shuffle(rows)
    return [(url, first) for url, first in rows[:n]]


def ingest_items(rng: random.Random, count: int = INGEST_CAPTURES) -> list[tuple[CaptureInput, Article]]:
    """``count`` captures of new URLs: each page twice, 30% of the second captures edited."""
    vocab = Vocabulary(rng, size=2000)
    urls = [f"https://ingest.example/{uuid.uuid4().hex}" for _ in range(count // 2)]
    texts = {url: "\n\n".join(vocab.article()) for url in urls}
    items = []
    for n in range(count):
        url = urls[n % len(urls)]
        if n >= len(urls) and rng.random() < 0.3:
            texts[url] += "\n\n" + vocab.paragraph()
        pointer = WarcPointer("ingest.warc.gz", n * 1000, 1000, f"<urn:uuid:{uuid.uuid4()}>")
        capture = CaptureInput("ingest", url, url, START + timedelta(minutes=n), 200, pointer)
        items.append((capture, Article(text=texts[url], title="Ingest " + url[-6:])))
    return items


def record_in_batches(archive: Archive, items: list[tuple[CaptureInput, Article]]) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds of this process, new versions) to record ``items`` as the crawler does."""
    versions, started, cpu = 0, time.perf_counter(), time.process_time()
    for at in range(0, len(items), INGEST_BATCH):
        versions += sum(o.value in ("new", "changed") for o in archive.record_captures(items[at : at + INGEST_BATCH]))
    return time.perf_counter() - started, time.process_time() - cpu, versions


def ingest_rate(archive: Archive, rng: random.Random) -> tuple[float, float]:
    """(captures/s, versions/s) through record_captures: new pages, unchanged and changed re-captures."""
    items = ingest_items(rng)
    seconds, _, versions = record_in_batches(archive, items)
    return len(items) / seconds, versions / seconds


def measure(label: str, db_url: str, runs: int, seed: int, ingest: bool) -> None:
    rng = random.Random(7)
    words = Vocabulary(random.Random(seed)).words[20:3000]  # the vocabulary generate.py used
    with Archive(db_url, tempfile.mkdtemp(), create=False) as archive:
        stats = archive.stats()
        print(f"[{label}] {stats.versions} versions, {stats.pages} pages, {stats.outlets} outlets")
        pages = sample_pages(archive, rng, runs)
        queries = [f"{rng.choice(words)} {rng.choice(words)}" for _ in range(runs)]
        hits = [len(archive.search(q)) for q in queries[:10]]
        figures = {
            "search (2 words)": timed([lambda q=q: archive.search(q) for q in queries]),
            "versions URL": timed([lambda u=u: archive.versions(u) for u, _ in pages]),
            "show URL --at": timed(
                [lambda u=u, t=t: show_at(archive, u, t + timedelta(hours=rng.randrange(96))) for u, t in pages]
            ),
        }
        for name, (median, p95, cpu) in figures.items():
            print(f"[{label}] {name:<18} median {median:8.2f} ms   p95 {p95:8.2f} ms   (median CPU here {cpu:6.2f} ms)")
        print(f"[{label}] search hits (first 10 queries, limit 20): {hits}")
        if ingest:
            captures_s, versions_s = ingest_rate(archive, rng)
            print(f"[{label}] record_captures: {captures_s:.0f} captures/s, {versions_s:.0f} new versions/s")


def fresh(label: str, db_url: str, n: int, runs: int) -> None:
    figures = generate(db_url, n, seed=3, archive_dir=tempfile.mkdtemp(), progress=True)
    per_cpu = figures.summary.versions / max(figures.cpu_seconds, 1e-9)
    print(f"[{label}] bulk_load {figures.summary.versions} versions: {figures.versions_per_second:.0f} versions/s, "
          f"{figures.captures_per_second:.0f} captures/s ({figures.seconds:.0f} s; CPU of this process "
          f"{figures.cpu_seconds:.0f} s, {per_cpu:.0f} versions per CPU-second; of its digest workers "
          f"{figures.worker_cpu_seconds:.0f} s)", flush=True)
    measure(label, db_url, runs, seed=3, ingest=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="measure this filled archive as it is (no generation)")
    parser.add_argument("--seed", type=int, default=1, help="the --seed the --db archive was generated with")
    parser.add_argument("--no-ingest", action="store_true", help="skip the record_captures rate (it adds rows)")
    parser.add_argument("--versions", type=int, default=20_000, help="versions to bulk-load per fresh backend")
    parser.add_argument("--runs", type=int, default=100, help="calls per measured query")
    parser.add_argument("--pg", help="PostgreSQL URL for a fresh run (a throwaway schema is created and dropped)")
    parser.add_argument("--no-sqlite", action="store_true", help="with --pg: measure PostgreSQL only")
    args = parser.parse_args()
    if args.db:
        measure(make_url(args.db).get_backend_name(), args.db, args.runs, args.seed, not args.no_ingest)
        return
    if not args.no_sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            fresh("sqlite", f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", args.versions, args.runs)
    if args.pg:
        with scratch_schema(args.pg, "bench") as url:
            fresh("postgresql", url, args.versions, args.runs)


if __name__ == "__main__":
    main()
