"""A controllable clock for crawls: Debian's libfaketime, preloaded into the crawl and every process it starts.

``FakeClock(lib).env(at)`` is the environment that makes a crawl (its Scrapy
process, its writer process, its extraction workers) believe it is ``at``. The
offset is relative (``FAKETIME=+N``), so all of them, started at different
moments, agree on the time and it goes on ticking.
"""

from __future__ import annotations

import glob
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime

LIBRARY_GLOBS = ["/usr/lib/*/faketime/libfaketime.so.1", "/usr/lib/faketime/libfaketime.so.1"]


def find_libfaketime() -> str | None:
    """The preloadable libfaketime (NEWSARCHIVE_LIBFAKETIME, else Debian's), or None when it is not installed."""
    configured = os.environ.get("NEWSARCHIVE_LIBFAKETIME")
    if configured:
        return configured if os.path.isfile(configured) else None
    if shutil.which("faketime") is None:
        return None
    found = [path for pattern in LIBRARY_GLOBS for path in glob.glob(pattern)]
    return found[0] if found else None


@dataclass(frozen=True)
class FakeClock:
    library: str

    def env(self, at: datetime) -> dict[str, str]:
        offset = round((at - datetime.now(UTC)).total_seconds())
        return {"LD_PRELOAD": self.library, "FAKETIME": f"{offset:+d}", "FAKETIME_DONT_FAKE_MONOTONIC": "1"}
