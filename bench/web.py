"""Latency of every reading-room page at N versions, and 50 clients for 60 s while a writer adds captures.

The app runs as users run it — ``newsarchive serve`` in its own process, over
an archive filled by ``bench/generate.py --raw`` (a temporary SQLite file, a
throwaway PostgreSQL schema, or ``--db`` as it is). First, each kind of page
is fetched ``--runs`` times over keep-alive HTTP (random pages, random
two-word searches) for its median and p95 (after one warm-up call). Then
``--clients`` threads fetch a mix of all pages for ``--seconds`` while another
process writes captures into the same archive through ``record_captures`` (the
crawler's write path, batches of 50, stories fingerprinted); every answer must
be a 200. Prints figures only; the goal is median < 50 ms and p95 < 200 ms.

    nice python bench/web.py --versions 100000 --pg postgresql+psycopg://postgres@127.0.0.1:5432/test
    nice python bench/web.py --db sqlite:///big.sqlite3 --archive-dir bench/out --no-load

A raw fill has no stories and no WARC payloads: the bench adds ``--stories``
synthetic stories and writes the one WARC record every raw capture points at
(``warcs/synthetic.warc.gz``, offset 0), so story and capture pages do real work.
"""

from __future__ import annotations

import argparse
import http.client
import io
import multiprocessing
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from generate import START, Vocabulary, raw_fill  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

from extract.article import Article  # noqa: E402
from storage.archive import Archive  # noqa: E402
from storage.db.models import Capture, Outlet, Page, Story, StoryMember, Version  # noqa: E402
from storage.db.times import now  # noqa: E402
from storage.versions.captures import CaptureInput  # noqa: E402
from storage.warc.pointer import WarcPointer  # noqa: E402
from tests.helpers.captures import scratch_schema  # noqa: E402

SYNTHETIC_WARC = "synthetic.warc.gz"  # the name generate.raw_fill gives every capture
WRITER_BATCH = 50


# -- the archive ------------------------------------------------------------------------------------


def write_synthetic_warc(archive_dir: Path) -> None:
    """One gzipped WARC response record at offset 0, the payload every raw-filled capture points at."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    target = archive_dir / "warcs" / SYNTHETIC_WARC
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    body = ("<!DOCTYPE html><html><head><title>Synthetic</title></head><body><h1>Synthetic article</h1>"
            + "<p>Text of the article.</p>" * 200 + "<script>alert(1)</script></body></html>").encode()
    with target.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record("https://synthetic.example/", "response",
                                                      payload=io.BytesIO(body), http_headers=headers))


def add_stories(db_url: str, archive_dir: Path, count: int, seed: int = 5) -> None:
    """``count`` synthetic stories of 2–6 versions of different outlets (a raw fill links none)."""
    rng = random.Random(seed)
    with Archive(db_url, archive_dir) as archive:
        if archive.read(lambda s: s.scalar(select(func.count(Story.id)))):
            return
        top = archive.read(lambda s: s.scalar(select(func.max(Version.id)))) or 0
        if top < 10:
            return

        def write(session) -> None:
            used: set[int] = set()
            for _ in range(count):
                members = [v for v in rng.sample(range(1, top + 1), rng.randint(2, 6)) if v not in used]
                if len(members) < 2:
                    continue
                used.update(members)
                rows = session.execute(select(Version.id, Version.outlet_id, Version.first_seen)
                                       .where(Version.id.in_(members)).order_by(Version.first_seen)).all()
                first, last = rows[0].first_seen, rows[-1].first_seen
                story_id = session.scalar(insert(Story).returning(Story.id), {
                    "origin_version_id": rows[0].id, "members": len(rows), "outlets": len({r.outlet_id for r in rows}),
                    "first_seen": first, "last_seen": last, "created_at": now(), "updated_at": now()})
                session.execute(insert(StoryMember), [
                    {"version_id": r.id, "story_id": story_id, "relation": "origin" if n == 0 else "rewrite",
                     "similarity": 1.0 if n == 0 else round(rng.uniform(0.5, 0.95), 3), "matched_to": rows[0].id,
                     "match_similarity": None} for n, r in enumerate(rows)])

        archive.write(write)


# -- the server -------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(db_url: str, archive_dir: Path, port: int) -> subprocess.Popen:
    command = [sys.executable, "-m", "storage.cli", "--db", db_url, "--archive-dir", str(archive_dir),
               "serve", "--port", str(port)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("newsarchive serve did not start")


class Client:
    """One keep-alive HTTP connection to the app."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def get(self, path: str) -> int:
        try:
            self.connection.request("GET", path)
            response = self.connection.getresponse()
            response.read()
            return response.status
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            raise


# -- what to fetch ----------------------------------------------------------------------------------


def page_paths(db_url: str, archive_dir: Path, runs: int, seed: int, sample_seed: int = 11) -> dict[str, list[str]]:
    """``runs`` paths of each kind of page, over random pages, outlets, stories and searches."""
    rng = random.Random(sample_seed)
    words = Vocabulary(random.Random(seed)).words[20:3000]
    with Archive(db_url, archive_dir, read_only=True) as archive:
        def sample(session):
            top = session.scalar(select(func.max(Page.id))) or 0
            ids = [rng.randint(1, top) for _ in range(runs * 3)]
            pages = session.execute(select(Page.id, Page.url).where(Page.id.in_(ids))).all()
            edited = session.execute(select(Page.url).join(Version, Version.page_id == Page.id)
                                     .where(Version.seq == 2, Page.id.in_(ids))).scalars().all()
            outlets = session.scalars(select(Outlet.name)).all()
            stories = session.scalars(select(Story.id).limit(runs * 2)).all()
            captures = session.scalars(select(Capture.id).where(Capture.page_id.in_([p.id for p in pages]))).all()
            return [p.url for p in pages], list(edited), list(outlets), list(stories), list(captures)

        urls, edited, outlets, stories, captures = archive.read(sample)
    pick = lambda items, n=runs: [rng.choice(items) for _ in range(n)] if items else []  # noqa: E731
    return {
        "/": ["/"] * runs,
        "/outlet/NAME": [f"/outlet/{o}" for o in pick(outlets)],
        "/outlet/NAME?page=3": [f"/outlet/{o}?page=3" for o in pick(outlets)],
        "/page?url=": [f"/page?{urlencode({'url': u})}" for u in pick(urls)],
        "/diff?url=": [f"/diff?{urlencode({'url': u})}" for u in pick(edited or urls)],
        "/search?q= (2 words)": [f"/search?{urlencode({'q': f'{rng.choice(words)} {rng.choice(words)}'})}"
                                 for _ in range(runs)],
        "/stories": ["/stories"] * runs,
        "/story/ID": [f"/story/{s}" for s in pick(stories)],
        "/changes.atom": ["/changes.atom"] * runs,
        "/changes.atom?outlet=": [f"/changes.atom?{urlencode({'outlet': o})}" for o in pick(outlets)],
        "/capture/ID": [f"/capture/{c}" for c in pick(captures)],
        "/capture/ID/raw": [f"/capture/{c}/raw" for c in pick(captures)],
    }


def latencies(port: int, paths: dict[str, list[str]]) -> None:
    client = Client(port)
    for name, batch in paths.items():
        if not batch:
            print(f"  {name:<24} (nothing to fetch)")
            continue
        started = time.perf_counter()
        first = client.get(batch[0])
        cold = (time.perf_counter() - started) * 1000
        samples, statuses = [], Counter([first])
        for path in batch:
            started = time.perf_counter()
            statuses[client.get(path)] += 1
            samples.append((time.perf_counter() - started) * 1000)
        samples.sort()
        p95 = samples[min(len(samples) - 1, int(len(samples) * 0.95))]
        flag = "" if statistics.median(samples) < 50 and p95 < 200 else "   <- over the goal"
        print(f"  {name:<24} median {statistics.median(samples):7.1f} ms   p95 {p95:7.1f} ms   "
              f"first {cold:7.1f} ms   {dict(statuses)}{flag}", flush=True)


# -- load while a writer writes ---------------------------------------------------------------------


def writer(db_url: str, archive_dir: str, stop_at: float, counts) -> None:
    """Write captures (new pages and edits) through record_captures until ``stop_at``."""
    rng = random.Random(3)
    vocab = Vocabulary(rng, size=2000)
    urls = [f"https://crawl.example/{uuid.uuid4().hex}" for _ in range(400)]
    texts: dict[str, str] = {}
    with Archive(db_url, archive_dir) as archive:
        archive.ensure_outlet("crawl", ["crawl.example"])
        n = 0
        while time.time() < stop_at:
            batch = []
            for _ in range(WRITER_BATCH):
                url = rng.choice(urls)
                texts[url] = texts.get(url) or "\n\n".join(vocab.article())
                if rng.random() < 0.3:
                    texts[url] += "\n\n" + vocab.paragraph()
                pointer = WarcPointer(SYNTHETIC_WARC, 0, 0, f"<urn:uuid:{uuid.uuid4()}>")
                at = START + timedelta(days=400, minutes=n)
                batch.append((CaptureInput("crawl", url, url, at, 200, pointer),
                              Article(text=texts[url], title="Crawl " + url[-6:])))
                n += 1
            archive.record_captures(batch)
            counts[0] += len(batch)


def load(port: int, paths: dict[str, list[str]], db_url: str, archive_dir: Path, clients: int,
         seconds: float) -> None:
    mix = [path for batch in paths.values() for path in batch]
    stop_at = time.time() + seconds
    counts = multiprocessing.Array("l", 1)
    writing = multiprocessing.Process(target=writer, args=(db_url, str(archive_dir), stop_at, counts))
    writing.start()
    results: list[Counter] = []
    samples: list[list[float]] = []

    def run(seed: int) -> None:
        rng, client, tally, times = random.Random(seed), Client(port), Counter(), []
        while time.time() < stop_at:
            started = time.perf_counter()
            try:
                tally[client.get(rng.choice(mix))] += 1
            except Exception as error:  # a refused or dropped connection is an error, counted
                tally[type(error).__name__] += 1
            times.append((time.perf_counter() - started) * 1000)
        results.append(tally)
        samples.append(times)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    writing.join()
    total = sum(results, Counter())
    times = sorted(t for batch in samples for t in batch)
    errors = sum(count for status, count in total.items() if status != 200)
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))] if times else 0.0
    print(f"  {clients} clients, {seconds:.0f} s: {sum(total.values())} requests "
          f"({sum(total.values()) / seconds:.0f}/s), median {statistics.median(times) if times else 0:.1f} ms, "
          f"p95 {p95:.1f} ms, errors {errors} {dict(total)}; the writer added {counts[0]} captures "
          f"(exit {writing.exitcode})", flush=True)


# -- main -------------------------------------------------------------------------------------------


def measure(label: str, db_url: str, archive_dir: Path, args: argparse.Namespace) -> None:
    add_stories(db_url, archive_dir, args.stories)
    write_synthetic_warc(archive_dir)
    with Archive(db_url, archive_dir, read_only=True) as archive:
        stats = archive.stats()
    print(f"[{label}] {stats.versions} versions, {stats.pages} pages, {stats.outlets} outlets", flush=True)
    paths = page_paths(db_url, archive_dir, args.runs, args.seed, args.sample_seed)
    port = free_port()
    server = start_server(db_url, archive_dir, port)
    try:
        latencies(port, paths)
        if not args.no_load:
            load(port, paths, db_url, archive_dir, args.clients, args.seconds)
    finally:
        server.terminate()
        server.wait(timeout=30)


def fresh(label: str, db_url: str, archive_dir: Path, args: argparse.Namespace) -> None:
    spent = raw_fill(db_url, args.versions, seed=args.seed, progress=False)
    print(f"[{label}] raw fill of {args.versions} versions: {spent:.0f} s in the database", flush=True)
    measure(label, db_url, archive_dir, args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="measure this filled archive (bench/generate.py --raw) instead of a fresh one")
    parser.add_argument("--archive-dir", type=Path, default=Path("bench/out"), help="with --db: its archive dir")
    parser.add_argument("--versions", type=int, default=100_000, help="versions of a fresh fill per backend")
    parser.add_argument("--seed", type=int, default=1, help="the fill's seed (its vocabulary makes the searches)")
    parser.add_argument("--sample-seed", type=int, default=11,
                        help="seed of the pages and searches fetched (another one asks what the archive has not served)")
    parser.add_argument("--pg", help="PostgreSQL URL for a fresh run (a throwaway schema is created and dropped)")
    parser.add_argument("--no-sqlite", action="store_true", help="with --pg: PostgreSQL only")
    parser.add_argument("--runs", type=int, default=100, help="requests per kind of page")
    parser.add_argument("--stories", type=int, default=2000, help="synthetic stories added to a fill without any")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--no-load", action="store_true", help="latencies only, no concurrent load and writer")
    args = parser.parse_args()
    if args.db:
        from sqlalchemy.engine import make_url

        measure(make_url(args.db).get_backend_name(), args.db, args.archive_dir, args)
        return
    if not args.no_sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            fresh("sqlite", f"sqlite:///{Path(tmp) / 'archive.sqlite3'}", Path(tmp), args)
    if args.pg:
        with scratch_schema(args.pg, "benchweb") as url, tempfile.TemporaryDirectory() as tmp:
            fresh("postgresql", url, Path(tmp), args)


if __name__ == "__main__":
    main()
