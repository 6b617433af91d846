"""Read back the HTTP payload of one WARC record, by file and offset, with warcio (from ``NAME.open`` while
its crawl still writes it), decoded in chunks and never past the archive's limit (:mod:`storage.warc.capped`)."""

from __future__ import annotations

import errno
import logging
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from storage.warc.capped import iter_capped
from storage.warc.errors import WarcUnreadable
from storage.warc.writer import OPEN_SUFFIX

logger = logging.getLogger(__name__)


def open_warc(path: Path) -> BinaryIO:
    """``path`` for reading, or ``path.open`` while a crawl still writes it: rows name a file's final name at once.

    The crawl may rename the file between the two tries, so the final name is tried again.
    """
    for candidate in (path, path.with_name(path.name + OPEN_SUFFIX), path):
        try:
            return candidate.open("rb")
        except FileNotFoundError:
            continue
    raise FileNotFoundError(errno.ENOENT, "No such file", str(path))


def read_payload(path: Path, offset: int) -> bytes:
    """The decoded HTTP body of the record at ``offset`` in ``path`` (or in ``path.open``, still being written).

    Raises :class:`PayloadTooLarge` for a body past the archive's limit (:mod:`storage.warc.capped`).
    """
    return b"".join(stream_payload(path, offset))


def stream_payload(path: Path, offset: int) -> Iterator[bytes]:
    """The decoded HTTP body of the record at ``offset`` in ``path``, in chunks, as :func:`read_payload` reads it.

    The file is open while the chunks are taken and closed when they end (or the iterator is closed).
    """
    try:
        with open_warc(path) as stream:
            stream.seek(offset)
            record = next(iter(ArchiveIterator(stream)), None)
            if record is None:
                raise WarcUnreadable(f"no WARC record at offset {offset} of {path}: the file was truncated?")
            yield from iter_capped(record, f"the WARC record at offset {offset} of {path}")
    except FileNotFoundError:
        raise WarcUnreadable(f"WARC file {path} is missing: restore it or pass the right --archive-dir") from None
    except (ArchiveLoadFailed, OSError, ValueError, zlib.error) as error:
        raise WarcUnreadable(f"cannot read the WARC record at offset {offset} of {path}: {error}") from None
