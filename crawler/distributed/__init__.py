"""Distributed crawling: several ``scrapy crawl news`` processes share one Redis frontier.

Turned on by the setting ``REDIS_URL`` (``-s REDIS_URL=redis://host:6379/0``).
Every process given the same Redis, key prefix (``REDIS_KEY_PREFIX``) and
archive database then shares:

- one request queue (a scrapy-redis priority queue, :class:`FrontierScheduler`);
- one duplicate filter (:class:`FrontierDupeFilter`): an article found by two
  processes is fetched once. Re-check requests (``dont_filter=True`` or meta
  ``recheck=True``) always pass;
- one run: the first process to claim the run's seed key issues the start
  requests, the others only consume (:class:`SharedFrontier`); every process
  records the crawl id the first one set, so ``newsarchive runs`` lists them
  as one crawl. A process whose
  frontier stays empty for ``MAX_IDLE_TIME_BEFORE_CLOSE`` seconds closes; the
  last one out deletes the run's keys, so the next run starts afresh.

Each process writes its own WARC files (host and pid are in their names) and the
archive lock is turned off, so processes may share one ``ARCHIVE_DIR``. The
:class:`~crawler.distributed.addon.DistributedCrawl` add-on (``ADDONS`` in
:mod:`crawler.settings`) makes these settings; it does nothing while
``REDIS_URL`` is unset. The Redis-backed parts live in
:mod:`crawler.distributed.frontier`, so a single-process crawl never loads redis;
:mod:`~crawler.distributed.keys` names the shared keys and
:mod:`~crawler.distributed.spider_mixin` gives the spider its share of the run.

Stats: ``distributed/seeder`` (1 in the process that seeded the run),
``distributed/idle_waits``, ``scheduler/enqueued/redis``, ``scheduler/dequeued/redis``.
"""
