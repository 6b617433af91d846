"""An archive's SQLite file read as immutable: for tools that open the file themselves (Datasette).

SQLite's ``immutable=1`` reads the file without locks and leaves nothing
beside it; even a read-only connection to a WAL-mode database leaves ``-wal``
and ``-shm`` files behind. :func:`check_archive_file` makes sure the file is
an archive at the current schema that way, before a tool is pointed at it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import create_engine, make_url
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from storage.db.engine import unreachable
from storage.db.errors import ArchiveMissing
from storage.db.migrate import check_schema_current, current_revisions


def immutable_engine(path: Path) -> Engine:
    """An engine whose connections read ``path`` with ``immutable=1``: no locks, no writes, no side files."""
    uri = f"file:{quote(str(path.resolve()))}?immutable=1"
    return create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True), poolclass=NullPool)


def check_archive_file(path: Path) -> None:
    """Raise an :class:`~storage.db.errors.ArchiveError` unless ``path`` is an archive at the current schema.

    Check first that the file exists (:func:`storage.db.engine.check_exists`): a missing one cannot be opened.
    """
    engine = immutable_engine(path)
    try:
        if not current_revisions(engine):
            raise ArchiveMissing(f"no newsarchive tables in {path}: crawl into it first")
        check_schema_current(engine, make_url(f"sqlite:///{path}"))
    except DBAPIError as error:
        raise unreachable(str(path), error) from None
    finally:
        engine.dispose()
