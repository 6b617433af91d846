"""Downloader middleware that archives every fetch into WARC files.

Register it at priority 880 in ``DOWNLOADER_MIDDLEWARES`` so it sees each
retry attempt, each redirect hop and the still-compressed body. On by default;
``WARC_ENABLED = False`` turns it off. Other settings: ``ARCHIVE_DIR``
(WARCs go to ``ARCHIVE_DIR/warcs/``), ``WARC_PREFIX``, ``WARC_MAX_SIZE``
(bytes per file), ``WARC_OPERATOR`` (warcinfo ``operator``).

After writing, ``request.meta["warc_record"]`` holds a
:class:`storage.warc.pointer.WrittenRecord`. With ``request.meta["warc_previous"]``
(``payload_digest``, ``url``, ``date``, ``record_id`` of the page's last full
capture) a 304, or a 200 with the same payload digest, is written as a
``revisit`` record; the response itself passes on unchanged. Files a killed
crawl left ``.open`` are finished when the spider opens.

For the project's spiders (whose requests name an ``outlet``) the files also
carry what the database needs to be rebuilt from them alone
(:mod:`storage.warc.context`): a run record at the start of every file, a
capture record after each fetch (``urn:newsarchive:capture:…``,
``WARC-Refers-To`` and ``WARC-Concurrent-To`` its response: outlet,
``role``, listing hints, a re-check's page identity) and the run's end in its
last file.

Records are built, digested, compressed and written as each response
arrives, on the event loop: with ISA-L's gzip that costs about 0.4 ms of CPU
per 120 KB page, less than handing the work to a thread and winning the GIL
back (measured in ``bench/crawl.py``). A response moves on only once its
records are on disk. Stats: ``warc/records``, ``warc/bytes_written``,
``warc/files``, ``warc/revisits``.
"""

from __future__ import annotations

import logging
import socket
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import Request, signals
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.defer import deferred_from_coro

from crawler import settings as defaults
from crawler.browser.screenshots import SCREENSHOT_OF
from crawler.extensions.run_record import run_end, run_start
from crawler.middlewares import warc_records
from storage.warc import context, records, rendered
from storage.warc.errors import WarcWriteError
from storage.warc.pointer import WrittenRecord
from storage.warc.rendered import BrowserCapture
from storage.warc.repair import repair_open_files
from storage.warc.writer import WARC_VERSION, WarcFileWriter

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from typing_extensions import Self

logger = logging.getLogger(__name__)

CLOSE_REASON = "warc_write_failed"


class WarcMiddleware:
    """Writes a request, response (or revisit) record pair for every download."""

    def __init__(self, crawler: Crawler):
        settings = crawler.settings
        if not settings.getbool("WARC_ENABLED", defaults.WARC_ENABLED):
            raise NotConfigured("WARC_ENABLED is off")
        self.crawler = crawler
        self.stats = crawler.stats
        self.warcs_dir = Path(settings.get("ARCHIVE_DIR", defaults.ARCHIVE_DIR)) / "warcs"
        self.writer = WarcFileWriter(
            self.warcs_dir,
            prefix=settings.get("WARC_PREFIX", defaults.WARC_PREFIX),
            max_size=settings.getint("WARC_MAX_SIZE", defaults.WARC_MAX_SIZE),
            info=warcinfo_fields(settings),
            gzip_level=settings.getint("WARC_GZIP_LEVEL", defaults.WARC_GZIP_LEVEL),
            file_header=self._run_records,
        )
        self.failed = False
        self._closing: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        middleware = cls(crawler)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_opened(self) -> None:
        for report in repair_open_files(self.warcs_dir):
            if report.left is None:
                logger.warning("%s", report)
            elif report.other_host:
                logger.info("%s", report)

    def spider_closed(self, reason: str) -> None:
        last = []
        if self.writer.current_name is not None and not self.failed and self._describes_runs():
            end = run_end(self.crawler, reason, list(self.writer.file_names))
            last.append(self._context_record(f"{context.RUN_URI}{end.run_id}", end))
        self._close_writer(last)
        self.stats.set_value("warc/files", self.writer.files_opened)
        self.stats.set_value("warc/file_names", list(self.writer.file_names))

    def _close_writer(self, last_records: list[Any]) -> None:
        """Close the run's last file with ``last_records`` (the run's end) in it, however full it is."""
        try:
            self.writer.close(last_records)
        except WarcWriteError as error:
            logger.error("%s", error)
            self._close_writer([])
        except OSError as error:
            logger.error("cannot finish %s (%s): run the crawl again to repair it", self.writer.current_name, error)

    def process_response(self, request: Request, response: Response) -> Response:
        request.meta.pop("warc_record", None)  # copied from an earlier attempt or redirect hop
        request.meta.pop("warc_also", None)
        try:
            if self._wanted(response):
                self._record(request, response)
        finally:
            response.headers.pop(warc_records.REASON_HEADER, None)
        return response

    def _wanted(self, response: Response) -> bool:
        if self.failed:
            return False
        # Cache hits were archived when first downloaded; data:/file: URLs are not HTTP.
        if "cached" in response.flags or not response.url.startswith(("http://", "https://")):
            self.stats.inc_value("warc/skipped")
            return False
        return True

    def _record(self, request: Request, response: Response) -> None:
        try:
            if SCREENSHOT_OF in request.meta:
                self._archive_screenshot(request, response)
                return
            written = self._archive(request, response, request.meta.get("warc_previous"))
        except WarcWriteError as error:
            self._fail(error)
            return
        request.meta["warc_record"] = written
        self.stats.inc_value("warc/records", 2)  # the response (or revisit) and its request
        self.stats.set_value("warc/bytes_written", self.writer.bytes_written)
        self.stats.set_value("warc/files", self.writer.files_opened)
        if written.record_type == "revisit":
            self.stats.inc_value("warc/revisits")

    def _archive(self, request: Request, response: Response, previous: dict[str, Any] | None) -> WrittenRecord:
        """Build the records and append them to the current file."""
        capture = request.meta.pop("browser_capture", None)
        if capture is not None and "playwright" in response.flags:
            return self._archive_rendered(request, response, capture)
        date = datetime.now(UTC)
        ip = warc_records.peer_address(request, response)
        main = self._main_record(response, date, previous, ip)
        record_id = main.rec_headers.get_header("WARC-Record-ID")
        sent = warc_records.request_record(request, response, date, record_id, ip,
                                           keep_credentials=self._keeps_credentials(request))
        records = [main, sent]
        described = self._capture_context(request, response, record_id, not_modified=main.rec_type == "revisit"
                                          and response.status == 304)
        if described is not None:
            records.append(self._context_record(context.capture_uri(record_id), described, date, about=record_id))
        elsewhere = self._filed_elsewhere(request, response)
        if elsewhere is not None:  # its revisit and capture record follow in the same batch
            original = previous if main.rec_type == "revisit" else {
                "payload_digest": main.rec_headers.get_header("WARC-Payload-Digest"), "url": response.url,
                "date": date, "record_id": record_id}
            also = warc_records.revisit_record(response, date, original, not_modified=False, ip=ip)
            also_id = also.rec_headers.get_header("WARC-Record-ID")
            records.append(also)
            records.append(self._context_record(context.capture_uri(also_id), context.CaptureContext(
                also_id, elsewhere, "article", run_id=run_start(self.crawler).run_id), date, about=also_id))
        pointers = self.writer.write(records)  # WarcWriteError: _record stops the crawl
        if elsewhere is not None:
            request.meta["warc_also"] = (elsewhere, WrittenRecord(
                pointer=pointers[-2], record_type="revisit",
                payload_digest=records[-2].rec_headers.get_header("WARC-Payload-Digest"), date=date, ip=ip))
        return WrittenRecord(
            pointer=pointers[0],
            record_type=main.rec_type,
            payload_digest=main.rec_headers.get_header("WARC-Payload-Digest"),
            date=date,
            ip=ip,
        )

    def _filed_elsewhere(self, request: Request, response: Response) -> str | None:
        """The other outlet a re-check that ended on its page is filed under too (``OutletMap.also_filed_under``).

        That capture is a record of its own, a revisit of the same payload named
        by a capture record of that outlet's, as a discovery fetch of it would
        be: captures are keyed by their record, and ``ingest`` files it alike.
        """
        spider = getattr(self.crawler, "spider", None)
        outlet_map, seeds = getattr(spider, "outlet_map", None), getattr(spider, "outlets", None) or {}
        seed = seeds.get(request.meta.get("outlet"))
        if outlet_map is None or seed is None or response.status != 200:
            return None
        other = outlet_map.also_filed_under(seed, response.url, request.meta.get("role", "other"))
        return other.name if other is not None and other.name in seeds else None

    def _archive_rendered(self, request: Request, response: Response, capture: BrowserCapture) -> WrittenRecord:
        """A rendered page in the order :mod:`storage.warc.rendered` gives: the page, its renditions, the
        capture record, then every other exchange the browser made."""
        date = capture.document.date
        keep = self._keeps_credentials(request)
        main, sent = rendered.exchange_records(capture.document, keep)
        record_id = main.rec_headers.get_header("WARC-Record-ID")
        batch = [main, sent, *rendered.rendition_records(capture, record_id, date)]
        described = self._capture_context(request, response, record_id, not_modified=False)
        if described is not None:
            batch.append(self._context_record(context.capture_uri(record_id), described, date, about=record_id))
        for exchange in capture.others:
            batch.extend(rendered.exchange_records(exchange, keep))
        pointer = self.writer.write(batch)[0]
        self.stats.inc_value("warc/browser_records", len(batch))
        return WrittenRecord(pointer=pointer, record_type="response",
                             payload_digest=main.rec_headers.get_header("WARC-Payload-Digest"), date=date,
                             ip=capture.document.ip)

    def _archive_screenshot(self, request: Request, response: Response) -> None:
        """A render for a static version's screenshot: its renditions alone, linked to that version's capture.

        No response, request or capture record: the fetch is no capture. Nothing
        at all when the browser took no screenshot or the page no longer answers 200.
        """
        capture = request.meta.pop("browser_capture", None)
        if capture is None or not capture.screenshot or capture.document.status != 200:
            self.stats.inc_value("browser/version_screenshot_missed")  # said once: by the handler or the errback
            return
        batch = rendered.rendition_records(capture, request.meta[SCREENSHOT_OF], capture.document.date)
        pointer = self.writer.write(batch)[0]
        request.meta["warc_record"] = WrittenRecord(pointer=pointer, record_type="resource", payload_digest=None,
                                                    date=capture.document.date, ip=None)
        self.stats.inc_value("warc/records", len(batch))
        self.stats.inc_value("browser/version_screenshots")
        self.stats.set_value("warc/bytes_written", self.writer.bytes_written)

    @staticmethod
    def _main_record(response: Response, date: datetime, previous: dict[str, Any] | None, ip: str | None) -> Any:
        if previous:
            if response.status == 304:
                return warc_records.revisit_record(response, date, previous, not_modified=True, ip=ip)
            same = warc_records.payload_digest(response.body) == previous.get("payload_digest")
            if response.status == 200 and same:
                return warc_records.revisit_record(response, date, previous, not_modified=False, ip=ip)
        return warc_records.response_record(response, date, ip)

    def _keeps_credentials(self, request: Request) -> bool:
        """Whether the request's outlet asks for its ``Authorization`` and ``Cookie`` headers to be archived."""
        outlets = getattr(getattr(self.crawler, "spider", None), "outlets", None) or {}
        seed = outlets.get(request.meta.get("outlet"))
        return bool(getattr(seed, "warc_credentials", False))

    def _describes_runs(self) -> bool:
        """Run and capture records are written for the project's own spiders (their requests name an outlet)."""
        return hasattr(getattr(self.crawler, "spider", None), "outlets")

    def _run_records(self) -> list[Any]:
        """What every new WARC file of this run begins with, after its warcinfo: the run record."""
        if not self._describes_runs():
            return []
        start = run_start(self.crawler)
        return [self._context_record(f"{context.RUN_URI}{start.run_id}", start, start.started_at)]

    def _capture_context(self, request: Request, response: Response, record_id: str, *,
                         not_modified: bool) -> context.CaptureContext | None:
        meta = request.meta
        if "outlet" not in meta or not self._describes_runs():
            return None
        hints = {key: value for key, value in meta.get("hints", {}).items() if value}
        return context.CaptureContext(
            record_id, meta["outlet"], meta.get("role", "other"), listed=bool(meta.get("listed")), hints=hints,
            page_url=meta.get("page_url"), run_id=run_start(self.crawler).run_id,
            not_modified=warc_records.not_modified_fields(response) if not_modified else None)

    @staticmethod
    def _context_record(target: str, described: context.Context, date: datetime | None = None,
                        about: str | None = None) -> Any:
        return records.metadata_record(target, context.to_json(described), date or datetime.now(UTC),
                                       content_type=context.CONTENT_TYPE, concurrent_to=about, refers_to=about)

    def _fail(self, error: WarcWriteError) -> None:
        self.failed = True
        logger.error("%s", error)
        self.stats.set_value("warc/write_failed", str(error.path))
        self._closing = deferred_from_coro(self.crawler.engine.close_spider_async(reason=CLOSE_REASON))


def warcinfo_fields(settings: Any) -> dict[str, str]:
    """The warcinfo record fields for a crawl run with ``settings``."""
    return {
        "software": (
            f"newsarchive/{_version('newsarchive')} "
            f"(Scrapy/{_version('scrapy')}; warcio/{_version('warcio')})"
        ),
        "format": f"WARC File Format {WARC_VERSION}",
        "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
        "hostname": socket.gethostname(),
        "operator": settings.get("WARC_OPERATOR", defaults.WARC_OPERATOR),
        "http-header-user-agent": settings.get("USER_AGENT", defaults.USER_AGENT),
        "robots": "classic" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",  # WARC 1.1's value for obeying
        "isPartOf": settings.get("WARC_PREFIX", defaults.WARC_PREFIX),
    }


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "unknown"
