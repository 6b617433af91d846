"""Bytes per front-page capture on SQLite: how much the database grows each time a front page is recorded.

Serves the simulated web with its changing home pages (``NewsWeb(front_pages=True)``),
fetches every outlet's start pages over HTTP ``--rounds`` times, ranks their
links (:mod:`extract.frontpage`) and records them through
``Archive.record_captures``, the crawl's write path, into a fresh SQLite
archive, twice:

* ``still``: the home pages never change (a front page that stands still);
* ``moving``: the home pages move to their next round before every fetch
  (every link re-ranked, one headline reworded for good, one alternating).

Prints, for each, the growth of the database file per capture and the bytes
the front-page tables and indexes hold per capture (SQLite's ``dbstat``)::

    python bench/frontpages.py --rounds 200
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from extract.frontpage import front_page_links  # noqa: E402
from storage.archive import Archive  # noqa: E402
from storage.outlets.seeds import OutletSeed, load_seeds  # noqa: E402
from storage.versions.captures import FrontPageInput  # noqa: E402
from storage.warc.pointer import WarcPointer  # noqa: E402
from tests.newsweb import NewsWeb  # noqa: E402

START = datetime(2026, 1, 1, tzinfo=UTC)
WARC_NAME = "newsarchive-20260101000000000-00000-bench-1.warc.gz"  # as long as a crawl's file names
FRONT_TABLES = ("frontpages", "frontpage_captures", "frontpage_links", "frontpage_runs")


def fetch_all(seeds: list[OutletSeed], opener: urllib.request.OpenerDirector) -> list[tuple[OutletSeed, str, bytes]]:
    """Every start page of every outlet, as fetched now: (seed, final URL, body)."""
    pages = []
    for seed in seeds:
        for url in seed.start_urls:
            with opener.open(url) as answer:
                pages.append((seed, answer.geturl(), answer.read()))
    return pages


def measure(mode: str, rounds: int, web: NewsWeb, seeds: list[OutletSeed], opener: urllib.request.OpenerDirector,
            root: Path) -> None:
    db = root / f"{mode}.sqlite3"
    with Archive(f"sqlite:///{db}", root, create=True) as archive:
        for outlet in web.outlets:
            archive.ensure_outlet(outlet.name, list(outlet.domains))
        warm = _record(archive, fetch_all(seeds, opener), 0)  # the first capture creates the links
        before, tables_before = _size(db), _front_bytes(db)
        captures = 0
        for number in range(1, rounds + 1):
            if mode == "moving":
                web.front_rounds.advance()
            captures += _record(archive, fetch_all(seeds, opener), number)
    after, tables_after = _size(db), _front_bytes(db)
    print(f"{mode:>7}: {captures} captures after {warm} first ones: the file grew {(after - before) / captures:.0f} "
          f"bytes per capture, the front-page tables and indexes {(tables_after - tables_before) / captures:.0f}")


def _record(archive: Archive, pages: list[tuple[OutletSeed, str, bytes]], number: int) -> int:
    batch = []
    for n, (seed, url, body) in enumerate(pages):
        links = tuple(front_page_links(body, url, seed.links_to_article))
        pointer = WarcPointer(WARC_NAME, number * 100_000 + n * 5000, 4800, f"<urn:uuid:{uuid.uuid4()}>")
        batch.append((FrontPageInput(seed.name, url, START + timedelta(hours=number, seconds=n), pointer, links),))
    archive.record_captures(batch)
    return len(batch)


def _size(db: Path) -> int:
    with sqlite3.connect(db) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return connection.execute("PRAGMA page_count").fetchone()[0] * connection.execute(
            "PRAGMA page_size").fetchone()[0]


def _front_bytes(db: Path) -> int:
    """Bytes of the pages the front-page tables and their indexes occupy."""
    with sqlite3.connect(db) as connection:
        names = connection.execute(
            "SELECT name FROM sqlite_master WHERE tbl_name IN (%s)" % ",".join("?" * len(FRONT_TABLES)),
            FRONT_TABLES).fetchall()
        wanted = [name for (name,) in names]
        query = "SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name IN (%s)" % ",".join("?" * len(wanted))
        return connection.execute(query, wanted).fetchone()[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=100, help="captures of every start page after the first")
    parser.add_argument("--articles", type=int, default=6, help="articles per outlet")
    args = parser.parse_args(argv)
    with NewsWeb(seed=1, articles_per_outlet=args.articles, front_pages=True) as web, \
            tempfile.TemporaryDirectory() as scratch:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": web.proxy_url}))
        seed_file = Path(scratch) / "seeds.toml"
        seed_file.write_text(web.seed_toml(), encoding="utf-8")
        seeds = load_seeds([str(seed_file)])
        for mode in ("still", "moving"):
            measure(mode, args.rounds, web, seeds, opener, Path(scratch))
    return 0


if __name__ == "__main__":
    sys.exit(main())
