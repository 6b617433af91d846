"""Peak memory of a process and all its descendants, sampled from ``/proc`` (Linux), for the benchmarks.

:class:`TreePeak` samples, every ``interval`` seconds, the sum of VmRSS over
the process and every descendant (found through ``/proc/PID/task/*/children``),
and keeps its peak; ``hwm`` is the sum of each process's own peak (VmHWM), an
upper bound that catches a spike between two samples.
"""

from __future__ import annotations

import os
import threading
import time


def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                found.extend(int(child) for child in handle.read().split())
    except OSError:
        pass
    return found


def _tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        todo.extend(_children(current))
    return pids


def rss_kb(pid: int) -> int:
    """VmRSS of ``pid`` in kB; zero once it is gone."""
    return _kb(pid)[0]


def _kb(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of ``pid`` in kB; zeros once it is gone."""
    rss = hwm = 0
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
                elif line.startswith("VmHWM:"):
                    hwm = int(line.split()[1])
    except OSError:
        pass
    return rss, hwm


class TreePeak:
    """Samples the process tree under ``pid`` until stopped: the peak of its summed RSS, and each process's HWM."""

    def __init__(self, pid: int, interval: float = 0.005) -> None:
        self.pid, self.interval = pid, interval
        self.peak_kb = 0
        self.hwm_kb: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            total = 0
            for pid in _tree(self.pid):
                rss, hwm = _kb(pid)
                total += rss
                self.hwm_kb[pid] = max(self.hwm_kb.get(pid, 0), hwm)
            self.peak_kb = max(self.peak_kb, total)
            time.sleep(self.interval)

    def stop(self) -> tuple[float, float]:
        """(peak of the summed RSS, sum of the processes' HWM), in MB."""
        self._stop.set()
        self._thread.join()
        return self.peak_kb / 1024, sum(self.hwm_kb.values()) / 1024
