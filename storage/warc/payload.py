"""Read back the HTTP payload of one WARC record, by file and offset, with warcio."""

from __future__ import annotations

import logging
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from storage.warc.errors import WarcUnreadable

logger = logging.getLogger(__name__)


def read_payload(path: Path, offset: int) -> bytes:
    """The decoded HTTP body of the record at ``offset`` in ``path``."""
    try:
        with path.open("rb") as stream:
            stream.seek(offset)
            record = next(iter(ArchiveIterator(stream)), None)
            if record is None:
                raise WarcUnreadable(f"no WARC record at offset {offset} of {path}: the file was truncated?")
            return record.content_stream().read()
    except FileNotFoundError:
        raise WarcUnreadable(f"WARC file {path} is missing: restore it or pass the right --archive-dir") from None
    except (ArchiveLoadFailed, OSError, ValueError) as error:
        raise WarcUnreadable(f"cannot read the WARC record at offset {offset} of {path}: {error}") from None
