"""Open the archive database a crawl writes to, from the crawl's settings.

``NEWSARCHIVE_DB_URL`` in the environment wins over the ``ARCHIVE_DB_URL``
setting; with neither, the archive is an SQLite file in ``ARCHIVE_DIR``.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from crawler import settings as defaults

if TYPE_CHECKING:
    from storage.archive import Archive


def archive_db_url(settings: Any) -> str | None:
    return os.environ.get("NEWSARCHIVE_DB_URL") or settings.get("ARCHIVE_DB_URL")


def archive_location(settings: Any) -> tuple[str | None, str]:
    """The archive's database URL (None: SQLite in the directory) and directory, as :func:`open_archive` opens them."""
    return archive_db_url(settings), settings.get("ARCHIVE_DIR", defaults.ARCHIVE_DIR)


def open_archive(settings: Any) -> Archive:
    return open_archive_at(*archive_location(settings))


def open_archive_at(db_url: str | None, archive_dir: str) -> Archive:
    # Imported here: the database layer costs most of a second to load, which an archive-only crawl never needs.
    from storage.archive import Archive

    return Archive(db_url, archive_dir=archive_dir, create=True)
