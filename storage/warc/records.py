"""Build WARC ``request``, ``response`` and ``revisit`` records from plain HTTP values.

Callers hand in the URL, the HTTP status line and headers (warcio's
``StatusAndHeaders``), the body as transferred and the fetch time; nothing
here knows who fetched it. The record rules:

* **Body as transferred**, still Content-Encoded, so the recorded
  ``Content-Encoding`` decodes it. Transfer codings are undone (a de-chunked
  body ends where the record ends); where the wire value is known it is kept as
  ``X-Orig-Transfer-Encoding`` and ``Transfer-Encoding`` itself never appears.
* **Status line** ``HTTP/x.y CODE REASON`` with the reason phrase the server
  sent, else the standard phrase for the code, else none; a phrase that is
  not ASCII (``Não``, legal obs-text) is %-encoded byte for byte
  (:func:`ascii_phrase`); **repeated headers** keep every value, one line
  each; values that are not ASCII are %-encoded by warcio (RFC 8187) when the
  record is written.
* A response and its request share one ``WARC-Date``; the request names the
  response in ``WARC-Concurrent-To``. ``WARC-IP-Address`` is the peer's
  address when known. Block and payload digests are computed here, one
  hashlib call each.
* A **request** record holds no proxy credentials: ``Proxy-*`` headers (sent
  to a proxy, never to the origin) are left out, and ``Authorization`` and
  ``Cookie`` too unless the caller keeps them (:func:`recorded_request_header`).
  Through a proxy, ``WARC-IP-Address`` is left out: the peer was the proxy,
  not the target URI's host.
* A **metadata** record carries what the archive knows about a fetch beyond
  its bytes (:mod:`storage.warc.context`), named by a ``urn:`` of its own and
  ``WARC-Refers-To`` / ``WARC-Concurrent-To`` its response.
* A **revisit** names the record it revisits (``WARC-Refers-To``, its URI and
  date). ``identical-payload-digest`` (a 200 with the same payload) keeps the
  HTTP headers and says ``WARC-Truncated: length``, as WARC 1.1 asks of an
  identical-digest truncation. ``server-not-modified`` (a 304) has no record
  block (WARC 1.1 allows a Content-Length of zero): pywb replays a revisit's
  own 3xx status line as it is, so a 304 block made the page's latest capture
  replay as an empty 304; without one, replay tools serve the revisited
  response. The 304's own status and headers go in the capture record
  (:mod:`storage.warc.context`).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime
from http import HTTPStatus
from io import BytesIO
from typing import Any
from urllib.parse import quote

from warcio.recordbuilder import RecordBuilder
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date

ORIG_TRANSFER_ENCODING = b"X-Orig-Transfer-Encoding"
NOT_MODIFIED_PROFILE = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
IDENTICAL_PAYLOAD_PROFILE = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"

_BUILDER = RecordBuilder(warc_version="1.1")
CREDENTIAL_HEADERS = frozenset({"authorization", "cookie"})


def recorded_request_header(name: str, keep_credentials: bool = False) -> bool:
    """Whether a request header ``name`` goes into the request record (see the rules above)."""
    lowered = name.lower()
    if lowered.startswith("proxy-"):
        return False
    return keep_credentials or lowered not in CREDENTIAL_HEADERS


def payload_digest(body: bytes) -> str:
    """The WARC payload digest of ``body``: ``sha1:`` and the base32 SHA-1."""
    return _sha1_label(hashlib.sha1(body).digest())


def _sha1_label(digest: bytes) -> str:
    return "sha1:" + base64.b32encode(digest).decode("ascii")


def warc_date(moment: datetime) -> str:
    """``moment`` as a WARC 1.1 date: ISO 8601 UTC with microseconds."""
    naive = moment.astimezone(UTC).replace(tzinfo=None)
    return datetime_to_iso_date(naive, use_micros=True)


def standard_phrase(status: int) -> str:
    """The standard reason phrase of an HTTP status code, or ``""`` for a code without one."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


# Printable ASCII but "%": kept as it is in a phrase that needs escaping, so the escape reads back exactly.
_PHRASE_SAFE = "".join(chr(code) for code in range(0x20, 0x7F) if chr(code) != "%") + "\t"


def ascii_phrase(phrase_bytes: bytes) -> str:
    """A reason phrase as the status line can hold it: as sent when ASCII, else every other byte %-encoded.

    warcio %-encodes non-ASCII header values but writes the status line as it
    is, and a non-ASCII one made the whole record fail to write.
    """
    if phrase_bytes.isascii():
        return phrase_bytes.decode("ascii")
    return quote(phrase_bytes, safe=_PHRASE_SAFE)


def response_record(url: str, http_headers: StatusAndHeaders, body: bytes, date: datetime,
                    ip: str | None = None) -> ArcWarcRecord:
    """A ``response`` record of ``body`` as downloaded, under ``http_headers``."""
    return _BUILDER.create_warc_record(
        url,
        "response",
        payload=BytesIO(body),
        length=len(body),
        http_headers=http_headers,
        warc_headers_dict={**_common_headers(date, ip), **_digests(http_headers, body)},
    )


def _digests(http_headers: StatusAndHeaders, body: bytes) -> dict[str, str]:
    """Block and payload digests, one hashlib call over the body each (warcio hashes 16 KB at a time)."""
    http_headers.compute_headers_buffer()  # the bytes warcio writes (and would hash) before the body
    block = hashlib.sha1(http_headers.headers_buff)
    block.update(body)
    return {"WARC-Block-Digest": _sha1_label(block.digest()), "WARC-Payload-Digest": payload_digest(body)}


def request_record(url: str, http_headers: StatusAndHeaders, body: bytes, date: datetime, concurrent_to: str,
                   ip: str | None = None) -> ArcWarcRecord:
    """A ``request`` record of what was sent, dated ``date`` and linked to ``concurrent_to``."""
    headers = _common_headers(date, ip)
    headers["WARC-Concurrent-To"] = concurrent_to
    return _BUILDER.create_warc_record(
        url, "request", payload=BytesIO(body), length=len(body), http_headers=http_headers, warc_headers_dict=headers,
    )


def revisit_record(url: str, http_headers: StatusAndHeaders, body: bytes, date: datetime,
                   previous: Mapping[str, Any], *, not_modified: bool, ip: str | None = None) -> ArcWarcRecord:
    """A ``revisit`` record pointing at the ``previous`` full capture, without its payload.

    ``previous`` holds ``payload_digest``, ``url``, ``date`` and ``record_id``
    of that capture; ``not_modified`` picks the server-not-modified profile
    (a 304, written without a block: ``http_headers`` are not recorded) over
    identical-payload-digest (``http_headers`` kept, the payload truncated).
    """
    digest = previous.get("payload_digest") if not_modified else payload_digest(body)
    # Built by hand, not with warcio's create_revisit_record: a capture read from an
    # ARC file has no payload digest, and a 304 of it still is a revisit (WARC 1.1
    # asks for WARC-Payload-Digest only in the identical-payload-digest profile).
    record = _BUILDER.create_warc_record(url, "revisit", http_headers=None if not_modified else http_headers,
                                         warc_headers_dict=_common_headers(date, ip))
    record.rec_headers.add_header("WARC-Profile", NOT_MODIFIED_PROFILE if not_modified else IDENTICAL_PAYLOAD_PROFILE)
    record.rec_headers.add_header("WARC-Refers-To-Target-URI", previous["url"])
    record.rec_headers.add_header("WARC-Refers-To-Date", _as_warc_date(previous["date"]))
    if digest:
        record.rec_headers.add_header("WARC-Payload-Digest", digest)
    if not not_modified:
        record.rec_headers.add_header("WARC-Truncated", "length")
    if previous.get("record_id"):
        record.rec_headers.add_header("WARC-Refers-To", previous["record_id"])
    return record


def metadata_record(target_uri: str, body: bytes, date: datetime, *, content_type: str,
                    concurrent_to: str | None = None, refers_to: str | None = None) -> ArcWarcRecord:
    """A ``metadata`` record named ``target_uri``, about the record ``refers_to`` / ``concurrent_to`` when given."""
    headers = {"WARC-Date": warc_date(date)}
    if concurrent_to is not None:
        headers["WARC-Concurrent-To"] = concurrent_to
    if refers_to is not None:
        headers["WARC-Refers-To"] = refers_to
    return _BUILDER.create_warc_record(target_uri, "metadata", payload=BytesIO(body), length=len(body),
                                       warc_content_type=content_type, warc_headers_dict=headers)


def _common_headers(date: datetime, ip: str | None) -> dict[str, str]:
    headers = {"WARC-Date": warc_date(date)}
    if ip is not None:
        headers["WARC-IP-Address"] = ip
    return headers


def _as_warc_date(value: datetime | str) -> str:
    return warc_date(value) if isinstance(value, datetime) else value


def resource_record(target_uri: str, body: bytes, date: datetime, *, content_type: str,
                    concurrent_to: str | None = None) -> ArcWarcRecord:
    """A ``resource`` record of ``body`` named ``target_uri`` (a ``urn:``), made beside the record ``concurrent_to``.

    A browser capture's rendered DOM and screenshot (:mod:`storage.warc.rendered`): the
    record links to its response both ways WARC 1.1 offers (``WARC-Concurrent-To``
    and ``WARC-Refers-To``), as Browsertrix links its ``urn:view:`` screenshots.
    """
    headers = {"WARC-Date": warc_date(date), "WARC-Payload-Digest": payload_digest(body)}
    if concurrent_to is not None:
        headers["WARC-Concurrent-To"] = concurrent_to
        headers["WARC-Refers-To"] = concurrent_to
    return _BUILDER.create_warc_record(target_uri, "resource", payload=BytesIO(body), length=len(body),
                                       warc_content_type=content_type, warc_headers_dict=headers)
