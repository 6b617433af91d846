"""Finish ``.warc.gz.open`` files that a killed crawl left behind.

Each file is cut after its last complete gzip member (one member holds one
record), checked by reading every remaining record with warcio, and renamed to
``.warc.gz``. Files of a process still running on this machine are never
touched. ``WarcMiddleware`` calls :func:`finish_open_files` when a spider opens.
"""

from __future__ import annotations

import logging
import os
import socket
import zlib
from dataclasses import dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from storage.warc.writer import OPEN_SUFFIX, safe_name_part

logger = logging.getLogger(__name__)

_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class RepairReport:
    """What finishing one ``.open`` file did."""

    path: Path  # the finished file (or the .open file when it could not be finished)
    records: int  # complete records kept
    bytes_dropped: int  # incomplete tail cut off
    removed: bool = False  # no complete record at all: the file was deleted
    error: str | None = None  # why the file was left as it was

    def __str__(self) -> str:
        if self.error:
            return f"could not finish {self.path}: {self.error}"
        if self.removed:
            return f"removed {self.path}: it held no complete WARC record"
        return f"finished {self.path}: kept {self.records} records, dropped {self.bytes_dropped} bytes"


def finish_open_files(warcs_dir: Path | str, *, local_only: bool = False) -> list[RepairReport]:
    """Finish every abandoned ``*.warc.gz.open`` file in ``warcs_dir``.

    ``local_only`` also skips files written on other machines (whose processes
    cannot be checked), as a crawl sharing a directory over the network must.
    """
    reports = []
    for path in sorted(Path(warcs_dir).glob("*.warc.gz" + OPEN_SUFFIX)):
        if not _abandoned(path, local_only):
            continue
        try:
            report = finish_file(path)
        except OSError as error:
            report = RepairReport(path, 0, 0, error=error.strerror or str(error))
        logger.info("%s", report)
        reports.append(report)
    return reports


def finish_file(path: Path) -> RepairReport:
    """Cut ``path`` after its last complete record and drop the ``.open`` suffix."""
    size = path.stat().st_size
    end = complete_members_end(path)
    with path.open("r+b") as handle:
        handle.truncate(end)
    if end == 0:
        path.unlink()
        return RepairReport(path, 0, size, removed=True)
    try:
        records = count_records(path)
    except Exception as error:  # warcio raises many types on bad data
        return RepairReport(path, 0, size - end, error=f"not readable as WARC ({error})")
    final = path.with_name(path.name.removesuffix(OPEN_SUFFIX))
    os.replace(path, final)
    return RepairReport(final, records, size - end)


def complete_members_end(path: Path) -> int:
    """Offset just after the last gzip member of ``path`` that decompresses completely."""
    end = 0
    position = 0
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            data = chunk
            while data:
                try:
                    _drain(inflater, data)
                except zlib.error:
                    return end
                if not inflater.eof:
                    position += len(data)
                    break
                used = len(data) - len(inflater.unused_data)
                position += used
                end = position
                data = inflater.unused_data
                inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
    return end


def count_records(path: Path) -> int:
    """How many records warcio reads from ``path``, reading every payload."""
    count = 0
    with path.open("rb") as handle:
        for record in ArchiveIterator(handle):
            stream = record.content_stream()
            while stream.read(_CHUNK):
                pass
            count += 1
    return count


def _drain(inflater: zlib._Decompress, data: bytes) -> None:
    # Output is thrown away; max_length bounds memory for highly compressed data.
    inflater.decompress(data, _CHUNK)
    while inflater.unconsumed_tail and not inflater.eof:
        inflater.decompress(inflater.unconsumed_tail, _CHUNK)


def _abandoned(path: Path, local_only: bool) -> bool:
    stem = path.name.removesuffix(".warc.gz" + OPEN_SUFFIX)
    rest, _, pid_text = stem.rpartition("-")
    local = rest.endswith("-" + safe_name_part(socket.gethostname()))
    if not pid_text.isdigit() or not local:
        return not local_only
    return not _running(int(pid_text))


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
