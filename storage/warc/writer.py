"""Write WARC records into rotating, gzip-per-record ``.warc.gz`` files.

A file is named ``PREFIX-TIMESTAMP-SERIAL-HOST-PID.warc.gz`` (TIMESTAMP is UTC
``%Y%m%d%H%M%S`` plus milliseconds, SERIAL counts this writer's files from
00000), lives as ``NAME.warc.gz.open`` while being written, and is renamed
when closed. Each file starts with a ``warcinfo`` record, holds one gzip member
per record, and names its writer (host, process, boot id and start time,
:mod:`storage.warc.holder`), which holds the file's lock while writing it.
It is closed once it has reached ``max_size`` bytes and the next
batch arrives (or at :meth:`WarcFileWriter.close`), so a run's closing records
join its last file rather than a file of their own. A failed write is cut back
to where the batch began, so no half-written member remains.
"""

from __future__ import annotations

import logging
import os
import re
import socket
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from isal import isal_zlib
from warcio.recordloader import ArcWarcRecord
from warcio.warcwriter import WARCWriter

from storage.warc import holder
from storage.warc.errors import WarcWriteError
from storage.warc.pointer import WarcPointer

logger = logging.getLogger(__name__)

WARC_VERSION = "1.1"
OPEN_SUFFIX = ".open"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")

DEFAULT_GZIP_LEVEL = 3
GZIP_LEVELS = range(0, 4)
_STORE = -1  # not ISA-L's: a record whose payload is already compressed is stored as it is


def check_gzip_level(level: object) -> int:
    """``level`` as an ISA-L compression level, else a ``ValueError`` that says what to set."""
    try:
        number = int(str(level))
    except ValueError:
        number = -1
    if number not in GZIP_LEVELS:
        raise ValueError(f"WARC_GZIP_LEVEL is {level!r}: set an ISA-L level from 0 (fastest) to 3 (smallest files)")
    return number


def safe_name_part(text: str) -> str:
    """``text`` reduced to letters, digits, ``.``, ``_`` and ``-``; never empty, never dot-led."""
    cleaned = _UNSAFE.sub("_", text).strip("._-")
    return cleaned or "x"


def host_tag() -> str:
    """This machine and process, as used in WARC file names: ``HOST-PID``."""
    return f"{safe_name_part(socket.gethostname())}-{os.getpid()}"


class _AppendFile:
    """A file opened for exclusive creation, written without user-space buffering.

    Every ``write`` reaches the OS before returning, so ``tell`` is the true end
    of data and a failure can be undone with ``truncate``.
    """

    def __init__(self, path: Path):
        self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        self.position = 0
        holder.try_lock(self.fd)  # held until closed or this process dies: repair leaves the file alone

    def write(self, data: bytes) -> int:
        view = memoryview(data)
        while view:
            written = os.write(self.fd, view)
            view = view[written:]
            self.position += written
        return len(data)

    def flush(self) -> None:
        pass

    def tell(self) -> int:
        return self.position

    def truncate(self, size: int) -> None:
        os.ftruncate(self.fd, size)
        os.lseek(self.fd, size, os.SEEK_SET)
        self.position = size

    def close(self) -> None:
        try:
            os.fsync(self.fd)
        finally:
            os.close(self.fd)


def sync_open_files(warcs_dir: Path | str, names: Iterable[str]) -> int:
    """Flush to disk the bytes of those files of ``names`` still being written (``NAME.open``); return how many.

    A database row may point at a record only once its bytes would survive a
    power loss. A file already closed was synced when it was closed.
    """
    synced = 0
    for name in set(names):
        try:
            fd = os.open(Path(warcs_dir) / (name + OPEN_SUFFIX), os.O_RDONLY)
        except FileNotFoundError:
            continue  # closed (and synced) since, or a file ingest indexed in place
        try:
            _datasync(fd)
        finally:
            os.close(fd)
        synced += 1
    return synced


def _datasync(fd: int) -> None:
    # fdatasync also flushes the file's size, which is all an append changes; macOS has only fsync.
    (getattr(os, "fdatasync", None) or os.fsync)(fd)


def _sync_directory(directory: Path) -> None:
    """Make a file's creation or rename in ``directory`` survive a power loss (POSIX; skipped where unsupported)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems refuse fsync on a directory; their renames are as durable as they get
    finally:
        os.close(fd)


class WarcFileWriter:
    """Writes batches of warcio records into ``warcs_dir``, rotating files by size.

    ``info`` are the warcinfo fields (software, operator, …) for every file.
    Not thread-safe: call it from one thread (``WarcMiddleware`` calls it on the event loop).
    """

    def __init__(
        self,
        warcs_dir: Path | str,
        *,
        prefix: str = "newsarchive",
        max_size: int = 1_000_000_000,
        info: Mapping[str, str] | None = None,
        gzip_level: int = DEFAULT_GZIP_LEVEL,
        file_header: Callable[[], Sequence[ArcWarcRecord]] | None = None,
    ):
        self.warcs_dir = Path(warcs_dir)
        self.prefix = safe_name_part(prefix)
        self.max_size = max_size
        self.info = dict(info or {})
        self.file_header = file_header  # records every new file begins with, after its warcinfo
        self.host = host_tag()
        # We gzip each record ourselves, with ISA-L rather than warcio's zlib at level 9.
        self.builder = WARCWriter(None, gzip=False, warc_version=WARC_VERSION)
        self.gzip_level = check_gzip_level(gzip_level)
        self.serial = 0
        self.files_opened = 0
        self.file_names: list[str] = []  # every file this writer opened, final names
        self.bytes_written = 0
        self._file: _AppendFile | None = None
        self._name: str | None = None

    @property
    def current_name(self) -> str | None:
        """Final name (without ``.open``) of the file being written, if any."""
        return self._name

    def write(self, records: Sequence[ArcWarcRecord]) -> list[WarcPointer]:
        """Append ``records`` to one file, in order; return where each landed."""
        if self._file is not None and self._file.tell() >= self.max_size:
            self.close()
        if self._file is None:
            self._open()
        assert self._file is not None and self._name is not None
        return self._append(records)

    def close(self, last_records: Sequence[ArcWarcRecord] = ()) -> Path | None:
        """Append ``last_records`` (however full the file), close the current file and drop its ``.open`` suffix.

        Returns the closed file's path; None (and nothing written) when no file is open.
        """
        if self._file is None or self._name is None:
            return None
        if last_records:
            self._append(last_records)
        final = self.warcs_dir / self._name
        self._file.close()
        os.replace(self._open_path(self._name), final)
        _sync_directory(self.warcs_dir)
        self._file = None
        self._name = None
        logger.debug("Closed WARC file %s", final)
        return final

    def _open(self) -> None:
        try:
            self.warcs_dir.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise WarcWriteError(self.warcs_dir, error) from error
        while True:
            name = self._next_name()
            path = self._open_path(name)
            try:
                self._file = _AppendFile(path)
                break
            except FileExistsError:
                continue
            except OSError as error:
                raise WarcWriteError(path, error) from error
        _sync_directory(self.warcs_dir)
        self._name = name
        self.files_opened += 1
        self.file_names.append(name)
        warcinfo = self.builder.create_warcinfo_record(name, {**self.info, **holder.writer_fields()})
        try:
            self._append([warcinfo, *(self.file_header() if self.file_header else [])])
        except WarcWriteError:
            self._file.close()
            self._file, self._name = None, None
            path.unlink(missing_ok=True)
            raise
        logger.debug("Opened WARC file %s", path)

    def _append(self, records: Sequence[ArcWarcRecord]) -> list[WarcPointer]:
        """Compress the batch in memory, then hand it to the file in one write."""
        assert self._file is not None and self._name is not None
        start = self._file.tell()
        batch = bytearray()
        pointers = []
        for record in records:
            member = self._member(record)
            record_id = record.rec_headers.get_header("WARC-Record-ID")
            pointers.append(WarcPointer(self._name, start + len(batch), len(member), record_id))
            batch += member
        try:
            self._file.write(batch)
        except OSError as error:
            self._undo(start)
            raise WarcWriteError(self._open_path(self._name), error) from error
        self.bytes_written += len(batch)
        return pointers

    def _member(self, record: ArcWarcRecord) -> bytes:
        """One record as one gzip member."""
        member = _GzipMember(self._level_for(record))
        self.builder.out = member
        self.builder.write_record(record)  # warcio flushes the member at the record's end
        return member.data

    def _level_for(self, record: ArcWarcRecord) -> int:
        """Deflate cannot shrink a payload the server already compressed: store those records."""
        headers = record.http_headers
        encoding = headers.get_header("Content-Encoding") if headers is not None else None
        if encoding and encoding.strip().lower() in _COMPRESSED_ENCODINGS:
            return _STORE
        return self.gzip_level

    def _undo(self, start: int) -> None:
        assert self._file is not None
        try:
            self._file.truncate(start)
        except OSError:
            logger.error("Could not cut %s back to %d bytes; run repair", self._name, start)

    def _next_name(self) -> str:
        now = datetime.now(UTC)
        stamp = now.strftime("%Y%m%d%H%M%S") + f"{now.microsecond // 1000:03d}"
        name = f"{self.prefix}-{stamp}-{self.serial:05d}-{self.host}.warc.gz"
        self.serial += 1
        return name

    def _open_path(self, name: str) -> Path:
        path = self.warcs_dir / (name + OPEN_SUFFIX)
        if path.parent != self.warcs_dir:
            raise ValueError(f"WARC file name {name!r} escapes {self.warcs_dir}")
        return path


_COMPRESSED_ENCODINGS = {"gzip", "x-gzip", "deflate", "br", "zstd", "compress"}


class _GzipMember:
    """One record as one gzip member: ``write`` collects the record, ``flush`` compresses it.

    One call per record rather than one per 16 KB chunk that warcio hands
    over. ISA-L (python-isal) writes standard gzip about eight times faster
    than zlib's default level, for files about 12% bigger than zlib's level 6.
    """

    def __init__(self, level: int) -> None:
        self.level = level
        self.raw = bytearray()
        self.data = b""

    def write(self, data: bytes) -> None:
        self.raw += data

    def flush(self) -> None:
        if self.level == _STORE:
            self.data = zlib.compress(self.raw, 0, wbits=zlib.MAX_WBITS + 16)
        else:
            self.data = isal_zlib.compress(self.raw, self.level, wbits=isal_zlib.MAX_WBITS + 16)
