"""Query latency and ingest rate of the archive at N versions, on SQLite and PostgreSQL.

Fills a fresh archive per backend with ``bench/generate.py``, then times the
Archive calls behind the CLI: a two-word ``search``, ``versions URL`` and
``show URL --at TIME`` (median and p95 over --runs calls), and the ingest rate
of ``record_captures`` (the crawler's path, batches of 50). Prints figures only.

    python bench/query.py 20000
    python bench/query.py 100000 --pg postgresql+psycopg://postgres@127.0.0.1:5432/test
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

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from extract.article import Article  # noqa: E402
from generate import START, Vocabulary, generate  # noqa: E402
from storage.archive import Archive  # noqa: E402
from storage.errors import NoSuchVersion  # noqa: E402
from storage.records import CaptureInput, WarcPointer  # noqa: E402

INGEST_CAPTURES = 1000
INGEST_BATCH = 50


def timed(calls: list[Callable[[], object]]) -> tuple[float, float]:
    """Median and p95 in milliseconds."""
    samples = []
    for call in calls:
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.95))]


def show_at(archive: Archive, url: str, at: datetime) -> None:
    try:
        archive.version(url, at=at)
    except NoSuchVersion:
        pass  # asked for a time before the page's first capture: still a full lookup


def ingest_rate(archive: Archive, rng: random.Random) -> tuple[float, float]:
    """(captures/s, versions/s) through record_captures: new pages, unchanged and changed re-captures."""
    vocab = Vocabulary(rng, size=2000)
    batch, versions, started = [], 0, time.perf_counter()
    urls = [f"https://ingest.example/{uuid.uuid4().hex}" for _ in range(INGEST_CAPTURES // 2)]
    texts = {url: "\n\n".join(vocab.article()) for url in urls}
    for n in range(INGEST_CAPTURES):
        url = urls[n % len(urls)]
        if n >= len(urls) and rng.random() < 0.3:
            texts[url] += "\n\n" + vocab.paragraph()
        pointer = WarcPointer("ingest.warc.gz", n * 1000, 1000, f"<urn:uuid:{uuid.uuid4()}>")
        capture = CaptureInput("ingest", url, url, START + timedelta(minutes=n), 200, pointer)
        batch.append((capture, Article(text=texts[url], title="Ingest " + url[-6:])))
        if len(batch) == INGEST_BATCH:
            versions += sum(o.value in ("new", "changed") for o in archive.record_captures(batch))
            batch = []
    seconds = time.perf_counter() - started
    return INGEST_CAPTURES / seconds, versions / seconds


def bench(label: str, db_url: str, n: int, runs: int) -> None:
    rng = random.Random(7)
    started = time.perf_counter()
    urls = generate(db_url, n, seed=3, archive_dir=tempfile.mkdtemp())
    print(f"[{label}] generated {n} versions on {len(urls)} pages in {time.perf_counter() - started:.1f}s")
    vocab = Vocabulary(random.Random(3))
    words = vocab.words[20:3000]
    with Archive(db_url, tempfile.mkdtemp()) as archive:
        sample = [rng.choice(urls) for _ in range(runs)]
        queries = [f"{rng.choice(words)} {rng.choice(words)}" for _ in range(runs)]
        figures = {
            "search (2 words)": timed([lambda q=q: archive.search(q) for q in queries]),
            "versions URL": timed([lambda u=u: archive.versions(u) for u in sample]),
            "show URL --at": timed(
                [lambda u=u: show_at(archive, u, START + timedelta(days=rng.randrange(400))) for u in sample]
            ),
        }
        for name, (median, p95) in figures.items():
            print(f"[{label}] {name:<18} median {median:8.2f} ms   p95 {p95:8.2f} ms")
        captures_s, versions_s = ingest_rate(archive, rng)
        print(f"[{label}] ingest via record_captures: {captures_s:.0f} captures/s, {versions_s:.0f} new versions/s")


def pg_schema_url(base: str) -> tuple[str, str]:
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    engine = create_engine(base)
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False), schema


def drop_schema(base: str, schema: str) -> None:
    engine = create_engine(base)
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("versions", type=int, help="how many versions to generate per backend")
    parser.add_argument("--runs", type=int, default=100, help="calls per measured query")
    parser.add_argument("--pg", help="PostgreSQL URL (a throwaway schema is created and dropped)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bench("sqlite", f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", args.versions, args.runs)
    if args.pg:
        url, schema = pg_schema_url(args.pg)
        try:
            bench("postgresql", url, args.versions, args.runs)
        finally:
            drop_schema(args.pg, schema)


if __name__ == "__main__":
    main()
