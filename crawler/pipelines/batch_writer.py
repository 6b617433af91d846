"""Batched, off-reactor database writes for the archive pipeline.

Captures arrive one per page; writing each in its own transaction would make
the database the bottleneck (and SQLite allows one writer). The writer groups
them and hands each group to an awaitable that commits it in one transaction
elsewhere (the archive pipeline's writer process,
:mod:`crawler.pipelines.writer_process`), so the event loop keeps fetching
while the database works.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

logger = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")


class BatchWriter:
    """Collect entries and hand them to ``write_batch`` in groups.

    ``await write_batch(entries) -> results`` is called one batch at a time;
    :meth:`write` returns the entry's result once its batch committed.
    """

    def __init__(self, write_batch: Callable[[list[Any]], Awaitable[Sequence[Any]]], batch_size: int = 50,
                 max_delay: float = 0.25) -> None:
        self._write_batch = write_batch
        self._batch_size = max(1, batch_size)
        self._max_delay = max_delay
        self._pending: list[tuple[Any, asyncio.Future[Any]]] = []
        self._lock = asyncio.Lock()
        self._timer: asyncio.TimerHandle | None = None

    async def write(self, entry: Any) -> Any:
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending.append((entry, future))
        if len(self._pending) >= self._batch_size:
            asyncio.ensure_future(self.flush())
        elif self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(self._max_delay, self._flush_soon)
        return await future

    def _flush_soon(self) -> None:
        self._timer = None
        asyncio.ensure_future(self.flush())

    async def flush(self) -> None:
        async with self._lock:
            batch, self._pending = self._pending, []
            if not batch:
                return
            try:
                results = await self._write_batch([entry for entry, _ in batch])
            except Exception as exc:  # the whole batch failed: every waiter learns why
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                return
            for (_, future), result in zip(batch, results, strict=True):
                if not future.done():
                    future.set_result(result)
