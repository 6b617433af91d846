"""Fill an archive with N synthetic article versions through the bulk-load path, and time it.

Texts have news-like lengths (lognormal, median about 550 words, in
paragraphs of 2–6 sentences) over a Zipf-distributed vocabulary of ~30,000
words; pages belong to many outlets (200 by default) and have one to several
versions, each an edit of the one before (a paragraph added, sometimes a new
title), with unchanged re-captures in between. Every capture goes in as a
``CaptureInput`` + ``Article`` through :func:`bench.bulk_load.bulk_load` — the
same versioning rules as the crawler's path, full-text index included, story
fingerprints deferred. Only the time spent inside ``bulk_load`` counts towards
the ingest rate (making up text is not ingest).

    python bench/generate.py --db sqlite:///bench.sqlite3 --versions 20000

``--raw`` is for query benchmarks at millions of versions: articles are drawn
from a pool of 100,000 pre-made paragraphs (same vocabulary and lengths) and
rows go straight in with Core ``executemany`` — no versioning rules, no change
summaries — so its rate is the database's own (full-text index included; on
PostgreSQL the GIN index is built once at the end, as ``newsarchive copy`` does):

    python bench/generate.py --raw --db sqlite:///bench.sqlite3 --versions 1000000

``--server`` (PostgreSQL only) is for 10M versions: the server generates the
rows from the same paragraph pool, ``--minutes`` bounds the inserts, and indexes
are built once at the end (see bench/server_fill.py)::

    python bench/generate.py --server --db postgresql+psycopg://postgres@127.0.0.1/news10m \
        --versions 10000000 --words 200 --minutes 40
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from itertools import accumulate
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bulk_load import BulkSummary, batches, bulk_load  # noqa: E402
from extract.article import Article  # noqa: E402
from storage.archive import Archive  # noqa: E402
from storage.versions.captures import CaptureInput, WarcPointer  # noqa: E402

START = datetime(2024, 1, 1, tzinfo=timezone.utc)
COMMON = (
    "the of and to in a is that for on was with said he it as at by from his be have has "
    "but are they were not this who after their had its been will would which more government "
    "minister police year people president new election court city council report"
).split()
SYLLABLES = "ka to ri mo an el sa ve lu de ni por tra min gel bas cor fen lis dur".split()
BATCH = 2000
AUTHORS = ["Staff Writer", "Agency Reporter", "Political Desk", "Business Desk"]


class Vocabulary:
    """Common words plus invented ones, drawn with Zipf-like frequencies."""

    def __init__(self, rng: random.Random, size: int = 30_000) -> None:
        invented = {"".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))) for _ in range(size)}
        self.words = list(dict.fromkeys(COMMON + sorted(invented)))
        self.cumulative = list(accumulate(1.0 / (rank + 1) for rank in range(len(self.words))))
        self.rng = rng

    def sample(self, n: int) -> list[str]:
        return self.rng.choices(self.words, cum_weights=self.cumulative, k=n)

    def sentence(self) -> str:
        words = self.sample(self.rng.randint(8, 28))
        return " ".join(words).capitalize() + "."

    def paragraph(self) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(2, 6)))

    def article(self) -> list[str]:
        words = max(80, int(self.rng.lognormvariate(6.3, 0.5)))
        paragraphs: list[str] = []
        count = 0
        while count < words:
            paragraphs.append(self.paragraph())
            count += paragraphs[-1].count(" ") + 1
        return paragraphs


def page_versions(vocab: Vocabulary, rng: random.Random) -> Iterator[tuple[str, str]]:
    """(title, text) of one page's successive versions: each edits the last."""
    title, paragraphs = vocab.sentence().rstrip("."), vocab.article()
    yield title, "\n\n".join(paragraphs)
    while rng.random() < 0.55:
        if rng.random() < 0.3:
            title = vocab.sentence().rstrip(".")
        paragraphs = list(paragraphs)
        paragraphs.insert(rng.randrange(len(paragraphs) + 1), vocab.paragraph())
        yield title, "\n\n".join(paragraphs)


def new_page(rng: random.Random, page: int, outlets: int) -> tuple[int, datetime, str]:
    """(outlet, first capture time, URL) of synthetic page number ``page``."""
    outlet = rng.randrange(outlets)
    at = START + timedelta(minutes=rng.randrange(365 * 24 * 60))
    return outlet, at, f"https://outlet{outlet}.example/news/{page}-{rng.getrandbits(32):08x}"


def captures(versions: int, outlets: int, seed: int) -> Iterator[tuple[CaptureInput, Article]]:
    """Captures carrying ``versions`` distinct versions, with unchanged re-captures in between."""
    rng = random.Random(seed)
    vocab = Vocabulary(rng)
    made = page = 0
    while made < versions:
        page += 1
        outlet, at, url = new_page(rng, page, outlets)
        published = at - timedelta(minutes=rng.randrange(120))
        for title, text in page_versions(vocab, rng):
            if made == versions:
                return
            made += 1
            article = Article(text=text, title=title, authors=[rng.choice(AUTHORS)], published=published,
                              language="en", sitename=f"Outlet {outlet}")
            for _ in range(1 + (rng.random() < 0.5)):  # sometimes an unchanged re-capture
                yield synthetic_capture(f"outlet-{outlet:03d}", url, at), article
                at += timedelta(hours=rng.randint(1, 24))
            at += timedelta(hours=rng.randint(1, 72))


def synthetic_capture(outlet: str, url: str, at: datetime) -> CaptureInput:
    """A capture of ``url`` at ``at`` pointing at no real WARC record (its id is unique)."""
    pointer = WarcPointer(f"synthetic-{at:%Y%m}.warc.gz", 0, 0, f"<urn:uuid:{uuid.uuid4()}>")
    return CaptureInput(outlet, url, url, at, 200, pointer, content_type="text/html")


@dataclass(slots=True)
class LoadFigures:
    summary: BulkSummary
    seconds: float  # inside bulk_load only
    cpu_seconds: float = 0.0  # of this process inside bulk_load (on a busy machine, wall time includes waits)
    worker_cpu_seconds: float = 0.0  # of bulk_load's worker processes

    @property
    def versions_per_second(self) -> float:
        return self.summary.versions / self.seconds if self.seconds else 0.0

    @property
    def captures_per_second(self) -> float:
        return self.summary.captures / self.seconds if self.seconds else 0.0


class ParagraphPool:
    """Pre-made paragraphs, for fills too big to write every word afresh (``--raw``)."""

    def __init__(self, vocab: Vocabulary, size: int = 100_000) -> None:
        self.paragraphs = [vocab.paragraph() for _ in range(size)]
        self.rng = vocab.rng

    def article(self) -> list[str]:
        words = max(80, int(self.rng.lognormvariate(6.3, 0.5)))
        paragraphs: list[str] = []
        count = 0
        while count < words:
            paragraphs.append(self.rng.choice(self.paragraphs))
            count += paragraphs[-1].count(" ") + 1
        return paragraphs


def raw_rows(versions: int, outlets: int, seed: int) -> Iterator[tuple[str, int, int, str, str, datetime]]:
    """(url, outlet, seq, title, text, first seen) of ``versions`` versions, from a paragraph pool."""
    rng = random.Random(seed)
    vocab = Vocabulary(rng)
    pool = ParagraphPool(vocab)
    made = page = 0
    while made < versions:
        page += 1
        outlet, at, url = new_page(rng, page, outlets)
        title, paragraphs, seq = vocab.sentence().rstrip("."), pool.article(), 1
        while made < versions:
            yield url, outlet, seq, title, "\n\n".join(paragraphs), at
            made += 1
            if rng.random() >= 0.55:
                break
            seq += 1
            at += timedelta(hours=rng.randint(1, 72))
            paragraphs = paragraphs + [rng.choice(pool.paragraphs)]


def raw_fill(db_url: str, versions: int, outlets: int = 200, seed: int = 1, progress: bool = False) -> float:
    """Insert rows straight with Core ``executemany`` (no versioning rules): the 1M-version query fill.

    Returns seconds spent in the database. The full-text index is still kept by the database.
    """
    from sqlalchemy import insert, text

    from storage.db.models import Capture, Outlet, Page, Version

    spent = 0.0
    with Archive(db_url, "bench/out", create=True) as archive:
        for n in range(outlets):
            archive.ensure_outlet(f"outlet-{n:03d}", [f"outlet{n}.example"])
        ids = archive.read(lambda s: dict(s.execute(Outlet.__table__.select().with_only_columns(Outlet.name, Outlet.id)).all()))
        page_ids: dict[str, int] = {}
        done = 0
        postgres = archive.backend == "postgresql"
        if postgres:  # as storage.export.to_database does: build the GIN index once at the end
            archive.write(lambda s: s.execute(text("DROP INDEX IF EXISTS ix_versions_search")))
        for chunk in batches(raw_rows(versions, outlets, seed), BATCH):
            started = time.perf_counter()

            def write(session, chunk=chunk):
                fresh = [r for r in chunk if r[2] == 1]
                pages = [{"outlet_id": ids[f"outlet-{r[1]:03d}"], "url": r[0], "first_seen": r[5], "last_seen": r[5]}
                         for r in fresh]
                new = session.scalars(insert(Page).returning(Page.id, sort_by_parameter_order=True), pages).all()
                page_ids.update(zip((r[0] for r in fresh), new))
                caps = [{"page_id": page_ids[r[0]], "fetched_url": r[0], "fetched_at": r[5], "status": 200,
                         "record_type": "response", "warc_file": "synthetic.warc.gz", "warc_offset": 0,
                         "warc_length": 0, "warc_record_id": f"<urn:uuid:{uuid.uuid4()}>"} for r in chunk]
                cids = session.scalars(insert(Capture).returning(Capture.id, sort_by_parameter_order=True), caps).all()
                session.execute(insert(Version), [
                    {"page_id": page_ids[r[0]], "outlet_id": ids[f"outlet-{r[1]:03d}"], "seq": r[2], "title": r[3],
                     "text": r[4], "authors": ["Staff Writer"], "tags": [], "language": "en", "text_hash": uuid.uuid4().hex,
                     "first_seen": r[5], "last_seen": r[5], "capture_id": cid, "state": "ok"}
                    for r, cid in zip(chunk, cids)])

            archive.write(write)
            spent += time.perf_counter() - started
            done += len(chunk)
            if progress and done % (BATCH * 10) == 0:
                print(f"{done} versions, {done / spent:.0f}/s in the database", file=sys.stderr, flush=True)
        if postgres:
            started = time.perf_counter()
            archive.write(lambda s: s.execute(text("CREATE INDEX ix_versions_search ON versions USING gin (search)")))
            spent += time.perf_counter() - started
    return spent


class Made:
    """An iterator over ``items`` that adds up the time spent making them, to leave it out of a load's time."""

    def __init__(self, items: Iterator[tuple[CaptureInput, Article]], progress: bool = False) -> None:
        self.items, self.progress = items, progress
        self.seconds = self.cpu_seconds = 0.0
        self.count = 0
        self.started = time.perf_counter()

    def __iter__(self) -> Made:
        return self

    def __next__(self) -> tuple[CaptureInput, Article]:
        started, started_cpu = time.perf_counter(), time.process_time()
        try:
            return next(self.items)
        finally:
            self.seconds += time.perf_counter() - started
            self.cpu_seconds += time.process_time() - started_cpu
            self.count += 1
            if self.progress and self.count % 20_000 == 0:
                loading = time.perf_counter() - self.started - self.seconds
                print(f"\r{self.count:>9} captures, {self.count / loading:6.0f}/s in bulk_load",
                      end="", file=sys.stderr, flush=True)


def generate(db_url: str, versions: int, outlets: int = 200, seed: int = 1, archive_dir: str = "bench/out",
             progress: bool = False) -> LoadFigures:
    """Bulk-load ``versions`` synthetic versions into ``db_url`` in one ``bulk_load`` call.

    The captures are made as bulk_load asks for them; the time spent making
    them is measured and left out.
    """
    with Archive(db_url, archive_dir, create=True) as archive:
        made = Made(captures(versions, outlets, seed), progress)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        started, started_cpu = time.perf_counter(), time.process_time()
        total = bulk_load(archive, made)  # in bulk_load's own batches
        spent = time.perf_counter() - started - made.seconds
        cpu = time.process_time() - started_cpu - made.cpu_seconds
        after = resource.getrusage(resource.RUSAGE_CHILDREN)  # workers have exited and been waited for
        workers = after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
    if progress:
        print(file=sys.stderr)
    return LoadFigures(total, spent, cpu, workers)


def analyse(db_url: str) -> None:
    """Planner statistics for the filled tables, as autovacuum would gather them later.

    Without them PostgreSQL guesses that a page has thousands of versions and plans a
    parallel scan for every lookup (12 ms instead of 2 at 1M versions).
    """
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="database URL to fill (created/migrated if needed)")
    parser.add_argument("--versions", type=int, default=10_000)
    parser.add_argument("--outlets", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--raw", action="store_true",
                        help="fill with straight Core inserts from a paragraph pool (no versioning rules): "
                             "for query benchmarks at millions of versions")
    parser.add_argument("--server", action="store_true",
                        help="PostgreSQL: generate rows inside the server, indexes built once at the end "
                             "(bench/server_fill.py): for archives of 10M versions")
    parser.add_argument("--words", type=int, default=550, help="--server: median words of a first version")
    parser.add_argument("--minutes", type=float, default=50.0, help="--server: stop inserting after this long")
    parser.add_argument("--finish", action="store_true",
                        help="--server: only rebuild the indexes an interrupted fill left dropped")
    args = parser.parse_args()
    started = time.perf_counter()
    if args.server:
        from bench import server_fill

        if args.finish:
            figures = server_fill.FillFigures()
            server_fill.finish(server_fill.connect(args.db), figures, progress=True)
        else:
            figures = server_fill.server_fill(args.db, args.versions, args.outlets, args.seed, words=args.words,
                                              minutes=args.minutes)
        print(server_fill.report(args.db, figures))
        print(f"wall {time.perf_counter() - started:.0f}s")
        return
    if args.raw:
        spent = raw_fill(args.db, args.versions, args.outlets, args.seed, progress=True)
        print(f"raw fill: {args.versions} versions in {spent:.1f}s in the database "
              f"({args.versions / spent:.0f} versions/s; wall {time.perf_counter() - started:.1f}s)")
        analyse(args.db)
        return
    figures = generate(args.db, args.versions, args.outlets, args.seed, progress=sys.stderr.isatty())
    analyse(args.db)
    wall = time.perf_counter() - started
    s = figures.summary
    print(f"bulk_load: {s.versions} versions ({s.new} new pages, {s.changed} changed), {s.captures} captures "
          f"in {figures.seconds:.1f}s: {figures.versions_per_second:.0f} versions/s, "
          f"{figures.captures_per_second:.0f} captures/s (wall {wall:.1f}s incl. text generation; CPU "
          f"{figures.cpu_seconds:.1f}s here + {figures.worker_cpu_seconds:.1f}s in workers)")


if __name__ == "__main__":
    main()
