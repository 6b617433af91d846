"""A Scrapy request and its response as WARC records: what went over the wire, in warcio's terms.

The record rules are :mod:`storage.warc.records`'; this module reads the
values they need off Scrapy's objects:

* **Body as transferred.** ``WarcMiddleware`` sits at priority 880, nearer the
  downloader than ``HttpCompressionMiddleware`` (590), so ``response.body`` is
  still compressed.
* **Transfer codings.** Twisted de-chunks the body and keeps
  ``Transfer-Encoding`` out of the headers; where the wire value is known (with
  :class:`crawler.middlewares.warc_handler.WarcHttpDownloadHandler`, or a
  download handler that leaves the header in) it becomes
  ``X-Orig-Transfer-Encoding``. **Content-Length** is recorded as the download
  handler reported it, never invented for a de-chunked body.
* **Status line**: the reason phrase ``WarcHttpDownloadHandler`` captured
  (``REASON_HEADER``, never recorded itself), else the standard phrase.
* **Request record**: ``METHOD path?query HTTP/1.1`` (the absolute URL when
  sent through a plain-HTTP proxy), a ``Host`` header unless the request set
  one, every header Scrapy sent, and ``Content-Length`` when there is a body.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.http import Response
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders

from storage.warc import records
from storage.warc.records import ORIG_TRANSFER_ENCODING, payload_digest

__all__ = ["REASON_HEADER", "payload_digest", "request_record", "response_record", "revisit_record"]

REASON_HEADER = b"X-Newsarchive-Status-Reason"  # set by WarcHttpDownloadHandler, never recorded
_DEFAULT_PORTS = {"http": 80, "https": 443}


def response_record(response: Response, date: datetime) -> ArcWarcRecord:
    """A ``response`` record of ``response`` with its body as downloaded."""
    return records.response_record(response.url, http_response_headers(response), response.body, date, _ip(response))


def request_record(request: Request, response: Response, date: datetime, concurrent_to: str) -> ArcWarcRecord:
    """A ``request`` record of what Scrapy sent, dated ``date`` and linked to ``concurrent_to``."""
    return records.request_record(response.url, http_request_headers(request), request.body, date, concurrent_to,
                                  _ip(response))


def revisit_record(response: Response, date: datetime, previous: Mapping[str, Any], *,
                   not_modified: bool) -> ArcWarcRecord:
    """A header-only ``revisit`` record of ``response`` pointing at the ``previous`` full capture."""
    return records.revisit_record(response.url, http_response_headers(response), response.body, date, previous,
                                  not_modified=not_modified, ip=_ip(response))


def http_response_headers(response: Response) -> StatusAndHeaders:
    """Status line and headers of ``response`` under the rules above."""
    protocol = response.protocol or "HTTP/1.1"
    reason = response.headers.get(REASON_HEADER)
    phrase = reason.decode("latin-1") if reason is not None else records.standard_phrase(response.status)
    statusline = f"{response.status} {phrase}".rstrip()
    return StatusAndHeaders(statusline, list(_response_header_lines(response)), protocol=protocol)


def http_request_headers(request: Request) -> StatusAndHeaders:
    """Request line and headers of ``request`` as it went over the wire."""
    parts = urlsplit(request.url)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    if request.meta.get("proxy") and parts.scheme == "http":
        target = request.url.split("#", 1)[0]
    lines = list(_header_lines(request.headers))
    if not any(name.lower() == "host" for name, _ in lines):
        lines.insert(0, ("Host", _host_value(parts.scheme, parts.hostname or "", parts.port)))
    if request.body and not any(name.lower() == "content-length" for name, _ in lines):
        lines.append(("Content-Length", str(len(request.body))))
    statusline = f"{request.method} {target} HTTP/1.1"
    return StatusAndHeaders(statusline, lines, is_http_request=True)


def _response_header_lines(response: Response) -> Iterator[tuple[str, str]]:
    for name, value in _header_lines(response.headers):
        lowered = name.lower()
        if lowered == REASON_HEADER.decode().lower():
            continue
        if lowered == "transfer-encoding":
            name = ORIG_TRANSFER_ENCODING.decode()
        yield name, value


def _header_lines(headers: Any) -> Iterator[tuple[str, str]]:
    for name in headers.keys():
        for value in headers.getlist(name):
            yield name.decode("latin-1"), value.decode("latin-1")


def _ip(response: Response) -> str | None:
    return str(response.ip_address) if response.ip_address is not None else None


def _host_value(scheme: str, hostname: str, port: int | None) -> str:
    if ":" in hostname:
        hostname = f"[{hostname}]"
    if port is None or port == _DEFAULT_PORTS.get(scheme):
        return hostname
    return f"{hostname}:{port}"
