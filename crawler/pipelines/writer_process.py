"""The archive's writer in a process of its own, so that storing does not share the crawl's GIL.

Recording a capture (versions, story matching, the search index) is pure
Python and costs about as much CPU as fetching it. On a thread of the crawl
process it competed with Scrapy's event loop for one interpreter lock, and the
crawl process became the limit while the extraction workers waited. Here it
runs in one worker process (one writer: SQLite allows one, and story matching
wants its candidates' texts cached in one place) that opens its own
connection to the same archive.

The process is a :class:`~crawler.pipelines.worker_pool.WorkerPool` of one: it
ignores SIGINT and SIGTERM and is replaced if it dies, and the batch it was
writing is written again — safe, since a WARC record already indexed adds
nothing (:func:`storage.versions.recorder.record`).
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from crawler.archive_access import open_archive_at
from crawler.pipelines.worker_pool import WorkerPool

if TYPE_CHECKING:
    from storage.archive import Archive
    from storage.versions.captures import Outcome

_archive: Archive | None = None  # in the writer process: its connection to the archive


def _open(db_url: str | None, archive_dir: str) -> None:
    global _archive
    _archive = open_archive_at(db_url, archive_dir)


def _record(entries: list[Any]) -> list[Outcome]:
    return _archive.record_captures(entries)


def _close() -> None:
    global _archive
    if _archive is not None:
        _archive.close()
        _archive = None


class WriterProcess:
    """``record_captures`` of the archive at (``db_url``, ``archive_dir``), run in a process of its own."""

    def __init__(self, db_url: str | None, archive_dir: str, stats: Any = None) -> None:
        self.pool = WorkerPool(1, stats, role="writer", initializer=_open, initargs=(db_url, archive_dir))

    async def record_captures(self, entries: list[Any]) -> list[Outcome]:
        return await self.pool.run(partial(_record, entries))

    async def close(self) -> None:
        """Close the writer's connection (checkpointing SQLite's log), then stop the process."""
        try:
            await self.pool.run(_close)
        finally:
            self.pool.shutdown()
