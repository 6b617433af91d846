"""Rebuild the archive database from its WARC files alone (``newsarchive reindex``).

A rebuild never destroys before it has built: every WARC in
``ARCHIVE_DIR/warcs/`` is ingested, captures in ``WARC-Date`` order across
files (files written side by side overlap in time:
:mod:`storage.ingest.time_order`), into a *new* index beside the old one — a new SQLite file next to it, or a new
PostgreSQL schema — and the new one takes the old one's place only once it is
complete. A rebuild that would hold fewer outlets, pages or versions than the
archive has is swapped in only when ``confirm`` agrees. A killed or failed
rebuild leaves the old index untouched (the next rebuild clears what it left).
The index replaced is kept, one generation back: ``archive.sqlite3.previous``
or the schema ``NAME_previous``.

A crawl that holds the archive lock cannot run during a rebuild, but one with
the lock off (distributed crawls) can, and what it writes into the index being
replaced is in no file the rebuild read: when captures were added or crawl
runs started or ended since the rebuild began, it is not swapped in (the check
and the swap hold the tables' locks on PostgreSQL, so no writer slips between).

Outlets, their seed entries, each capture's discovery context and the run
history come from the files' own records (:mod:`storage.warc.context`); seed
files add outlets for WARCs without them. Watches and their alerts, which no
WARC holds, are carried over from the index replaced
(:mod:`storage.search.watch_state`).
"""

from __future__ import annotations

import logging
import os
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session

from storage.archive import Archive
from storage.db.engine import SQLITE_BUSY_SECONDS, display, resolve_url, sqlite_path
from storage.db.errors import ArchiveError, ArchiveMissing
from storage.db.lock import ArchiveLock, ArchiveLocked
from storage.db.models import Capture, CaptureFetch, Outlet, Page, Run, Version
from storage.ingest.ingest import IngestSummary, Progress, ingest
from storage.outlets.domains import OutletMap
from storage.versions import fetch_runs
from storage.search.watch_state import WatchState, restore_state, saved_state
from storage.warc.files import warcs_in

logger = logging.getLogger(__name__)

BUILD_MARK = ".reindex-"  # in the name of a rebuild in progress
PREVIOUS = "_previous"


@dataclass(frozen=True, slots=True)
class Counts:
    """What an index holds, for deciding whether a rebuild loses anything."""

    outlets: int
    pages: int
    versions: int

    @classmethod
    def none(cls) -> Counts:
        return cls(0, 0, 0)

    @classmethod
    def read(cls, session: Session) -> Counts:
        """Three counts, not :meth:`Archive.stats`' eight aggregates."""
        return cls(*(session.scalar(select(func.count()).select_from(model)) or 0 for model in (Outlet, Page, Version)))

    def fewer_than(self, other: Counts) -> bool:
        return self.outlets < other.outlets or self.pages < other.pages or self.versions < other.versions

    def __str__(self) -> str:
        return f"{self.outlets} outlets, {self.pages} pages, {self.versions} versions"


Confirm = Callable[[Counts, Counts], bool]  # (the archive now, the rebuild) → swap it in?


class ReindexDeclined(ArchiveError):
    """The rebuild would hold less than the archive does, and the swap was not confirmed."""


def archive_warcs(archive_dir: str | Path) -> list[Path]:
    """The WARC files of an archive, in file-name order."""
    warcs = Path(archive_dir) / "warcs"
    if not warcs.is_dir():
        raise ArchiveError(f"{warcs}: no such directory; reindex rebuilds from the WARCs a crawl wrote there")
    return warcs_in(warcs)


def unread_warcs(db_url: str | None, archive_dir: str | Path) -> list[str]:
    """The WARC files the archive's captures are in that a rebuild will not read (not in ``warcs/``).

    Files ingested in place from elsewhere, or moved away: their captures, and
    the pages and versions only they hold, would be missing from the rebuild.
    Known before building, so ``reindex`` can say so first.
    """
    read = {str(path) for path in archive_warcs(archive_dir)}
    try:
        with Archive(db_url, archive_dir) as archive:
            named = archive.read(fetch_runs.warc_file_names)
            return sorted(name for name in named if str(archive.warc_path(name)) not in read)
    except ArchiveMissing:
        return []


def current_counts(db_url: str | None, archive_dir: str | Path) -> Counts:
    """What the archive's index holds now (nothing when there is none)."""
    return _current(db_url, archive_dir)[0]


def _current(db_url: str | None, archive_dir: str | Path) -> tuple[Counts, WatchState, WriteMark]:
    """What the archive's index holds now, the watches the rebuild must carry over, and its writes so far."""
    try:
        with Archive(db_url, archive_dir) as archive:
            return archive.read(Counts.read), archive.read(saved_state), archive.read(WriteMark.of)
    except ArchiveMissing:
        return Counts.none(), WatchState([], [], []), WriteMark(0, 0, 0, 0)


@dataclass(frozen=True, slots=True)
class WriteMark:
    """How far writers had come in an index: a crawl writing meanwhile moves it."""

    last_capture: int
    runs: int
    finished_runs: int
    run_fetches: int  # re-checks that joined a capture's run add no capture row (storage.versions.fetch_runs)

    @classmethod
    def of(cls, session: Session) -> WriteMark:
        last_capture = session.scalar(select(func.max(Capture.id))) or 0
        runs, finished = session.execute(select(func.count(Run.id), func.count(Run.finished_at))).one()
        return cls(last_capture, runs, finished, session.scalar(select(func.count()).select_from(CaptureFetch)) or 0)

    def check_unchanged(self, session: Session) -> None:
        """Raise :class:`RebuildOverrun` when ``session``'s index was written since this mark."""
        now = WriteMark.of(session)
        if now == self:
            return
        added = (session.scalar(select(func.count(Capture.id)).where(Capture.id > self.last_capture)) or 0) + max(
            0, now.run_fetches - self.run_fetches)
        runs = now.runs - self.runs + now.finished_runs - self.finished_runs
        raise RebuildOverrun(
            f"the archive was written during the rebuild ({added} new captures, {runs} crawl runs started or "
            "ended: a crawl with the archive lock off, as distributed crawls run), and the rebuild does not hold "
            "that: kept the archive as it was; run reindex again when no crawl is running")


class RebuildOverrun(ArchiveError):
    """Writers added to the index being replaced while the rebuild ran."""


def reindex(
    db_url: str | None,
    archive_dir: str | Path,
    outlets: OutletMap,
    *,
    confirm: Confirm,
    workers: int | None = None,
    progress: Progress | None = None,
    all_pages: bool = False,
) -> IngestSummary:
    """Build a new index from every WARC of the archive and swap it in (see the module docstring)."""
    files = archive_warcs(archive_dir)
    url = resolve_url(db_url, archive_dir)
    try:
        with ArchiveLock(archive_dir):
            before, watches, mark = _current(db_url, archive_dir)
            place = _SqliteBuild(url) if sqlite_path(url) is not None else _SchemaBuild(url)
            with place.building() as build_url:
                with Archive(build_url, archive_dir, create=True) as built:
                    # Rebuilt with no watches, so the rebuild raises no alerts; then they come back.
                    summary = ingest(built, files, outlets, workers=workers, progress=progress, all_pages=all_pages)
                    built.write(lambda session: restore_state(session, watches))
                    after = built.read(Counts.read)
                if after.fewer_than(before) and not confirm(before, after):
                    raise ReindexDeclined(f"the rebuild holds {after} where the archive has {before}: "
                                          "kept the archive as it was (reindex --force swaps it in anyway)")
                place.swap_in(mark.check_unchanged)
    except ArchiveLocked as locked:
        raise ArchiveError(f"{locked}; reindex waits for no crawl") from None
    return summary


class _SqliteBuild:
    """A new SQLite file beside the archive's, renamed over it when complete."""

    def __init__(self, url: URL) -> None:
        self.path = sqlite_path(url)
        assert self.path is not None
        self.url = url
        self.build = self.path.with_name(f"{self.path.name}{BUILD_MARK}{os.getpid()}")

    @contextmanager
    def building(self) -> Iterator[str]:
        for leftover in self.path.parent.glob(f"{self.path.name}{BUILD_MARK}*"):
            leftover.unlink()  # a rebuild that was killed: never swapped in, nothing of the archive's
        try:
            yield f"sqlite:///{self.build}"
        finally:
            for part in _files(self.build):
                part.unlink(missing_ok=True)

    def swap_in(self, check_unchanged: Callable[[Session], None]) -> None:
        if self.path.exists():
            engine = create_engine(self.url)
            try:
                with Session(engine) as session:
                    if session.scalar(text("SELECT 1 FROM sqlite_master WHERE name = 'captures'")):
                        check_unchanged(session)  # a writer could still slip in before the rename: no table lock
            finally:
                engine.dispose()
        _checkpoint(self.build)
        if self.path.exists():
            _checkpoint(self.path)
            previous = self.path.with_name(self.path.name + ".previous")
            previous.unlink(missing_ok=True)
            os.link(self.path, previous)  # the old index stays reachable until the swap is done
            for part in _files(self.path)[1:]:
                # Readers still open on the old file keep theirs; a new connection must not take them for the
                # rebuilt file's (a -wal beside a file is read as its log, whatever its header says).
                part.unlink(missing_ok=True)
        os.replace(self.build, self.path)
        logger.info("rebuilt index swapped in at %s", self.path)


def _files(path: Path) -> list[Path]:
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]


def _checkpoint(path: Path) -> None:
    """Fold the file's write-ahead log into it, so the file alone is the whole database.

    Readers may have the file open (the reading room, Datasette): the
    checkpoint waits for their reads as a writer would, and the file keeps its
    journal mode (leaving WAL mode needs every other connection closed).
    """
    connection = sqlite3.connect(path, timeout=SQLITE_BUSY_SECONDS)
    try:
        busy, _, _ = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        connection.close()
    if busy:
        raise ArchiveError(f"cannot swap the rebuilt index in: a reader of {path} (the reading room, Datasette) "
                           f"held a read open for {SQLITE_BUSY_SECONDS} s; kept the archive as it was, run reindex "
                           "again")


class _SchemaBuild:
    """A new PostgreSQL schema, renamed to the archive's schema's name when complete."""

    def __init__(self, url: URL) -> None:
        self.url = url
        self.engine = create_engine(url)
        with self.engine.connect() as connection:
            self.schema = connection.scalar(text("SELECT current_schema()")) or "public"
        self.build = f"{self.schema[:40]}_reindex_{uuid.uuid4().hex[:8]}"

    @contextmanager
    def building(self) -> Iterator[str]:
        with self.engine.begin() as connection:
            for (leftover,) in connection.execute(text(
                    "SELECT nspname FROM pg_namespace WHERE nspname LIKE :prefix"), {"prefix": f"{self.schema[:40]}_reindex_%"}):
                connection.execute(text(f'DROP SCHEMA "{leftover}" CASCADE'))
            connection.execute(text(f'CREATE SCHEMA "{self.build}"'))
        options = " ".join(filter(None, [_without_search_path(self.url), f"-csearch_path={self.build}"]))
        try:
            yield make_url(self.url).update_query_dict({"options": options}).render_as_string(hide_password=False)
        finally:
            with self.engine.begin() as connection:
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{self.build}" CASCADE'))
            self.engine.dispose()

    def swap_in(self, check_unchanged: Callable[[Session], None]) -> None:
        previous = f"{self.schema[:40]}{PREVIOUS}"
        with self.engine.begin() as connection:
            exists = connection.scalar(text("SELECT 1 FROM pg_namespace WHERE nspname = :s"), {"s": self.schema})
            if exists and connection.scalar(text("SELECT to_regclass(:t)"), {"t": f'"{self.schema}".captures'}):
                # Held until the rename commits: writers wait, then write into the rebuilt index.
                connection.execute(text(f'LOCK TABLE "{self.schema}".captures, "{self.schema}".runs '
                                        "IN EXCLUSIVE MODE"))
                check_unchanged(Session(bind=connection))
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{previous}" CASCADE'))
            if exists:
                connection.execute(text(f'ALTER SCHEMA "{self.schema}" RENAME TO "{previous}"'))
            connection.execute(text(f'ALTER SCHEMA "{self.build}" RENAME TO "{self.schema}"'))
        logger.info("rebuilt index swapped in as schema %s of %s", self.schema, display(self.url))


def _without_search_path(url: URL) -> str:
    options = str(url.query.get("options") or "")
    return " ".join(part for part in options.split() if not part.startswith("-csearch_path="))
