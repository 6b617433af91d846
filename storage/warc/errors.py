"""What goes wrong with WARC files: every error of the WARC package derives from :class:`WarcError`.

Each message is one line naming the file and what to do.
"""

from __future__ import annotations

import errno
from pathlib import Path


class WarcError(Exception):
    """Base class: ``str(error)`` is a complete, user-facing sentence."""


class WarcUnreadable(WarcError):
    """The WARC record a row points at is missing or corrupt."""


class PayloadTooLarge(WarcUnreadable):
    """A record's payload decodes to more than the archive's limit (:mod:`storage.warc.capped`); reading stopped."""


class WarcWriteError(WarcError, OSError):
    """Writing a WARC file failed; ``path`` names the file, ``str()`` says what to do."""

    def __init__(self, path: Path, error: OSError):
        super().__init__(error.errno, error.strerror)
        self.path = path
        self.error = error

    def __str__(self) -> str:
        if self.error.errno in (errno.ENOSPC, errno.EDQUOT):
            return f"disk full writing {self.path}: free space and rerun"
        reason = self.error.strerror or str(self.error)
        return f"cannot write {self.path} ({reason}): fix the archive directory and rerun"
