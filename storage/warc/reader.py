"""Stream the HTTP captures out of one WARC file, with where each record lives.

Reads WARC/1.0 and 1.1, gzip-per-record (``.warc.gz``) or uncompressed
(``.warc``), from any tool (our crawler, wget, Heritrix, Browsertrix, warcio),
and the Internet Archive's older ARC files (``.arc``, ``.arc.gz``), which warcio
reads as WARC. Yields a :class:`WarcEntry` per ``response`` or ``revisit``
record of an ``http(s)`` URL, with the capture record our crawler wrote
beside it (:mod:`storage.warc.context`) as its ``context``, and our run
records as they come; other records are skipped. A record cut short (a crawl
killed mid-write, a partial download) ends the file with a :class:`Damage`:
what came before it is still yielded. A record that is whole but unusable (a
URL on port 99999, no date, a forged run record) is a :class:`Skipped`, and
reading goes on.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import iso_date_to_datetime

from extract.urls import usable_url
from storage.warc.capped import encoded, iter_capped, payload_limit, read_capped
from storage.warc.context import (
    CONTENT_TYPE,
    MAX_SIZE_ARGUMENT,
    CaptureContext,
    Context,
    ContextError,
    RunEnd,
    RunStart,
    from_json,
)
from storage.warc.errors import PayloadTooLarge
from storage.warc.pointer import WarcPointer
from storage.warc.records import NOT_MODIFIED_PROFILE
from storage.warc.rendered import rendition_of

logger = logging.getLogger(__name__)

CAPTURE_TYPES = ("response", "revisit")


@dataclass(slots=True)
class WarcEntry:
    """One HTTP response or revisit record: headers, decoded body and location."""

    record_type: str
    url: str
    date: datetime
    status: int
    content_type: str | None
    body: bytes  # decoded payload (chunking and Content-Encoding undone); b"" when not read
    payload_digest: str | None
    pointer: WarcPointer
    etag: str | None = None
    last_modified: str | None = None
    refers_to: str | None = None  # WARC-Refers-To (record id of the revisited capture)
    refers_to_uri: str | None = None  # WARC-Refers-To-Target-URI
    context: CaptureContext | None = None  # why our crawler fetched it, when it says
    rendered: bool = False  # body is the DOM a browser rendered (storage.warc.rendered), not the payload
    # why its payload was not kept: it decodes past the limit (body b""); known of every content-encoded response,
    # its body wanted or not, as the crawl refuses such a fetch whatever it is
    too_large: str | None = None


@dataclass(frozen=True, slots=True)
class Damage:
    """A record that could not be read whole; reading stopped there."""

    path: Path
    offset: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: damaged or truncated record at offset {self.offset} ({self.reason}); records before it were read"


@dataclass(frozen=True, slots=True)
class Skipped:
    """A whole record that cannot be used (a URL on port 99999, a forged run record); reading went on."""

    path: Path
    offset: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: record at offset {self.offset} skipped ({self.reason})"


@dataclass(frozen=True, slots=True)
class LaterRendition:
    """Renditions (screenshot, layout, DOM) of a capture written apart from it, after it: a static page's new
    version rendered once more for its screenshot (:mod:`storage.versions.renditions`)."""

    about: str  # the capture's response record id
    pointer: WarcPointer  # the first of its records
    date: datetime


@dataclass(frozen=True, slots=True)
class _Rendition:
    """One of our rendition records (:mod:`storage.warc.rendered`); ``body`` only for a DOM."""

    kind: str  # "dom", "screenshot" or "layout"
    about: str  # the response's record id
    pointer: WarcPointer
    date: datetime
    body: bytes | None = None


class _Unusable(ValueError):
    """Raised for a record that is read whole but cannot be used; becomes a :class:`Skipped`."""


def read_entries(
    stream: BinaryIO, path: Path, file_ref: str, want_body: Callable[[str | None], bool] | None = None,
    limit: int | None = None,
) -> Iterator[WarcEntry | RunStart | RunEnd | LaterRendition | Damage | Skipped]:
    """Yield the captures in ``stream`` (the WARC or ARC file at ``path``) in file order, our run records, and
    the renditions of a capture written apart from it (:class:`LaterRendition`).

    ``file_ref`` is what pointers name the file by. ``want_body(content_type)``
    says whether a response's payload is needed (default: always). A payload
    is read up to ``limit`` bytes (default: the ``DOWNLOAD_MAXSIZE`` of the
    crawl that wrote the file, as its run record says, else the archive's:
    :func:`storage.warc.capped.payload_limit`); one that decodes past it is not
    kept, and its entry is ``too_large``. A content-encoded body that is not
    wanted is decoded all the same, in pieces that are dropped, to know whether
    it is ``too_large``: the crawl refused such a fetch whatever its type. A capture is yielded once the records
    after it are read, so the capture record that describes it (written right
    after its request) is attached.
    """
    held: WarcEntry | None = None
    apart: str | None = None  # the capture whose renditions, written apart from it, were last yielded
    for item in _records(stream, path, file_ref, want_body, limit):
        if isinstance(item, _Rendition):
            # in its capture's batch, which the capture record closes (storage.warc.rendered gives the order)
            if held is not None and held.pointer.record_id == item.about and held.context is None:
                if item.kind == "dom" and item.body is not None:
                    held.body, held.rendered = item.body, True
                continue
            if item.about == apart:
                continue
            apart = item.about
            item = LaterRendition(item.about, item.pointer, item.date)
        if isinstance(item, CaptureContext):
            if held is not None and held.pointer.record_id == item.record_id:
                _attach(held, item)
            continue
        if held is not None:
            yield held
            held = None
        if isinstance(item, WarcEntry):
            held = item
        else:
            yield item
    if held is not None:
        yield held


def _attach(entry: WarcEntry, described: CaptureContext) -> None:
    entry.context = described
    if described.not_modified and entry.etag is None and entry.last_modified is None:
        headers = {name.lower(): value for name, value in described.not_modified.get("headers", [])}
        entry.etag, entry.last_modified = headers.get("etag"), headers.get("last-modified")


def _records(
    stream: BinaryIO, path: Path, file_ref: str, want_body: Callable[[str | None], bool] | None, given: int | None
) -> Iterator[WarcEntry | Context | _Rendition | Damage | Skipped]:
    offset = 0
    limit = payload_limit() if given is None else given
    try:
        arc = _is_arc(stream)
        iterator = ArchiveIterator(stream, arc2warc=arc)
        for record in iterator:
            if record.format != "warc":
                yield Damage(path, offset, f"not a WARC record (read as {record.format}); is this a WARC file?")
                return
            try:
                item = _item(record, iterator, file_ref, want_body, limit, arc)
            except (_Unusable, ContextError) as unusable:
                iterator.read_to_end(record)
                item = Skipped(path, iterator.get_record_offset(), _reason(unusable))
            if record.raw_stream.limit:
                yield Damage(path, iterator.get_record_offset(), "record ends before its Content-Length")
                return
            if isinstance(item, RunStart) and given is None:  # a run record heads each of its crawl's files
                limit = run_payload_limit(item)
            if item is not None:
                yield item
            offset = iterator.offset
    except (ArchiveLoadFailed, zlib.error, EOFError, OSError, ValueError, AttributeError, TypeError) as error:
        # warcio reports a damaged gzip member or header block in many ways.
        yield Damage(path, offset, _reason(error))


def run_payload_limit(run: RunStart | None) -> int:
    """How far a payload of ``run``'s files is read: its crawl's DOWNLOAD_MAXSIZE, up to the archive's limit.

    A run record may lower the limit but never raise it past the archive's own
    (``NEWSARCHIVE_DOWNLOAD_MAXSIZE``, 0: none): a WARC from elsewhere could
    carry a forged record that would let a decompression bomb through. A crawl
    that raised its limit is read back by setting that variable as high.
    """
    ceiling = payload_limit()
    said = run.limit(MAX_SIZE_ARGUMENT) if run is not None else None
    if said is None or ceiling == 0 or 0 < said <= ceiling:
        return ceiling if said is None else said
    if run is not None and run.run_id not in _said_raised:
        _said_raised.add(run.run_id)
        logger.warning("run %s fetched bodies up to %s; read back up to %d bytes: set NEWSARCHIVE_DOWNLOAD_MAXSIZE=%s "
                       "to read them as the crawl did", run.run_id, "any size" if said == 0 else f"{said} bytes",
                       ceiling, said)
    return ceiling


_said_raised: set[str] = set()
# Our own context records (run and capture records) are read up to this, whatever the payload limit: a run
# record read with a low NEWSARCHIVE_DOWNLOAD_MAXSIZE would otherwise be lost, and its run with it.
CONTEXT_LIMIT = 16 * 1024 * 1024  # runs whose raised limit was reported once


def run_of(stream: BinaryIO, path: Path) -> RunStart | None:
    """The run record ``stream`` (the file at ``path``) begins with, after its warcinfo; ``None`` for a file of
    another tool or an older crawl (a capture, damage or the end comes first). The stream is read from its start."""
    stream.seek(0)
    for item in read_entries(stream, path, path.name, want_body=lambda _type: False):
        return item if isinstance(item, RunStart) else None
    return None


def _is_arc(stream: BinaryIO) -> bool:
    """Whether ``stream`` is an ARC file: its first record is the ``filedesc://`` header ARC files begin with.

    warcio then reads each ARC record as the WARC record it stands for. Anything
    else that is not WARC (a text file, say) stays refused as damaged.
    """
    start = stream.tell()
    try:
        first = next(iter(ArchiveIterator(stream)), None)
        return first is not None and first.format.startswith("arc") and \
            str(first.rec_headers.get_header("uri") or "").startswith("filedesc://")
    except (ArchiveLoadFailed, zlib.error, EOFError, ValueError, AttributeError, TypeError):
        return False
    finally:
        stream.seek(start)


def _item(
    record: ArcWarcRecord, iterator: ArchiveIterator, file_ref: str, want_body: Callable[[str | None], bool] | None,
    limit: int, arc: bool = False,
) -> WarcEntry | Context | _Rendition | None:
    if record.rec_type == "metadata" and (record.rec_headers.get_header("Content-Type") or "").startswith(
            CONTENT_TYPE):
        try:
            found = from_json(read_capped(record, _where(file_ref, iterator), CONTEXT_LIMIT))
        except PayloadTooLarge:
            found = None  # none of ours is near it
        iterator.read_to_end(record)
        return found
    named = rendition_of(record)
    if named is not None:
        return _rendition(record, iterator, file_ref, limit, *named)
    return _entry(record, iterator, file_ref, want_body, limit, arc)


def _rendition(record: ArcWarcRecord, iterator: ArchiveIterator, file_ref: str, limit: int, kind: str,
               about: str) -> _Rendition:
    body = None
    if kind == "dom":
        try:
            body = read_capped(record, _where(file_ref, iterator), limit)
        except PayloadTooLarge:
            pass  # past the limit, as a payload would be: the capture keeps its own body
    iterator.read_to_end(record)
    pointer = WarcPointer(file_ref, iterator.get_record_offset(), iterator.get_record_length(),
                          record.rec_headers.get_header("WARC-Record-ID") or "")
    return _Rendition(kind, about, pointer, _date(record.rec_headers.get_header("WARC-Date")), body)


def _entry(
    record: ArcWarcRecord, iterator: ArchiveIterator, file_ref: str, want_body: Callable[[str | None], bool] | None,
    limit: int, arc: bool = False,
) -> WarcEntry | None:
    headers = record.rec_headers
    url = headers.get_header("WARC-Target-URI") or ""
    bare_304 = record.rec_type == "revisit" and headers.get_header("WARC-Profile") == NOT_MODIFIED_PROFILE
    if record.rec_type not in CAPTURE_TYPES or not url.startswith(("http://", "https://")) or not (
            record.http_headers or bare_304):
        iterator.read_to_end(record)
        return None
    if not usable_url(url):
        raise _Unusable(f"WARC-Target-URI {url[:200]!r} is no usable URL")
    # a server-not-modified revisit without a block (ours since issue 33): a 304, headers in its capture record
    http = record.http_headers or StatusAndHeaders("304 Not Modified", [], protocol="HTTP/1.1")
    content_type = http.get_header("Content-Type")
    wanted = record.rec_type == "response" and (want_body is None or want_body(content_type))
    body, too_large = b"", None
    try:
        if wanted:
            body = read_capped(record, _where(file_ref, iterator), limit)
        elif record.rec_type == "response" and encoded(record):
            # Scrapy decodes every body it gets and refuses one past DOWNLOAD_MAXSIZE, whatever its type or
            # status (a non-HTML bomb on a 404): measured in pieces and dropped, so such a fetch is refused here too
            for _ in iter_capped(record, _where(file_ref, iterator), limit):
                pass
    except PayloadTooLarge as refused:
        too_large = str(refused)
    iterator.read_to_end(record)
    record_id = headers.get_header("WARC-Record-ID")
    if arc:  # an ARC record has no id: warcio makes a new one at each read, so name it by place
        record_id = f"<urn:newsarchive:arc:{Path(file_ref).name}:{iterator.get_record_offset()}>"
    return WarcEntry(
        record_type=record.rec_type,
        url=url,
        date=_date(headers.get_header("WARC-Date")),
        status=_status(http.get_statuscode()),
        content_type=content_type,
        body=body,
        payload_digest=headers.get_header("WARC-Payload-Digest"),
        pointer=WarcPointer(file_ref, iterator.get_record_offset(), iterator.get_record_length(), record_id),
        etag=http.get_header("ETag"),
        last_modified=http.get_header("Last-Modified"),
        refers_to=headers.get_header("WARC-Refers-To"),
        refers_to_uri=headers.get_header("WARC-Refers-To-Target-URI"),
        too_large=too_large,
    )


def _where(file_ref: str, iterator: ArchiveIterator) -> str:
    return f"the WARC record at offset {iterator.offset} of {file_ref}"


def _date(value: str | None) -> datetime:
    if not value:
        raise _Unusable("record has no WARC-Date")
    try:
        return iso_date_to_datetime(value).replace(tzinfo=UTC)
    except ValueError:
        raise _Unusable(f"WARC-Date {value[:40]!r} is no date") from None


def _status(code: str | None) -> int:
    try:
        return int(code or 0)
    except ValueError:
        return 0


def _reason(error: BaseException) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text[:200]
