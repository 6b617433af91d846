"""The Redis-backed parts of distributed crawling (see :mod:`crawler.distributed`).

:class:`FrontierScheduler` and :class:`FrontierDupeFilter` are scrapy-redis's
scheduler and duplicate filter adapted to Scrapy 2.13+; :class:`SharedFrontier`
is one process's membership of a shared run. Loaded only when ``REDIS_URL`` is set.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from redis.exceptions import RedisError
from scrapy import signals
from scrapy.exceptions import CloseSpider, DontCloseSpider
from scrapy.http import Request
from scrapy_redis import connection
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

from crawler import settings as defaults
from crawler.discovery.hint_board import RedisHintBoard
from crawler.distributed.keys import redis_keys
from storage.warc.writer import host_tag

logger = logging.getLogger(__name__)

WORKER_TTL = 60  # seconds a worker counts as alive without a heartbeat
HEARTBEAT_INTERVAL = 10

# Drop this worker and any whose liveness key expired; if none is left, delete the run's keys.
_LEAVE_SCRIPT = """
redis.call('SREM', KEYS[1], ARGV[1])
redis.call('DEL', ARGV[2] .. ARGV[1])
local live = 0
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('EXISTS', ARGV[2] .. id) == 1 then live = live + 1 else redis.call('SREM', KEYS[1], id) end
end
if live == 0 then redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]) end
return live
"""


class FrontierScheduler(Scheduler):
    """scrapy-redis's scheduler, adapted to Scrapy 2.13+ and to an unreachable Redis.

    Stats calls no longer pass ``spider`` (deprecated in Scrapy 2.13); Redis is
    first contacted when the spider opens, so a dead server ends the crawl with
    one error line instead of a traceback (:class:`SharedFrontier` then closes the
    spider with finish reason ``redis_unreachable``).
    """

    @classmethod
    def from_crawler(cls, crawler: Any) -> FrontierScheduler:
        settings = crawler.settings
        optional = {"queue_key": "SCHEDULER_QUEUE_KEY", "queue_cls": "SCHEDULER_QUEUE_CLASS",
                    "dupefilter_key": "SCHEDULER_DUPEFILTER_KEY", "dupefilter_cls": "DUPEFILTER_CLASS"}
        kwargs = {name: settings.get(key) for name, key in optional.items() if settings.get(key)}
        scheduler = cls(
            server=connection.from_settings(settings),
            persist=settings.getbool("SCHEDULER_PERSIST"),
            flush_on_start=settings.getbool("SCHEDULER_FLUSH_ON_START"),
            idle_before_close=settings.getint("SCHEDULER_IDLE_BEFORE_CLOSE"),
            **kwargs,
        )
        scheduler.stats = crawler.stats
        scheduler.redis_url = settings.get("REDIS_URL")
        scheduler.reachable = False
        return scheduler

    def open(self, spider: Any) -> None:
        # Raising here would skip the scraper's start; SharedFrontier closes the spider instead.
        try:
            self.server.ping()
        except RedisError as exc:
            logger.error("cannot reach Redis at %s (%s): start it or fix REDIS_URL, then rerun",
                         self.redis_url, exc)
            return
        self.reachable = True
        super().open(spider)

    def close(self, reason: str) -> None:
        if self.reachable:
            super().close(reason)

    def __len__(self) -> int:
        return len(self.queue) if self.reachable else 0

    def enqueue_request(self, request: Request) -> bool:
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        self.stats.inc_value("scheduler/enqueued/redis")
        self.queue.push(request)
        return True

    def next_request(self) -> Request | None:
        if not self.reachable:
            return None
        request = self.queue.pop(self.idle_before_close)
        if request is not None:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request


class FrontierDupeFilter(RFPDupeFilter):
    """scrapy-redis's shared duplicate filter, with Scrapy's request fingerprints.

    Requests with meta ``recheck=True`` are never filtered: a re-check of a
    known page must go out even though the page was fetched before.
    """

    @classmethod
    def from_spider(cls, spider: Any) -> FrontierDupeFilter:
        settings = spider.settings
        key = settings.get("SCHEDULER_DUPEFILTER_KEY") % {"spider": spider.name}
        dupefilter = cls(connection.from_settings(settings), key=key, debug=settings.getbool("DUPEFILTER_DEBUG"))
        dupefilter.fingerprinter = spider.crawler.request_fingerprinter
        return dupefilter

    def request_seen(self, request: Request) -> bool:
        if request.meta.get("recheck"):
            return False
        return super().request_seen(request)

    def request_fingerprint(self, request: Request) -> str:
        return self.fingerprinter.fingerprint(request).hex()


class SharedFrontier:
    """One process's membership of a shared run: who seeds, when to stop waiting, who cleans up."""

    def __init__(self, crawler: Any) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.server = connection.from_settings(settings)
        self.keys = redis_keys(settings, crawler.spidercls.name)
        self.max_idle = settings.getfloat("MAX_IDLE_TIME_BEFORE_CLOSE", defaults.MAX_IDLE_TIME_BEFORE_CLOSE)
        self.worker_id = host_tag()
        self.joined = False
        self._idle_since: float | None = None
        self._last_responses = -1
        self._heartbeat = task.LoopingCall(self._beat)

    @classmethod
    def from_crawler(cls, crawler: Any) -> SharedFrontier:
        frontier = cls(crawler)
        crawler.signals.connect(frontier.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(frontier.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(frontier.spider_closed, signal=signals.spider_closed)
        return frontier

    @property
    def stats(self) -> Any:
        return self.crawler.stats  # set once the crawl starts, after the spider is built

    def hint_board(self) -> RedisHintBoard:
        """Discovery's marks, shared by every process of the run (crawler/discovery/hint_board.py)."""
        return RedisHintBoard(self.server, self.keys["hints"])

    def join_crawl(self, run_id: str) -> str | None:
        """The id of the crawl this process takes part in: the run id of the first process on the frontier.

        Every process of one crawl records it with its run (``newsarchive runs`` groups them by it); it goes
        with the run's other keys when the last process leaves. ``None`` when Redis cannot be reached.
        """
        try:
            self.server.set(self.keys["crawl"], run_id, nx=True, ex=WORKER_TTL)
            return _text(self.server.get(self.keys["crawl"]))
        except RedisError as exc:
            logger.debug("cannot join the crawl id: %s", exc)  # spider_opened reports and closes
            return None

    def claim_seeding(self) -> bool:
        """True in the one process that should issue this run's start requests."""
        try:
            self._beat()  # registered before claiming, so a leaving last worker sees us
            if not self.server.set(self.keys["seeded"], self.worker_id, nx=True, ex=WORKER_TTL):
                logger.info("joining the running crawl on the shared frontier (seeded by %s)",
                            _text(self.server.get(self.keys["seeded"])))
                return False
            # No live run holds the seed key: whatever a dead run left behind is stale.
            self.server.delete(self.keys["requests"], self.keys["dupefilter"], self.keys["hints"])
        except RedisError as exc:
            logger.debug("cannot claim the seed key: %s", exc)  # spider_opened reports and closes
            return False
        self.stats.set_value("distributed/seeder", 1)
        logger.info("seeding the shared frontier as %s", self.worker_id)
        return True

    def spider_opened(self) -> None:
        try:
            self.server.ping()
        except RedisError:
            raise CloseSpider("redis_unreachable") from None  # the scheduler logged why
        self.joined = True
        self._heartbeat.start(HEARTBEAT_INTERVAL, now=False)

    def spider_idle(self) -> None:
        """Keep an idle process alive while the shared frontier may still get work."""
        try:
            pending = self.server.zcard(self.keys["requests"])
        except RedisError:
            return  # let it close; the scheduler already said what is wrong
        responses = self.stats.get_value("downloader/response_count", 0)
        if pending or responses != self._last_responses or self._idle_since is None:
            self._idle_since = time.monotonic()
            self._last_responses = responses
        if pending or time.monotonic() - self._idle_since < self.max_idle:
            self.stats.inc_value("distributed/idle_waits")
            raise DontCloseSpider
        logger.info("shared frontier empty for %.0f s: closing", self.max_idle)

    def spider_closed(self) -> None:
        if not self.joined:
            return
        self._heartbeat.stop()
        try:
            live = self.server.eval(_LEAVE_SCRIPT, 6, self.keys["workers"], self.keys["requests"],
                                    self.keys["dupefilter"], self.keys["seeded"], self.keys["hints"],
                                    self.keys["crawl"],
                                    self.worker_id, self.keys["worker"] + ":")
        except RedisError as exc:
            logger.warning("could not leave the shared crawl cleanly (%s); its keys expire by themselves", exc)
            return
        if not live:
            logger.info("last process of the shared crawl: cleared its Redis keys")

    def _beat(self) -> None:
        try:
            with self.server.pipeline() as pipe:
                pipe.sadd(self.keys["workers"], self.worker_id)
                pipe.set(f"{self.keys['worker']}:{self.worker_id}", 1, ex=WORKER_TTL)
                pipe.expire(self.keys["seeded"], WORKER_TTL)
                pipe.expire(self.keys["crawl"], WORKER_TTL)
                pipe.execute()
        except RedisError as exc:
            logger.warning("Redis heartbeat failed: %s", exc)


def _text(value: bytes | str | None) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value or "?"
