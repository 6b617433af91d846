"""What a heavy migration does to the crawl writing beside it: revision 0015 built in a transaction, or CONCURRENTLY.

Fills a PostgreSQL database of its own with N versions (``bench/generate.py --raw``), takes
it back to revision 0014, then rebuilds ``ix_versions_outlet_time`` as 0015
does, alternately the old way (``DROP INDEX`` + ``CREATE INDEX`` in the
migration's transaction: ``ACCESS EXCLUSIVE`` on ``versions`` until it
commits) and the new (``newsarchive migrate``: ``CREATE INDEX CONCURRENTLY``
beside the old index, ``SHARE UPDATE EXCLUSIVE``). Meanwhile a probe does what
a crawl and the reading room do to ``versions`` — a read by outlet and an
update of a version's ``last_seen`` — every 20 ms, and the longest any probe
statement waited is printed with the build's time and rate. Run:

    .venv/bin/python bench/migration_locks.py --db postgresql://postgres@127.0.0.1/test --versions 200000
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench.generate import raw_fill  # noqa: E402
from storage.db.engine import make_engine, resolve_url  # noqa: E402
from storage.db.migrate import upgrade  # noqa: E402
from tests.helpers.schema import downgrade_to  # noqa: E402

COVERING = "outlet_id, first_seen, seq, state, page_id"
PROBE_PAUSE = 0.02


def fill(db_url: str, versions: int) -> None:
    """A few real versions (``generate.py --raw``), then ``versions`` short ones in SQL: an index build reads
    only the indexed columns, so the text's length does not change what is measured."""
    raw_fill(db_url, 1000)
    engine = create_engine(db_url)
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO versions (page_id, outlet_id, seq, title, text, authors, tags, language, text_hash, "
            "first_seen, last_seen, capture_id, state) "
            "SELECT v.page_id, v.outlet_id, 1000 + g, v.title, 'A short text.', v.authors, v.tags, v.language, "
            "v.text_hash, v.first_seen + g * interval '1 second', v.last_seen, v.capture_id, v.state "
            "FROM generate_series(1, :n) AS g JOIN versions v ON v.id = 1 + g % 1000"), {"n": versions})
        connection.execute(text("ANALYZE versions"))
    engine.dispose()


def old_way(db_url: str) -> None:
    engine = create_engine(db_url)
    with engine.begin() as connection:
        connection.execute(text("DROP INDEX ix_versions_outlet_time"))
        connection.execute(text(f"CREATE INDEX ix_versions_outlet_time ON versions ({COVERING})"))
        connection.execute(text("UPDATE alembic_version SET version_num = '0015'"))
    engine.dispose()


def new_way(db_url: str) -> None:
    engine = make_engine(resolve_url(db_url, "."), create=False)
    upgrade(engine, heavy=True, target="0015")
    engine.dispose()


class Probe(threading.Thread):
    """A reader and writer of ``versions`` that records how long each of its statements took."""

    def __init__(self, db_url: str, top: int) -> None:
        super().__init__(daemon=True)
        self.engine = create_engine(db_url)
        self.top, self.stop, self.waits = top, threading.Event(), [0.0]

    def run(self) -> None:
        n = 0
        while not self.stop.is_set():
            n += 1
            started = time.perf_counter()
            with self.engine.begin() as connection:
                connection.execute(text("SELECT count(*) FROM versions WHERE outlet_id = :o"), {"o": 1 + n % 200})
                connection.execute(text("UPDATE versions SET last_seen = last_seen WHERE id = :i"),
                                   {"i": 1 + (n * 7919) % self.top})
            self.waits.append(time.perf_counter() - started)
            time.sleep(PROBE_PAUSE)
        self.engine.dispose()


def one_run(db_url: str, way: str, top: int) -> tuple[float, float]:
    downgrade_to(db_url, "0014")
    probe = Probe(db_url, top)
    probe.start()
    time.sleep(0.5)
    started = time.perf_counter()
    (old_way if way == "old" else new_way)(db_url)
    seconds = time.perf_counter() - started
    time.sleep(0.5)
    probe.stop.set()
    probe.join()
    return seconds, max(probe.waits)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a PostgreSQL server; the bench makes a database of its own")
    parser.add_argument("--versions", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=2, help="runs of each way, alternated")
    options = parser.parse_args()
    # A database of its own: a CONCURRENTLY build waits for every older transaction in its database.
    name = f"bench_locks_{uuid.uuid4().hex[:8]}"
    admin = create_engine(options.db).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    db_url = make_url(options.db).set(database=name).render_as_string(hide_password=False)
    try:
        print(f"filling {options.versions} versions …", file=sys.stderr)
        fill(db_url, options.versions)
        results: dict[str, list[tuple[float, float]]] = {"old": [], "new": []}
        for run in range(options.runs):
            for way in ("old", "new"):
                seconds, longest = one_run(db_url, way, options.versions)
                results[way].append((seconds, longest))
                print(f"run {run + 1} {way:>3}: build {seconds:6.2f}s ({options.versions / seconds:8.0f} rows/s), "
                      f"longest probe statement {longest * 1000:8.1f} ms")
        medians = {way: (statistics.median(s for s, _ in runs), statistics.median(w for _, w in runs))
                   for way, runs in results.items()}
        print(f"median  old (in a transaction): build {medians['old'][0]:.2f}s, probe waited up to "
              f"{medians['old'][1] * 1000:.1f} ms")
        print(f"median  new (CONCURRENTLY):     build {medians['new'][0]:.2f}s, probe waited up to "
              f"{medians['new'][1] * 1000:.1f} ms")
        print(f"ratio new/old: build {medians['new'][0] / medians['old'][0]:.2f}×, longest wait "
              f"{medians['new'][1] / medians['old'][1]:.3f}×")
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
