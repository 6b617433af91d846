"""The one rule for reading a payload back out of a WARC: decoded, in chunks, never past the crawl's size limit.

A response's HTTP body sits in a WARC as it came over the wire, so a few KB
of gzip can decode to gigabytes. The crawl refuses a body that decodes to
more than ``DOWNLOAD_MAXSIZE`` bytes (Scrapy stops inflating there), and every
reader of an archived payload (ingest and reindex, ``show --raw``,
``reextract``, the reading room's ``/capture/ID/raw``) stops at the same
limit: it reads at most one chunk past it, then raises :class:`PayloadTooLarge`.
So reindex reaches the crawl's verdict on a body the crawl refused, and no
reader holds more than the limit.

The limit is ``NEWSARCHIVE_DOWNLOAD_MAXSIZE`` (bytes; 0 lifts it) when set,
else 32 MiB; it is also the crawl's default ``DOWNLOAD_MAXSIZE``
(:mod:`crawler.settings`). Nothing here imports warcio: the crawl's settings
read the limit from this module.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import BinaryIO

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


def iter_capped(stream: BinaryIO, where: str, limit: int | None = None) -> Iterator[bytes]:
    """The decoded payload ``stream`` holds, chunk by chunk; :class:`PayloadTooLarge` once it passes ``limit``.

    ``where`` names the record in the error (file and offset). ``limit``
    defaults to :func:`payload_limit`.
    """
    limit = payload_limit() if limit is None else limit
    size = 0
    while chunk := stream.read(CHUNK):
        size += len(chunk)
        if limit and size > limit:
            raise PayloadTooLarge(f"the payload of {where} decodes to more than {limit} bytes, the archive's limit "
                                  f"(the crawl's DOWNLOAD_MAXSIZE; {LIMIT_ENV} changes it)")
        yield chunk


def read_capped(stream: BinaryIO, where: str, limit: int | None = None) -> bytes:
    """The whole decoded payload ``stream`` holds, read as :func:`iter_capped` reads it."""
    return b"".join(iter_capped(stream, where, limit))
