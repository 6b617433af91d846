"""Story matching benchmark: quality on a labelled set, the seed articles, and lookup cost.

Run by hand from the repository root::

    .venv/bin/python bench/stories.py                  # everything, 1,000,000 synthetic versions
    .venv/bin/python bench/stories.py --versions 100000 --skip-sqlite

Prints (never asserts):

* pair precision / recall over the labelled pairs of ``bench/story_pairs.py``
  (band-key candidates alike enough, then :func:`storage.stories.compare.compare`), per kind, and
  label accuracy per relation;
* precision when every text of the set goes into one :class:`StoryIndex`
  (any match between texts of different source articles is a false positive);
* the seed-article clusters with their labels;
* cost: fingerprint and compare time per text, and median / p95 time to look
  a new version's band keys up among N synthetic versions in a Python dict,
  a sorted numpy array and an SQLite ``story_band`` table, with memory per
  million versions.
"""

from __future__ import annotations

import argparse
import logging
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "bench")]

from story_pairs import KNOWN_COPIES, Pair, build_pairs, load_articles  # noqa: E402

from storage.stories.compare import compare_stories  # noqa: E402
from storage.stories.fingerprint import (  # noqa: E402
    ANCHOR_BANDS,
    MIN_LIKENESS,
    NAME_BANDS,
    TEXT_BANDS,
    fingerprint_story,
)
from storage.stories.standalone import StoryIndex  # noqa: E402
from storage.stories.text import story_text  # noqa: E402

logger = logging.getLogger(__name__)
KEYS_PER_VERSION = TEXT_BANDS + ANCHOR_BANDS + NAME_BANDS
# Source articles known to be one story: their copies matching each other is right.
_SAME_STORY = {key: min(pair) for pair in KNOWN_COPIES for key in pair}


def _pct(part: int, whole: int) -> str:
    return f"{part / whole:.3f}" if whole else "n/a"


def evaluate_pairs(pairs: list[Pair]) -> None:
    """Per pair: candidate by shared band key and likeness, then compare. Prints precision, recall, labels."""
    by_kind: dict[str, Counter[str]] = defaultdict(Counter)
    labels: dict[str, Counter[str]] = defaultdict(Counter)
    for pair in pairs:
        a, b = story_text(pair.a), story_text(pair.b)
        fa, fb = fingerprint_story(a), fingerprint_story(b)
        candidate = bool(set(fa.band_keys()) & set(fb.band_keys())) and fa.likeness(fb) >= MIN_LIKENESS
        result = compare_stories(a, b) if candidate else None
        counts = by_kind[pair.kind]
        counts["n"] += 1
        counts["candidate"] += candidate
        counts["matched"] += result is not None
        if pair.expected is not None:
            labels[pair.expected][result.relation if result else "missed"] += 1
    tp = sum(c["matched"] for k, c in by_kind.items() if _expected_of(pairs, k))
    fp = sum(c["matched"] for k, c in by_kind.items() if not _expected_of(pairs, k))
    positives = sum(c["n"] for k, c in by_kind.items() if _expected_of(pairs, k))
    print(f"\n== labelled pairs ({len(pairs)})")
    print(f"{'kind':14} {'pairs':>5} {'candidate':>9} {'matched':>7}")
    for kind, c in by_kind.items():
        print(f"{kind:14} {c['n']:5d} {_pct(c['candidate'], c['n']):>9} {_pct(c['matched'], c['n']):>7}")
    print(f"pair precision {_pct(tp, tp + fp)}  recall {_pct(tp, positives)}  (targets ≥ 0.98, ≥ 0.95)")
    print("label accuracy (expected → got):")
    for expected, got in labels.items():
        total = sum(got.values())
        detail = ", ".join(f"{k} {v}" for k, v in got.most_common())
        print(f"  {expected:9} {_pct(got[expected], total)}  ({detail})")


def _expected_of(pairs: list[Pair], kind: str) -> bool:
    return next(p.expected for p in pairs if p.kind == kind) is not None


def evaluate_one_index(pairs: list[Pair]) -> None:
    """All texts in one index; a match across different source articles is a false positive."""
    texts: dict[str, tuple[str, str]] = {}
    for n, pair in enumerate(pairs):
        sources = pair.source.split("/")
        if pair.kind == "same-template":
            texts[f"tpl{n}a"], texts[f"tpl{n}b"] = (pair.a, sources[0]), (pair.b, sources[1])
        elif pair.kind == "same-topic":
            continue  # both texts are originals, indexed below
        else:
            texts[f"orig-{pair.source}"] = (pair.a, pair.source)
            group = f"new{n}" if pair.expected is None else pair.source
            texts[f"{pair.kind}{n}"] = (pair.b, group)
    index = StoryIndex()
    start = datetime(2024, 1, 1, tzinfo=timezone.utc)
    right = wrong = 0
    wrong_examples: Counter[str] = Counter()
    wrong_sources: Counter[str] = Counter()
    started = time.perf_counter()
    for n, (vid, (text, group)) in enumerate(texts.items()):
        for other, _ in index.add(vid, text, start + timedelta(minutes=n)):
            if _SAME_STORY.get(texts[other][1], texts[other][1]) == _SAME_STORY.get(group, group):
                right += 1
            else:
                wrong += 1
                wrong_examples[f"{other.rstrip('0123456789')}~{vid.rstrip('0123456789')}"] += 1
                wrong_sources[" ~ ".join(sorted((texts[other][1], group)))] += 1
    elapsed = time.perf_counter() - started
    print(f"\n== one index of {len(texts)} texts ({elapsed:.1f} s to add all)")
    print(f"matched pairs {right + wrong}: same source {right}, different source {wrong}; precision {_pct(right, right + wrong)}")
    if wrong_examples:
        print("  false matches by kind:", dict(wrong_examples.most_common(8)))
        print("  false matches by source:", dict(wrong_sources.most_common(8)))


def seed_clusters(articles: dict[str, str]) -> None:
    index = StoryIndex()
    start = datetime(2022, 1, 12, 18, tzinfo=timezone.utc)
    seeds = sorted(k for k in articles if k.startswith("seed-"))
    for n, key in enumerate(seeds):
        index.add(key, articles[key], start + timedelta(hours=n))
    print("\n== seed articles (first_seen in file order, one hour apart)")
    for story in index.stories():
        print(f"story origin={story.origin}")
        for member in story.members:
            figure = "" if member.relation == "origin" else f" similarity={member.similarity:.3f}"
            print(f"   {member.id:9} {member.relation}{figure}")


def quality() -> None:
    articles = load_articles()
    pairs = build_pairs(seed=7)
    evaluate_pairs(pairs)
    evaluate_one_index(pairs)
    seed_clusters(articles)
    texts = [story_text(t) for t in articles.values()]
    started = time.perf_counter()
    for story in texts:
        fingerprint_story(story)
    per_fp = (time.perf_counter() - started) / len(texts) * 1000
    sample = texts[:30]
    started = time.perf_counter()
    for a in sample:
        for b in sample[:10]:
            compare_stories(a, b)
    per_cmp = (time.perf_counter() - started) / (len(sample) * 10) * 1000
    print(f"\nfingerprint {per_fp:.2f} ms per article (mean of {len(texts)}); compare {per_cmp:.2f} ms per candidate")


def _rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _timings(lookup, queries: list[list[int]]) -> str:
    times = []
    for keys in queries:
        started = time.perf_counter()
        lookup(keys)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return f"median {statistics.median(times):.3f} ms, p95 {times[int(0.95 * len(times))]:.3f} ms"


def _queries(keys: np.ndarray, versions: int, count: int) -> list[list[int]]:
    """Half the keys of an indexed version (a copy) plus fresh random keys, per query."""
    rng = np.random.default_rng(11)
    out = []
    for _ in range(count):
        v = int(rng.integers(versions))
        own = keys[v * KEYS_PER_VERSION : (v + 1) * KEYS_PER_VERSION][: KEYS_PER_VERSION // 2].tolist()
        fresh = rng.integers(-(2**63), 2**63 - 1, KEYS_PER_VERSION - len(own), dtype=np.int64).tolist()
        out.append(own + fresh)
    return out


def cost(versions: int, skip_sqlite: bool) -> None:
    print(f"\n== lookup cost, {versions:,} synthetic versions × {KEYS_PER_VERSION} band keys")
    keys = np.random.default_rng(5).integers(-(2**63), 2**63 - 1, versions * KEYS_PER_VERSION, dtype=np.int64)
    ids = np.repeat(np.arange(versions, dtype=np.int32), KEYS_PER_VERSION)
    queries = _queries(keys, versions, 2000)
    per_million = 1_000_000 / versions

    before = _rss_bytes()
    started = time.perf_counter()
    table: dict[int, int | list[int]] = {}
    for key, vid in zip(keys.tolist(), ids.tolist()):
        held = table.get(key)
        table[key] = vid if held is None else ([held, vid] if isinstance(held, int) else held + [vid])
    built = time.perf_counter() - started
    size = _rss_bytes() - before

    def dict_lookup(q: list[int]) -> set[int]:
        found: set[int] = set()
        for key in q:
            held = table.get(key)
            if held is not None:
                found.update([held] if isinstance(held, int) else held)
        return found

    print(f"python dict:   {_timings(dict_lookup, queries)}; built in {built:.0f} s; "
          f"{size * per_million / 2**20:,.0f} MiB per million versions")
    del table

    order = np.argsort(keys, kind="stable")
    sorted_keys, sorted_ids = keys[order], ids[order]

    def array_lookup(q: list[int]) -> set[int]:
        wanted = np.array(q, dtype=np.int64)
        lo = np.searchsorted(sorted_keys, wanted, "left")
        hi = np.searchsorted(sorted_keys, wanted, "right")
        return {int(v) for a, b in zip(lo, hi) if b > a for v in sorted_ids[a:b]}

    array_bytes = sorted_keys.nbytes + sorted_ids.nbytes
    print(f"numpy sorted:  {_timings(array_lookup, queries)}; "
          f"{array_bytes * per_million / 2**20:,.0f} MiB per million versions")
    if not skip_sqlite:
        _sqlite_cost(keys, ids, queries, per_million)


def _sqlite_cost(keys: np.ndarray, ids: np.ndarray, queries: list[list[int]], per_million: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bands.sqlite"
        db = sqlite3.connect(path)
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("PRAGMA synchronous=OFF")
        db.execute("CREATE TABLE story_band (band_key INTEGER NOT NULL, version_id INTEGER NOT NULL)")
        started = time.perf_counter()
        step = 1_000_000
        for lo in range(0, len(keys), step):
            rows = zip(keys[lo : lo + step].tolist(), ids[lo : lo + step].tolist())
            db.executemany("INSERT INTO story_band VALUES (?, ?)", rows)
        db.execute("CREATE INDEX ix_story_band_key ON story_band (band_key)")
        db.commit()
        built = time.perf_counter() - started
        sql = f"SELECT DISTINCT version_id FROM story_band WHERE band_key IN ({','.join('?' * KEYS_PER_VERSION)})"

        def sqlite_lookup(q: list[int]) -> list[tuple[int]]:
            return db.execute(sql, q).fetchall()

        size = path.stat().st_size
        print(f"sqlite table:  {_timings(sqlite_lookup, queries)}; built in {built:.0f} s; "
              f"{size * per_million / 2**20:,.0f} MiB per million versions on disk")
        db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", type=int, default=1_000_000, help="synthetic index size for the cost part")
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--skip-cost", action="store_true")
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    if not args.skip_quality:
        quality()
    if not args.skip_cost:
        cost(args.versions, args.skip_sqlite)


if __name__ == "__main__":
    main()
