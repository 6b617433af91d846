"""Several WARC files read as one stream of captures in ``WARC-Date`` order.

A page's history is recorded best in the order it was captured, and file names
do not give that order when crawl processes write files side by side or files
come from elsewhere. Each file is read in its own order; the files are merged by
the date of each one's next capture, a heap over per-file readers. A file is
opened only once the merge reaches its first capture's date, so files that do
not overlap in time are read one after another, and only files that overlap
are open (each holding one record) at once.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from storage.warc.reader import Damage, WarcEntry, read_entries

_EARLIEST = datetime.min.replace(tzinfo=UTC)


def _moment(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


class _Reader:
    """One file's items, one ahead, with the date that places its next item."""

    def __init__(self, path: Path, ref: str, want_body: Callable[[str | None], bool] | None) -> None:
        self.path = path
        self.stream: BinaryIO | None = None
        self.ref = ref
        self.want_body = want_body
        self.items: Iterator[Any] = iter(())
        self.next: Any = None
        self.key = _EARLIEST

    def start(self) -> str | None:
        """Start reading; a reason when the file cannot be opened."""
        try:
            self.stream = self.path.open("rb")
        except OSError as error:
            return f"{self.path}: cannot open ({error.strerror}); skipped"
        self.items = read_entries(self.stream, self.path, self.ref, self.want_body)
        return None

    def advance(self) -> bool:
        """Hold the next item; False (and the file closed) at its end or after damage."""
        if isinstance(self.next, Damage):
            self.next = None
        else:
            self.next = next(self.items, None)
        if self.next is None:
            self.close()
            return False
        if isinstance(self.next, WarcEntry):
            self.key = max(self.key, _moment(self.next.date))  # a file's own order stands
        return True

    def close(self) -> None:
        if self.stream is not None:
            self.stream.close()
            self.stream = None

    def position(self) -> int:
        return self.stream.tell() if self.stream is not None else 0


def first_capture_date(path: Path, ref: str) -> datetime:
    """When the file's first capture was made (the earliest possible date when it has none or cannot be read)."""
    try:
        with path.open("rb") as stream:
            for item in read_entries(stream, path, ref, want_body=lambda _type: False):
                if isinstance(item, WarcEntry):
                    return _moment(item.date)
                if isinstance(item, Damage):
                    break
    except OSError:
        pass
    return _EARLIEST


class TimeOrder:
    """``(path, item)`` of every file, captures in date order across files (see the module docstring).

    ``refs`` name each file as pointers do; ``failed`` collects files that could
    not be opened; ``bytes_read`` is how far reading has got, for progress.
    """

    def __init__(self, paths: list[Path], refs: list[str],
                 want_body: Callable[[str | None], bool] | None = None) -> None:
        starts = [first_capture_date(path, ref) for path, ref in zip(paths, refs, strict=True)]
        order = sorted(range(len(paths)), key=lambda i: (starts[i], i))
        self.waiting = [(starts[i], i, _Reader(paths[i], refs[i], want_body)) for i in order]
        self.waiting.reverse()  # popped from the end: earliest first
        self.failed: list[str] = []
        self.open: dict[int, _Reader] = {}
        self.most_open = 0  # how many files were open at once
        self.bytes_done = 0

    @property
    def bytes_read(self) -> int:
        return self.bytes_done + sum(reader.position() for reader in self.open.values())

    def __iter__(self) -> Iterator[tuple[Path, Any]]:
        heap: list[tuple[datetime, int, int, _Reader]] = []
        serial = 0  # ties keep file order, then each file's own order
        while heap or self.waiting:
            while self.waiting and (not heap or self.waiting[-1][0] <= heap[0][0]):
                _, index, reader = self.waiting.pop()
                if self._start(index, reader):
                    serial += 1
                    heapq.heappush(heap, (reader.key, index, serial, reader))
            if not heap:
                continue
            _, index, _, reader = heapq.heappop(heap)
            yield reader.path, reader.next
            if reader.advance():
                serial += 1
                heapq.heappush(heap, (reader.key, index, serial, reader))
            else:
                self._finish(index, reader)

    def _start(self, index: int, reader: _Reader) -> bool:
        failure = reader.start()
        if failure is not None:
            self.failed.append(failure)
            return False
        self.open[index] = reader
        self.most_open = max(self.most_open, len(self.open))
        if reader.advance():
            return True
        self._finish(index, reader)
        return False

    def _finish(self, index: int, reader: _Reader) -> None:
        self.open.pop(index, None)
        reader.close()
        try:
            self.bytes_done += reader.path.stat().st_size
        except OSError:
            pass
