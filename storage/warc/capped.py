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
and ``deflate``), and ``br`` and ``zstd`` as Scrapy decodes them for the
crawl (warcio leaves them); a body that does not decode from its first bytes
is taken as it is. Not with warcio: it inflates a whole transfer chunk, or
16 KB of gzip (16 MB of output), in one call.

The limit of a file our crawler wrote is the ``DOWNLOAD_MAXSIZE`` its run
record names (:func:`storage.warc.reader.run_payload_limit`); for other files
(other tools, older crawls) it is ``NEWSARCHIVE_DOWNLOAD_MAXSIZE`` (bytes; 0
lifts it) when set, else 32 MiB, which is also the crawl's default
``DOWNLOAD_MAXSIZE`` (:mod:`crawler.settings`). Nothing here imports warcio:
the crawl's settings read the limit from this module.
"""

from __future__ import annotations

import os
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator
from typing import Any, BinaryIO

import brotli

if sys.version_info >= (3, 14):
    from compression import zstd
else:
    from backports import zstd

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
            raise PayloadTooLarge(f"the payload of {where} decodes to more than {limit} bytes, the limit of the "
                                  f"crawl that wrote it (its DOWNLOAD_MAXSIZE; {LIMIT_ENV} for files that do not "
                                  "say)")
        if piece:
            yield piece


def read_capped(record: Any, where: str, limit: int | None = None) -> bytes:
    """The whole decoded payload of ``record``, read as :func:`iter_capped` reads it."""
    return b"".join(iter_capped(record, where, limit))


def encoded(record: Any) -> bool:
    """Whether the body of ``record`` has a content coding decoded here: one that may decode far past its size."""
    http = record.http_headers
    return http is not None and _coding(http) in _DECODERS


def _coding(http: Any) -> str:
    coding = (http.get_header("Content-Encoding") or "").strip().lower()
    return "gzip" if coding == "x-gzip" else coding


def _decoded(record: Any) -> Iterator[bytes]:
    raw: BinaryIO = record.raw_stream
    http = record.http_headers
    if http is None:
        return _blocks(raw)
    chunked = (http.get_header("Transfer-Encoding") or "").strip().lower() == "chunked"
    body = _dechunked(raw) if chunked else _blocks(raw)
    coding = _coding(http)
    return _decoded_by(body, coding) if coding in _DECODERS else body


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


class _Decoder:
    """One content coding undone in steps of at most CHUNK bytes of output (the engine's own bound per call)."""

    errors: tuple[type[BaseException], ...] = ()

    def feed(self, data: bytes) -> bytes:
        raise NotImplementedError

    def more(self) -> bytes | None:
        """Output still held from input already fed, CHUNK bytes at most; ``None`` when it needs input."""
        raise NotImplementedError

    @property
    def done(self) -> bool:
        raise NotImplementedError


class _Inflate(_Decoder):
    errors = (zlib.error,)

    def __init__(self, wbits: int) -> None:
        self.engine = zlib.decompressobj(wbits)

    def feed(self, data: bytes) -> bytes:
        return self.engine.decompress(data, CHUNK)

    def more(self) -> bytes | None:
        tail = self.engine.unconsumed_tail
        return self.engine.decompress(tail, CHUNK) if tail and not self.engine.eof else None

    @property
    def done(self) -> bool:
        return self.engine.eof


class _Brotli(_Decoder):
    errors = (brotli.error,)

    def __init__(self) -> None:
        self.engine = brotli.Decompressor()

    def feed(self, data: bytes) -> bytes:
        return self.engine.process(data, output_buffer_limit=CHUNK)

    def more(self) -> bytes | None:
        # can_accept_more_data() says nothing of output still held: ask until none comes, as Scrapy does
        if self.engine.is_finished():
            return None
        return self.engine.process(b"", output_buffer_limit=CHUNK) or None

    @property
    def done(self) -> bool:
        return self.engine.is_finished()


class _Zstd(_Decoder):
    """zstd, frame after frame, as Scrapy reads it; bytes after a frame that are none end the body."""

    errors = (zstd.ZstdError, EOFError)

    def __init__(self) -> None:
        self.engine = zstd.ZstdDecompressor()

    def feed(self, data: bytes) -> bytes:
        if self.engine.eof:  # the next frame
            data, self.engine = self.engine.unused_data + data, zstd.ZstdDecompressor()
        return self.engine.decompress(data, CHUNK)

    def more(self) -> bytes | None:
        if self.engine.eof:
            return self.feed(b"") if self.engine.unused_data else None
        return None if self.engine.needs_input else self.engine.decompress(b"", CHUNK)

    @property
    def done(self) -> bool:
        return False


# Each coding's decoders, tried in turn on the body's first bytes (deflate: zlib-wrapped, else raw), as
# warcio and Scrapy try them. Scrapy decodes br and zstd for extraction; a server may send them unasked.
_DECODERS: dict[str, list[Callable[[], _Decoder]]] = {
    "gzip": [lambda: _Inflate(zlib.MAX_WBITS | 16)],
    "deflate": [lambda: _Inflate(zlib.MAX_WBITS), lambda: _Inflate(-zlib.MAX_WBITS)],
    "br": [_Brotli],
    "zstd": [_Zstd],
}


def _decoded_by(body: Iterable[bytes], coding: str) -> Iterator[bytes]:
    """``body`` decoded, never more than CHUNK bytes per call; as it is when its first bytes do not decode."""
    blocks = iter(body)
    first = next(blocks, b"")
    for make in _DECODERS[coding]:
        decoder = make()
        try:
            head = decoder.feed(first)
        except decoder.errors:
            continue
        yield head
        yield from _rest(decoder, blocks)
        return
    yield first
    yield from blocks


def _rest(decoder: _Decoder, blocks: Iterator[bytes]) -> Iterator[bytes]:
    try:
        while True:
            while (piece := decoder.more()) is not None:
                yield piece
            data = next(blocks, None)
            if data is None or decoder.done:
                return
            yield decoder.feed(data)
    except decoder.errors:
        return  # damaged after it began: what decoded is kept (warcio stops there too)
