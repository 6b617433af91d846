"""The record path on a big archive against a fresh one: does storing a page cost more as the archive grows?

Records the same kind of captures (``bench/query.py``'s: new pages, each
captured twice, 30% of second captures edited; batches of 50, as the crawl's
writer does) into a fresh SQLite archive and into an archive you filled
beforehand, alternating the two ``--rounds`` times, and prints per round and
as medians the CPU milliseconds per capture (this process: SQLite runs in
it) and wall milliseconds, then big/fresh against the 1.2 target::

    python bench/generate.py --raw --db sqlite:///big.sqlite3 --versions 1000000
    python bench/record_path.py --db sqlite:///big.sqlite3

Each round adds ``--captures`` new pages to the big archive (a few thousand
beside a million). SQLite only: its cost is all in this process's CPU.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from query import ingest_items, record_in_batches  # noqa: E402

from storage.archive import Archive  # noqa: E402

TARGET = 1.2


def one_round(db_url: str, archive_dir: str, captures: int, seed: int, create: bool) -> tuple[float, float]:
    """(CPU ms, wall ms) per capture of recording ``captures`` captures into ``db_url``."""
    items = ingest_items(random.Random(seed), captures)
    with Archive(db_url, archive_dir, create=create) as archive:
        archive.record_captures(ingest_items(random.Random(seed + 1), 50))  # warm caches and statements
        wall, cpu, _ = record_in_batches(archive, items)
    return 1000 * cpu / len(items), 1000 * wall / len(items)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="URL of the big archive (filled by bench/generate.py)")
    parser.add_argument("--captures", type=int, default=2000, help="captures recorded per round (default 2000)")
    parser.add_argument("--rounds", type=int, default=3, help="alternated rounds (default 3)")
    parser.add_argument("--seed", type=int, help="texts' seed (default: a new one each run)")
    options = parser.parse_args()
    # The texts must be new to the big archive: the same seed twice would record copies of texts an
    # earlier run left there, and story matching would link them, work the fresh archive never does.
    seed = options.seed if options.seed is not None else random.SystemRandom().randrange(10**6, 10**9)

    with Archive(options.db, tempfile.mkdtemp()) as archive:
        print(f"big archive: {archive.stats().versions} versions; {options.captures} captures a round; seed {seed}")
    figures: dict[str, list[tuple[float, float]]] = {"fresh": [], "big": []}
    for n in range(options.rounds):
        for label in ("fresh", "big") if n % 2 == 0 else ("big", "fresh"):
            with tempfile.TemporaryDirectory(prefix="bench-record-") as tmp:
                url = f"sqlite:///{tmp}/fresh.sqlite3" if label == "fresh" else options.db
                cpu, wall = one_round(url, tmp, options.captures, seed=seed + 2 * n, create=label == "fresh")
            figures[label].append((cpu, wall))
            print(f"  round {n + 1} {label:<5} CPU {cpu:6.2f} ms/capture   wall {wall:6.2f} ms/capture", flush=True)
    medians = {label: (statistics.median(c for c, _ in runs), statistics.median(w for _, w in runs))
               for label, runs in figures.items()}
    for label, (cpu, wall) in medians.items():
        print(f"{label:<5} median: CPU {cpu:.2f} ms/capture, wall {wall:.2f} ms/capture ({1000 / wall:.0f} captures/s)")
    ratio = medians["big"][0] / medians["fresh"][0]
    print(f"big/fresh (CPU) = {ratio:.2f}  (target ≤ {TARGET}: {'met' if ratio <= TARGET else 'MISSED'}); "
          f"wall {medians['big'][1] / medians['fresh'][1]:.2f}")


if __name__ == "__main__":
    main()
