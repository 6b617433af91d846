"""Rebuild the archive database from its WARC files (``newsarchive reindex``).

The schema is dropped and recreated through the Alembic migration, then every
WARC in ``ARCHIVE_DIR/warcs/`` is ingested in file-name order (the crawler's
names start with the time the file was opened, so that is capture order).
"""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from sqlalchemy.exc import DBAPIError

from storage.archive import Archive
from storage.db.engine import WRITE_OPTION, display, make_engine, resolve_url
from storage.db.errors import ArchiveError, DatabaseUnreachable
from storage.db.migrate import alembic_config, current_revisions
from storage.ingest.ingest import WARC_SUFFIXES, IngestSummary, Progress, ingest
from storage.outlets.domains import OutletMap

logger = logging.getLogger(__name__)


def archive_warcs(archive_dir: str | Path) -> list[Path]:
    """The WARC files of an archive, in file-name order."""
    warcs = Path(archive_dir) / "warcs"
    if not warcs.is_dir():
        raise ArchiveError(f"{warcs}: no such directory; reindex rebuilds from the WARCs a crawl wrote there")
    return sorted((p for p in warcs.iterdir() if p.is_file() and p.name.endswith(WARC_SUFFIXES)), key=lambda p: p.name)


def drop_schema(db_url: str | None, archive_dir: str | Path) -> None:
    """Downgrade the database to an empty schema (a missing database is fine)."""
    url = resolve_url(db_url, archive_dir)
    engine = make_engine(url, create=True)
    try:
        if not current_revisions(engine):
            return
        config = alembic_config()
        with engine.execution_options(**{WRITE_OPTION: True}).begin() as connection:
            config.attributes["connection"] = connection
            logger.info("dropping the schema of %s", display(url))
            command.downgrade(config, "base")
    except DBAPIError as error:
        reason = str(error.orig or error).strip().splitlines()[0]
        raise DatabaseUnreachable(f"cannot reset database {display(url)}: {reason}") from None
    finally:
        engine.dispose()


def reindex(
    db_url: str | None,
    archive_dir: str | Path,
    outlets: OutletMap,
    *,
    workers: int | None = None,
    progress: Progress | None = None,
) -> IngestSummary:
    """Drop the database's tables, recreate them and ingest every WARC of the archive."""
    files = archive_warcs(archive_dir)
    drop_schema(db_url, archive_dir)
    with Archive(db_url, archive_dir, create=True) as archive:
        return ingest(archive, files, outlets, workers=workers, progress=progress)
