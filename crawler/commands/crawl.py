"""``scrapy crawl`` for this project: the standard command plus checks and an exit status.

Before the ``news`` spider starts, its seed files are checked, so a bad seed
file costs one clear line and exit status 2, not a traceback. After the crawl
the exit status says how it ended (see :mod:`crawler.exitcodes`), so cron and
systemd can tell a failed run from a good one.
"""

from __future__ import annotations

import sys

from scrapy.addons import AddonManager
from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.settings import BaseSettings

from crawler import settings as defaults
from crawler.exitcodes import BAD_INPUT, LOCKED, exit_status
from crawler.lock import ArchiveLock, ArchiveLocked
from storage.outlets.seeds import SeedError, load_seeds
from storage.warc.writer import check_gzip_level


class Command(ScrapyCrawlCommand):
    def process_options(self, args: list[str], opts) -> None:  # type: ignore[no-untyped-def]
        super().process_options(args, opts)
        # Checked here, before Scrapy starts its crawler process and logging.
        if args and args[0] == "news" and not self._seeds_ok(opts.spargs):
            sys.exit(BAD_INPUT)
        if not self._settings_ok():
            sys.exit(BAD_INPUT)
        # The lock too: a locked-out run then prints its one line and nothing else.
        self._lock = ArchiveLock(self.settings.get("ARCHIVE_DIR", defaults.ARCHIVE_DIR))
        if len(args) == 1 and _lock_enabled(self.settings):
            try:
                self._lock.acquire()
            except ArchiveLocked as exc:
                print(f"error: {exc}", file=sys.stderr)
                sys.exit(LOCKED)

    def run(self, args: list[str], opts) -> None:  # type: ignore[no-untyped-def]
        if len(args) != 1:
            super().run(args, opts)
            return
        lock = self._lock  # acquired in process_options
        try:
            crawler = self._create_crawler(args[0])
            self.crawler_process.crawl(crawler, **opts.spargs)
            self.crawler_process.start()
        finally:
            lock.release()
        reason = crawler.stats.get_value("finish_reason") if crawler.stats else None
        self.exitcode = 1 if self.crawler_process.bootstrap_failed else exit_status(reason)

    @staticmethod
    def _seeds_ok(spargs: dict[str, str]) -> bool:
        seeds = spargs.get("seeds")
        paths = [p.strip() for p in seeds.split(",") if p.strip()] if seeds else None
        try:
            load_seeds(paths, spargs.get("outlet"))
        except SeedError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return False
        return True

    def _settings_ok(self) -> bool:
        try:
            check_gzip_level(self.settings.get("WARC_GZIP_LEVEL", defaults.WARC_GZIP_LEVEL))
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return False
        return True


def _lock_enabled(settings: BaseSettings) -> bool:
    """``ARCHIVE_LOCK_ENABLED`` as the add-ons will leave it (distributed mode turns it off)."""
    probe = settings.copy()
    AddonManager.load_pre_crawler_settings(probe)
    return probe.getbool("ARCHIVE_LOCK_ENABLED", True)
