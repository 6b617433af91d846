"""Finish ``.warc.gz.open`` files that a killed crawl left behind.

Each file is cut after its last complete gzip member (one member holds one
record), checked by reading every remaining record with warcio, and renamed to
``.warc.gz``. A file a running crawl still writes is never touched: the writer
holds the file's lock, and names itself (boot id, process id and start time)
in the file's ``warcinfo`` (:mod:`storage.warc.holder`); files of older writers
are judged by the process id in their name. Files written on another machine
are finished only when asked (``other_hosts``): this machine cannot see that
machine's processes. ``WarcMiddleware`` calls :func:`finish_open_files` when a
spider opens; ``newsarchive warcs repair`` calls :func:`repair_open_files`.
"""

from __future__ import annotations

import logging
import os
import re
import socket
import zlib
from dataclasses import dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from storage.warc import holder
from storage.warc.capped import iter_capped
from storage.warc.writer import OPEN_SUFFIX, safe_name_part

logger = logging.getLogger(__name__)

_CHUNK = 1 << 20
_NAME_HOST = re.compile(r"-\d{17}-\d{5}-(.+)$")  # PREFIX-TIMESTAMP-SERIAL-HOST, before the pid


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether an ``.open`` file may be finished, and why (one clause)."""

    abandoned: bool
    reason: str
    other_host: bool = False  # written on another machine: finished only when asked


@dataclass(frozen=True, slots=True)
class RepairReport:
    """What finishing one ``.open`` file did, or why it was left."""

    path: Path  # the finished file (or the .open file when it was left or could not be finished)
    records: int  # complete records kept
    bytes_dropped: int  # incomplete tail cut off
    removed: bool = False  # no complete record at all: the file was deleted
    error: str | None = None  # why the file could not be finished
    left: str | None = None  # why the file was not touched (a running crawl, another machine)
    other_host: bool = False  # left because another machine wrote it
    planned: str | None = None  # a dry run: why it would be finished

    def __str__(self) -> str:
        if self.error:
            return f"could not finish {self.path}: {self.error}"
        if self.left:
            hint = "; if no crawl runs there, run `newsarchive warcs repair --other-hosts`" if self.other_host else ""
            return f"left {self.path}: {self.left}{hint}"
        if self.planned:
            return f"would finish {self.path}: {self.planned}"
        if self.removed:
            return f"removed {self.path}: it held no complete WARC record"
        return f"finished {self.path}: kept {self.records} records, dropped {self.bytes_dropped} bytes"


def finish_open_files(warcs_dir: Path | str, *, other_hosts: bool = False) -> list[RepairReport]:
    """Finish every abandoned ``*.warc.gz.open`` file in ``warcs_dir``; report those finished, removed or failed."""
    return [report for report in repair_open_files(warcs_dir, other_hosts=other_hosts) if report.left is None]


def repair_open_files(warcs_dir: Path | str, *, other_hosts: bool = False,
                      dry_run: bool = False) -> list[RepairReport]:
    """A report on every ``*.warc.gz.open`` file in ``warcs_dir``: finished, removed, failed, or left and why.

    ``other_hosts`` also finishes files other machines wrote, unless a lock
    shows them in use; ``dry_run`` only says what would be done.
    """
    reports = []
    for path in sorted(Path(warcs_dir).glob("*.warc.gz" + OPEN_SUFFIX)):
        report = _repair(path, other_hosts, dry_run)
        if report is not None:
            logger.info("%s", report)
            reports.append(report)
    return reports


def _repair(path: Path, other_hosts: bool, dry_run: bool) -> RepairReport | None:
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return None  # finished by its writer or another repair meanwhile
    except OSError as error:
        return RepairReport(path, 0, 0, error=error.strerror or str(error))
    try:  # the lock judge takes is held until the file is finished
        verdict = judge(path, fd)
        if not verdict.abandoned and not (verdict.other_host and other_hosts):
            return RepairReport(path, 0, 0, left=verdict.reason, other_host=verdict.other_host)
        if dry_run:
            return RepairReport(path, 0, 0, planned=verdict.reason)
        return finish_file(path)
    except OSError as error:
        return RepairReport(path, 0, 0, error=error.strerror or str(error))
    finally:
        os.close(fd)


def judge(path: Path, fd: int) -> Verdict:
    """Whether the ``.open`` file ``path`` is abandoned; takes its lock on ``fd`` (held while ``fd`` is open)."""
    if not holder.try_lock(fd):
        return Verdict(False, "a running crawl is writing it (it holds the file's lock)")
    writer = read_writer(path)
    if writer.get(holder.BOOT_ID) and writer.get(holder.STARTED) and writer.get(holder.PID, "").isdigit():
        return _judge_by_identity(writer)
    return _judge_by_name(path)


def _judge_by_identity(writer: dict[str, str]) -> Verdict:
    pid = int(writer[holder.PID])
    if writer[holder.BOOT_ID] == holder.boot_id():  # the same kernel, maybe another container
        if holder.process_started(pid) == writer[holder.STARTED]:  # for file systems whose locks do nothing
            return Verdict(False, f"process {pid}, which writes it, still runs")
        return Verdict(True, f"process {pid}, which wrote it, has ended")
    if safe_name_part(writer.get(holder.HOST, "")) == safe_name_part(socket.gethostname()):
        return Verdict(True, "this machine has restarted since it was written")
    return Verdict(False, f"written on {writer.get(holder.HOST)}, whose processes this machine cannot see",
                   other_host=True)


def _judge_by_name(path: Path) -> Verdict:
    """Files of older writers name only their host and process id: a running process id keeps its files."""
    stem = path.name.removesuffix(".warc.gz" + OPEN_SUFFIX)
    rest, _, pid_text = stem.rpartition("-")
    if not rest.endswith("-" + safe_name_part(socket.gethostname())) or not pid_text.isdigit():
        host = _NAME_HOST.search(rest)
        return Verdict(False, f"written on {host.group(1) if host else 'an unknown machine'}, whose processes "
                              "this machine cannot see", other_host=True)
    if _running(int(pid_text)):
        return Verdict(False, f"process {pid_text}, named in the file name, still runs")
    return Verdict(True, f"process {pid_text}, which wrote it, has ended")


def read_writer(path: Path) -> dict[str, str]:
    """The fields of the ``warcinfo`` record ``path`` starts with; empty when it starts with none."""
    try:
        with path.open("rb") as stream:
            record = next(iter(ArchiveIterator(stream)), None)
            if record is None or record.rec_type != "warcinfo":
                return {}
            body = record.content_stream().read(_CHUNK).decode("utf-8", "replace")
    except Exception:  # warcio raises many types on a file cut short
        return {}
    fields = {}
    for line in body.splitlines():
        name, colon, value = line.partition(":")
        if colon:
            fields[name.strip()] = value.strip()
    return fields


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
    """How many records warcio reads from ``path``, decoding every payload whole, in bounded pieces."""
    count = 0
    with path.open("rb") as handle:
        for record in ArchiveIterator(handle):
            for _ in iter_capped(record, f"a record of {path}", limit=0):
                pass
            count += 1
    return count


def _drain(inflater: zlib._Decompress, data: bytes) -> None:
    # Output is thrown away; max_length bounds memory for highly compressed data.
    inflater.decompress(data, _CHUNK)
    while inflater.unconsumed_tail and not inflater.eof:
        inflater.decompress(inflater.unconsumed_tail, _CHUNK)


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
