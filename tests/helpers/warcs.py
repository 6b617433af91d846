"""Reading back what the WARC writer wrote, with warcio; and writing ARC files, which warcio cannot."""

from __future__ import annotations

import gzip
import json
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


def write_arc(path: Path, captures: list[tuple[str, str, bytes]], *, compress: bool = False) -> Path:
    """An ARC v1 file at ``path`` of ``(url, 14-digit date, HTTP response bytes)`` captures, byte by byte.

    A ``filedesc://`` header record, then a URL line and the response per capture;
    ``compress`` gzips each record on its own, as ``.arc.gz`` files are.
    """
    header_body = b"1 0 newsarchive test\nURL IP-address Archive-date Content-type Archive-length\n"
    records = [b"filedesc://" + path.name.encode() + b" 0.0.0.0 20140216050221 text/plain "
               + str(len(header_body)).encode() + b"\n" + header_body]
    for url, date, payload in captures:
        records.append(f"{url} 192.0.2.7 {date} text/html {len(payload)}\n".encode() + payload)
    data = [record + b"\n" for record in records]
    path.write_bytes(b"".join(gzip.compress(record) for record in data) if compress else b"".join(data))
    return path


def write_old_form(source: Path, target: Path, proxy_authorization: str | None = None) -> int:
    """Copy the WARC ``source`` to ``target`` as crawls before issue 33 wrote it; return the records rewritten.

    Those crawls filed each capture record (``urn:newsarchive:capture:…``
    now) under the URL of the response it describes, with only
    ``WARC-Concurrent-To`` linking them, and wrote a 304's status line and
    headers in its revisit record (now in the capture record's
    ``not_modified``), and a crawl through a proxy kept its
    ``proxy_authorization`` in every request record; everything else is
    copied as it is.
    """
    from io import BytesIO

    from warcio.recordbuilder import RecordBuilder
    from warcio.warcwriter import WARCWriter

    with source.open("rb") as stream:
        loaded = [(record.rec_type, record.rec_headers, record.http_headers, record.raw_stream.read())
                  for record in ArchiveIterator(stream)]
    urls = {headers.get_header("WARC-Record-ID"): headers.get_header("WARC-Target-URI") for _, headers, _, _ in loaded}
    contexts = {json.loads(body)["record_id"]: json.loads(body) for kind, headers, _, body in loaded
                if kind == "metadata" and headers.get_header("WARC-Target-URI").startswith("urn:newsarchive:capture:")}
    builder = RecordBuilder(warc_version="1.1")
    rewritten = 0
    with target.open("wb") as out:
        writer = WARCWriter(out, gzip=source.name.endswith(".gz"), warc_version="1.1")
        for kind, headers, http, body in loaded:
            record_id = headers.get_header("WARC-Record-ID")
            described = contexts.get(record_id, {}).get("not_modified")
            if kind == "metadata" and \
                    headers.get_header("WARC-Target-URI").startswith("urn:newsarchive:capture:"):
                data = json.loads(body)
                data.pop("not_modified", None)
                body = json.dumps(data, ensure_ascii=False).encode("utf-8")
                headers.replace_header("WARC-Target-URI", urls[headers.get_header("WARC-Concurrent-To")])
                headers.remove_header("WARC-Refers-To")
                rewritten += 1
            elif kind == "request" and proxy_authorization:
                http.headers.append(("Proxy-Authorization", proxy_authorization))
                rewritten += 1
            elif kind == "revisit" and not http and described:
                http = StatusAndHeaders(described["status"], [tuple(pair) for pair in described["headers"]],
                                        protocol="HTTP/1.1")
                rewritten += 1
            for name in ("Content-Length", "WARC-Block-Digest"):
                headers.remove_header(name)
            writer.write_record(builder.create_warc_record(
                headers.get_header("WARC-Target-URI"), kind, payload=BytesIO(body), length=len(body),
                warc_headers=headers, http_headers=http or None,
                warc_content_type=headers.get_header("Content-Type") or ""))
    return rewritten
