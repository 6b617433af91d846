"""What the reading room's fresh counts and search counts cost per request, before and after, at N versions.

Before: the home page served its kept outlet counts up to 30 s old (no query),
and a search ran only its page of hits. After: every home, outlet and search
request first reads ``Archive.generation()`` (four max-id lookups); when a
crawl has written since, the first request grows the kept counts by the rows
written since (``outlets_as_of``, here a crawl batch: 20 pages, 50 captures, 50
versions), where a full recount (``outlets()``) is shown for scale; a search
also counts its matches (``search_count``, up to 1,000). The runs alternate
before and after, over the same random two-word searches.

    nice python bench/room_freshness.py --versions 100000
    nice python bench/room_freshness.py --versions 100000 --pg postgresql+psycopg://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from generate import Vocabulary, raw_fill  # noqa: E402

from storage.archive import Archive  # noqa: E402
from tests.helpers.captures import scratch_schema  # noqa: E402

COUNT_CAP = 1000  # storage.web.views.search.COUNT_CAP
PER_PAGE = 20


def timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return (time.perf_counter() - started) * 1000


def figures(label: str, before: list[float], after: list[float]) -> None:
    def shown(values: list[float]) -> str:
        ordered = sorted(values)
        p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
        return f"median {statistics.median(values):8.2f} ms  p95 {p95:8.2f} ms"

    ratio = statistics.median(after) / max(statistics.median(before), 1e-6)
    print(f"  {label:<34} before {shown(before)}  |  after {shown(after)}  |  ratio {ratio:5.2f}", flush=True)


def measure(label: str, db_url: str, archive_dir: Path, args: argparse.Namespace) -> None:
    words = Vocabulary(random.Random(args.seed)).words[20:3000]
    rng = random.Random(args.sample_seed)
    searches = [f"{rng.choice(words)} {rng.choice(words)}" for _ in range(args.runs)]
    with Archive(db_url, archive_dir, read_only=True) as archive:
        upto = archive.generation()
        since = (upto[0], upto[1] - 20, upto[2] - 50, upto[3] - 50)  # a crawl batch ago
        previous = archive.outlets_as_of(since)
        print(f"[{label}] {args.runs} runs each, alternating before and after", flush=True)
        home_before, home_after, fresh_before, fresh_after, search_before, search_after = [], [], [], [], [], []
        recounts = []
        for run, query in enumerate(searches):
            pairs = [(home_before, lambda: archive.recent_changes(limit=15)),
                     (home_after, lambda: (archive.generation(), archive.recent_changes(limit=15))),
                     (fresh_before, lambda: archive.recent_changes(limit=15)),
                     (fresh_after, lambda: (archive.generation(), archive.outlets_as_of(upto, previous, since),
                                            archive.recent_changes(limit=15))),
                     (search_before, lambda q=query: archive.search(q, limit=PER_PAGE + 1)),
                     (search_after, lambda q=query: (archive.search(q, limit=PER_PAGE + 1),
                                                     archive.search_count(q, cap=COUNT_CAP)))]
            if run % 2:
                pairs = pairs[1::2] + pairs[0::2]
            for values, work in pairs:
                values.append(timed(work))
            if run < 5:
                recounts.append(timed(archive.outlets))
        figures("home, nothing written since", home_before, home_after)
        figures("home, first request after a write", fresh_before, fresh_after)
        figures("search (two random words)", search_before, search_after)
        assert archive.outlets_as_of(upto, previous, since) == archive.outlets()
        print(f"  a full recount of the outlets (the alternative to growing): median {statistics.median(recounts):.1f} ms"
              f" over {len(recounts)}", flush=True)
        counted = [archive.search_count(q, cap=COUNT_CAP) for q in searches[:20]]
        print(f"  matches counted for 20 searches: {counted}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sample-seed", type=int, default=11)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--pg", help="also on PostgreSQL (a throwaway schema is created and dropped)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        spent = raw_fill(f"sqlite:///{Path(tmp) / 'archive.sqlite3'}", args.versions, seed=args.seed)
        print(f"[sqlite] raw fill of {args.versions} versions: {spent:.0f} s", flush=True)
        measure("sqlite", f"sqlite:///{Path(tmp) / 'archive.sqlite3'}", Path(tmp), args)
    if args.pg:
        with scratch_schema(args.pg, "bench") as url, tempfile.TemporaryDirectory() as tmp:
            spent = raw_fill(url, args.versions, seed=args.seed)
            print(f"[postgresql] raw fill of {args.versions} versions: {spent:.0f} s", flush=True)
            measure("postgresql", url, Path(tmp), args)


if __name__ == "__main__":
    main()
