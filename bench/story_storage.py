"""Story matching through the real storage path: ms to record and match one more version.

Fills an archive with N versions of simulated-web prose (``tests/newsweb/prose.py``;
one in ten is a verbatim or edited copy of an earlier one, on another outlet),
fingerprinted as :func:`storage.stories.index_version` would have left them,
then times ``Archive.record_capture`` — which fingerprints, looks up
candidates, compares and joins stories in one transaction — for a set of new
versions: half fresh stories, half copies of archived ones. Run by hand::

    .venv/bin/python bench/story_storage.py                        # N = 1,000 and 10,000 on SQLite
    .venv/bin/python bench/story_storage.py --sizes 1000 10000 100000
    .venv/bin/python bench/story_storage.py --pg postgresql+psycopg://postgres@127.0.0.1:5432/test

Prints (never asserts) median / p95 ms per recorded version, and how many of
the copies were linked to their original (should be all).
"""

from __future__ import annotations

import argparse
import logging
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from multiprocessing import Pool
from pathlib import Path

from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.engine import make_url

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "bench")]

from extract.article import Article  # noqa: E402
from extract.fingerprint import FINGERPRINT_VERSION, fingerprint_story  # noqa: E402
from extract.storytext import story_text  # noqa: E402
from storage.archive import Archive  # noqa: E402
from storage.models import Version  # noqa: E402
from storage.records import CaptureInput, WarcPointer  # noqa: E402
from storage.stories import MIN_STORY_WORDS, StoryBand, StoryFingerprint  # noqa: E402
from story_pairs import build_pairs  # noqa: E402
from tests.newsweb.prose import generate_story  # noqa: E402

logger = logging.getLogger(__name__)
OUTLETS = ["wire", "daily", "herald", "post"]
T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
COPY_SHARE = 0.1
PROBES = 60
LABELLED = 30  # positive pairs of bench/story_pairs.py recorded into the filled archive


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
    """Bulk-load ``count`` versions and store their fingerprints and band keys; returns seconds."""
    started = time.perf_counter()
    items = [(capture(url, T0 + timedelta(seconds=n)), Article(text=body, title=f"Story {n}"))
             for n, (url, body) in enumerate(corpus(count, seed=1))]
    archive.bulk_load(items)
    rows = archive.read(lambda s: s.execute(select(Version.id, Version.text).order_by(Version.id)).all())
    with Pool(2) as pool:
        prints = [p for p in pool.imap(_fingerprint_row, [tuple(r) for r in rows], chunksize=64) if p]

    def store(session) -> None:
        session.execute(insert(StoryFingerprint), [
            {"version_id": vid, "fingerprint": data, "fingerprint_version": FINGERPRINT_VERSION, "words": words}
            for vid, data, words, _ in prints
        ])
        bands = [{"band_key": key, "version_id": vid} for vid, _, _, keys in prints for key in keys]
        for lo in range(0, len(bands), 50_000):
            session.execute(insert(StoryBand), bands[lo : lo + 50_000])

    archive.write(store)
    return time.perf_counter() - started


def probe(archive: Archive, count: int) -> None:
    """Record ``PROBES`` more versions one transaction each; print ms per version."""
    rng = random.Random(99)
    originals = list(corpus(count, seed=1))
    times: dict[str, list[float]] = {"fresh": [], "copy": []}
    linked = 0
    for n in range(PROBES):
        at = T0 + timedelta(days=1, minutes=n)
        if n % 2:
            url, body = f"https://daily.example/probe/{n}", story(777_000_000 + n)
            kind = "fresh"
        else:
            source_url, source = rng.choice(originals)
            url, body, kind = f"https://post.example/probe/{n}", copy_of(source, rng), "copy"
        started = time.perf_counter()
        archive.record_capture(capture(url, at), Article(text=body, title=f"Probe {n}"))
        times[kind].append((time.perf_counter() - started) * 1000)
        if kind == "copy":
            linked += archive.copies(url) is not None
    labelled, found = probe_labelled(archive)
    times["labelled"] = labelled
    every = sorted(times["fresh"] + times["copy"] + labelled)
    print(f"  record+match: median {statistics.median(every):7.1f} ms, p95 {every[int(0.95 * len(every))]:7.1f} ms"
          f"  (fresh median {statistics.median(times['fresh']):.1f}, copy median {statistics.median(times['copy']):.1f})")
    print(f"  copies linked to a story: {linked} of {len(times['copy'])}; "
          f"labelled copies (rewrites included) linked to their original: {found} of {len(labelled)}")


def probe_labelled(archive: Archive) -> tuple[list[float], int]:
    """Record original then copy for positive labelled pairs; time the copy, count links to the original."""
    rng = random.Random(5)
    try:
        positives = [p for p in build_pairs(seed=7) if p.expected is not None]
    except FileNotFoundError as missing:
        print(f"  no labelled pairs ({missing.filename} is missing; set NEWSARCHIVE_SHARED_DIR)")
        return [], 0
    times, found = [], 0
    for n, pair in enumerate(rng.sample(positives, LABELLED)):
        at = T0 + timedelta(days=2, minutes=2 * n)
        original, copy = f"https://wire.example/labelled/{n}", f"https://herald.example/labelled/{n}"
        archive.record_capture(capture(original, at), Article(text=pair.a, title=f"Original {n}"))
        started = time.perf_counter()
        archive.record_capture(capture(copy, at + timedelta(minutes=1)), Article(text=pair.b, title=f"Copy {n}"))
        times.append((time.perf_counter() - started) * 1000)
        story = archive.copies(copy)
        found += story is not None and original in {m.url for m in story.members}
    return times, found


def run_sqlite(count: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'archive.sqlite3'}"
        with Archive(url, Path(tmp)) as archive:
            print(f"\n== SQLite, N = {count:,} versions (filled in {fill(archive, count):.0f} s)")
            probe(archive, count)


def run_postgres(base: str, count: int) -> None:
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(False)
        with tempfile.TemporaryDirectory() as tmp, Archive(url, Path(tmp)) as archive:
            print(f"\n== PostgreSQL, N = {count:,} versions (filled in {fill(archive, count):.0f} s)")
            probe(archive, count)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000], help="archive sizes N")
    parser.add_argument("--pg", help="also run on this PostgreSQL URL (in a schema dropped afterwards)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    for count in args.sizes:
        run_sqlite(count)
        if args.pg:
            run_postgres(args.pg, count)


if __name__ == "__main__":
    main()
