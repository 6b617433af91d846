"""The add-on that turns distributed mode on: Redis scheduler and duplicate filter when ``REDIS_URL`` is set."""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import NotConfigured
from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings

from crawler.distributed.keys import distributed_enabled


class DistributedCrawl:
    """Add-on: switches the scheduler and duplicate filter to Redis when ``REDIS_URL`` is set."""

    @classmethod
    def update_pre_crawler_settings(cls, settings: BaseSettings) -> None:
        # Runs before the crawl command takes the archive lock, so turning the lock off works here.
        if not distributed_enabled(settings):
            return
        prefix = settings.get("REDIS_KEY_PREFIX") or "newsarchive"
        for name, value in {
            "SCHEDULER": "crawler.distributed.frontier.FrontierScheduler",
            "DUPEFILTER_CLASS": "crawler.distributed.frontier.FrontierDupeFilter",
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

