"""The one capped read of a WARC payload (``storage/warc/capped.py``): decoded as warcio decodes it, in bounded pieces.

Records are written with warcio and read back with warcio's ``ArchiveIterator``.
"""

from __future__ import annotations

import gzip
import io
import sys
import tracemalloc
import zlib

import brotli
import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storage.warc.capped import CHUNK, LIMIT_ENV, payload_limit, read_capped
from storage.warc.errors import PayloadTooLarge, WarcError

if sys.version_info >= (3, 14):
    from compression import zstd
else:
    from backports import zstd

PAGE = b"<!doctype html><p>" + b"The harbour vote was delayed again. " * 4000 + b"</p>"


def chunked(data: bytes, size: int = 7000) -> bytes:
    parts = [data[i:i + size] for i in range(0, len(data), size)]
    return b"".join(b"%x\r\n" % len(part) + part + b"\r\n" for part in parts) + b"0\r\n\r\n"


def raw_deflate(data: bytes) -> bytes:
    squeeze = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return squeeze.compress(data) + squeeze.flush()


def warc(headers: list[tuple[str, str]], body: bytes) -> bytes:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True, warc_version="1.1")
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html"), *headers], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record("http://capped.test/", "response", payload=io.BytesIO(body),
                                                  length=len(body), http_headers=http))
    return out.getvalue()


def record(data: bytes):
    return next(iter(ArchiveIterator(io.BytesIO(data))))


CASES = {
    "identity": ([], PAGE),
    "gzip": ([("Content-Encoding", "gzip")], gzip.compress(PAGE)),
    "x-gzip": ([("Content-Encoding", "x-gzip")], gzip.compress(PAGE)),
    "deflate": ([("Content-Encoding", "deflate")], zlib.compress(PAGE)),
    "raw deflate": ([("Content-Encoding", "deflate")], raw_deflate(PAGE)),
    "labelled gzip, sent plain": ([("Content-Encoding", "gzip")], PAGE),
    "gzip cut short": ([("Content-Encoding", "gzip")], gzip.compress(PAGE)[:3000]),
    "chunked": ([("Transfer-Encoding", "chunked")], chunked(PAGE)),
    "chunked gzip": ([("Transfer-Encoding", "chunked"), ("Content-Encoding", "gzip")], chunked(gzip.compress(PAGE))),
    "labelled chunked, sent whole": ([("Transfer-Encoding", "chunked")], PAGE),
}

# What Scrapy 2.19 asks for besides (Accept-Encoding: gzip, deflate, br, zstd) and decodes for extraction;
# warcio leaves them encoded, so they are compared with the page itself.
SCRAPY_CASES = {
    "brotli": ([("Content-Encoding", "br")], brotli.compress(PAGE)),
    "chunked brotli": ([("Transfer-Encoding", "chunked"), ("Content-Encoding", "br")], chunked(brotli.compress(PAGE),
                                                                                                 size=100)),
    "zstd": ([("Content-Encoding", "zstd")], zstd.compress(PAGE)),
    "zstd in two frames": ([("Content-Encoding", "zstd")], zstd.compress(PAGE[:5000]) + zstd.compress(PAGE[5000:])),
    "labelled br, sent plain": ([("Content-Encoding", "br")], PAGE),
    "labelled zstd, sent plain": ([("Content-Encoding", "zstd")], PAGE),
}


@pytest.mark.parametrize("name", CASES)
def test_a_payload_decodes_as_warcio_decodes_it(name: str) -> None:
    data = warc(*CASES[name])
    assert read_capped(record(data), "the test record", limit=0) == record(data).content_stream().read()


@pytest.mark.parametrize("name", SCRAPY_CASES)
def test_brotli_and_zstd_payloads_decode_as_scrapy_decoded_them(name: str) -> None:
    assert read_capped(record(warc(*SCRAPY_CASES[name])), "the test record", limit=0) == PAGE


def test_a_brotli_payload_cut_short_keeps_what_decoded() -> None:
    wire = brotli.compress(PAGE + bytes(range(256)) * 2000, quality=1)
    read = read_capped(record(warc([("Content-Encoding", "br")], wire[:len(wire) // 2])), "the test record", limit=0)
    assert 0 < len(read) < len(PAGE) + 512000 and PAGE.startswith(read[:len(PAGE)])


def bomb(size: int) -> bytes:
    """Gzip of ``size`` zero bytes, a megabyte at a time."""
    squeeze = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    return b"".join(squeeze.compress(bytes(1 << 20)) for _ in range(size >> 20)) + squeeze.flush()


BOMBS = {"gzip": bomb, "br": lambda size: brotli.compress(bytes(size), quality=5),
         "zstd": lambda size: zstd.compress(bytes(size))}


@pytest.mark.parametrize("coding", BOMBS)
@pytest.mark.parametrize("transfer", ["whole", "one chunk"])
def test_a_bomb_is_refused_after_reading_a_piece_past_the_limit(transfer: str, coding: str) -> None:
    """256 MiB of zeros: gzipped to a quarter MB, brotli to 405 bytes; warcio inflates a whole transfer chunk in one
    call. At most the limit and a few pieces are ever held."""
    wire = BOMBS[coding](256 << 20)
    headers = [("Content-Encoding", coding)]
    if transfer == "one chunk":
        wire, headers = chunked(wire, size=len(wire)), [*headers, ("Transfer-Encoding", "chunked")]
    read = record(warc(headers, wire))
    stored = read.raw_stream.limit
    tracemalloc.start()
    try:
        with pytest.raises(PayloadTooLarge, match=f"the test record decodes to more than {1 << 20} bytes"):
            read_capped(read, "the test record", limit=1 << 20)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < (1 << 20) + len(wire) + 8 * CHUNK, peak
    assert stored - read.raw_stream.limit <= 2 * CHUNK  # of the wire's ~250 KB, a piece or two


def test_the_limit_is_the_environment_s_or_32_mib(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(LIMIT_ENV, raising=False)
    assert payload_limit() == 32 * 1024 * 1024
    monkeypatch.setenv(LIMIT_ENV, "1000")
    assert payload_limit() == 1000
    with pytest.raises(PayloadTooLarge):
        read_capped(record(warc([], PAGE)), "the test record")
    monkeypatch.setenv(LIMIT_ENV, "lots")
    with pytest.raises(WarcError, match=f"{LIMIT_ENV}='lots' is not a number of bytes"):
        payload_limit()
