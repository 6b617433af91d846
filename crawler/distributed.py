"""Distributed crawling: several ``scrapy crawl news`` processes share one Redis frontier.

Turned on by the setting ``REDIS_URL`` (``-s REDIS_URL=redis://host:6379/0``).
Every process given the same Redis, key prefix (``REDIS_KEY_PREFIX``) and
archive database then shares:

- one request queue (a scrapy-redis priority queue, :class:`FrontierScheduler`);
- one duplicate filter (:class:`FrontierDupeFilter`): an article found by two
  processes is fetched once. Re-check requests (``dont_filter=True`` or meta
  ``recheck=True``) always pass;
- one run: the first process to claim the run's seed key issues the start
  requests, the others only consume (:class:`SharedFrontier`). A process whose
  frontier stays empty for ``MAX_IDLE_TIME_BEFORE_CLOSE`` seconds closes; the
  last one out deletes the run's keys, so the next run starts afresh.

Each process writes its own WARC files (host and pid are in their names) and the
archive lock is turned off, so processes may share one ``ARCHIVE_DIR``. The
:class:`DistributedCrawl` add-on (``ADDONS`` in :mod:`crawler.settings`) makes
these settings; it does nothing while ``REDIS_URL`` is unset. The Redis-backed
parts live in :mod:`crawler.frontier`, so a single-process crawl never loads redis.

Stats: ``distributed/seeder`` (1 in the process that seeded the run),
``distributed/idle_waits``, ``scheduler/enqueued/redis``, ``scheduler/dequeued/redis``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy.exceptions import NotConfigured
from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings

if TYPE_CHECKING:
    from crawler.frontier import SharedFrontier


def distributed_enabled(settings: BaseSettings) -> bool:
    """Whether this crawl shares a Redis frontier with other processes."""
    return bool(settings.get("REDIS_URL"))


def redis_keys(settings: BaseSettings, spider_name: str) -> dict[str, str]:
    """The Redis keys of one spider's shared run."""
    base = f"{settings.get('REDIS_KEY_PREFIX') or 'newsarchive'}:{spider_name}"
    return {name: f"{base}:{name}" for name in ("requests", "dupefilter", "seeded", "workers", "worker")}


class DistributedCrawl:
    """Add-on: switches the scheduler and duplicate filter to Redis when ``REDIS_URL`` is set."""

    @classmethod
    def update_pre_crawler_settings(cls, settings: BaseSettings) -> None:
        # Runs before the crawl command takes the archive lock, so turning the lock off works here.
        if not distributed_enabled(settings):
            return
        prefix = settings.get("REDIS_KEY_PREFIX") or "newsarchive"
        for name, value in {
            "SCHEDULER": "crawler.frontier.FrontierScheduler",
            "DUPEFILTER_CLASS": "crawler.frontier.FrontierDupeFilter",
            "SCHEDULER_PERSIST": True,  # a closing process must not wipe the queue others still use
            "SCHEDULER_QUEUE_KEY": f"{prefix}:%(spider)s:requests",
            "SCHEDULER_DUPEFILTER_KEY": f"{prefix}:%(spider)s:dupefilter",
            "ARCHIVE_LOCK_ENABLED": False,
        }.items():
            _set_unless_cmdline(settings, name, value)

    def update_settings(self, settings: BaseSettings) -> None:
        if not distributed_enabled(settings):
            raise NotConfigured  # silently: a single-process crawl


def _set_unless_cmdline(settings: BaseSettings, name: str, value: Any) -> None:
    if (settings.getpriority(name) or 0) < SETTINGS_PRIORITIES["cmdline"]:
        settings.set(name, value, priority="project")


class DistributedSpiderMixin:
    """Gives a spider a :class:`SharedFrontier` when ``REDIS_URL`` is set.

    The spider's ``start()`` begins with ``if not self.seeds_frontier(): return``.
    """

    frontier: SharedFrontier | None = None

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> Any:
        spider = super().from_crawler(crawler, *args, **kwargs)  # type: ignore[misc]
        if distributed_enabled(crawler.settings):
            from crawler.frontier import SharedFrontier  # redis loads only for a distributed crawl

            spider.frontier = SharedFrontier.from_crawler(crawler)
        return spider

    def seeds_frontier(self) -> bool:
        """Whether this process issues the start requests (always, unless it joins a running shared crawl)."""
        return self.frontier is None or self.frontier.claim_seeding()
