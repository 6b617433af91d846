"""Notes which signal stopped a crawl, so Ctrl-C reads as a stop, not as a failure.

Scrapy ends a crawl stopped by SIGINT (Ctrl-C, or a JOBDIR pause) and by
SIGTERM alike, with finish reason ``shutdown``. This extension wraps the
handlers Scrapy installed and records the signal in the stats
(``shutdown/signal``), where :func:`crawler.exitcodes.verdict` reads it: a
Ctrl-C is its own exit status (130) and line, SIGTERM stays a failed run for
cron and systemd. Always on; it only listens.
"""

from __future__ import annotations

import signal
from typing import Any

from scrapy import signals


class InterruptionNote:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> InterruptionNote:
        note = cls(crawler)
        crawler.signals.connect(note.engine_started, signal=signals.engine_started)
        return note

    def engine_started(self) -> None:
        for signum in (signal.SIGINT, signal.SIGTERM):
            self._wrap(signum)

    def _wrap(self, signum: int) -> None:
        installed = signal.getsignal(signum)
        if not callable(installed):
            return  # not Scrapy's: nothing to note

        def noted(number: int, frame: Any) -> None:
            if self.crawler.stats.get_value("shutdown/signal") is None:  # the first one decides
                self.crawler.stats.set_value("shutdown/signal", signal.Signals(number).name)
            installed(number, frame)

        signal.signal(signum, noted)
