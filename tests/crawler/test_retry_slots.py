"""A host that answers 503 with ``Retry-After`` backs off alone: the other hosts are served meanwhile.

One crawl of two outlets through the simulated news web: every article of the
slow outlet answers 503 ``Retry-After: 3`` (its home page, feed and sitemaps
answer), the healthy outlet answers everything. With four download slots in
all, retries that waited inside the downloader would hold every slot for the
whole Retry-After.
"""

from __future__ import annotations


import pytest

from crawler import settings as project_settings
from tests.crawler.test_faults import TimedLog, retry_settings
from tests.helpers.crawl import run_crawl
from tests.newsweb import NewsWeb
from tests.newsweb.seeds import seed_toml

RETRY_AFTER = 3


@pytest.fixture(scope="module")
def slow_and_healthy(tmp_path_factory):
    """(slow article URLs, healthy article URLs, timed log)."""
    root = tmp_path_factory.mktemp("retry-slots")
    with NewsWeb(seed=5, articles_per_outlet=16) as web:
        slow, healthy = web.outlets[0], web.outlets[1]
        seeds = root / "seeds.toml"
        seeds.write_text(seed_toml([slow, healthy]), encoding="utf-8")
        web.outages.begin(slow.host, "503", retry_after=RETRY_AFTER, articles_only=True)
        log = TimedLog(web)
        run_crawl(root / "archive", seeds, web.proxy_url, timeout=120,
                  settings={**retry_settings(), "CONCURRENT_REQUESTS": "4", "CONCURRENT_REQUESTS_PER_DOMAIN": "4"})
        yield web.article_urls(slow.name), web.article_urls(healthy.name), log


def test_a_slow_host_backing_off_does_not_hold_back_a_healthy_one(slow_and_healthy) -> None:
    slow, healthy, log = slow_and_healthy
    first_503 = min(log.times[url][0] for url in slow)
    late = [url for url in healthy if log.times[url][0] >= first_503 + RETRY_AFTER - 0.5]
    assert all(log.times[url] for url in healthy)
    assert not late, f"{len(late)} of {len(healthy)} healthy articles waited for the slow host's Retry-After"


def test_the_slow_host_is_retried_only_after_its_retry_after(slow_and_healthy) -> None:
    slow, _, log = slow_and_healthy
    tolerance = 0.15
    for url in slow:
        assert len(log.times[url]) == 1 + project_settings.RETRY_TIMES, (url, log.times[url])
        assert min(log.gaps(url)) >= RETRY_AFTER - tolerance, (url, log.gaps(url))


