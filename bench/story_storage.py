"""Story matching through the real storage path: ms to record and match one more version.

Fills an archive with N versions, then records a set of new versions one
transaction each through ``Archive.record_capture`` — which fingerprints, looks
up candidates, compares and joins stories — half fresh stories, half copies of
archived ones, then every labelled pair of bench/story_pairs.py (copies of
each kind, rewrites included, and not-copies). Prints (never asserts), as
median and p95, in wall and in CPU time:

* match: the time of :func:`storage.stories.matcher.index_version` alone (fingerprint,
  candidate lookup, exact compares, joining the story);
* record+match: the whole ``record_capture`` call;

how many of the copies were linked to their original (should be all), how
many labelled pairs of each kind ended in one story (recall and false links
through the storage path, at size N), and the size of the story index
(``story_band`` with its key, ``story_fingerprints``) on disk, per million versions. Run by hand::

    .venv/bin/python bench/story_storage.py                        # N = 1,000 and 10,000 on SQLite
    .venv/bin/python bench/story_storage.py --sizes 10000 100000 1000000
    .venv/bin/python bench/story_storage.py --pg postgresql+psycopg://postgres@127.0.0.1:5432/test
    .venv/bin/python bench/story_storage.py --sizes 1000000 --keep FILLS --digest  # reuse a fill kept in FILLS

``--digest`` prints a hash of the story tables after the probes (every story and
member, and the probes' fingerprints and band keys; not the run's own timestamps):
two runs of the same matching print the same hash, so a faster one can be checked
for identical results.

The filler. The first ``REAL`` (10,000) versions are simulated-web prose
(``tests/newsweb/prose.py``; one in ten a verbatim or edited copy of an earlier
one, on another outlet), recorded by ``bulk_load`` and then fingerprinted and
linked into stories by ``Archive.index_stories`` — the real matching; the
probes copy these. Recording and fingerprinting a million such texts takes hours on two
cores, so on SQLite the rest of an archive bigger than ``REAL`` is
*background*: clones of a pool of ``POOL`` other generated stories (no copies
among them, unrelated to the probes), written with plain ``executemany``.
Clone ``c`` of pool story ``j`` has its own page and version, ``j``'s text with a
line naming the clone appended (so no cache sees two clones as one text),
``j``'s stored fingerprint, and ``j``'s band keys with every key that no other
pool story has re-hashed with ``c``. Clones of one pool story are copies of one
another, so they are written as one story (:func:`link_clones`), as matching
would have left them: an archive never holds a hundred unlinked copies. Why that is a fair model of a million
unrelated stories: a band key two unrelated stories share is a feature of the
kind of text (common names, stock phrases), so it stays shared and its
posting list grows in proportion to N, as it would in a real archive; a key
only one pool story has stays unique to each clone. A probe therefore meets
background candidates as often, as alike (the fingerprint is a real one) and
as long to compare (the text is a real one) as it would meet unrelated stories.
Background versions are all first seen after the ``REAL`` ones, so the
originals the probes copy are older than every background version: the hard
case for :data:`storage.stories.matcher.POSTINGS_PER_KEY`, which reads each key's
latest holders. What it does not model: the full-text index is not updated
for background rows (its insert trigger is off while they go in), so
``versions_fts`` holds only the first ``REAL`` versions; band keys that
unrelated stories would share only at scale are missed. At N = 1,000,000 the
archive takes about 6 GB; the fill is kept with ``--keep`` for later runs.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from multiprocessing import Pool
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "bench")]

from story_pairs import build_pairs  # noqa: E402

from bench.bulk_load import bulk_load
from extract.article import Article  # noqa: E402
from storage.archive import Archive  # noqa: E402
from storage.stories import matcher as stories  # noqa: E402
from storage.stories.compare import compare_stories  # noqa: E402
from storage.stories.fingerprint import FINGERPRINT_VERSION, fingerprint_story  # noqa: E402
from storage.stories.matcher import MIN_STORY_WORDS  # noqa: E402
from storage.stories.text import story_text  # noqa: E402
from storage.versions.captures import CaptureInput, WarcPointer  # noqa: E402
from tests.helpers.captures import scratch_schema  # noqa: E402
from tests.newsweb.prose import generate_story  # noqa: E402

logger = logging.getLogger(__name__)
OUTLETS = ["wire", "daily", "herald", "post"]
T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
COPY_SHARE = 0.1
PROBES = 60
LABELLED = 1000  # labelled pairs of bench/story_pairs.py recorded into the filled archive (all 980)
REAL = 10_000  # versions of real generated prose; the rest of a bigger archive is background
POOL = 10_000  # distinct stories the background is cloned from


def story(seed: int) -> str:
    return "\n\n".join(generate_story(random.Random(seed)).paragraphs)


def copy_of(original: str, rng: random.Random) -> str:
    """A verbatim copy with page furniture, or an edited one (last paragraph cut, a line added)."""
    paragraphs = original.split("\n\n")
    if rng.random() < 0.5:
        return "Advertisement\n\n" + original
    return "\n\n".join(paragraphs[:-1] + ["This article was updated with a statement from the council."])


def corpus(count: int, seed: int) -> Iterator[tuple[str, str]]:
    """(url, text) pairs; one in ten copies an earlier text under another outlet."""
    rng = random.Random(seed)
    texts: list[str] = []
    for n in range(count):
        outlet = OUTLETS[n % len(OUTLETS)]
        if texts and rng.random() < COPY_SHARE:
            body = copy_of(rng.choice(texts), rng)
        else:
            body = story(seed * 10_000_000 + n)
        texts.append(body)
        yield f"https://{outlet}.example/{seed}/{n}", body


def capture(url: str, at: datetime) -> CaptureInput:
    return CaptureInput(
        outlet=url.split("//")[1].split(".")[0],
        url=url,
        fetched_url=url,
        fetched_at=at,
        status=200,
        warc=WarcPointer("bench.warc.gz", 0, 1000, f"<urn:uuid:{uuid.uuid4()}>"),
        content_type="text/html; charset=utf-8",
        payload_digest=f"sha1:{uuid.uuid4().hex.upper()[:32]}",
    )


def _fingerprint_row(item: tuple[int, str]) -> tuple[int, bytes, int, list[int]] | None:
    vid, body = item
    cut = story_text(body)
    if len(cut.words) < MIN_STORY_WORDS:
        return None
    fp = fingerprint_story(cut)
    return vid, fp.to_bytes(), len(cut.words), sorted(set(fp.band_keys()))


def fill(archive: Archive, count: int) -> float:
    """Bulk-load ``count`` versions, then fingerprint and link them as a crawl would have; returns seconds."""
    started = time.perf_counter()
    items = [(capture(url, T0 + timedelta(seconds=n)), Article(text=body, title=f"Story {n}"))
             for n, (url, body) in enumerate(corpus(count, seed=1))]
    bulk_load(archive, items)
    archive.index_stories()  # the real matching: copies among these versions form their stories
    return time.perf_counter() - started


def fingerprints(items: list[tuple[int, str]]) -> list[tuple[int, bytes, int, list[int]]]:
    """(id, fingerprint bytes, words, band keys) of each (id, text) long enough for stories, on two cores."""
    with Pool(2) as pool:
        return [p for p in pool.imap(_fingerprint_row, items, chunksize=64) if p]


def _mix(clones: int) -> np.ndarray:
    """A pseudo-random signed 64-bit value per clone (0 for clone 0, which keeps the pool story's keys)."""
    values = [int.from_bytes(hashlib.blake2b(c.to_bytes(8, "little"), digest_size=8).digest(), "little", signed=True)
              for c in range(clones)]
    values[0] = 0
    return np.array(values, dtype=np.int64)


def background(path: Path, count: int) -> None:
    """Add ``count`` background versions to the SQLite archive at ``path`` (see the module docstring)."""
    pool = fingerprints([(j, story(30_000_000 + j)) for j in range(POOL)])
    texts = {j: story(30_000_000 + j) for j, *_ in pool}
    shared = Counter(key for *_, keys in pool for key in keys)
    mix = _mix(count // len(pool) + 1)
    db = sqlite3.connect(path)
    # A throwaway fill: no journal, and a cache that holds the index pages being appended to.
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("PRAGMA cache_size=-1000000")
    trigger = db.execute("SELECT sql FROM sqlite_master WHERE name = 'versions_fts_insert'").fetchone()[0]
    db.execute("DROP TRIGGER versions_fts_insert")
    first = db.execute("SELECT max(id) FROM versions").fetchone()[0] + 1
    outlets = [row[0] for row in db.execute("SELECT id FROM outlets ORDER BY id")]
    keys, owners = [], []
    for lo in range(0, count, 20_000):
        batch = range(lo, min(count, lo + 20_000))
        rows = [_clone_rows(first + n, n, pool[n % len(pool)], texts, outlets) for n in batch]
        for table, at in (("pages", 0), ("captures", 1), ("versions", 2), ("story_fingerprints", 3)):
            marks = ",".join("?" * len(rows[0][at]))
            db.executemany(f"INSERT INTO {table} {_COLUMNS[table]} VALUES ({marks})", [r[at] for r in rows])
    for j, (_, _, _, pool_keys) in enumerate(pool):
        ids = np.arange(first + j, first + count, len(pool), dtype=np.int64)
        common = np.array([k for k in pool_keys if shared[k] > 1], dtype=np.int64)
        unique = np.array([k for k in pool_keys if shared[k] == 1], dtype=np.int64)
        keys += [np.tile(common, len(ids)), (unique[None, :] ^ mix[: len(ids), None]).ravel()]
        owners += [np.repeat(ids, len(common)), np.repeat(ids, len(unique))]
    band_keys, band_owners = np.concatenate(keys), np.concatenate(owners)
    order = np.lexsort((band_owners, band_keys))  # key order: appends to the key index instead of scattering
    for lo in range(0, len(order), 1_000_000):
        chunk = order[lo : lo + 1_000_000]
        db.executemany("INSERT INTO story_band (band_key, version_id) VALUES (?, ?)",
                       zip(band_keys[chunk].tolist(), band_owners[chunk].tolist()))
    link_clones(db, first, count, texts, outlets)
    db.execute(trigger)
    db.commit()
    db.execute("PRAGMA journal_mode=WAL")
    db.close()


def link_clones(db: sqlite3.Connection, first: int, count: int, texts: dict[int, str], outlets: list[int]) -> None:
    """Write one story per pool story, of all its clones, as matching would have linked them.

    Clones of one pool story are copies of each other (same text, one line
    added), so a real archive holds them as one story, its first clone the
    origin: a new version then meets at most ``PER_STORY`` of them. Each
    member's relation and similarity are those of a real comparison of the
    pool story's first two clones.
    """
    next_story = (db.execute("SELECT max(id) FROM stories").fetchone()[0] or 0) + 1
    clones = range(count)
    stories_rows, member_rows = [], []
    for j in range(min(POOL, count)):
        members = clones[j::POOL]
        first_clone, last_clone = (story_text(_clone_text(texts, j, n)) for n in (members[0], members[-1]))
        match = compare_stories(first_clone, last_clone)
        relation, similarity = (match.relation, match.similarity) if match else ("rewrite", 0.0)
        origin = first + members[0]
        stamps = [_clone_time(members[0]), _clone_time(members[-1])]
        outlets_of = {outlets[n % len(outlets)] for n in members}
        stories_rows.append((next_story + j, origin, len(members), len(outlets_of), *stamps, *stamps))
        member_rows.append((origin, next_story + j, "origin", 1.0, None, None))
        member_rows += [(first + n, next_story + j, relation, similarity, origin, similarity) for n in members[1:]]
    db.executemany("INSERT INTO stories (id, origin_version_id, members, outlets, first_seen, last_seen, created_at,"
                   " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", stories_rows)
    db.executemany("INSERT INTO story_members (version_id, story_id, relation, similarity, matched_to,"
                   " match_similarity) VALUES (?, ?, ?, ?, ?, ?)", member_rows)


def _clone_time(n: int) -> str:
    return (T0 + timedelta(seconds=REAL) + n * timedelta(milliseconds=50)).strftime("%Y-%m-%d %H:%M:%S.%f")


def _clone_text(texts: dict[int, str], j: int, n: int) -> str:
    return f"{texts[j]}\n\nBackground copy number {n} of pool story {j}."


_COLUMNS = {
    "pages": "(id, outlet_id, url, first_seen, last_seen, state)",
    "captures": "(id, page_id, fetched_url, fetched_at, status, record_type, warc_file, warc_offset, warc_length,"
                " warc_record_id, payload_digest, content_type)",
    "versions": "(id, page_id, outlet_id, seq, title, text, authors, tags, text_hash, first_seen, last_seen,"
                " capture_id, extractor_version, change_summary, state)",
    "story_fingerprints": "(version_id, fingerprint, fingerprint_version, words)",
}


def _clone_rows(vid: int, n: int, pool_row: tuple[int, bytes, int, list[int]], texts: dict[int, str],
                outlets: list[int]) -> tuple[tuple, ...]:
    """Page, capture, version and fingerprint rows of background version ``n`` (id ``vid``)."""
    j, data, words, _ = pool_row
    at = _clone_time(n)
    url = f"https://background{n % 50}.example/{n}"
    body = _clone_text(texts, j, n)
    outlet = outlets[n % len(outlets)]
    return (
        (vid, outlet, url, at, at, "ok"),
        (vid, vid, url, at, 200, "response", "bench.warc.gz", 0, 1000, f"<urn:bg:{n}>", None, "text/html"),
        (vid, vid, outlet, 1, f"Background {n}", body, "[]", "[]", hashlib.sha256(body.encode()).hexdigest(),
         at, at, vid, "bench", "null", "ok"),
        (vid, data, FINGERPRINT_VERSION, words),
    )


class MatchTimer:
    """Times :func:`storage.stories.matcher.index_version` (which ``record_capture`` calls) while active.

    Wall time, and this process's CPU time: on a machine shared with other
    work the CPU time is the steadier measure of what matching costs.
    """

    def __init__(self) -> None:
        self.last = (0.0, 0.0)
        self._real = stories.index_version

    def __enter__(self) -> MatchTimer:
        def timed(session, version):
            started = _clocks()
            try:
                return self._real(session, version)
            finally:
                self.last = _since(started)

        stories.index_version = timed
        return self

    def __exit__(self, *exc: object) -> None:
        stories.index_version = self._real

    def record(self, archive: Archive, url: str, at: datetime, body: str, title: str) -> dict[str, float]:
        """Record one capture; returns wall and CPU ms for the whole record and for the matching in it."""
        self.last = (0.0, 0.0)
        started = _clocks()
        archive.record_capture(capture(url, at), Article(text=body, title=title))
        (wall, cpu), (match_wall, match_cpu) = _since(started), self.last
        return {"match": match_wall, "record+match": wall, "match cpu": match_cpu, "record+match cpu": cpu}


def _clocks() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _since(started: tuple[float, float]) -> tuple[float, float]:
    wall, cpu = _clocks()
    return (wall - started[0]) * 1000, (cpu - started[1]) * 1000


def probe(archive: Archive, count: int) -> None:
    """Record ``PROBES`` more versions one transaction each, then the labelled pairs; print ms per version."""
    rng = random.Random(99)
    originals = list(corpus(count, seed=1))
    times: dict[str, list[dict[str, float]]] = {"fresh": [], "copy": []}
    linked = 0
    with MatchTimer() as timer:
        for n in range(PROBES):
            at = T0 + timedelta(days=1, minutes=n)
            if n % 2:
                url, body = f"https://daily.example/probe/{n}", story(777_000_000 + n)
                kind = "fresh"
            else:
                source_url, source = rng.choice(originals)
                url, body, kind = f"https://post.example/probe/{n}", copy_of(source, rng), "copy"
            times[kind].append(timer.record(archive, url, at, body, f"Probe {n}"))
            if kind == "copy":
                joined = archive.copies(url)
                linked += joined is not None and source_url in {m.url for m in joined.members}
        times["labelled"], links = probe_labelled(archive, timer)
    every = times["fresh"] + times["copy"] + times["labelled"]
    for name in ("match", "record+match", "match cpu", "record+match cpu"):
        parts = "; ".join(f"{kind} {_spread([t[name] for t in taken])}" for kind, taken in times.items())
        print(f"  {name:>16}: {_spread([t[name] for t in every])}  ({parts})")
    print(f"  copies linked to their original: {linked} of {len(times['copy'])}")
    for (copy, kind), (found, pairs) in sorted(links.items()):
        print(f"  labelled {'copies' if copy else 'not-copies'} {kind:>15}: {found} of {pairs} pairs in one story")
    for copy in (True, False):
        found, pairs = (sum(tally[n] for (is_copy, _), tally in links.items() if is_copy == copy) for n in (0, 1))
        print(f"  labelled {'copies' if copy else 'not-copies'} in one story: {found} of {pairs}"
              f" ({found / max(pairs, 1):.3f})")


def _spread(values: list[float]) -> str:
    if not values:
        return "none"
    ordered = sorted(values)
    return f"median {statistics.median(ordered):6.2f} ms, p95 {ordered[int(0.95 * len(ordered))]:6.2f} ms"



Links = dict[tuple[bool, str], list[int]]


def probe_labelled(archive: Archive, timer: MatchTimer) -> tuple[list[dict[str, float]], Links]:
    """Record every labelled pair of bench/story_pairs.py (A, then B a minute later) into the filled archive.

    Times each B that copies A; returns the times and, per (is a copy, kind of
    pair), [pairs whose A and B ended in one story, pairs]. Pairs are recorded in random order, and one
    source text is the A of several pairs, so a B may join A's story through
    another pair's copy: that still puts it in A's story, which is the claim.
    """
    rng = random.Random(5)
    try:
        pairs = build_pairs(seed=7)
    except FileNotFoundError as missing:
        print(f"  no labelled pairs ({missing.filename} is missing)")
        return [], {}
    rng.shuffle(pairs)
    times: list[dict[str, float]] = []
    links: Links = {}
    for n, pair in enumerate(pairs[:LABELLED]):
        at = T0 + timedelta(days=2, minutes=2 * n)
        original, copy = f"https://wire.example/labelled/{n}", f"https://herald.example/labelled/{n}"
        archive.record_capture(capture(original, at), Article(text=pair.a, title=f"Original {n}"))
        timing = timer.record(archive, copy, at + timedelta(minutes=1), pair.b, f"Copy {n}")
        if pair.expected is not None:
            times.append(timing)
        story = archive.copies(copy)
        tally = links.setdefault((pair.expected is not None, pair.kind), [0, 0])
        tally[0] += story is not None and original in {m.url for m in story.members}
        tally[1] += 1
    return times, links


def run_sqlite(count: int, keep: Path | None, digest: bool = False) -> None:
    """Fill (or reuse the fill kept in ``keep``), then probe a copy of it."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "archive.sqlite3"
        kept = keep / f"story-archive-{count}.sqlite3" if keep else None
        if kept and kept.exists():
            seconds = "reused"
        else:
            started = time.perf_counter()
            filled = kept or work
            with Archive(f"sqlite:///{filled}", filled.parent, create=True) as archive:
                fill(archive, min(count, REAL))
            if count > REAL:
                background(filled, count - REAL)
            seconds = f"filled in {time.perf_counter() - started:.0f} s"
        if kept:
            shutil.copy(kept, work)
        with Archive(f"sqlite:///{work}", Path(tmp), create=True) as archive:
            print(f"\n== SQLite, N = {count:,} versions ({seconds})")
            print(f"  story index on disk: {index_size(work, count)}")
            before = _last_version(work)
            probe(archive, min(count, REAL))
        if digest:
            print(f"  story tables after the probes: {story_digest(work, before)}")


def _last_version(path: Path) -> int:
    db = sqlite3.connect(path)
    try:
        return db.execute("SELECT max(id) FROM versions").fetchone()[0]
    finally:
        db.close()


def story_digest(path: Path, before: int) -> str:
    """sha256 of the story tables: every story and member, and the fingerprints and band keys the probes added.

    Timestamps of the run itself (``created_at``, ``updated_at``) are left out, so two runs of the
    same matching give the same digest whatever the code's speed.
    """
    db = sqlite3.connect(path)
    hashed = hashlib.sha256()
    queries = {
        "stories": "SELECT id, origin_version_id, members, outlets, first_seen, last_seen FROM stories ORDER BY id",
        "members": "SELECT version_id, story_id, relation, similarity, matched_to, match_similarity"
                   " FROM story_members ORDER BY version_id",
        "fingerprints": f"SELECT version_id, fingerprint, fingerprint_version, words FROM story_fingerprints"
                        f" WHERE version_id > {before} ORDER BY version_id",
        "band": f"SELECT band_key, version_id FROM story_band WHERE version_id > {before}"
                f" ORDER BY version_id, band_key",
    }
    counts = {}
    try:
        for name, sql in queries.items():
            counts[name] = 0
            for row in db.execute(sql):
                hashed.update(repr(row).encode())
                counts[name] += 1
    finally:
        db.close()
    return f"{hashed.hexdigest()[:16]} ({', '.join(f'{n} {name}' for name, n in counts.items())})"


def index_size(path: Path, count: int) -> str:
    """Bytes of story_band (table and key index) and story_fingerprints, per million versions."""
    db = sqlite3.connect(path)
    try:
        sizes = dict(db.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall())
    finally:
        db.close()
    band = sum(size for name, size in sizes.items() if "story_band" in name)
    prints = sum(size for name, size in sizes.items() if "story_fingerprints" in name)
    scale = 1_000_000 / count / 2**30
    return (f"story_band {band * scale:.2f} GiB + story_fingerprints {prints * scale:.2f} GiB"
            f" per million versions")


def run_postgres(base: str, count: int) -> None:
    with scratch_schema(base, "bench") as url, tempfile.TemporaryDirectory() as tmp, \
            Archive(url, Path(tmp), create=True) as archive:
        print(f"\n== PostgreSQL, N = {count:,} versions (filled in {fill(archive, count):.0f} s)")
        probe(archive, count)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000], help="archive sizes N")
    parser.add_argument("--keep", type=Path, help="keep each SQLite fill in this folder and reuse it next time")
    parser.add_argument("--digest", action="store_true",
                        help="print a hash of the SQLite story tables after the probes (to compare two runs)")
    parser.add_argument("--pg", help="also run on this PostgreSQL URL (in a schema dropped afterwards)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    for count in args.sizes:
        run_sqlite(count, args.keep, args.digest)
        if args.pg:
            run_postgres(args.pg, count)


if __name__ == "__main__":
    main()
