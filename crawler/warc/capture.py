"""Turn a Scrapy request and its response into WARC ``request``/``response``/``revisit`` records.

The rules, so that a record always describes the bytes it stores:

* **Body as transferred.** ``WarcMiddleware`` sits at priority 880, nearer the
  downloader than ``HttpCompressionMiddleware`` (590), so the body stored is
  still compressed and the recorded ``Content-Encoding`` decodes it.
* **Transfer codings are undone, and said so.** Twisted de-chunks the body and
  keeps ``Transfer-Encoding`` out of the headers; the record therefore never
  carries ``Transfer-Encoding``. Where the wire value is known (with
  ``crawler.warc.handler.WarcHttpDownloadHandler``, or from a download handler
  that leaves the header in) it is kept as ``X-Orig-Transfer-Encoding``.
* **Content-Length** is recorded as the download handler reported it (the
  server's value when it sent one); it is never invented for a de-chunked body,
  whose end is the end of the record.
* **Status line** ``HTTP/x.y CODE REASON``: the reason phrase the server sent
  when ``WarcHttpDownloadHandler`` captured it, else the standard phrase for
  the code (``http.HTTPStatus``), else none.
* **Repeated headers** keep every value, one line each (two ``Set-Cookie``
  stay two). Header bytes are read as ISO-8859-1; values that are not ASCII
  are %-encoded by warcio (RFC 8187) when the record is written.
* **Request record**: ``METHOD path?query HTTP/1.1`` (the absolute URL when
  sent through a plain-HTTP proxy), a ``Host`` header unless the request set
  one, every header Scrapy sent, and ``Content-Length`` when there is a body.
* A response and its request share one ``WARC-Date``; the request names the
  response in ``WARC-Concurrent-To``. ``WARC-IP-Address`` is
  ``response.ip_address``. warcio computes block and payload digests.
"""

from __future__ import annotations

import base64
import hashlib
import logging
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from http import HTTPStatus
from io import BytesIO
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.http import Response
from warcio.recordbuilder import RecordBuilder
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date

logger = logging.getLogger(__name__)

REASON_HEADER = b"X-Newsarchive-Status-Reason"  # set by WarcHttpDownloadHandler, never recorded
ORIG_TRANSFER_ENCODING = b"X-Orig-Transfer-Encoding"
NOT_MODIFIED_PROFILE = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
IDENTICAL_PAYLOAD_PROFILE = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"

_BUILDER = RecordBuilder(warc_version="1.1")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def payload_digest(body: bytes) -> str:
    """The WARC payload digest of ``body``: ``sha1:`` and the base32 SHA-1."""
    return _sha1_label(hashlib.sha1(body).digest())


def _sha1_label(digest: bytes) -> str:
    return "sha1:" + base64.b32encode(digest).decode("ascii")


def warc_date(moment: datetime) -> str:
    """``moment`` as a WARC 1.1 date: ISO 8601 UTC with microseconds."""
    naive = moment.astimezone(UTC).replace(tzinfo=None)
    return datetime_to_iso_date(naive, use_micros=True)


def response_record(response: Response, date: datetime) -> ArcWarcRecord:
    """A ``response`` record of ``response`` with its body as downloaded."""
    http_headers = http_response_headers(response)
    return _BUILDER.create_warc_record(
        response.url,
        "response",
        payload=BytesIO(response.body),
        length=len(response.body),
        http_headers=http_headers,
        warc_headers_dict={**_common_warc_headers(response, date), **_digests(http_headers, response.body)},
    )


def _digests(http_headers: StatusAndHeaders, body: bytes) -> dict[str, str]:
    """Block and payload digests, one hashlib call over the body each (warcio hashes 16 KB at a time)."""
    http_headers.compute_headers_buffer()  # the bytes warcio writes (and would hash) before the body
    block = hashlib.sha1(http_headers.headers_buff)
    block.update(body)
    return {"WARC-Block-Digest": _sha1_label(block.digest()), "WARC-Payload-Digest": payload_digest(body)}


def request_record(
    request: Request, response: Response, date: datetime, concurrent_to: str
) -> ArcWarcRecord:
    """A ``request`` record of what Scrapy sent, dated ``date`` and linked to ``concurrent_to``."""
    headers = _common_warc_headers(response, date)
    headers["WARC-Concurrent-To"] = concurrent_to
    return _BUILDER.create_warc_record(
        response.url,
        "request",
        payload=BytesIO(request.body),
        length=len(request.body),
        http_headers=http_request_headers(request),
        warc_headers_dict=headers,
    )


def revisit_record(
    response: Response, date: datetime, previous: Mapping[str, Any], *, not_modified: bool
) -> ArcWarcRecord:
    """A header-only ``revisit`` record pointing at the ``previous`` full capture.

    ``previous`` holds ``payload_digest``, ``url``, ``date`` and ``record_id``
    of that capture; ``not_modified`` picks the server-not-modified profile
    (a 304) over identical-payload-digest.
    """
    digest = previous["payload_digest"] if not_modified else payload_digest(response.body)
    record = _BUILDER.create_revisit_record(
        response.url,
        digest,
        previous["url"],
        _as_warc_date(previous["date"]),
        http_headers=http_response_headers(response),
        warc_headers_dict=_common_warc_headers(response, date),
    )
    if not_modified:
        record.rec_headers.replace_header("WARC-Profile", NOT_MODIFIED_PROFILE)
    if previous.get("record_id"):
        record.rec_headers.add_header("WARC-Refers-To", previous["record_id"])
    return record


def http_response_headers(response: Response) -> StatusAndHeaders:
    """Status line and headers of ``response`` under the rules above."""
    protocol = response.protocol or "HTTP/1.1"
    reason = response.headers.get(REASON_HEADER)
    phrase = reason.decode("latin-1") if reason is not None else _standard_phrase(response.status)
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


def _common_warc_headers(response: Response, date: datetime) -> dict[str, str]:
    headers = {"WARC-Date": warc_date(date)}
    if response.ip_address is not None:
        headers["WARC-IP-Address"] = str(response.ip_address)
    return headers


def _host_value(scheme: str, hostname: str, port: int | None) -> str:
    if ":" in hostname:
        hostname = f"[{hostname}]"
    if port is None or port == _DEFAULT_PORTS.get(scheme):
        return hostname
    return f"{hostname}:{port}"


def _standard_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _as_warc_date(value: datetime | str) -> str:
    return warc_date(value) if isinstance(value, datetime) else value
