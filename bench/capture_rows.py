"""What each unchanged re-check adds to the database, before and after runs of re-checks (issue 37.6), side by side.

Fills a PostgreSQL schema (or an SQLite file) through the Archive API with
PAGES pages, then records RECHECKS rounds of unchanged re-checks (a revisit
record of the same payload per page) and measures, per page per re-check, the
capture rows and the bytes the database grew by once vacuumed (tables, indexes
and TOAST, as ``pg_total_relation_size``; the file size on SQLite).

Given ``--before DIR`` (a checkout of the code to compare with, e.g. a
worktree of main), it measures that code and this one alternately, ROUNDS
times each, each run in a process of its own, and prints every run, the
medians and the ratio after/before. Run:

    git worktree add /tmp/main-code main
    .venv/bin/python bench/capture_rows.py --db postgresql://postgres@127.0.0.1/test --before /tmp/main-code
    .venv/bin/python bench/capture_rows.py --db sqlite --before /tmp/main-code

``--code DIR`` measures once with the code in DIR and prints one JSON line
(what the comparison runs).
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import uuid
from contextlib import closing
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _code_dir() -> Path:
    """The checkout whose code is measured: ``--code DIR``, else this one (read before importing it)."""
    if "--code" in sys.argv:
        return Path(sys.argv[sys.argv.index("--code") + 1]).resolve()
    return ROOT


sys.path.insert(0, str(_code_dir()))

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


def capture_rows(archive: Archive) -> int:
    return int(archive.read(lambda s: s.execute(text("SELECT count(*) FROM captures")).scalar_one()))


def measure(db: str, pages: int, rechecks: int) -> dict[str, float]:
    """One run with the code on the path: bytes and capture rows per page per unchanged re-check."""
    with tempfile.TemporaryDirectory(prefix="capture-rows-") as tmp:
        schema = None
        if db == "sqlite":
            db_url, sqlite_file = f"sqlite:///{tmp}/archive.sqlite3", Path(tmp) / "archive.sqlite3"
        else:
            schema, sqlite_file = f"bench_captures_{uuid.uuid4().hex[:8]}", None
            admin = create_engine(db)
            with admin.begin() as connection:
                connection.execute(text(f'CREATE SCHEMA "{schema}"'))
            db_url = make_url(db).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
                hide_password=False)
        try:
            with Archive(db_url, tmp, create=True) as archive:
                archive.ensure_outlet("daily", ["daily.example"])
                digests = first_crawl(archive, pages)
                before, rows_before = compacted_bytes(archive, db_url, sqlite_file), capture_rows(archive)
                for number in range(1, rechecks + 1):
                    recheck_round(archive, pages, digests, number)
                after, rows_after = compacted_bytes(archive, db_url, sqlite_file), capture_rows(archive)
                fetches = archive.stats().captures
        finally:
            if schema is not None:
                with admin.begin() as connection:
                    connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                admin.dispose()
    return {"bytes": (after - before) / pages / rechecks, "rows": (rows_after - rows_before) / pages / rechecks,
            "fetches_listed": fetches / pages, "first_crawl_bytes": before / pages}


def compare(options: argparse.Namespace) -> None:
    """``--before`` and this code measured alternately, each run in a process of its own."""
    runs: dict[str, list[dict[str, float]]] = {"before": [], "after": []}
    for number in range(1, options.rounds + 1):
        for name, code in (("before", options.before), ("after", str(ROOT))):
            command = [sys.executable, __file__, "--db", options.db, "--pages", str(options.pages),
                       "--rechecks", str(options.rechecks), "--code", code]
            result = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
            runs[name].append(result)
            print(f"round {number} {name:6}: {result['bytes']:7.1f} bytes and {result['rows']:.2f} capture rows "
                  f"a page per re-check; {result['fetches_listed']:.0f} fetches listed a page", flush=True)
    medians = {name: statistics.median(r["bytes"] for r in found) for name, found in runs.items()}
    print(f"{options.db.split(':')[0]}, {options.pages} pages, {options.rechecks} re-checks: median bytes a page per "
          f"unchanged re-check: before {medians['before']:.1f}, after {medians['after']:.1f}; "
          f"after/before {medians['after'] / medians['before']:.3f} ({medians['before'] / medians['after']:.2f}x less)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a PostgreSQL URL (a schema of its own is used), or 'sqlite'")
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--rechecks", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3, help="runs of each code, alternating")
    parser.add_argument("--before", help="a checkout of the code to compare with (e.g. a worktree of main)")
    parser.add_argument("--code", help="measure once with the code in this checkout; print one JSON line")
    options = parser.parse_args()
    if options.before:
        compare(options)
    else:
        print(json.dumps(measure(options.db, options.pages, options.rechecks)))


if __name__ == "__main__":
    main()
