"""Whether a crawl is distributed, and the Redis keys its processes share."""

from __future__ import annotations

from scrapy.settings import BaseSettings


def distributed_enabled(settings: BaseSettings) -> bool:
    """Whether this crawl shares a Redis frontier with other processes."""
    return bool(settings.get("REDIS_URL"))



def redis_keys(settings: BaseSettings, spider_name: str) -> dict[str, str]:
    """The Redis keys of one spider's shared run."""
    base = f"{settings.get('REDIS_KEY_PREFIX') or 'newsarchive'}:{spider_name}"
    return {name: f"{base}:{name}" for name in ("requests", "dupefilter", "seeded", "workers", "worker", "hints", "crawl")}

