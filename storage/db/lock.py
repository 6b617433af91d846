"""One crawl at a time per archive: an exclusive lock file in the archive directory.

The lock is an ``flock`` on ``ARCHIVE_DIR/crawl.lock``: the kernel releases it
when the holder exits, however it exits (SIGKILL included), so a crash never
leaves a stale lock behind. The file also records who holds it, for the message
the next run prints.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
from datetime import UTC, datetime
from pathlib import Path
from typing import IO


class ArchiveLocked(RuntimeError):
    """Another live process holds the archive's crawl lock."""


class ArchiveLock:
    def __init__(self, archive_dir: str | Path) -> None:
        self.path = Path(archive_dir) / "crawl.lock"
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(handle)
            handle.close()
            raise ArchiveLocked(
                f"another crawl ({holder}) is running on {self.path.parent}/; "
                "wait for it to finish or stop it, then rerun"
            ) from None
        handle.seek(0)
        handle.truncate()
        json.dump({"pid": os.getpid(), "host": socket.gethostname(),
                   "started": datetime.now(UTC).isoformat(timespec="seconds")}, handle)
        handle.flush()
        self._file = handle

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None

    def __enter__(self) -> ArchiveLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _read_holder(handle: IO[str]) -> str:
    handle.seek(0)
    try:
        info = json.loads(handle.read() or "{}")
    except ValueError:
        return "unknown holder"
    return f"pid {info.get('pid', '?')} on {info.get('host', '?')}, started {info.get('started', '?')}"
