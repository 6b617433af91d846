"""Copies of older WARC files that replay tools read right (``newsarchive warcs fix-replay``).

Crawls before issue 33 wrote two kinds of record that pywb and cdxj-indexer
misread. Capture records (:mod:`storage.warc.context`) were filed under the
page's URL with ``Content-Type: application/json``, so the indexers took them
for captures of the page and replay showed the JSON note instead of the
article. And a 304's ``server-not-modified`` revisit held the 304's status
line, which pywb replays as it is (an empty 304) instead of the page it
revisits. WARC files are never rewritten in place, so this module writes a
corrected copy into another folder: every record byte for byte, except those:
a capture record is written again under ``urn:newsarchive:capture:…`` with
``WARC-Refers-To`` its response (same record id, date and body), a 304 revisit
without its block (its headers stay in the original), and a request record
without the ``Proxy-Authorization`` (every ``Proxy-*``) header older crawls
through a proxy kept, so a copy or a WACZ can be shared. A copy is written
beside its final name, verified by reading it back with warcio (every record
there, in order, digests checked, none left to fix) and only then given that
name; an existing file is never overwritten, and a file that needs no fix is
replayed as it is.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.recordbuilder import RecordBuilder
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import iso_date_to_datetime
from warcio.warcwriter import WARCWriter

from storage.warc import context, records
from storage.warc.capped import read_capped
from storage.warc.errors import PayloadTooLarge, WarcUnreadable

_BUILDER = RecordBuilder(warc_version="1.1")


@dataclass(frozen=True, slots=True)
class FixedCopy:
    """One WARC file and what replay should read instead: itself when it needs no fix, else its copy."""

    source: Path
    replay: Path
    fixed: int  # records fixed in the copy (0: the file is fine as it is)
    written: bool  # False when the copy was already there (checked, not written again)


@dataclass(frozen=True, slots=True)
class _Record:
    offset: int
    length: int
    record_id: str
    replacement: bytes | None  # the record written again, or None to copy it as it is


def needs_fix(record: ArcWarcRecord, body: bytes) -> bool:
    """Whether ``record`` is one to fix: misread by replay tools, or holding proxy credentials."""
    return _misfiled_capture_record(record, body) or _blocked_304(record) or _proxy_headers(record)


def _proxy_headers(record: ArcWarcRecord) -> bool:
    """A request record holding ``Proxy-*`` headers (``Proxy-Authorization``: older crawls wrote them)."""
    return record.rec_type == "request" and bool(record.http_headers) and any(
        not records.recorded_request_header(name, keep_credentials=True) for name, _ in record.http_headers.headers)


def _misfiled_capture_record(record: ArcWarcRecord, body: bytes) -> bool:
    target = record.rec_headers.get_header("WARC-Target-URI") or ""
    content_type = record.rec_headers.get_header("Content-Type") or ""
    return (record.rec_type == "metadata" and content_type.startswith(context.CONTENT_TYPE)
            and target.startswith(("http://", "https://"))
            and _capture_context(body))


def _capture_context(body: bytes) -> bool:
    try:
        return isinstance(context.from_json(body), context.CaptureContext)
    except context.ContextError:  # a forged or damaged one: copied as it is
        return False


def _blocked_304(record: ArcWarcRecord) -> bool:
    """A server-not-modified revisit holding its 304: pywb replays that status line instead of the page."""
    return (record.rec_type == "revisit" and bool(record.http_headers)
            and record.rec_headers.get_header("WARC-Profile") == records.NOT_MODIFIED_PROFILE)


def fix_copy(source: Path, target_dir: Path) -> FixedCopy:
    """``source`` itself when replay reads it right, else its corrected, verified copy in ``target_dir``."""
    planned = list(_plan(source))
    fixed = sum(record.replacement is not None for record in planned)
    if not fixed:
        return FixedCopy(source, source, 0, written=False)
    copy = target_dir / source.name
    if copy.resolve() == source.resolve():
        raise WarcUnreadable(f"{copy}: the copy would replace the original; choose another --to folder")
    ids = [record.record_id for record in planned]
    if copy.exists():  # an earlier run's copy: checked, never overwritten
        _verify(copy, ids)
        return FixedCopy(source, copy, fixed, written=False)
    target_dir.mkdir(parents=True, exist_ok=True)
    partial = copy.with_name(copy.name + ".partial")
    try:
        _write(source, planned, partial)
        _verify(partial, ids)
        os.link(partial, copy)  # fails rather than replace a file that appeared meanwhile
    finally:
        partial.unlink(missing_ok=True)
    return FixedCopy(source, copy, fixed, written=True)


def _write(source: Path, planned: list[_Record], partial: Path) -> None:
    with source.open("rb") as stream, partial.open("wb") as out:
        for record in planned:
            if record.replacement is None:
                stream.seek(record.offset)
                out.write(stream.read(record.length))
            else:
                out.write(record.replacement)
        out.flush()
        os.fsync(out.fileno())


def located_records(stream: BinaryIO) -> Iterator[tuple[ArcWarcRecord, bytes, int, int]]:
    """Each record of a WARC stream with (the body of a metadata or request record, offset, length).

    The bodies a fix may need are read; response bodies are skipped, never held.
    """
    iterator = ArchiveIterator(stream)
    for record in iterator:
        body = _needed_body(record, iterator)
        iterator.read_to_end(record)
        yield record, body, iterator.get_record_offset(), iterator.get_record_length()


def _needed_body(record: ArcWarcRecord, iterator: ArchiveIterator) -> bytes:
    """The body of a metadata or request record (what a fix may need), up to the archive's limit; else ``b""``."""
    if record.rec_type not in ("metadata", "request"):
        return b""
    try:
        return read_capped(record, f"the record at offset {iterator.offset}")
    except PayloadTooLarge:
        return b""  # no record a fix rewrites is near the limit: copied as it is


def _plan(source: Path) -> Iterator[_Record]:
    gzipped = source.name.endswith(".gz")
    try:
        with source.open("rb") as stream:
            for record, body, offset, length in located_records(stream):
                record_id = record.rec_headers.get_header("WARC-Record-ID") or ""
                replacement = _fixed(record, body, gzipped) if needs_fix(record, body) else None
                yield _Record(offset, length, record_id, replacement)
    except Exception as error:  # warcio reports damage in many ways
        raise WarcUnreadable(f"{source}: cannot read it whole ({error}); nothing was written") from None


def fixed_bytes(record: ArcWarcRecord, body: bytes, gzipped: bool = True) -> bytes:
    """``record`` (whose ``needs_fix``) as replay tools read it right, serialised (a gzip member when ``gzipped``)."""
    return _fixed(record, body, gzipped)


def _fixed(record: ArcWarcRecord, body: bytes, gzipped: bool) -> bytes:
    if _blocked_304(record):
        return _without_block(record, gzipped)
    if _proxy_headers(record):
        return _without_proxy_headers(record, body, gzipped)
    return _renamed(record, body, gzipped)


def _without_proxy_headers(record: ArcWarcRecord, body: bytes, gzipped: bool) -> bytes:
    sent = record.http_headers
    kept = [(name, value) for name, value in sent.headers if records.recorded_request_header(name, keep_credentials=True)]
    http = StatusAndHeaders(sent.statusline, kept, protocol=sent.protocol)
    fixed = _BUILDER.create_warc_record(record.rec_headers.get_header("WARC-Target-URI"), "request",
                                        payload=BytesIO(body), length=len(body), warc_headers=_unsized(record),
                                        http_headers=http)
    return _serialised(fixed, record.rec_headers.protocol, gzipped)


def _unsized(record: ArcWarcRecord, also: tuple[str, ...] = ()) -> StatusAndHeaders:
    """``record``'s WARC headers less those that describe its block (warcio writes them again)."""
    dropped = ("content-length", "warc-block-digest", *also)
    return StatusAndHeaders("", [(k, v) for k, v in record.rec_headers.headers if k.lower() not in dropped],
                            protocol=record.rec_headers.protocol)


def _without_block(record: ArcWarcRecord, gzipped: bool) -> bytes:
    headers = _unsized(record, also=("content-type",))
    fixed = _BUILDER.create_warc_record(headers.get_header("WARC-Target-URI"), "revisit", warc_headers=headers)
    return _serialised(fixed, headers.protocol, gzipped)


def _serialised(record: ArcWarcRecord, protocol: str, gzipped: bool) -> bytes:
    out = BytesIO()
    WARCWriter(out, gzip=gzipped, warc_version=protocol.split("/")[-1]).write_record(record)
    return out.getvalue()


def _renamed(record: ArcWarcRecord, body: bytes, gzipped: bool) -> bytes:
    headers = record.rec_headers
    described = headers.get_header("WARC-Concurrent-To") or ""
    date = iso_date_to_datetime(headers.get_header("WARC-Date")).replace(tzinfo=UTC)
    fixed = records.metadata_record(context.capture_uri(described), body, date,
                                    content_type=headers.get_header("Content-Type"),
                                    concurrent_to=described, refers_to=described)
    fixed.rec_headers.replace_header("WARC-Record-ID", headers.get_header("WARC-Record-ID"))
    fixed.rec_headers.replace_header("WARC-Date", headers.get_header("WARC-Date"))
    return _serialised(fixed, headers.protocol, gzipped)


def _verify(path: Path, expected_ids: list[str]) -> None:
    found: list[str] = []
    try:
        with path.open("rb") as stream:
            iterator = ArchiveIterator(stream, check_digests="raise")
            for record in iterator:
                body = _needed_body(record, iterator)  # the iterator reads the rest, checking its digests
                if needs_fix(record, body):
                    raise WarcUnreadable(f"{path}: a record of {record.rec_headers.get_header('WARC-Target-URI')} "
                                         "is still one replay tools misread; the original is untouched")
                found.append(record.rec_headers.get_header("WARC-Record-ID") or "")
    except WarcUnreadable:
        raise
    except Exception as error:
        raise WarcUnreadable(f"{path}: the copy does not read back ({error}); the original is untouched") from None
    if found != expected_ids:
        raise WarcUnreadable(f"{path}: the copy holds {len(found)} records, the original {len(expected_ids)}; "
                             "the original is untouched")
