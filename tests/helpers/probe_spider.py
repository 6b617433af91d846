"""A spider for the WARC tests: fetches the test server's pages and dumps what it saw.

Run with ``scrapy runspider spider.py -a base=URL -a out=FILE [-a pages=a,b]
[-a fsize_limit=BYTES]``. Each callback appends one JSON line (URL, status,
decoded text, Set-Cookie values, the ``warc_record`` it got); ``closed``
appends the close reason and the stats.
"""

from __future__ import annotations

import json
import resource
import signal
from typing import Any

import scrapy

DEFAULT_PAGES = "gzip,cookies,search?q=election&page=2,chunked,redirect,missing,reason"


class WarcProbeSpider(scrapy.Spider):
    name = "warcprobe"

    def __init__(self, base: str, out: str, pages: str = DEFAULT_PAGES, fsize_limit: str = "", revisits: str = "1", **kwargs: Any):
        super().__init__(**kwargs)
        self.base = base
        self.out = open(out, "a", encoding="utf-8")
        self.pages = [page for page in pages.split(",") if page]
        self.revisits = revisits == "1"
        if fsize_limit:
            # Make writes past this size fail with a real OSError (EFBIG), as a full disk would.
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (int(fsize_limit), int(fsize_limit)))

    async def start(self):
        for rank, page in enumerate(self.pages):
            # Earlier pages first, so runs with CONCURRENT_REQUESTS=1 are in a known order.
            yield scrapy.Request(
                f"{self.base}/{page}",
                meta={"handle_httpstatus_list": [404]},
                priority=len(self.pages) - rank,
                callback=self.parse,
            )
        if self.revisits:
            yield scrapy.Request(f"{self.base}/unchanged", callback=self.first_unchanged)
            yield scrapy.Request(f"{self.base}/etag", callback=self.first_etag)

    def parse(self, response: scrapy.http.Response, kind: str = "page") -> None:
        record = response.meta.get("warc_record")
        line = {
            "kind": kind,
            "url": response.url,
            "status": response.status,
            # Big bodies are left out so the dump stays small under fsize_limit.
            "text": response.text if len(response.body) < 4000 else None,
            "set_cookie": [value.decode() for value in response.headers.getlist("Set-Cookie")],
            "warc": None,
        }
        if record is not None:
            line["warc"] = {
                "file": record.pointer.file,
                "offset": record.pointer.offset,
                "length": record.pointer.length,
                "record_id": record.pointer.record_id,
                "record_type": record.record_type,
                "payload_digest": record.payload_digest,
                "date": record.date.isoformat(),
                "ip": record.ip,
            }
        self.out.write(json.dumps(line) + "\n")
        self.out.flush()

    def first_unchanged(self, response: scrapy.http.Response):
        self.parse(response, "unchanged-first")
        yield self._again(response, "unchanged-again", {})

    def first_etag(self, response: scrapy.http.Response):
        self.parse(response, "etag-first")
        headers = {"If-None-Match": response.headers["ETag"].decode()}
        yield self._again(response, "etag-again", headers)

    def _again(self, response: scrapy.http.Response, kind: str, headers: dict[str, str]) -> scrapy.Request:
        record = response.meta["warc_record"]
        previous = {
            "payload_digest": record.payload_digest,
            "url": response.url,
            "date": record.date,
            "record_id": record.pointer.record_id,
        }
        return scrapy.Request(
            response.url,
            headers=headers,
            dont_filter=True,
            meta={"warc_previous": previous, "handle_httpstatus_list": [304]},
            callback=self.parse,
            cb_kwargs={"kind": kind},
        )

    def closed(self, reason: str) -> None:
        stats = {key: value for key, value in self.crawler.stats.get_stats().items() if key.startswith("warc/")}
        self.out.write(json.dumps({"kind": "closed", "reason": reason, "stats": stats}) + "\n")
        self.out.close()
