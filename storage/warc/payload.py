"""Read back the HTTP payload of one WARC record, by file and offset, with warcio (from ``NAME.open`` while
its crawl still writes it), decoded in chunks and never past the limit of the crawl that wrote the file (its
run record's DOWNLOAD_MAXSIZE), else the archive's (:mod:`storage.warc.capped`)."""

from __future__ import annotations

import errno
import logging
import os
import zlib
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from storage.warc.capped import iter_capped
from storage.warc.context import RunStart
from storage.warc.errors import WarcUnreadable
from storage.warc.reader import run_of, run_payload_limit
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
            limit = run_payload_limit(_run(path, stream))
            stream.seek(offset)
            record = next(iter(ArchiveIterator(stream)), None)
            if record is None:
                raise WarcUnreadable(f"no WARC record at offset {offset} of {path}: the file was truncated?")
            yield from iter_capped(record, f"the WARC record at offset {offset} of {path}", limit)
    except FileNotFoundError:
        raise WarcUnreadable(f"WARC file {path} is missing: restore it or pass the right --archive-dir") from None
    except (ArchiveLoadFailed, OSError, ValueError, zlib.error) as error:
        raise WarcUnreadable(f"cannot read the WARC record at offset {offset} of {path}: {error}") from None


def _run(path: Path, stream: BinaryIO) -> RunStart | None:
    """The run record ``stream`` begins with, read once per file (a revisit's original, a page of the reading
    room): a file is known by device, inode and change time, which a new file in a reused inode does not share."""
    stat = os.fstat(stream.fileno())
    key = (stat.st_dev, stat.st_ino, stat.st_ctime_ns)
    if key in _RUNS:
        return _RUNS[key]
    run = _RUNS[key] = run_of(stream, path)
    while len(_RUNS) > RUNS_KEPT:
        _RUNS.popitem(last=False)
    return run


RUNS_KEPT = 256
_RUNS: OrderedDict[tuple[int, int, int], RunStart | None] = OrderedDict()
