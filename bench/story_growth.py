"""Does storing a page cost more as the archive grows? The simulated web's articles through the record path.

Takes the articles of the soak's simulated web (tests/newsweb, the same
seed as ``bench/soak.py``), their text as a correct extractor returns it, and
records them into a fresh SQLite archive in batches of 50, as the crawl's
writer does, without crawling: only the record path runs, in this process.
Prints, for every window of ``--window`` pages:

  - CPU milliseconds per page of ``record_captures`` and of story matching
    (``index_version``) within it;
  - per new version: band-key candidates kept, exact comparisons, the
    comparisons that found a copy, and the cut-text cache's hit rate;
  - the fingerprint likeness of the comparisons that found a copy against
    those that did not (the lowest, and the 10th/50th/90th percentile).

Run:

    .venv/bin/python bench/story_growth.py                      # 20,000 pages, windows of 2,500
    .venv/bin/python bench/story_growth.py --articles 5000 --window 1000
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from extract.article import Article  # noqa: E402
from storage.archive import Archive  # noqa: E402
from storage.stories import matcher  # noqa: E402
from storage.versions.captures import CaptureInput, WarcPointer  # noqa: E402
from tests.newsweb import NewsWeb  # noqa: E402

BATCH = 50


@dataclass
class Window:
    """What story matching did while one window of pages was recorded."""

    pages: int = 0
    record_cpu: float = 0.0
    match_cpu: float = 0.0
    counts: Counter = field(default_factory=Counter)
    fruitful: list[float] = field(default_factory=list)  # likeness of comparisons that found a copy
    fruitless: list[float] = field(default_factory=list)


class Watch:
    """Counts what the matcher does by wrapping its steps (measurement only: the results pass through)."""

    def __init__(self) -> None:
        self.window = Window()
        self._likeness: dict[int, float] = {}

    def install(self) -> None:
        index, candidates, compare = matcher.index_version, matcher._candidates, matcher.compare_stories
        cached = matcher.story_texts.cached

        def index_version(session, version):
            start = time.process_time()
            try:
                return index(session, version)
            finally:
                self.window.match_cpu += time.process_time() - start

        def counted_candidates(session, version, fp, keys):
            found = candidates(session, version, fp, keys)
            self.window.counts["versions"] += 1
            self.window.counts["candidates"] += len(found)
            self._likeness = {c.version_id: c.likeness for c in found}
            return found

        def counted_cached(key):
            hit = cached(key)
            self.window.counts["cache hits" if hit is not None else "cache misses"] += 1
            return hit

        def counted_compare(a, b, apart=None):
            match = compare(a, b, apart)
            self.window.counts["compared"] += 1
            return match

        matcher.index_version = index_version
        matcher._candidates = counted_candidates
        matcher.story_texts.cached = counted_cached
        matcher.compare_stories = counted_compare
        self._wrap_matches()

    def _wrap_matches(self) -> None:
        matches = matcher._matches

        def counted_matches(session, version, story, fp, keys, timed):
            found = matches(session, version, story, fp, keys, timed)
            hits = {f.version_id for f in found}
            self.window.counts["found"] += len(found)
            for vid, likeness in self._likeness.items():
                (self.window.fruitful if vid in hits else self.window.fruitless).append(likeness)
            return found

        matcher._matches = counted_matches


def items_of(web: NewsWeb) -> list[tuple[CaptureInput, Article]]:
    """Every article of ``web`` as a capture with its correct text, outlets interleaved newest first."""
    by_outlet: dict[str, list] = {}
    for article in map(web.article, web.article_urls()):
        by_outlet.setdefault(article.outlet, []).append(article)
    for articles in by_outlet.values():
        articles.sort(key=lambda a: a.published, reverse=True)
    rounds = max(len(a) for a in by_outlet.values())
    ordered = [a[n] for n in range(rounds) for a in by_outlet.values() if n < len(a)]
    items = []
    for n, article in enumerate(ordered):
        pointer = WarcPointer("growth.warc.gz", n * 1000, 1000, f"<urn:uuid:{uuid.uuid4()}>")
        capture = CaptureInput(article.outlet, article.url, article.url, article.published, 200, pointer)
        items.append((capture, Article(text=article.text, title=article.title, published=article.published)))
    return items


def percentiles(values: list[float]) -> str:
    if len(values) < 10:
        return "-"
    cuts = statistics.quantiles(values, n=10)
    return f"{min(values):.2f} {cuts[0]:.2f}/{cuts[4]:.2f}/{cuts[8]:.2f}"


def report(number: int, window: Window) -> None:
    counts, versions = window.counts, max(1, window.counts["versions"])
    asked = counts["cache hits"] + counts["cache misses"]
    print(f"{number:>6} {window.pages:>6} {1000 * window.record_cpu / window.pages:>9.2f}"
          f" {1000 * window.match_cpu / window.pages:>8.2f} {counts['candidates'] / versions:>6.1f}"
          f" {counts['compared'] / versions:>6.2f} {counts['found'] / versions:>6.2f}"
          f" {counts['cache hits'] / max(1, asked):>5.2f}   {percentiles(window.fruitful):<24}"
          f" {percentiles(window.fruitless)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--window", type=int, default=2_500)
    options = parser.parse_args()
    web = NewsWeb(seed=5, articles_per_outlet=math.ceil(options.articles / 4))
    items = items_of(web)[: options.articles]
    watch = Watch()
    watch.install()
    print(f"{len(items)} pages, windows of {options.window}; likeness: lowest p10/p50/p90")
    print(f"{'window':>6} {'pages':>6} {'record ms':>9} {'match ms':>8} {'cands':>6} {'compd':>6} {'found':>6}"
          f" {'hits':>5}   {'likeness of copies':<24} likeness of non-copies")
    with tempfile.TemporaryDirectory() as scratch, \
            Archive(f"sqlite:///{scratch}/growth.sqlite3", scratch, create=True) as archive:
        for start in range(0, len(items), BATCH):
            began = time.process_time()
            archive.record_captures(items[start : start + BATCH])
            watch.window.record_cpu += time.process_time() - began
            watch.window.pages += len(items[start : start + BATCH])
            if watch.window.pages >= options.window:
                report(start // options.window + 1, watch.window)
                watch.window = Window()
        if watch.window.pages:
            report(len(items) // options.window + 1, watch.window)
        size = sum(f.stat().st_size for f in Path(scratch).glob("growth.sqlite3*"))
        print(f"archive: {size / 2**20:.1f} MiB for {len(items)} pages")


if __name__ == "__main__":
    main()
