"""Exceptions the archive raises for problems a user can cause or fix.

Each message is one line in the user's terms; the CLI prints it as it is.
"""

from __future__ import annotations


class ArchiveError(Exception):
    """Base class: ``str(error)`` is a complete, user-facing sentence; ``exit_code`` is the CLI's status."""

    exit_code = 1


class ArchiveMissing(ArchiveError):
    """A read command pointed at an archive that does not exist."""


class DatabaseUnreachable(ArchiveError):
    """The database URL is wrong or its server does not answer."""


class SchemaNeedsMigration(ArchiveError):
    """The archive's schema is older than this code's, and opening it may not migrate it: run ``newsarchive migrate``.

    Its status is EX_CONFIG (sysexits.h), the same for a crawl and a command, so cron can tell it from a failure.
    """

    exit_code = 78


class NoSuchOutlet(ArchiveError):
    """An ``--outlet`` that names no outlet of the archive: a mistake in the command, like a bad option."""

    exit_code = 2


class NoSuchPage(ArchiveError):
    """The URL was never captured into this archive."""


class NoSuchStory(ArchiveError):
    """No story with that id."""


class NoSuchCapture(ArchiveError):
    """No capture with that id."""


class NoSuchVersion(ArchiveError):
    """The page exists but has no version matching the request."""


class BadTime(ArchiveError, ValueError):
    """A date or time the user typed could not be parsed."""


class BadQuery(ArchiveError, ValueError):
    """A search query the full-text engine cannot run."""


class NoSuchWatch(ArchiveError):
    """No watch with that name (storage/search/watches.py)."""

    exit_code = 2


class BadWatch(ArchiveError, ValueError):
    """A watch that cannot be defined as asked: a taken name, an unknown event or notification URL."""

    exit_code = 2
