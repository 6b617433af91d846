"""The archive's SQL index over its WARC files, and everything that reads and writes it.

``storage.Archive`` (:mod:`storage.archive`) is the one façade: the crawler's
pipeline, WARC ingest, the ``newsarchive`` CLI (:mod:`storage.cli`) and Python
users all go through it. Each sub-package is one idea: ``db`` (tables, engine,
migrations), ``warc`` (the WARC format), ``outlets`` (seeds, clutter models, runs
and health), ``versions`` (rules, write path, re-checks, diffs), ``stories``,
``search``, ``ingest``, ``export``, ``cli`` and ``web`` (the reading room).

``Archive`` is loaded on first use, so importing the errors or the plain values
passed into the archive does not pull in SQLAlchemy.
"""

from typing import Any

from storage.db.errors import (
    ArchiveError,
    ArchiveMissing,
    BadQuery,
    BadTime,
    DatabaseUnreachable,
    NoSuchOutlet,
    NoSuchPage,
    NoSuchVersion,
    SchemaNeedsMigration,
)

__all__ = ["Archive", "ArchiveError", "ArchiveMissing", "BadQuery", "BadTime", "DatabaseUnreachable",
           "NoSuchOutlet", "NoSuchPage", "NoSuchVersion", "SchemaNeedsMigration"]


def __getattr__(name: str) -> Any:
    if name == "Archive":
        from storage.archive import Archive

        return Archive
    raise AttributeError(f"module 'storage' has no attribute {name!r}")
