"""Costs that should stay flat as the archive grows: crawl start-up and a not-found URL, old path against new.

On an archive filled beforehand (``bench/generate.py``), in one run, alternating
old and new ``--runs`` times and printing every run, then medians and ratios:

  start-up   what a crawl pays to skip archived links. Old: ``Archive.known_urls``
             reads every page and capture URL of the crawl's outlets into a set
             (its size is printed), then tests each link. New:
             ``Archive.archived_among`` asks the indexes about each start page's
             links, ``--links-per-page`` at a time.
  not-found  the "closest archived" suggestion for a URL not in the archive.
             Old: ``url LIKE '%host%'`` (kept below as it was). New: the
             ``pages.url`` index ranges of the host (storage.versions.lookup).
             ``candidates`` times the query alone, ``not-found`` the whole
             message (its difflib over the host's URLs grows with the host).

``--links`` links are asked about, half of them archived pages, half new URLs
of the same hosts; ``--outlets`` of the archive are the crawl's outlets (all
by default)::

    python bench/generate.py --raw --db sqlite:///bench.sqlite3 --versions 200000
    python bench/archive_growth.py --db sqlite:///bench.sqlite3
"""

from __future__ import annotations

import argparse
import difflib
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from extract.urls import canonicalize_url  # noqa: E402
from storage.archive import Archive  # noqa: E402
from storage.db.models import Outlet, Page  # noqa: E402
from storage.versions import lookup  # noqa: E402


def old_missing(session: Session, url: str, variants: list[str]) -> str:
    """The suggestion as it was before (commit 45163f0): a ``LIKE '%host%'`` over every page."""
    try:
        host = (urlsplit(variants[-1]).hostname or "").removeprefix("www.")
        wanted = canonicalize_url(variants[0])
    except ValueError:
        host, wanted = "", variants[0]
    known = list(session.scalars(select(Page.url).where(Page.url.contains(host)).limit(lookup._CANDIDATES))) \
        if host else []
    close = difflib.get_close_matches(wanted, known, n=lookup.SUGGESTIONS, cutoff=0.6)
    hint = f"closest archived: {', '.join(close)}" if close else "newsarchive search can find pages by text"
    return f"no page {url} in the archive ({hint})"


def sample_links(archive: Archive, count: int, rng: random.Random) -> list[str]:
    """Half archived page URLs, half URLs of the same hosts that are not archived, shuffled."""
    def query(session: Session) -> list[str]:
        top = session.scalar(select(func.max(Page.id))) or 0
        ids = rng.sample(range(1, top + 1), min(top, count // 2))
        return list(session.scalars(select(Page.url).where(Page.id.in_(ids))))

    archived = archive.read(query)
    new = [f"{url.rstrip('/')}-follow-up-{n}" for n, url in enumerate(archived)]
    links = archived + new
    rng.shuffle(links)
    return links


def set_bytes(urls: set[str]) -> int:
    return sys.getsizeof(urls) + sum(sys.getsizeof(url) for url in urls)


def startup_old(archive: Archive, outlets: list[str], links: list[str]) -> tuple[int, int]:
    known = archive.known_urls(outlets)
    skipped = sum(canonicalize_url(link) in known for link in links)
    return skipped, set_bytes(known)


def startup_new(archive: Archive, links: list[str], per_page: int) -> tuple[int, int]:
    skipped = 0
    for start in range(0, len(links), per_page):
        batch = links[start:start + per_page]
        archived = archive.archived_among(batch)
        skipped += sum(canonicalize_url(link) in archived for link in batch)
    return skipped, 0


def old_candidates(session: Session, variants: list[str]) -> list[str]:
    host = (urlsplit(variants[-1]).hostname or "").removeprefix("www.")
    return list(session.scalars(select(Page.url).where(Page.url.contains(host)).limit(lookup._CANDIDATES)))


def candidates(archive: Archive, urls: list[str], old: bool) -> int:
    def query(session: Session) -> int:
        found = 0
        for url in urls:
            variants = lookup.url_variants(url)
            found += len(old_candidates(session, variants) if old else lookup._host_urls(session, variants))
        return found

    return archive.read(query)


def not_found(archive: Archive, urls: list[str], old: bool) -> list[str]:
    def query(session: Session) -> list[str]:
        messages = []
        for url in urls:
            variants = lookup.url_variants(url)
            messages.append(old_missing(session, url, variants) if old else lookup._missing(session, url, variants))
        return messages

    return archive.read(query)


def timed(call: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def compare(name: str, runs: int, old: Callable[[], object], new: Callable[[], object],
            unit: str = "s", scale: float = 1.0) -> None:
    times: dict[str, list[float]] = {"old": [], "new": []}
    for run in range(1, runs + 1):
        order = [("old", old), ("new", new)] if run % 2 else [("new", new), ("old", old)]
        line = []
        for label, call in order:
            seconds, result = timed(call)
            times[label].append(seconds * scale)
            line.append(f"{label} {seconds * scale:9.3f} {unit} ({result})")
        print(f"{name} run {run}: " + "   ".join(line), flush=True)
    old_median, new_median = statistics.median(times["old"]), statistics.median(times["new"])
    ratio = old_median / new_median if new_median else float("inf")
    print(f"{name} median: old {old_median:.3f} {unit}, new {new_median:.3f} {unit}, old/new {ratio:.1f}x\n", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a filled archive database URL (bench/generate.py)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--links", type=int, default=5000, help="discovered links a crawl asks about")
    parser.add_argument("--links-per-page", type=int, default=100, help="links of one start page, feed or sitemap")
    parser.add_argument("--lookups", type=int, default=20, help="not-found URLs per timed run")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with Archive(args.db, "bench/out", create=False) as archive:
        stats = archive.read(lambda s: (s.scalar(select(func.count(Page.id))),
                                        s.scalar(select(func.count()).select_from(Outlet))))
        print(f"archive {archive.backend}: {stats[0]} pages, {stats[1]} outlets", flush=True)
        outlets = archive.read(lambda s: list(s.scalars(select(Outlet.name))))
        links = sample_links(archive, args.links, rng)
        print(f"{len(links)} links asked about, {args.links_per_page} per page\n", flush=True)

        def old_startup() -> str:
            skipped, held = startup_old(archive, outlets, links)
            return f"{skipped} skipped, set of {held / 1e6:.1f} MB"

        def new_startup() -> str:
            skipped, _ = startup_new(archive, links, args.links_per_page)
            return f"{skipped} skipped"

        compare("start-up", args.runs, old_startup, new_startup)
        missing = [f"{url.rstrip('/')}-not-archived" for url in links[:args.lookups]]
        assert not_found(archive, missing[:3], old=False) and not_found(archive, missing[:3], old=True)
        compare("candidates", args.runs,
                lambda: f"{candidates(archive, missing, old=True)} URLs",
                lambda: f"{candidates(archive, missing, old=False)} URLs",
                unit="ms/lookup", scale=1000 / len(missing))
        compare("not-found", args.runs,
                lambda: f"{len(not_found(archive, missing, old=True))} lookups",
                lambda: f"{len(not_found(archive, missing, old=False))} lookups",
                unit="ms/lookup", scale=1000 / len(missing))


if __name__ == "__main__":
    main()
