"""Re-check cost: how many WARC bytes re-checking an unchanged web adds.

Crawls a simulated news web (tests/newsweb) once, then re-checks every
archived article ``--rechecks`` times (``-a recheck=all``) while nothing
changes, and prints the WARC bytes each re-check crawl added as a percentage
of the first crawl's (target: under 5% per re-check crawl), split into
article re-checks (conditional requests: 304s become header-only ``revisit``
records) and the discovery pages (home, sections, feeds, sitemaps) a crawl
fetches anyway, plus the revisit and 304 counts and the versions added. All
re-checks together are printed too: each re-check of an article leaves a
revisit and a request record (~1.2 KB together, the floor for recording that a
check happened), so five passes cost about five times one. Run:

    .venv/bin/python bench/recheck.py                      # 4 outlets × 30 articles of ~120 KB, 5 re-checks
    .venv/bin/python bench/recheck.py --articles 10 --rechecks 2
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from storage.archive import Archive  # noqa: E402
from tests.helpers.crawl import run_crawl  # noqa: E402
from tests.newsweb import NewsWeb  # noqa: E402

TARGET = 5.0  # percent of the first crawl's WARC bytes, for all re-checks together
NOT_MODIFIED = "server-not-modified"


def sizes(archive_dir: Path) -> dict[Path, int]:
    return {path: path.stat().st_size for path in (archive_dir / "warcs").glob("*.warc.gz")}


def added_records(before: dict[Path, int], after: dict[Path, int], articles: set[str]) -> Counter:
    """Bytes and counts of the records written between two snapshots of the WARC directory."""
    counts: Counter = Counter()
    for path, size in after.items():
        start = before.get(path, 0)
        if size <= start:
            continue
        with open(path, "rb") as handle:
            handle.seek(start)
            records = ArchiveIterator(handle)
            for record in records:
                uri = (record.rec_headers.get_header("WARC-Target-URI") or "").split("?")[0]
                kind = "article" if uri in articles else "other"
                record.content_stream().read()
                length = records.get_record_length()
                counts[f"{kind}_bytes"] += length
                if kind == "article":
                    counts[f"article_{record.rec_type}_bytes"] += length
                if record.rec_type == "revisit":
                    counts["revisits"] += 1
                    counts["not_modified"] += NOT_MODIFIED in (record.rec_headers.get_header("WARC-Profile") or "")
                if record.rec_type == "response":
                    counts[f"{kind}_responses"] += 1
    return counts


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # the crawl and its extraction workers, once ended
    return usage.ru_utime + usage.ru_stime


def crawl(archive_dir: Path, seeds: Path, web: NewsWeb, args: dict[str, str]) -> tuple[Counter, float]:
    before = sizes(archive_dir) if (archive_dir / "warcs").exists() else {}
    started, cpu = time.perf_counter(), children_cpu()
    run_crawl(archive_dir, seeds, web.proxy_url, args=args, timeout=1800)
    elapsed = time.perf_counter() - started
    added = added_records(before, sizes(archive_dir), set(web.article_urls()))
    added["cpu_ms"] = round(1000 * (children_cpu() - cpu))
    return added, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=30, help="articles per outlet")
    parser.add_argument("--padding-kb", type=int, default=120, help="page padding (KB) to make pages realistic")
    parser.add_argument("--rechecks", type=int, default=5)
    options = parser.parse_args()
    with NewsWeb(seed=3, articles_per_outlet=options.articles, page_padding_kb=options.padding_kb) as web, \
            tempfile.TemporaryDirectory(prefix="recheck-bench-") as tmp:
        root = Path(tmp)
        seeds = root / "seeds.toml"
        seeds.write_text(web.seed_toml(), encoding="utf-8")
        archive_dir = root / "archive"
        first, seconds = crawl(archive_dir, seeds, web, {})
        base = first["article_bytes"] + first["other_bytes"]
        print(f"first crawl: {len(web.article_urls())} articles, {first['article_responses']} article responses, "
              f"{base / 1e6:.2f} MB of WARC in {seconds:.1f} s, crawler CPU {first['cpu_ms'] / 1e3:.1f} s")
        with Archive(archive_dir=archive_dir, create=False) as archive:
            versions_before = archive.stats().versions
        total: Counter = Counter()
        for number in range(1, options.rechecks + 1):
            added, seconds = crawl(archive_dir, seeds, web, {"recheck": "all"})
            total += added
            print(f"re-check {number}: +{added['article_bytes'] / 1e3:.1f} KB article records "
                  f"({100 * added['article_bytes'] / base:.2f}%), +{added['other_bytes'] / 1e3:.1f} KB discovery pages "
                  f"({100 * added['other_bytes'] / base:.2f}%); {added['revisits']} revisits, "
                  f"{added['not_modified']} of them 304s; {added['article_responses']} full article responses; "
                  f"{seconds:.1f} s, crawler CPU {added['cpu_ms'] / 1e3:.1f} s")
        with Archive(archive_dir=archive_dir, create=False) as archive:
            versions_after = archive.stats().versions
        articles_pct = 100 * total["article_bytes"] / base
        all_pct = 100 * (total["article_bytes"] + total["other_bytes"]) / base
        per_pass = articles_pct / options.rechecks
        print(f"per re-check crawl: article re-checks added {per_pass:.2f}% of the first crawl's WARC bytes "
              f"(target < {TARGET:g}%: {'met' if per_pass < TARGET else 'NOT met'})")
        print(f"all {options.rechecks} re-checks together: {articles_pct:.2f}% of the first crawl's WARC bytes; "
              f"with discovery pages {all_pct:.2f}%")
        checks = max(1, total["revisits"] + total["article_responses"])
        print(f"per article re-check: {total['article_bytes'] / checks:.0f} bytes "
              f"(revisit record {total['article_revisit_bytes'] / checks:.0f}, "
              f"request record {total['article_request_bytes'] / checks:.0f}); per re-check crawl "
              f"{articles_pct / options.rechecks:.2f}% of the first crawl")
        print(f"crawler CPU per article re-check, whole crawls included: {total['cpu_ms'] / checks:.1f} ms; "
              f"per page of the first crawl: {first['cpu_ms'] / max(1, first['article_responses']):.1f} ms")
        print(f"revisit records {total['revisits']}, 304s {total['not_modified']}, "
              f"full article responses {total['article_responses']}, versions added {versions_after - versions_before}")


if __name__ == "__main__":
    main()
