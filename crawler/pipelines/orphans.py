"""A worker process ends when the crawl that started it dies, even by ``kill -9``.

Workers ignore SIGTERM (:mod:`crawler.pipelines.worker_signals`), so nothing
else would end them: a killed crawl left its writer and extraction workers
running forever. Two guards, set as each worker starts:

- on Linux, ``prctl(PR_SET_PDEATHSIG, SIGKILL)``: the kernel kills the worker
  when its parent dies. The parent is the pool's fork server, which exits as
  soon as the crawl does.
- everywhere, a daemon thread that checks every second whether the worker's
  parent changed (it was reparented) or the crawl's process is gone, and ends
  the worker if so.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
WATCH_EVERY = 1.0  # seconds


def exit_with_parent(crawl_pid: int) -> None:
    """End this process when its parent or the crawl process ``crawl_pid`` dies."""
    parent = os.getppid()
    _kill_on_parent_death()
    if _orphaned(parent, crawl_pid):  # died before the guard was set
        os._exit(1)
    threading.Thread(target=_watch, args=(parent, crawl_pid), name="parent-watch", daemon=True).start()


def _kill_on_parent_death() -> None:
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):
        pass  # the watch thread still ends the worker


def _watch(parent: int, crawl_pid: int) -> None:
    while not _orphaned(parent, crawl_pid):
        time.sleep(WATCH_EVERY)
    os._exit(1)


def _orphaned(parent: int, crawl_pid: int) -> bool:
    if os.getppid() != parent:
        return True
    try:
        os.kill(crawl_pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False
