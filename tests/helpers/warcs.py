"""Reading back what the WARC writer wrote, with warcio."""

from __future__ import annotations

import gzip
import zlib
from dataclasses import dataclass
from pathlib import Path

import brotli
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders


@dataclass
class Stored:
    """One record as read back: its WARC headers, HTTP headers and raw payload."""

    offset: int
    length: int
    warc: StatusAndHeaders
    http: StatusAndHeaders | None
    payload: bytes

    @property
    def type(self) -> str:
        return self.warc.get_header("WARC-Type")

    def http_values(self, name: str) -> list[str]:
        assert self.http is not None
        return [value for key, value in self.http.headers if key.lower() == name.lower()]


def read_file(path: Path) -> list[Stored]:
    """Every record of ``path`` with its offset and stored length."""
    stored = []
    with path.open("rb") as handle:
        records = ArchiveIterator(handle)
        for record in records:
            payload = record.raw_stream.read()
            records.read_to_end(record)
            stored.append(
                Stored(records.get_record_offset(), records.get_record_length(), record.rec_headers, record.http_headers, payload)
            )
    return stored


def record_at(path: Path, offset: int) -> Stored:
    """The single record at ``offset`` of ``path``, reading from there only."""
    with path.open("rb") as handle:
        handle.seek(offset)
        record = next(iter(ArchiveIterator(handle)))
        return Stored(offset, -1, record.rec_headers, record.http_headers, record.raw_stream.read())


def decode_strictly(body: bytes, encodings: list[str]) -> bytes:
    """Undo each Content-Encoding in reverse order; raise if any does not fit exactly."""
    for coding in reversed([c.strip().lower() for value in encodings for c in value.split(",") if c.strip()]):
        if coding in ("gzip", "x-gzip"):
            inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
            decoded = inflater.decompress(body) + inflater.flush()
            if not inflater.eof or inflater.unused_data:
                raise ValueError("gzip stream incomplete or followed by junk")
            assert decoded == gzip.decompress(body)
            body = decoded
        elif coding == "deflate":
            body = zlib.decompress(body)
        elif coding == "br":
            body = brotli.decompress(body)
        elif coding != "identity":
            raise ValueError(f"unknown content coding {coding}")
    return body


def write_old_form(source: Path, target: Path) -> int:
    """Copy the WARC ``source`` to ``target`` as crawls before issue 33 wrote it; return the records rewritten.

    Those crawls filed each capture record (``urn:newsarchive:capture:…``
    now) under the URL of the response it describes, with only
    ``WARC-Concurrent-To`` linking them; everything else is copied as it is.
    """
    from warcio.warcwriter import WARCWriter

    urls: dict[str, str] = {}
    rewritten = 0
    with source.open("rb") as stream, target.open("wb") as out:
        writer = WARCWriter(out, gzip=source.name.endswith(".gz"), warc_version="1.1")
        for record in ArchiveIterator(stream):
            headers = record.rec_headers
            urls[headers.get_header("WARC-Record-ID")] = headers.get_header("WARC-Target-URI")
            if record.rec_type == "metadata" and headers.get_header("WARC-Target-URI").startswith(
                    "urn:newsarchive:capture:"):
                headers.replace_header("WARC-Target-URI", urls[headers.get_header("WARC-Concurrent-To")])
                headers.remove_header("WARC-Refers-To")
                rewritten += 1
            writer.write_record(record)
    return rewritten
