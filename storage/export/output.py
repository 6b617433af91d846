"""Files the archive writes for people: all or nothing, and one line when the place is wrong.

:func:`replacing` hands out a temporary path beside the target and renames it
over the target only when writing finished, so a failed or interrupted export
leaves no half-written file (and an existing file stays as it was).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from storage.db.errors import ArchiveError


class OutputError(ArchiveError):
    """The file an export or package was asked to go to cannot be written."""


@contextmanager
def replacing(target: str | Path) -> Iterator[Path]:
    """A temporary path to write ``target`` through; raises :class:`OutputError` naming ``target``."""
    target = Path(target)
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    try:
        partial.touch()
    except OSError as error:
        raise OutputError(f"cannot write {target} ({error.strerror or error}): "
                          "choose a writable place with -o") from None
    try:
        yield partial
        os.replace(partial, target)
    except OSError as error:
        raise OutputError(f"cannot write {target} ({error.strerror or error}); nothing was written") from None
    finally:
        partial.unlink(missing_ok=True)
