"""The one rule for reading a payload back out of a WARC: decoded in bounded pieces, never past the crawl's limit.

A response's HTTP body sits in a WARC as it came over the wire, so a few KB
of gzip can decode to gigabytes. The crawl refuses a body that decodes to
more than ``DOWNLOAD_MAXSIZE`` bytes (Scrapy stops inflating there), and every
reader of an archived payload (ingest and reindex, ``show --raw``,
``reextract``, ``warcs fix-replay``, the reading room's ``/capture/ID/raw``)
stops at the same limit: it decodes at most one piece past it, then raises
:class:`PayloadTooLarge`. So reindex reaches the crawl's verdict on a body
the crawl refused, and no reader holds more than the limit.

The payload is de-chunked and inflated here, in pieces of at most ``CHUNK``
bytes, as warcio's ``content_stream`` would decode it (``gzip``/``x-gzip``
and ``deflate``; a body that does not inflate from its first bytes is taken
as it is), but not with it: warcio inflates a whole transfer chunk, or 16 KB
of gzip (16 MB of output), in one call.

The limit is ``NEWSARCHIVE_DOWNLOAD_MAXSIZE`` (bytes; 0 lifts it) when set,
else 32 MiB; it is also the crawl's default ``DOWNLOAD_MAXSIZE``
(:mod:`crawler.settings`). Nothing here imports warcio: the crawl's settings
read the limit from this module.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

from storage.warc.errors import PayloadTooLarge, WarcError

LIMIT_ENV = "NEWSARCHIVE_DOWNLOAD_MAXSIZE"
DEFAULT_LIMIT = 32 * 1024 * 1024
CHUNK = 64 * 1024


def payload_limit() -> int:
    """The largest decoded payload the archive reads or fetches, in bytes (0: no limit)."""
    value = os.environ.get(LIMIT_ENV, "").strip()
    if not value:
        return DEFAULT_LIMIT
    try:
        limit = int(value)
    except ValueError:
        raise WarcError(f"{LIMIT_ENV}={value[:40]!r} is not a number of bytes: set it to one, "
                              "or unset it for the default of 32 MiB") from None
    return max(limit, 0)


def iter_capped(record: Any, where: str, limit: int | None = None) -> Iterator[bytes]:
    """The decoded payload of the warcio ``record``, piece by piece; :class:`PayloadTooLarge` once it passes ``limit``.

    ``where`` names the record in the error (file and offset). ``limit``
    defaults to :func:`payload_limit`.
    """
    limit = payload_limit() if limit is None else limit
    size = 0
    for piece in _decoded(record):
        size += len(piece)
        if limit and size > limit:
            raise PayloadTooLarge(f"the payload of {where} decodes to more than {limit} bytes, the archive's limit "
                                  f"(the crawl's DOWNLOAD_MAXSIZE; {LIMIT_ENV} changes it)")
        if piece:
            yield piece


def read_capped(record: Any, where: str, limit: int | None = None) -> bytes:
    """The whole decoded payload of ``record``, read as :func:`iter_capped` reads it."""
    return b"".join(iter_capped(record, where, limit))


def _decoded(record: Any) -> Iterator[bytes]:
    raw: BinaryIO = record.raw_stream
    http = record.http_headers
    if http is None:
        return _blocks(raw)
    chunked = (http.get_header("Transfer-Encoding") or "").strip().lower() == "chunked"
    body = _dechunked(raw) if chunked else _blocks(raw)
    coding = (http.get_header("Content-Encoding") or "").strip().lower()
    coding = "gzip" if coding == "x-gzip" else coding
    return _inflated(body, coding) if coding in _WBITS else body


def _blocks(raw: BinaryIO) -> Iterator[bytes]:
    while block := raw.read(CHUNK):
        yield block


def _dechunked(raw: BinaryIO) -> Iterator[bytes]:
    """HTTP chunked transfer coding undone as it streams; from a line that is no chunk size, the rest as it is.

    warcio reads a body whose chunking breaks the same way.
    """
    while True:
        line = raw.readline(64)
        size = _chunk_size(line)
        if size is None:
            yield line
            yield from _blocks(raw)
            return
        if size == 0:
            return
        while size:
            data = raw.read(min(CHUNK, size))
            if not data:
                return  # cut short
            size -= len(data)
            yield data
        raw.read(2)  # the chunk's CRLF


def _chunk_size(line: bytes) -> int | None:
    if not line.endswith(b"\r\n"):
        return None
    try:
        return int(line[:-2].split(b";")[0], 16)
    except ValueError:
        return None


_WBITS = {"gzip": [zlib.MAX_WBITS | 16], "deflate": [zlib.MAX_WBITS, -zlib.MAX_WBITS]}  # deflate: zlib, else raw


def _inflated(body: Iterable[bytes], coding: str) -> Iterator[bytes]:
    """``body`` inflated, never more than CHUNK bytes per call; as it is when its first bytes do not inflate."""
    blocks = iter(body)
    first = next(blocks, b"")
    for wbits in _WBITS[coding]:
        inflater = zlib.decompressobj(wbits)
        try:
            head = inflater.decompress(first, CHUNK)
        except zlib.error:
            continue
        yield head
        yield from _rest(inflater, blocks)
        return
    yield first
    yield from blocks


def _rest(inflater: Any, blocks: Iterator[bytes]) -> Iterator[bytes]:
    try:
        while True:
            while inflater.unconsumed_tail and not inflater.eof:
                yield inflater.decompress(inflater.unconsumed_tail, CHUNK)
            data = next(blocks, None)
            if data is None or inflater.eof:
                return
            yield inflater.decompress(data, CHUNK)
    except zlib.error:
        return  # damaged after it began: what inflated is kept (warcio stops there too)
