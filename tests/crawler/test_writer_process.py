"""The archive writer's own process: it records what the crawl hands it, outlives SIGTERM, and a dead one is
replaced without losing or doubling a capture."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path

from crawler.pipelines.writer_process import WriterProcess
from storage.archive import Archive
from storage.versions.captures import Outcome
from tests.helpers.captures import article, capture, hours

WORDS = "council budget harbour ferry schedule vote".split()


def entries(first: int, count: int) -> list[tuple[object, object]]:
    """Captures of ``count`` different articles, each its own text."""
    return [(capture(f"https://daily.test/story-{n}", hours(n)),
             article(" ".join(f"{WORDS[(n + k) % len(WORDS)]}{n}" for k in range(60)), title=f"Story {n}"))
            for n in range(first, first + count)]


def pid_of(writer: WriterProcess) -> int:
    return asyncio.run(writer.pool.run(os.getpid))


def test_the_writer_process_records_survives_sigterm_and_is_replaced_when_killed(tmp_path: Path) -> None:
    archive_dir = tmp_path / "archive"
    with Archive(None, archive_dir=archive_dir, create=True) as archive:
        archive.ensure_outlet("daily", ["daily.test"])
    writer = WriterProcess(None, str(archive_dir))
    try:
        first = entries(0, 3)
        assert asyncio.run(writer.record_captures(first)) == [Outcome.NEW] * 3
        pid = pid_of(writer)
        assert pid != os.getpid(), "the writes ran in the crawl's own process"
        os.kill(pid, signal.SIGTERM)  # as systemd signals the whole group: the crawl decides when it stops
        time.sleep(0.3)
        assert pid_of(writer) == pid
        os.kill(pid, signal.SIGKILL)
        time.sleep(0.3)
        assert asyncio.run(writer.record_captures(entries(3, 2))) == [Outcome.NEW] * 2
        assert pid_of(writer) != pid
        # A batch written again (a writer that died after its commit) adds nothing.
        assert asyncio.run(writer.record_captures(first)) == [Outcome.UNCHANGED] * 3
    finally:
        asyncio.run(writer.close())
    with Archive(None, archive_dir=archive_dir) as archive:
        (daily,) = archive.outlets()
        assert (daily.pages, daily.versions) == (5, 5)
        assert [len(archive.captures(f"https://daily.test/story-{n}")) for n in range(5)] == [1] * 5
