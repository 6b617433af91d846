"""The extraction worker processes: they leave stopping to the crawl, and a dead one is replaced.

``timeout`` and systemd (``KillMode=control-group``) send SIGTERM to the whole
process group. Workers ignore SIGINT and SIGTERM, so they keep extracting the
pages in flight while Scrapy's graceful shutdown drains them; the main
process shuts the pool down when the spider closes. A worker that dies
anyway (killed, out of memory) breaks the pool: the pool is replaced and the
page is tried once more; a page that breaks a second pool is given up with
:class:`PageKilledWorkers` (its WARC record stays, ``newsarchive ingest`` can
try again). Stats: ``extract/pools_replaced``.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import signal
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

logger = logging.getLogger(__name__)

T = TypeVar("T")


class PageKilledWorkers(RuntimeError):
    """A page's extraction broke the worker pool twice."""


WORKER_SIGNALS = "crawler.pipelines.worker_signals"


def _leave_signals_to_the_crawl() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


def _context() -> multiprocessing.context.BaseContext:
    # forkserver: workers must not inherit the reactor and its threads; the server ignores the signals first.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([WORKER_SIGNALS])
    return context


class ExtractionPool:
    """A process pool for extraction that survives its workers' deaths (see the module docstring)."""

    def __init__(self, workers: int, stats: Any = None) -> None:
        self.workers = workers
        self.stats = stats
        self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.workers, mp_context=_context(), initializer=_leave_signals_to_the_crawl)

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
                    raise PageKilledWorkers("its extraction killed the worker process twice") from None
        raise AssertionError("unreachable")

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        if broken is not self._pool:
            return  # another page's retry replaced it already
        logger.warning("an extraction worker died; starting a new pool of %d", self.workers)
        _stop(broken)
        self._pool = self._new_pool()
        if self.stats is not None:
            self.stats.inc_value("extract/pools_replaced")

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def _stop(pool: ProcessPoolExecutor) -> None:
    """A broken pool's surviving workers ignore SIGTERM (the executor's way of ending them): kill them."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.kill()
