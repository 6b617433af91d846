"""The crawl's worker processes (extraction, the archive writer): they leave stopping to the crawl, and a dead one
is replaced.

``timeout`` and systemd (``KillMode=control-group``) send SIGTERM to the whole
process group. Workers ignore SIGINT and SIGTERM, so they keep extracting the
pages in flight while Scrapy's graceful shutdown drains them; the main
process shuts the pool down when the spider closes. A worker that dies
anyway (killed, out of memory) breaks the pool: the pool is replaced and the
page is tried once more; a page that breaks a second pool is given up with
:class:`PageKilledWorkers` (its WARC record stays, ``newsarchive ingest`` can
try again). Workers end when the crawl dies, even by ``kill -9``
(:mod:`crawler.pipelines.orphans`). Stats: ``pools_replaced/extraction``, ``pools_replaced/writer``.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from crawler.pipelines.orphans import exit_with_parent

logger = logging.getLogger(__name__)

T = TypeVar("T")


class PageKilledWorkers(RuntimeError):
    """A page's work (its extraction, or the batch it was written in) broke the worker pool twice."""


WORKER_SIGNALS = "crawler.pipelines.worker_signals"


def _start_worker(initializer: Callable[..., None] | None, initargs: tuple[Any, ...], crawl_pid: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    exit_with_parent(crawl_pid)
    if initializer is not None:
        initializer(*initargs)


def _context() -> multiprocessing.context.BaseContext:
    # forkserver: workers must not inherit the reactor and its threads; the server ignores the signals first.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([WORKER_SIGNALS])
    return context


class WorkerPool:
    """A process pool that survives its workers' deaths (see the module docstring).

    ``initializer(*initargs)`` runs in each new worker (after it stops listening to
    SIGINT and SIGTERM); ``role`` names the work in logs and errors.
    """

    def __init__(self, workers: int, stats: Any = None, *, role: str = "extraction",
                 initializer: Callable[..., None] | None = None, initargs: tuple[Any, ...] = ()) -> None:
        self.workers = workers
        self.stats = stats
        self.role = role
        self._initializer = initializer
        self._initargs = initargs
        self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.workers, mp_context=_context(), initializer=_start_worker,
                                   initargs=(self._initializer, self._initargs, os.getpid()))

    async def run(self, work: Callable[[], T]) -> T:
        """``work()`` in a worker process; a broken pool is replaced and ``work`` tried once more."""
        loop = asyncio.get_running_loop()
        for attempt in (1, 2):
            pool = self._pool
            try:
                return await loop.run_in_executor(pool, work)
            except BrokenProcessPool:
                self._replace(pool)
                if attempt == 2:
                    raise PageKilledWorkers(f"its {self.role} killed the worker process twice") from None
        raise AssertionError("unreachable")

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        if broken is not self._pool:
            return  # another page's retry replaced it already
        logger.warning("a worker process (%s) died; starting a new pool of %d", self.role, self.workers)
        _stop(broken)
        self._pool = self._new_pool()
        if self.stats is not None:
            self.stats.inc_value(f"pools_replaced/{self.role}")

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def _stop(pool: ProcessPoolExecutor) -> None:
    """A broken pool's surviving workers ignore SIGTERM (the executor's way of ending them): kill them."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.kill()
