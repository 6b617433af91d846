"""What each unchanged re-check adds to the database: the ``captures`` row per fetch, and what runs would cost.

Fills a PostgreSQL schema (or an SQLite file) through the Archive API with
PAGES pages, then records RECHECKS rounds of unchanged re-checks (a revisit
record of the same payload per page) and prints, per page per re-check, the
rows and bytes the database grew by (tables, indexes and TOAST, as
``pg_total_relation_size``; the file size on SQLite).

Then it measures, on the same rows, the two layouts issue 37 weighed for a run
of unchanged re-checks: the run row alone (the first fetch's row grows a
``last_fetched_at``, ``fetches`` and the last record's location: nothing per
re-check, but the fetches between first and last are found only by reading
the WARC files), and the run row plus a compact per-fetch side table (time,
WARC file id, offset, length, record id as a UUID) that keeps every fetch
listable from the database. Run:

    .venv/bin/python bench/capture_rows.py --db postgresql://postgres@127.0.0.1/test --pages 2000 --rechecks 5
    .venv/bin/python bench/capture_rows.py --db sqlite --pages 2000 --rechecks 5
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import uuid
from contextlib import closing
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from storage.archive import Archive  # noqa: E402
from tests.helpers.captures import T0, article, capture  # noqa: E402

BATCH = 500
SIDE_TABLE = """CREATE TABLE bench_fetches (capture_id integer NOT NULL, fetched_at timestamptz NOT NULL,
    warc_file_id integer NOT NULL, warc_offset bigint NOT NULL, warc_length integer NOT NULL, record_id uuid NOT NULL)"""


def url_of(page: int) -> str:
    return f"https://daily.example/news/{page:06d}-a-story-about-the-council-vote-on-the-bridge"


def first_crawl(archive: Archive, pages: int) -> dict[int, str]:
    digests = {}
    for start in range(0, pages, BATCH):
        batch = []
        for page in range(start, min(pages, start + BATCH)):
            digests[page] = f"sha1:{uuid.uuid4().hex.upper()[:32]}"
            batch.append((capture(url_of(page), T0, warc_file="crawl-0000.warc.gz", offset=page * 40_000,
                                  digest=digests[page]), article(f"Story {page}. The council met on Monday.")))
        archive.record_captures(batch)
    return digests


def recheck_round(archive: Archive, pages: int, digests: dict[int, str], number: int) -> None:
    at = T0 + timedelta(hours=6 * number)
    for start in range(0, pages, BATCH):
        archive.record_captures([(capture(url_of(page), at, record_type="revisit", digest=digests[page],
                                          warc_file=f"crawl-{number:04d}.warc.gz", offset=page * 1_200), None)
                                 for page in range(start, min(pages, start + BATCH))])


def db_bytes(archive: Archive, sqlite_file: Path | None) -> int:
    if sqlite_file is not None:
        with closing(sqlite3.connect(sqlite_file)) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return sqlite_file.stat().st_size
    return int(archive.read(lambda s: s.execute(text(
        "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND c.relkind = 'r'")).scalar_one()))


def compacted_bytes(archive: Archive, db_url: str, sqlite_file: Path | None) -> int:
    """The database's size with dead row versions gone: what stays once (auto)vacuum has reused their space."""
    if sqlite_file is not None:
        with closing(sqlite3.connect(sqlite_file, isolation_level=None)) as connection:
            connection.execute("VACUUM")
        return db_bytes(archive, sqlite_file)
    engine = create_engine(db_url).execution_options(isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("VACUUM FULL"))
    engine.dispose()
    return db_bytes(archive, sqlite_file)


def captures_bytes(archive: Archive) -> int:
    if archive.backend != "postgresql":
        return 0
    return int(archive.read(lambda s: s.execute(text("SELECT pg_total_relation_size('captures')")).scalar_one()))


def side_table_bytes(db_url: str) -> tuple[int, int]:
    """Bytes and rows of a compact per-fetch table holding every revisit row (PostgreSQL)."""
    engine = create_engine(db_url)
    with engine.begin() as connection:
        connection.execute(text(SIDE_TABLE))
        connection.execute(text(
            "INSERT INTO bench_fetches SELECT c.page_id, c.fetched_at, 1, c.warc_offset, c.warc_length, "
            "gen_random_uuid() FROM captures c WHERE c.record_type = 'revisit'"))
        connection.execute(text("CREATE INDEX ix_bench_fetches ON bench_fetches (capture_id, fetched_at)"))
        connection.execute(text("ANALYZE bench_fetches"))
        size = connection.execute(text("SELECT pg_total_relation_size('bench_fetches')")).scalar_one()
        rows = connection.execute(text("SELECT count(*) FROM bench_fetches")).scalar_one()
    engine.dispose()
    return int(size), int(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a PostgreSQL URL (a schema of its own is used), or 'sqlite'")
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--rechecks", type=int, default=5)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="capture-rows-") as tmp:
        schema = None
        if options.db == "sqlite":
            db_url, sqlite_file = f"sqlite:///{tmp}/archive.sqlite3", Path(tmp) / "archive.sqlite3"
        else:
            schema, sqlite_file = f"bench_captures_{uuid.uuid4().hex[:8]}", None
            admin = create_engine(options.db)
            with admin.begin() as connection:
                connection.execute(text(f'CREATE SCHEMA "{schema}"'))
            db_url = make_url(options.db).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
                hide_password=False)
        try:
            run(db_url, tmp, sqlite_file, options.pages, options.rechecks)
        finally:
            if schema is not None:
                with admin.begin() as connection:
                    connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                admin.dispose()


def run(db_url: str, tmp: str, sqlite_file: Path | None, pages: int, rechecks: int) -> None:
    with Archive(db_url, tmp, create=True) as archive:
        archive.ensure_outlet("daily", ["daily.example"])
        digests = first_crawl(archive, pages)
        before, captures_before = compacted_bytes(archive, db_url, sqlite_file), captures_bytes(archive)
        rows_before = archive.stats().captures
        print(f"{archive.backend}: {pages} pages, first crawl {before / pages:.0f} bytes a page "
              f"({rows_before} capture rows)")
        growth = []
        for number in range(1, rechecks + 1):
            start, rows_start = db_bytes(archive, sqlite_file), archive.stats().captures
            recheck_round(archive, pages, digests, number)
            added, rows = db_bytes(archive, sqlite_file) - start, archive.stats().captures - rows_start
            growth.append(added)
            print(f"re-check {number}: +{rows / pages:.2f} capture rows a page, +{added / pages:.0f} bytes a page")
        per_recheck = (compacted_bytes(archive, db_url, sqlite_file) - before) / pages / rechecks
        print(f"now (a row per fetch): {per_recheck:.0f} bytes a page per re-check, whole database once vacuumed "
              "(the rounds above include the dead row versions of updated pages, versions and schedules)")
        if archive.backend == "postgresql":
            captures_per = (captures_bytes(archive) - captures_before) / pages / rechecks
            heap, indexes, rows = archive.read(lambda s: s.execute(text(
                "SELECT pg_relation_size('captures'), pg_indexes_size('captures'), count(*) FROM captures")).one())
            print(f"  of which captures (row, indexes, TOAST): {captures_per:.0f} bytes a page per re-check; "
                  f"a captures row is {heap / rows:.0f} bytes of table and {indexes / rows:.0f} of its 4 indexes")
            side, side_rows = side_table_bytes(db_url)
            print(f"run row + compact per-fetch table: {side / side_rows:.0f} bytes a fetch "
                  f"({side / pages / rechecks:.0f} a page per re-check; ratio to now "
                  f"{side / pages / rechecks / captures_per:.2f}×)")
        print("run row alone: 0 bytes a page per re-check (the row is updated in place); "
              "the fetches between first and last only in the WARC files")


if __name__ == "__main__":
    main()
