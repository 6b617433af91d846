"""Read back the HTTP payload of one WARC record, by file and offset, with warcio (from ``NAME.open`` while
its crawl still writes it)."""

from __future__ import annotations

import errno
import logging
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

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
    """The decoded HTTP body of the record at ``offset`` in ``path`` (or in ``path.open``, still being written)."""
    try:
        with open_warc(path) as stream:
            stream.seek(offset)
            record = next(iter(ArchiveIterator(stream)), None)
            if record is None:
                raise WarcUnreadable(f"no WARC record at offset {offset} of {path}: the file was truncated?")
            return record.content_stream().read()
    except FileNotFoundError:
        raise WarcUnreadable(f"WARC file {path} is missing: restore it or pass the right --archive-dir") from None
    except (ArchiveLoadFailed, OSError, ValueError) as error:
        raise WarcUnreadable(f"cannot read the WARC record at offset {offset} of {path}: {error}") from None
