"""Scrapy settings of the newsarchive crawler (spider ``news``).

Every value can be overridden per run with ``-s NAME=VALUE``. The archive's own
settings:

- ``ARCHIVE_DIR``: where WARCs (``ARCHIVE_DIR/warcs/``) and the default SQLite
  database live. Default ``archive``.
- ``ARCHIVE_DB_URL``: SQLAlchemy URL of the archive database; default an SQLite
  file in ``ARCHIVE_DIR``. The environment variable ``NEWSARCHIVE_DB_URL`` wins.
- ``ARCHIVE_ALLOW_PRIVATE_NETWORKS``: fetch loopback, private and link-local
  addresses. Off: a hostile redirect or DNS answer cannot reach internal services.
- ``ARCHIVE_INDEX``: extract and index pages during the crawl (default on). Off
  makes an archive-only crawl (WARCs only); ``newsarchive ingest`` indexes later.
- ``EXTRACT_WORKERS``: extraction processes (default: one per core but one, at least one).
- ``EXTRACT_MAX_ELEMENTS``: an article page with more HTML elements is archived, not extracted (default 50,000).
- ``WARC_PREFIX``, ``WARC_MAX_SIZE``: WARC file naming and rotation size.
- ``REDIS_URL``: distributed mode (:mod:`crawler.distributed.addon`): every process
  given the same Redis shares one frontier and duplicate filter; see below.
"""

from scrapy.settings.default_settings import DEFAULT_REQUEST_HEADERS as _SCRAPY_REQUEST_HEADERS

from extract import limits
from storage.warc.capped import payload_limit

BOT_NAME = "newsarchive"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
COMMANDS_MODULE = "crawler.commands"

# Identify ourselves; operators should put a real contact here (-s NEWSARCHIVE_CONTACT=…):
# the OperatorUserAgent add-on (crawler/user_agent.py) builds USER_AGENT from it when a run starts.
NEWSARCHIVE_CONTACT = "archive-operator@example.invalid"
USER_AGENT_TEMPLATE = "newsarchive/0.1 (news archiving crawler; +mailto:{contact})"
USER_AGENT = USER_AGENT_TEMPLATE.format(contact=NEWSARCHIVE_CONTACT)

# Politeness.
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.25
DOWNLOAD_TIMEOUT = 30
# A body past this (as downloaded, or as decoded: gzip bombs) is refused. The run record names it, and it is every
# reader's limit on a payload read back from the run's WARCs (storage/warc/capped.py: ingest, reindex, the reading
# room), so reindex refuses what the crawl refused; NEWSARCHIVE_DOWNLOAD_MAXSIZE sets the default (and the limit of
# WARCs without a run record).
DOWNLOAD_MAXSIZE = payload_limit()
# Scrapy asks for br and zstd too, but a WARC keeps a body as sent, and pywb (through warcio) replays neither:
# it drops the Content-Encoding header and sends the encoded bytes. So the crawl asks for what every WARC tool
# decodes; a server that sends br or zstd all the same is read back all the same (storage/warc/capped.py).
DEFAULT_REQUEST_HEADERS = {**_SCRAPY_REQUEST_HEADERS, "Accept-Encoding": "gzip, deflate"}
DOWNLOAD_WARNSIZE = 8 * 1024 * 1024
RETRY_TIMES = 2
RETRY_BACKOFF_BASE = 1.0
RETRY_BACKOFF_MAX = 60.0
RETRY_GIVE_UP_LOG_LEVEL = "DEBUG"  # the spider's errback logs one line per failed URL
REDIRECT_MAX_TIMES = 10
# A meta refresh with a delay (a page that reloads itself every minute) is no
# redirect of the article: only an immediate one (delay 0) is followed, and not
# one inside <script> or <noscript> (a fallback for browsers without scripts).
METAREFRESH_MAXDELAY = 1  # Scrapy follows a refresh whose delay is below this
METAREFRESH_IGNORE_TAGS = ["script", "noscript"]
# Scrapy starts CONCURRENT_ITEMS tasks for every response's output (default 100);
# an article yields one item and a feed a list of requests, so 16 loses no
# parallelism and saves about a fifth of the crawl process's CPU per page.
CONCURRENT_ITEMS = 16
COOKIES_ENABLED = False
# Scrapy takes no new requests while the responses still being processed hold
# more than this many bytes (its default is 5 MB). An article stays in the
# pipeline until it is extracted and its batch of ARCHIVE_WRITE_BATCH is
# committed (about half a second), so 5 MB, some 40 padded news pages, left the
# cores idle while fetching waited for the writer (bench/crawl.py, 6,000 pages:
# 90.0 against 85.4 pages/s; about 100 MB more at peak).
SCRAPER_SLOT_MAX_ACTIVE_SIZE = 32 * 1024 * 1024

# Bounded runs: a scheduled crawl must end before the next one starts.
CLOSESPIDER_TIMEOUT = 50 * 60
SITEMAP_MAX_AGE_DAYS = 30
FEED_MAX_ENTRIES = 1000  # a feed's newest entries; 0 keeps all

# Unattended runs expose no control ports.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

# Scrapy re-reads a generator callback's source for a lint warning whenever the
# bound method is a new object, i.e. on nearly every response: 8% of the event
# loop in an archive-only crawl. Our callbacks never return values.
WARN_ON_GENERATOR_RETURN_VALUE = False

ARCHIVE_DIR = "archive"
ARCHIVE_DB_URL = None
ARCHIVE_ALLOW_PRIVATE_NETWORKS = False
ARCHIVE_INDEX = True
ARCHIVE_LOCK_ENABLED = True  # one crawl per archive directory (off for several processes sharing one)
ARCHIVE_WRITE_BATCH = 50
EXTRACT_WORKERS = 0  # 0: one per core but one (the crawl and writer processes share the last)
# An article page with more HTML elements is archived but not extracted (an unread capture, one log line):
# trafilatura's time grows faster than the page, and a crawl cannot stop inside it (extract/page.py). 0: no cap.
EXTRACT_MAX_ELEMENTS = limits.MAX_ELEMENTS
RECHECK_MAX = 10_000  # re-checks one crawl takes on
BOILERPLATE_LEARNING = True  # learn and strip each outlet's recurring clutter lines
BOILERPLATE_SAVE_EVERY = 200  # pages between saves of the outlet clutter models
RUN_RECORD_ENABLED = True  # leave a record of the run in the archive database (table runs)
CRAWL_SUMMARY_ENABLED = True  # print the one-screen summary at the end
ALERTS_DELIVER = True  # send the watches' due alerts when the crawl ends (crawler/extensions/alerts.py)
ALERTS_DELIVERY_BUDGET = 30.0  # seconds that sending may take at the end of a crawl; the rest waits
QUIET_NETWORK_ERRORS = True  # one log line per unreachable server, not a traceback

WARC_ENABLED = True
WARC_PREFIX = "newsarchive"
WARC_MAX_SIZE = 1_000_000_000
WARC_GZIP_LEVEL = 3  # ISA-L level, 0-3: 3 is ~8x cheaper than zlib's 6 for ~12% bigger records
WARC_OPERATOR = ""  # the warcinfo record's ``operator``: who ran the crawl
# Our HTTP handler keeps what WARC records need and Scrapy drops: the real
# reason phrase and whether the body came chunked. Requests marked playwright=True
# (outlets rendered by a browser) go to Chromium instead (crawler/browser/handler.py).
DOWNLOAD_HANDLERS = {
    "http": "crawler.browser.handler.BrowserDownloadHandler",
    "https": "crawler.browser.handler.BrowserDownloadHandler",
}

DOWNLOADER_MIDDLEWARES = {
    # Retries wait (exponential back-off, or the server's Retry-After) before trying again.
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.retry.BackoffRetryMiddleware": 550,
    # An article request takes the listing hints of every discovery of its URL (duplicates too).
    "crawler.middlewares.listing_hints.ListingHintsMiddleware": 870,
    # Closer to the network than decompression (590), redirects (600) and
    # retries (550): every attempt is archived with its bytes as sent.
    "crawler.middlewares.warc.WarcMiddleware": 880,
    # Nearer the network still: a response whose connection landed on a private
    # address (DNS rebinding) is refused before the WARC middleware writes it.
    "crawler.middlewares.private_network.PrivateNetworkGuard": 890,
}
ITEM_PIPELINES = {
    "crawler.pipelines.archive.ArchivePipeline": 300,
}
# Distributed mode (crawler/distributed/addon.py): set REDIS_URL and start `scrapy crawl news`
# on as many machines as you like, with the same REDIS_URL, REDIS_KEY_PREFIX and
# ARCHIVE_DB_URL (PostgreSQL). The add-on then switches to the shared scheduler and
# duplicate filter and turns ARCHIVE_LOCK_ENABLED off. A process closes once the
# shared frontier has been empty for MAX_IDLE_TIME_BEFORE_CLOSE seconds.
REDIS_URL = None
REDIS_KEY_PREFIX = "newsarchive"  # one prefix per archive sharing a Redis server
MAX_IDLE_TIME_BEFORE_CLOSE = 60
ADDONS = {"crawler.user_agent.OperatorUserAgent": 0, "crawler.distributed.addon.DistributedCrawl": 0}

EXTENSIONS = {
    "crawler.extensions.alerts.AlertDelivery": 490,  # before the summary: it stays the last thing printed
    "crawler.extensions.summary.CrawlSummary": 500,
    "crawler.extensions.run_record.RunRecord": 510,
    "crawler.extensions.log_filters.QuietNetworkErrors": 0,
    "crawler.extensions.interruption.InterruptionNote": 0,  # Ctrl-C is a stop, not a failure
}

# The run summary is the last thing on the screen; Scrapy's progress, its stats dump and the
# database migrations' lines show with -s LOG_LEVEL=INFO (or DEBUG).
LOG_LEVEL = "WARNING"
FEED_EXPORT_ENCODING = "utf-8"

# Pages that need JavaScript (issue 38): an outlet's seed entry says render = "browser", or "auto" (the
# default) finds out. Rendered requests go to Debian's Chromium through scrapy-playwright
# (crawler/browser/handler.py); the browser starts with the first of them, never for a static crawl.
BROWSER_EXECUTABLE = "/usr/bin/chromium"
BROWSER_PAGE_TIMEOUT = 30.0  # seconds a page may take in all; then it fails alone
BROWSER_SETTLE_TIMEOUT = 5.0  # seconds for the network to fall quiet after load (polling scripts: taken as is)
BROWSER_MAX_PAGES = 2  # pages open at once
BROWSER_JS_HEAP_MB = 256  # each renderer's JavaScript heap
BROWSER_MAX_RESOURCE_BYTES = 5 * 1024 * 1024  # bodies over this (big images, video) are left out of the WARC
BROWSER_LOAD_MORE_CLICKS = 10  # "load more" buttons clicked per page at most
BROWSER_SCREENSHOTS = True  # a JPEG screenshot of every rendered capture, beside it in the WARC
BROWSER_FRONT_PAGES = False  # render every outlet's start pages: a screenshot of every front-page capture
# A screenshot of every new version, for every outlet (as if each seed said screenshots = "versions"): a page
# fetched without the browser is rendered once more when its fetch made a new version, for its screenshot alone
# (crawler/browser/screenshots.py). Off: only outlets whose seed asks pay for it.
BROWSER_VERSION_SCREENSHOTS = False
