"""``scrapy crawl`` for this project: the standard command plus checks and an exit status.

Before the ``news`` spider starts, its arguments, seed files and settings are
checked and the archive directory must be writable, so a mistake costs one
clear line and exit status 2 (or 3 for an archive that cannot be written), not
a traceback. After the crawl the exit status says how it ended (see
:mod:`crawler.exitcodes`), so cron and systemd can tell a failed run from a good one.
"""

from __future__ import annotations

import asyncio
import difflib
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from scrapy.addons import AddonManager
from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.settings import BaseSettings

from crawler import settings as defaults
from crawler.archive_access import archive_db_url
from crawler.exitcodes import ARCHIVE_WRITE_FAILED, BAD_INPUT, LOCKED, MIGRATION_NEEDED, verdict
from crawler.settings_check import bad_setting, unknown_settings
from crawler.spiders.news import ARGUMENTS, RECHECK_CHOICES
from storage.db.errors import SchemaNeedsMigration
from storage.db.lock import ArchiveLock, ArchiveLocked
from storage.outlets.seeds import SeedError, load_seeds
from storage.warc.writer import check_gzip_level


class Command(ScrapyCrawlCommand):
    def long_desc(self) -> str:
        arguments = "; ".join(f"-a {name}={text}" for name, text in ARGUMENTS.items())
        return (f"{super().long_desc()}. The news spider takes {arguments}. "
                "Exit status: 0 finished, 1 failed, 2 bad seed file, argument or setting, 3 the archive "
                "could not be written, 4 no outlet could be reached, 75 another crawl holds the archive, "
                "78 the archive needs newsarchive migrate first, 130 stopped by Ctrl-C.")

    def process_options(self, args: list[str], opts) -> None:  # type: ignore[no-untyped-def]
        super().process_options(args, opts)
        # Checked here, before Scrapy starts its crawler process and logging.
        if args and args[0] == "news" and not (self._arguments_ok(opts.spargs) and self._seeds_ok(opts.spargs)):
            sys.exit(BAD_INPUT)
        if not self._settings_ok():
            sys.exit(BAD_INPUT)
        archive_dir = Path(self.settings.get("ARCHIVE_DIR", defaults.ARCHIVE_DIR))
        if len(args) == 1 and not (_writable(archive_dir) and self._database_reachable()):
            sys.exit(ARCHIVE_WRITE_FAILED)
        if len(args) == 1 and not self._schema_ok(archive_dir):
            sys.exit(MIGRATION_NEEDED)
        # The lock too: a locked-out run then prints its one line and nothing else.
        self._lock = ArchiveLock(archive_dir)
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
        refused: list[SchemaNeedsMigration] = []
        try:
            crawler = self._create_crawler(args[0])
            _catch_refusal(self.crawler_process.crawl(crawler, **opts.spargs), refused)
            self.crawler_process.start()
        finally:
            lock.release()
        if refused:
            self.exitcode = MIGRATION_NEEDED
            return
        if self.crawler_process.bootstrap_failed or not crawler.stats:
            self.exitcode = 1
            return
        stats = crawler.stats.get_stats()
        self.exitcode = verdict(stats, stats.get("finish_reason")).status

    @staticmethod
    def _arguments_ok(spargs: dict[str, str]) -> bool:
        for name in spargs:
            if name not in ARGUMENTS:
                close = difflib.get_close_matches(name, list(ARGUMENTS), n=1)
                hint = f"did you mean -a {close[0]}=…? " if close else ""
                print(f"error: unknown argument -a {name}=…: {hint}the news spider takes "
                      f"{', '.join(f'-a {known}' for known in ARGUMENTS)}", file=sys.stderr)
                return False
        recheck = spargs.get("recheck", "yes")
        if recheck not in RECHECK_CHOICES:
            print(f"error: -a recheck={recheck}: expected one of {', '.join(RECHECK_CHOICES)}", file=sys.stderr)
            return False
        return True

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
        for warning in unknown_settings(self.settings):
            print(f"warning: {warning}", file=sys.stderr)
        problem = bad_setting(self.settings)
        if problem is None:
            try:
                check_gzip_level(self.settings.get("WARC_GZIP_LEVEL", defaults.WARC_GZIP_LEVEL))
            except ValueError as exc:
                problem = str(exc)
        if problem is not None:
            print(f"error: {problem}", file=sys.stderr)
            return False
        return True

    def _database_reachable(self) -> bool:
        """A database server that does not answer is one line before the crawl starts, not a failed crawl."""
        url = archive_db_url(self.settings)
        if not url or url.startswith("sqlite") or not self.settings.getbool("ARCHIVE_INDEX", defaults.ARCHIVE_INDEX):
            return True  # SQLite lives in ARCHIVE_DIR, which was just found writable
        from storage.db.engine import can_connect  # the database layer loads only when it is needed

        reason = can_connect(url)
        if reason is None:
            return True
        print(f"error: cannot reach the archive database {url} ({reason}): start it, or set -s ARCHIVE_DB_URL "
              "(or NEWSARCHIVE_DB_URL) to one that answers", file=sys.stderr)
        return False

    def _schema_ok(self, archive_dir: Path) -> bool:
        """An archive whose schema needs ``newsarchive migrate`` is one line, not a crawl that fails to store."""
        if not self.settings.getbool("ARCHIVE_INDEX", defaults.ARCHIVE_INDEX):
            return True
        from sqlalchemy.exc import DBAPIError

        from storage.db.migrate import refuse_heavy_at

        try:
            refuse_heavy_at(archive_db_url(self.settings), str(archive_dir))
        except SchemaNeedsMigration as exc:
            print(f"error: {exc}", file=sys.stderr)
            return False
        except DBAPIError:
            pass  # a database that fails here fails the crawl's own opening, which says why
        return True


def _catch_refusal(started: Any, refused: list[SchemaNeedsMigration]) -> None:
    """A crawl that fails to open because its archive needs ``newsarchive migrate`` ends in the one line the
    check before it gives (:meth:`Command._schema_ok`), not a traceback.

    That check passes and the pipeline's opening refuses when the archive changed in between (another,
    older writer made it, or a restore put an older database in its place). ``started`` is what
    ``crawler_process.crawl`` returned: an asyncio task, or a Deferred under the Twisted reactor.
    """
    def refusal(error: BaseException | None) -> bool:
        if isinstance(error, SchemaNeedsMigration):
            print(f"error: {error}", file=sys.stderr)
            refused.append(error)
            return True
        return False

    if isinstance(started, asyncio.Future):
        # taking the exception here keeps asyncio from printing it when the task is collected
        started.add_done_callback(lambda task: task.cancelled() or refusal(task.exception()))
    elif hasattr(started, "addErrback"):
        started.addErrback(lambda failure: None if refusal(failure.value) else failure)


def _writable(archive_dir: Path) -> bool:
    """Whether the crawl can write its WARCs and database under ``archive_dir``; says why not in one line."""
    try:
        (archive_dir / "warcs").mkdir(parents=True, exist_ok=True)
        # A name of its own: processes sharing the directory (distributed mode) probe at the same moment,
        # and with one fixed name the first to finish deleted the other's probe from under it.
        handle, probe = tempfile.mkstemp(prefix=".newsarchive-write-test-", dir=archive_dir / "warcs")
        os.close(handle)
        os.unlink(probe)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        print(f"error: cannot write the archive at {archive_dir} ({reason}): set -s ARCHIVE_DIR to a writable "
              "directory", file=sys.stderr)
        return False
    return True


def _lock_enabled(settings: BaseSettings) -> bool:
    """``ARCHIVE_LOCK_ENABLED`` as the add-ons will leave it (distributed mode turns it off)."""
    probe = settings.copy()
    AddonManager.load_pre_crawler_settings(probe)
    return probe.getbool("ARCHIVE_LOCK_ENABLED", defaults.ARCHIVE_LOCK_ENABLED)
