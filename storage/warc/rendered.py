"""A page rendered by a browser, as WARC records: every exchange the browser made, its DOM and its screenshot.

A rendered capture is written as one batch, in this order:

1. the page's own response and request (the navigation: the record the capture points at),
2. a ``resource`` record of the rendered DOM (``urn:newsarchive:dom:URL``, ``text/html``),
3. a ``resource`` record of the screenshot (``urn:newsarchive:screenshot:URL``, ``image/jpeg``),
   when one was taken, and one of where each block of text stood on it
   (``urn:newsarchive:layout:URL``, JSON: the shot's ``width`` and ``height``
   and ``blocks`` of ``text``, ``x``, ``y``, ``w``, ``h`` in pixels), from which
   the diff page marks the changed regions,
4. the capture's own ``metadata`` record (:mod:`storage.warc.context`),
5. a response and request pair for every other exchange the browser made
   (scripts, styles, the API calls that carried the text, images within a size
   bound), so that pywb and ReplayWeb.page replay the page as it rendered.

The DOM and screenshot records name the page's response in
``WARC-Concurrent-To`` and ``WARC-Refers-To``; their ``urn:`` target URIs
never match an ``http(s)`` lookup in a replay index. Reading back
(:func:`renditions_after`) needs no index: the records follow the response in
the same file.

Bodies are as the browser received them, after ``Content-Encoding`` was undone
(Playwright hands over decoded bodies); so the recorded headers say
``X-Orig-Content-Encoding`` (and ``X-Orig-Content-Length``) instead, and
``Content-Length`` is the recorded body's, which is what replay tools need to
serve the body as it is. Transfer codings follow :mod:`storage.warc.records`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders

from storage.warc import records

DOM_URI = "urn:newsarchive:dom:"
SCREENSHOT_URI = "urn:newsarchive:screenshot:"
LAYOUT_URI = "urn:newsarchive:layout:"
LAYOUT_TYPE = "application/json"
DOM_TYPE = "text/html; charset=utf-8"
SCREENSHOT_TYPE = "image/jpeg"
_REPLACED = {"content-encoding": "X-Orig-Content-Encoding", "content-length": "X-Orig-Content-Length",
             "transfer-encoding": records.ORIG_TRANSFER_ENCODING.decode()}


@dataclass(slots=True)
class Exchange:
    """One request the browser made and the response it got, as plain values."""

    url: str
    method: str
    request_headers: list[tuple[str, str]]
    request_body: bytes
    status: int
    reason: str
    response_headers: list[tuple[str, str]]
    body: bytes  # as the browser received it, Content-Encoding undone; b"" when not kept (redirect, too big)
    date: datetime
    ip: str | None = None
    truncated: bool = False  # the body was over the size bound and left out


@dataclass(slots=True)
class BrowserCapture:
    """What rendering one page produced: its navigation, the other exchanges, its DOM and screenshot."""

    document: Exchange
    others: list[Exchange] = field(default_factory=list)
    dom: str = ""
    screenshot: bytes | None = None
    layout: dict | None = None  # the screenshot's size and where each text block stood on it
    render_ms: float = 0.0


@dataclass(frozen=True, slots=True)
class Renditions:
    """The rendered DOM, the screenshot and its layout recorded with a capture, as read back from its WARC file."""

    dom: str | None = None
    screenshot: bytes | None = None
    layout: dict | None = None


def response_headers(exchange: Exchange) -> StatusAndHeaders:
    lines = [(_REPLACED.get(name.lower(), name), value) for name, value in exchange.response_headers]
    if not exchange.truncated:
        lines.append(("Content-Length", str(len(exchange.body))))
    statusline = f"{exchange.status} {exchange.reason or records.standard_phrase(exchange.status)}".rstrip()
    return StatusAndHeaders(statusline, lines, protocol="HTTP/1.1")


def request_headers(exchange: Exchange, keep_credentials: bool) -> StatusAndHeaders:
    lines = [(name, value) for name, value in exchange.request_headers
             if not name.startswith(":") and records.recorded_request_header(name, keep_credentials)]
    return StatusAndHeaders(f"{exchange.method} {_target(exchange.url)} HTTP/1.1", lines, is_http_request=True)


def _target(url: str) -> str:
    rest = url.split("://", 1)[-1]
    path = rest[rest.find("/"):] if "/" in rest else "/"
    return path.split("#", 1)[0]


def exchange_records(exchange: Exchange, keep_credentials: bool = False) -> list[ArcWarcRecord]:
    """The ``response`` record of ``exchange`` and its ``request`` record, in that order."""
    response = records.response_record(exchange.url, response_headers(exchange), exchange.body, exchange.date,
                                       exchange.ip)
    if exchange.truncated:
        response.rec_headers.add_header("WARC-Truncated", "length")
    record_id = response.rec_headers.get_header("WARC-Record-ID")
    sent = records.request_record(exchange.url, request_headers(exchange, keep_credentials), exchange.request_body,
                                  exchange.date, record_id, exchange.ip)
    return [response, sent]


def rendition_records(capture: BrowserCapture, about: str, date: datetime) -> list[ArcWarcRecord]:
    """The DOM and screenshot ``resource`` records of ``capture``, linked to its response ``about``."""
    url = capture.document.url
    made = [records.resource_record(DOM_URI + url, capture.dom.encode("utf-8"), date, content_type=DOM_TYPE,
                                    concurrent_to=about)]
    if capture.screenshot:
        made.append(records.resource_record(SCREENSHOT_URI + url, capture.screenshot, date,
                                            content_type=SCREENSHOT_TYPE, concurrent_to=about))
        if capture.layout is not None:
            made.append(records.resource_record(LAYOUT_URI + url, json.dumps(capture.layout).encode(), date,
                                                content_type=LAYOUT_TYPE, concurrent_to=about))
    return made


def rendition_of(record: ArcWarcRecord) -> tuple[str, str] | None:
    """``(kind, response record id)`` of one of our DOM or screenshot records; None for any other record."""
    if record.rec_type != "resource":
        return None
    target = record.rec_headers.get_header("WARC-Target-URI") or ""
    about = record.rec_headers.get_header("WARC-Concurrent-To")
    for kind, prefix in (("dom", DOM_URI), ("screenshot", SCREENSHOT_URI), ("layout", LAYOUT_URI)):
        if target.startswith(prefix) and about:
            return kind, about
    return None


# A rendered batch holds the response, its request, three renditions and the capture record before other exchanges.
_LOOK_AHEAD = 7


def renditions_after(path: Path, offset: int, record_id: str) -> Renditions:
    """The DOM and screenshot recorded for the response ``record_id`` at ``offset`` in ``path`` (None each if none)."""
    found: dict[str, bytes] = {}
    with path.open("rb") as stream:
        stream.seek(offset)
        for index, record in enumerate(ArchiveIterator(stream)):
            if index >= _LOOK_AHEAD:
                break
            named = rendition_of(record)
            if named is not None and named[1] == record_id:
                found[named[0]] = record.content_stream().read()
    dom, layout = found.get("dom"), found.get("layout")
    return Renditions(dom.decode("utf-8", "replace") if dom is not None else None, found.get("screenshot"),
                      _layout(layout))


def _layout(body: bytes | None) -> dict | None:
    if body is None:
        return None
    try:
        layout = json.loads(body)
    except ValueError:
        return None
    return layout if isinstance(layout, dict) and isinstance(layout.get("blocks"), list) else None
