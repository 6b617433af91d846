"""WARC files as a crawl of ``pages`` articles re-checked ``rechecks`` times writes them, for reindex benchmarks.

:func:`write_crawl` builds every record with the crawler's own code:
Scrapy requests and responses turned into records by
:mod:`crawler.middlewares.warc_records` (as ``WarcMiddleware`` does), capture,
run and run-end records from :mod:`storage.warc.context`, files written and
rotated by :class:`storage.warc.writer.WarcFileWriter` with the run record
heading every file. Only the clock is ours: the first run discovers every page
(a ``robots`` fetch, the front page, each article, gzip-encoded with an ETag)
and each later run, an hour apart, re-checks every page once, as
``newsarchive crawl --recheck all`` would: a conditional request answered 304
(a ``server-not-modified`` revisit), or, for the pages whose server sends no
ETag, 200 with the same payload (an ``identical-payload-digest`` revisit). One
page in ``changing`` changes once, half-way, into a new response that later
re-checks revisit. Captures indexed as pages: ``pages * (rechecks + 1)``.

    python bench/crawl_warcs.py DIR --pages 10000 --rechecks 100
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scrapy import Request  # noqa: E402
from scrapy.http import HtmlResponse, TextResponse  # noqa: E402

from crawler import settings as crawl_settings  # noqa: E402
from crawler.middlewares import warc_records  # noqa: E402
from crawler.middlewares.warc import warcinfo_fields  # noqa: E402
from storage.warc import context, records  # noqa: E402
from storage.warc.writer import WarcFileWriter  # noqa: E402

HOST = "bench.example"
OUTLET = "bench"
START = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
IP = "192.0.2.10"
REQUEST_HEADERS = {  # Scrapy's DEFAULT_REQUEST_HEADERS, and what its middlewares add
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "en",
    "User-Agent": crawl_settings.USER_AGENT,
    "Accept-Encoding": "gzip, deflate, br, zstd",
}
SETTINGS = {"WARC_OPERATOR": crawl_settings.WARC_OPERATOR, "USER_AGENT": crawl_settings.USER_AGENT,
            "ROBOTSTXT_OBEY": True, "WARC_PREFIX": crawl_settings.WARC_PREFIX}


class _Settings(dict):
    def get(self, name: str, default: Any = None) -> Any:
        return super().get(name, default)

    def getbool(self, name: str, default: bool = False) -> bool:
        return bool(self.get(name, default))


@dataclass
class _Page:
    url: str
    version: int = 0
    etag: bool = True
    last: dict[str, Any] = field(default_factory=dict)  # the page's last full capture, as warc_previous holds it


@dataclass(frozen=True)
class Written:
    captures: int  # fetches indexed as pages (articles and re-checks)
    records: int
    files: int
    bytes: int
    seconds: float


def article(n: int, version: int) -> bytes:
    title = f"Council report {n} on the harbour works"
    paragraphs = "\n".join(
        f"<p>Paragraph {k} of report {n}: the council met on Tuesday and agreed the budget for the harbour works, "
        f"item {k * n + version}; the mayor said the quay would reopen in spring{' (updated)' if version else ''}.</p>"
        for k in range(8))
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
            f'<link rel="canonical" href="http://{HOST}/news/{n}"></head><body><nav><a href="/">Home</a></nav>'
            f"<article><h1>{title}</h1><p class=byline>By A. Reporter, 2 March 2026</p>{paragraphs}</article>"
            "<footer>Bench Gazette</footer></body></html>").encode()


def front_page(pages: int) -> bytes:
    links = "".join(f'<li><a href="/news/{n}">Council report {n} on the harbour works</a></li>'
                    for n in range(min(pages, 50)))
    return f"<!doctype html><html><head><title>Bench Gazette</title></head><body><ul>{links}</ul></body></html>".encode()


class _Run:
    """One crawl run: its own writer (its files), run record, capture records and run end."""

    def __init__(self, warcs: Path, number: int, started: datetime, max_size: int, pages: int,
                 before_render: bool = False) -> None:
        self.started = started
        self.before_render = before_render
        self.clock = started
        run_id = f"{started:%Y%m%dT%H%M%SZ}-{number:08x}"
        seed = context.OutletEntry(OUTLET, [HOST], start_urls=[f"http://{HOST}/"],
                                   article_pattern=rf"^http://{HOST.replace('.', chr(92) + '.')}/news/")
        self.start = context.RunStart(run_id, started, "bench-host", 4000 + number,
                                      {"recheck": "all" if number else None, "outlets": [OUTLET],
                                       context.MAX_ELEMENTS_ARGUMENT: crawl_settings.EXTRACT_MAX_ELEMENTS}, [seed])
        self.writer = WarcFileWriter(warcs, max_size=max_size, info=warcinfo_fields(_Settings(SETTINGS)),
                                     file_header=self._run_records)
        self.records = 0
        self.captures = 0
        self.revisits = 0
        self.pages = pages

    def _run_records(self) -> list[Any]:
        self.records += 1
        body = context.to_json(self.start)
        if self.before_render:  # as crawls wrote it before outlets had a render mode (issue 38)
            data = json.loads(body)
            for entry in data["outlets"]:
                del entry["render"]
            body = json.dumps(data).encode()
        return [records.metadata_record(f"{context.RUN_URI}{self.start.run_id}", body, self.start.started_at,
                                        content_type=context.CONTENT_TYPE)]

    def tick(self) -> datetime:
        self.clock += timedelta(milliseconds=250)
        return self.clock

    def fetch(self, url: str, status: int, headers: dict[str, str], body: bytes, meta: dict[str, Any],
              request_headers: dict[str, str] | None = None) -> Any:
        """What ``WarcMiddleware._archive`` writes for one download; returns the main record."""
        date = self.tick()
        request = Request(url, headers={**REQUEST_HEADERS, **(request_headers or {})}, meta=meta)
        cls = HtmlResponse if headers.get("Content-Type", "").startswith("text/html") else TextResponse
        response = cls(url, status=status, headers=headers, body=body, request=request, ip_address=None)
        previous = meta.get("warc_previous")
        if previous and status == 304:
            main = warc_records.revisit_record(response, date, previous, not_modified=True, ip=IP)
        elif previous and status == 200 and records.payload_digest(body) == previous["payload_digest"]:
            main = warc_records.revisit_record(response, date, previous, not_modified=False, ip=IP)
        else:
            main = warc_records.response_record(response, date, IP)
        record_id = main.rec_headers.get_header("WARC-Record-ID")
        sent = warc_records.request_record(request, response, date, record_id, IP)
        described = context.CaptureContext(
            record_id, OUTLET, meta["role"], listed=bool(meta.get("listed")), hints={}, page_url=meta.get("page_url"),
            run_id=self.start.run_id,
            not_modified=warc_records.not_modified_fields(response) if main.rec_type == "revisit" and status == 304
            else None)
        batch = [main, sent, _context_record(context.capture_uri(record_id), described, date, about=record_id)]
        self.writer.write(batch)
        self.records += len(batch)
        if meta["role"] in context.ARCHIVED_ROLES:
            self.captures += 1
        self.revisits += main.rec_type == "revisit"
        return main

    def close(self) -> None:
        files = list(self.writer.file_names)
        end = context.RunEnd(self.start.run_id, self.tick(), "finished",
                             counts={"pages/fetched": self.captures, "warc/records": self.records,
                                     "warc/revisits": self.revisits},
                             errors={}, outlets={OUTLET: {"fetched": self.captures}}, warc_files=files, exit_status=0)
        self.writer.close([_context_record(f"{context.RUN_URI}{end.run_id}", end, end.finished_at)])
        self.records += 1


def _context_record(target: str, described: context.Context, date: datetime, about: str | None = None) -> Any:
    """As ``WarcMiddleware._context_record``."""
    return records.metadata_record(target, context.to_json(described), date, content_type=context.CONTENT_TYPE,
                                   concurrent_to=about, refers_to=about)


def _served(page: _Page, n: int) -> tuple[dict[str, str], bytes]:
    wire = gzip.compress(article(n, page.version), 6, mtime=0)
    headers = {"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip",
               "Content-Length": str(len(wire)), "Last-Modified": "Mon, 02 Mar 2026 05:00:00 GMT"}
    if page.etag:
        headers["ETag"] = f'"{n}-{page.version}"'
    return headers, wire


def _discover(run: _Run, pages: list[_Page]) -> None:
    robots = b"User-agent: *\nAllow: /\n"
    run.fetch(f"http://{HOST}/robots.txt", 200, {"Content-Type": "text/plain", "Content-Length": str(len(robots))},
              robots, {"outlet": OUTLET, "role": "robots"})
    home = front_page(len(pages))
    run.fetch(f"http://{HOST}/", 200, {"Content-Type": "text/html; charset=utf-8", "Content-Length": str(len(home))},
              home, {"outlet": OUTLET, "role": "start_page"})
    for n, page in enumerate(pages):
        _full(run, page, n, {"outlet": OUTLET, "role": "article"})


def _full(run: _Run, page: _Page, n: int, meta: dict[str, Any]) -> None:
    headers, wire = _served(page, n)
    main = run.fetch(page.url, 200, headers, wire, meta)
    page.last = {"payload_digest": main.rec_headers.get_header("WARC-Payload-Digest"), "url": page.url,
                 "date": main.rec_headers.get_header("WARC-Date"),
                 "record_id": main.rec_headers.get_header("WARC-Record-ID")}


def _recheck(run: _Run, page: _Page, n: int, changes: bool) -> None:
    meta = {"outlet": OUTLET, "role": "recheck", "listed": True, "recheck": True, "page_url": page.url,
            "warc_previous": dict(page.last)}
    conditional = {"If-None-Match": f'"{n}-{page.version}"'} if page.etag else {}
    conditional["If-Modified-Since"] = "Mon, 02 Mar 2026 05:00:00 GMT"
    if changes:
        page.version += 1
        _full(run, page, n, meta)
    elif page.etag:
        headers = {"ETag": f'"{n}-{page.version}"', "Last-Modified": "Mon, 02 Mar 2026 05:00:00 GMT"}
        run.fetch(page.url, 304, headers, b"", meta, conditional)
    else:
        headers, wire = _served(page, n)
        run.fetch(page.url, 200, headers, wire, meta, conditional)


def write_crawl(warcs: Path, pages: int, rechecks: int, *, changing: int = 50, no_etag: int = 4,
                max_size: int = 100_000_000, before_render: bool = False) -> Written:
    """Into ``warcs``: one discovery run of ``pages`` articles, then ``rechecks`` re-check runs of every page.

    One page in ``no_etag`` is served without an ETag (re-checks come back 200,
    identical), one in ``changing`` changes at the middle re-check.
    ``before_render``: run records without the outlets' ``render`` field, as
    crawls wrote them before issue 38, so that code from before then reads them.
    """
    began = time.monotonic()
    site = [_Page(f"http://{HOST}/news/{n}", etag=n % no_etag != 0) for n in range(pages)]
    totals = {"captures": 0, "records": 0, "files": 0, "bytes": 0}
    for number in range(rechecks + 1):
        run = _Run(warcs, number, START + timedelta(hours=number * max(1, pages // 7200 + 1)), max_size, pages,
                   before_render)
        if number == 0:
            _discover(run, site)
        else:
            for n, page in enumerate(site):
                _recheck(run, page, n, changes=n % changing == 0 and number == (rechecks + 1) // 2)
        run.close()
        for key, value in (("captures", run.captures), ("records", run.records), ("files", run.writer.files_opened),
                           ("bytes", run.writer.bytes_written)):
            totals[key] += value
    return Written(seconds=time.monotonic() - began, **totals)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("warcs", type=Path, help="directory to write the WARC files into (an archive's warcs/)")
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--rechecks", type=int, default=100)
    parser.add_argument("--before-render", action="store_true", help="run records as crawls wrote them before issue 38")
    args = parser.parse_args()
    written = write_crawl(args.warcs, args.pages, args.rechecks, before_render=args.before_render)
    print(f"{written.captures} captures, {written.records} records in {written.files} files, "
          f"{written.bytes / 1e6:.1f} MB, written in {written.seconds:.1f}s")


if __name__ == "__main__":
    main()
