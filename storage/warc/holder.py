"""Who holds a ``.warc.gz.open`` file: is the crawl that writes it still running?

A process id alone cannot say: in a container the crawler is PID 1, which is
always running, and after a restart another process may carry the id. So the
writer (:class:`storage.warc.writer.WarcFileWriter`) holds an exclusive
``flock`` on each file it writes, for as long as it writes it, and names
itself in the file's ``warcinfo`` record: host, process id, the kernel's boot
id and the process's start time (:func:`writer_fields`). The kernel drops the
lock when the process dies, however it dies. :mod:`storage.warc.repair`
decides from the lock, then from those fields, then (for files of older
writers) from the name.
"""

from __future__ import annotations

import errno
import fcntl
import os
import socket
from pathlib import Path

HOST, PID, BOOT_ID, STARTED = "newsarchive-host", "newsarchive-pid", "newsarchive-boot-id", "newsarchive-started"
_BOOT_ID = Path("/proc/sys/kernel/random/boot_id")


def boot_id() -> str | None:
    """This kernel's boot id (Linux), shared by every container on the machine; None elsewhere."""
    try:
        return _BOOT_ID.read_text().strip() or None
    except OSError:
        return None


def process_started(pid: int) -> str | None:
    """When the running process ``pid`` started, in clock ticks since boot (Linux's ``/proc/PID/stat``).

    None when no such process runs (a zombie has ended) or this is not Linux.
    """
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
    if len(fields) < 20 or fields[0] in ("Z", "X"):
        return None
    return fields[19]  # field 22 of the line: state is field 3


def writer_fields() -> dict[str, str]:
    """This process, as a writer names itself in each file's ``warcinfo``."""
    fields = {HOST: socket.gethostname(), PID: str(os.getpid())}
    booted, started = boot_id(), process_started(os.getpid())
    if booted and started:
        fields |= {BOOT_ID: booted, STARTED: started}
    return fields


def try_lock(fd: int) -> bool:
    """Take the exclusive lock on the open file ``fd`` without waiting; False if another open file holds it.

    True also where the file system has no locks (some network file systems
    answer ENOLCK): then the writer's fields alone decide.
    """
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError as error:
        if error.errno not in (errno.ENOLCK, errno.EOPNOTSUPP, errno.EINVAL, errno.ENOSYS):
            raise
    return True
