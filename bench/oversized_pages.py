"""Oversized pages: extraction time by a page's elements, and a bounded crawl over one such page.

Two measurements, each with the element cap off (``EXTRACT_MAX_ELEMENTS=0``,
what every crawl did before the cap) and at its default, alternated run by run:

  analyse   :func:`extract.page.analyse_page` (what the crawl's workers and ingest
            run) on an article page of N ``<p>`` elements, for each ``--sizes``
  crawl     ``scrapy crawl news -s CLOSESPIDER_TIMEOUT=--bound`` over a local outlet
            whose feed lists one article of ``--crawl-size`` elements: the crawl's
            wall time, against its bound
  front     :func:`extract.frontpage.front_page_links` (a start page's ranked links,
            in the crawl's workers and ingest) on a start page of N list items, one
            in ten an article link, for each ``--front-sizes``

Every run is printed, then medians and the ratio off/on. Run:

    .venv/bin/python bench/oversized_pages.py                       # 50k-300k elements, 1 crawl each
    .venv/bin/python bench/oversized_pages.py --sizes 20000 --runs 3 --crawl-runs 0
    .venv/bin/python bench/oversized_pages.py --sizes --crawl-runs 0 --front-sizes 200000 --runs 3
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from http.server import ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extract.frontpage import FrontPageTooLarge, front_page_links  # noqa: E402
from extract.limits import MAX_ELEMENTS  # noqa: E402
from extract.page import analyse_page  # noqa: E402
from tests.crawler.test_hostile_discovery import OutletHandler, article_html, article_path  # noqa: E402
from tests.helpers.crawl import run_crawl  # noqa: E402

SLUG = "minutes-of-every-council-meeting-ever"
MODES = (("cap off", 0), (f"cap {MAX_ELEMENTS}", MAX_ELEMENTS))


def page(elements: int) -> str:
    """An article of ``elements`` short paragraphs (29 bytes each, as the issue's 8.7 MB page of 300,000)."""
    filler = "".join(f"<p>Line {i:06d} of minutes.</p>" for i in range(elements))
    return article_html(SLUG).replace("</article>", filler + "</article>")


def time_analyse(body: bytes, cap: int) -> tuple[float, str]:
    started = time.perf_counter()
    analysis = analyse_page(f"http://127.0.0.1{article_path(SLUG)}", body, "text/html; charset=utf-8",
                            owns=lambda url: True, listed=True, max_elements=cap)
    seconds = time.perf_counter() - started
    what = analysis.unread or f"{len(analysis.extracted.article.text) if analysis.extracted else 0} chars"
    return seconds, what


def front_page(elements: int) -> str:
    """A start page of ``elements`` list items, one in ten a link to an article."""
    items = "".join(f'<li><a href="/2026/11/20/story-{i}/">Story {i} of the day</a></li>' if i % 10 == 0
                    else f"<li>Archive entry {i}</li>" for i in range(elements))
    return f"<html><head><title>Home</title></head><body><h2>Latest</h2><ul>{items}</ul></body></html>"


def time_front(body: bytes, cap: int) -> tuple[float, str]:
    started = time.perf_counter()
    try:
        what = f"{len(front_page_links(body, 'http://127.0.0.1/', lambda url: '/2026/' in url, cap))} links ranked"
    except FrontPageTooLarge as refused:
        what = f"not ranked: {refused}"
    return time.perf_counter() - started, what


def time_crawl(root: Path, base: str, cap: int, bound: int) -> float:
    seeds = root / "seeds.toml"
    seeds.write_text(f'[[outlet]]\nname = "local"\ndomains = ["127.0.0.1"]\nfeeds = ["{base}/feed.xml"]\n',
                     encoding="utf-8")
    archive = Path(tempfile.mkdtemp(dir=root))
    started = time.monotonic()
    run_crawl(archive, seeds, None, timeout=3600, check=False,
              settings={"ROBOTSTXT_OBEY": "0", "EXTRACT_MAX_ELEMENTS": str(cap), "CLOSESPIDER_TIMEOUT": str(bound),
                        "EXTRACT_WORKERS": "1", "LOG_LEVEL": "WARNING"})
    return time.monotonic() - started


def report(name: str, runs: dict[str, list[float]]) -> None:
    off, on = (statistics.median(runs[label]) for label, _ in MODES)
    print(f"{name}: median {MODES[0][0]} {off:.2f} s, {MODES[1][0]} {on:.2f} s, ratio off/on {off / on:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[50_000, 100_000, 200_000, 300_000])
    parser.add_argument("--runs", type=int, default=1, help="analyse runs per size and mode")
    parser.add_argument("--crawl-size", type=int, default=300_000)
    parser.add_argument("--crawl-runs", type=int, default=1, help="crawls per mode (0: none)")
    parser.add_argument("--bound", type=int, default=45, help="the crawls' CLOSESPIDER_TIMEOUT")
    parser.add_argument("--front-sizes", type=int, nargs="*", default=[100_000, 200_000])
    args = parser.parse_args()

    for size in args.front_sizes:
        body = front_page(size).encode("utf-8")
        runs = {label: [] for label, _ in MODES}
        for run in range(args.runs):
            for label, cap in MODES:
                seconds, what = time_front(body, cap)
                runs[label].append(seconds)
                print(f"front page of {size} elements ({len(body) / 1e6:.1f} MB) run {run + 1} {label}: "
                      f"{seconds:.2f} s ({what})", flush=True)
        report(f"front page of {size} elements", runs)

    for size in args.sizes:
        body = page(size).encode("utf-8")
        runs: dict[str, list[float]] = {label: [] for label, _ in MODES}
        for run in range(args.runs):
            for label, cap in MODES:
                seconds, what = time_analyse(body, cap)
                runs[label].append(seconds)
                print(f"analyse {size} elements ({len(body) / 1e6:.1f} MB) run {run + 1} {label}: {seconds:.2f} s ({what})",
                      flush=True)
        report(f"analyse {size} elements", runs)

    if not args.crawl_runs:
        return
    server = ThreadingHTTPServer(("127.0.0.1", 0), OutletHandler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    server.pages = {
        "/feed.xml": ("application/rss+xml", "<?xml version='1.0'?><rss version='2.0'><channel><title>N</title>"
                      f"<item><title>t</title><link>{base}{article_path(SLUG)}</link></item></channel></rss>"),
        article_path(SLUG): ("text/html", page(args.crawl_size)),
    }
    threading.Thread(target=server.serve_forever, daemon=True).start()
    runs = {label: [] for label, _ in MODES}
    try:
        with tempfile.TemporaryDirectory() as scratch:
            for run in range(args.crawl_runs):
                for label, cap in MODES:
                    seconds = time_crawl(Path(scratch), base, cap, args.bound)
                    runs[label].append(seconds)
                    print(f"crawl of a {args.crawl_size}-element page, CLOSESPIDER_TIMEOUT={args.bound}, run {run + 1} "
                          f"{label}: {seconds:.1f} s", flush=True)
    finally:
        server.shutdown()
    report(f"crawl (bound {args.bound} s)", runs)


if __name__ == "__main__":
    main()
