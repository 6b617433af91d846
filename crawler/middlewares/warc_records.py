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
  (``REASON_HEADER``, never recorded itself; %-encoded when not ASCII), else
  the standard phrase.
* **Request record**: ``METHOD path?query HTTP/1.1`` (the absolute URL when
  sent through a plain-HTTP proxy), a ``Host`` header unless the request set
  one, the headers Scrapy sent but ``Proxy-*`` ones (and ``Authorization`` and
  ``Cookie`` unless ``keep_credentials``), and ``Content-Length`` when there is
  a body.
* **WARC-IP-Address**: the address connected to, left out when the request went
  through a proxy (``request.meta["proxy"]``): that address is the proxy's.
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

__all__ = ["REASON_HEADER", "not_modified_fields", "payload_digest", "peer_address", "request_record",
           "response_record", "revisit_record"]

REASON_HEADER = b"X-Newsarchive-Status-Reason"  # set by WarcHttpDownloadHandler, never recorded
_DEFAULT_PORTS = {"http": 80, "https": 443}


def response_record(response: Response, date: datetime, ip: str | None = None) -> ArcWarcRecord:
    """A ``response`` record of ``response`` with its body as downloaded, from the peer ``ip``."""
    return records.response_record(response.url, http_response_headers(response), response.body, date, ip)


def request_record(request: Request, response: Response, date: datetime, concurrent_to: str,
                   ip: str | None = None, *, keep_credentials: bool = False) -> ArcWarcRecord:
    """A ``request`` record of what Scrapy sent, dated ``date`` and linked to ``concurrent_to``."""
    return records.request_record(response.url, http_request_headers(request, keep_credentials), request.body, date,
                                  concurrent_to, ip)


def revisit_record(response: Response, date: datetime, previous: Mapping[str, Any], *,
                   not_modified: bool, ip: str | None = None) -> ArcWarcRecord:
    """A header-only ``revisit`` record of ``response`` pointing at the ``previous`` full capture."""
    return records.revisit_record(response.url, http_response_headers(response), response.body, date, previous,
                                  not_modified=not_modified, ip=ip)


def not_modified_fields(response: Response) -> dict[str, Any]:
    """A 304's status line and headers, for the capture record (its revisit record has no block)."""
    http = http_response_headers(response)
    return {"status": http.statusline, "headers": [list(pair) for pair in http.headers]}


def peer_address(request: Request, response: Response) -> str | None:
    """The ``WARC-IP-Address`` of a fetch: the address connected to, unless that was a proxy."""
    if request.meta.get("proxy") or response.ip_address is None:
        return None
    return str(response.ip_address)


def http_response_headers(response: Response) -> StatusAndHeaders:
    """Status line and headers of ``response`` under the rules above."""
    protocol = response.protocol or "HTTP/1.1"
    reason = response.headers.get(REASON_HEADER)
    phrase = records.ascii_phrase(reason) if reason is not None else records.standard_phrase(response.status)
    statusline = f"{response.status} {phrase}".rstrip()
    return StatusAndHeaders(statusline, list(_response_header_lines(response)), protocol=protocol)


def http_request_headers(request: Request, keep_credentials: bool = False) -> StatusAndHeaders:
    """Request line and headers of ``request`` as it went over the wire, less what is not recorded."""
    parts = urlsplit(request.url)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    if request.meta.get("proxy") and parts.scheme == "http":
        target = request.url.split("#", 1)[0]
    lines = [(name, value) for name, value in _header_lines(request.headers)
             if records.recorded_request_header(name, keep_credentials)]
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


def _host_value(scheme: str, hostname: str, port: int | None) -> str:
    if ":" in hostname:
        hostname = f"[{hostname}]"
    if port is None or port == _DEFAULT_PORTS.get(scheme):
        return hostname
    return f"{hostname}:{port}"
