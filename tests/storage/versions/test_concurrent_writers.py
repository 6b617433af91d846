"""Several writers on one PostgreSQL archive at once: every capture is indexed.

Two writers record batches that touch the same pages in opposite orders, each
page a new version that story matching fingerprints. Before the locks were
taken in one order this deadlocked, and the losing batch fell out of the index.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from storage.archive import Archive
from tests.helpers.captures import article, capture, hours, scalars_of, scratch_schema

ROUNDS = 12
PAGES = 4


@pytest.fixture
def pg_archive_url(pg_url: str):
    with scratch_schema(pg_url) as url:
        yield url


def _body(writer: int, round_no: int, page: int) -> str:
    words = " ".join(f"w{writer}r{round_no}p{page}x{i}" for i in range(60))
    return f"Writer {writer} round {round_no} page {page}. {words}"


def _write_rounds(url: str, archive_dir: Path, writer: int, barrier: threading.Barrier,
                  failures: list[BaseException]) -> None:
    with Archive(url, archive_dir) as opened:
        for round_no in range(ROUNDS):
            pages = list(range(PAGES)) if writer == 0 else list(reversed(range(PAGES)))
            batch = [(capture(f"https://daily.example/a/{round_no}-{page}", hours(round_no + writer / 10)),
                      article(_body(writer, round_no, page))) for page in pages]
            barrier.wait()
            try:
                opened.record_captures(batch)
            except BaseException as error:  # noqa: BLE001  (reported by the test)
                failures.append(error)


def test_two_writers_with_overlapping_pages_index_every_capture(pg_archive_url, tmp_path) -> None:
    with Archive(pg_archive_url, tmp_path / "archive", create=True) as opened:
        opened.ensure_outlet("daily", ["daily.example"])
    barrier = threading.Barrier(2)
    failures: list[BaseException] = []
    writers = [threading.Thread(target=_write_rounds, args=(pg_archive_url, tmp_path / "archive", n, barrier,
                                                            failures)) for n in range(2)]
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join()
    assert failures == []
    assert scalars_of(pg_archive_url, "SELECT count(*) FROM captures") == [2 * ROUNDS * PAGES]
    assert scalars_of(pg_archive_url, "SELECT count(*) FROM versions") == [2 * ROUNDS * PAGES]


def test_a_write_postgresql_ends_to_break_a_deadlock_is_run_again(pg_archive_url, tmp_path) -> None:
    """The other side holds one page and waits for the one this write holds; PostgreSQL ends this write."""
    with Archive(pg_archive_url, tmp_path / "archive", create=True) as opened:
        opened.ensure_outlet("daily", ["daily.example"])
        opened.record_captures([(capture(f"https://daily.example/{name}", hours(0)), article(name))
                                for name in ("first", "second")])
        lock = "SELECT id FROM pages WHERE url = :url FOR UPDATE"
        other_holds_second = threading.Event()
        this_holds_first = threading.Event()
        attempts = []

        def other_side() -> None:
            engine = create_engine(pg_archive_url)
            with engine.begin() as connection:
                connection.execute(text("SET LOCAL deadlock_timeout = '20s'"))  # so this write detects it
                connection.execute(text(lock), {"url": "https://daily.example/second"})
                other_holds_second.set()
                this_holds_first.wait(10)
                connection.execute(text(lock), {"url": "https://daily.example/first"})
            engine.dispose()

        def work(session) -> int:
            attempts.append(1)
            session.execute(text(lock), {"url": "https://daily.example/first"})
            this_holds_first.set()
            session.execute(text(lock), {"url": "https://daily.example/second"})
            return len(attempts)

        thread = threading.Thread(target=other_side)
        thread.start()
        other_holds_second.wait(10)
        assert opened.write(work) == 2
        thread.join()
