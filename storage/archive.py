"""The Archive API: record captures and versions, and query them back.

``Archive`` is what the crawler's pipeline, WARC ingest and the ``newsarchive``
CLI use. Writes are thread-safe (one lock per Archive, one transaction per
batch); reads return plain values (``to_json()`` for scripts) defined beside
the code that builds them: :mod:`storage.versions.results`, :mod:`storage.stories.results`, …
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from sqlalchemy import Select, and_, exists, func, select
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, aliased

from extract import EXTRACTOR_VERSION
from extract.article import Article
from extract.urls import canonicalize_url
from storage.db.engine import (
    WRITE_OPTION,
    check_exists,
    display,
    make_engine,
    resolve_url,
    unreachable,
)
from storage.db.errors import (
    ArchiveError,
    ArchiveMissing,
    NoSuchVersion,
)
from storage.db.migrate import check_schema_current, current_revisions, upgrade
from storage.db.models import Capture, Outlet, Page, Version
from storage.db.results import Result
from storage.db import times
from storage.db.times import aware, iso, utc
from storage.outlets import frontpage_history as fronts
from storage.outlets import listing, rendering
from storage.outlets import runs as run_log
from storage.outlets.names import require_outlet
from storage.outlets.results import OutletView
from storage.search import alerts as alert_log
from storage.search import outbox
from storage.search import watches as watch_defs
from storage.search import sql as search_sql
from storage.search.results import SearchHit
from storage.stories import matcher as story_matcher
from storage.stories import MIN_OUTLETS
from storage.stories import results as story_results
from storage.stories.results import StoryView
from storage.versions import activity, capture_log, fetch_runs, history, lookup, moves, recheck, recorder, renditions
from storage.versions.captures import CaptureInput, Outcome
from storage.versions.lookup import find_page
from storage.warc.files import warcs_in
from storage.versions.results import CaptureView, VersionView
from storage.warc.errors import WarcUnreadable
from storage.warc.rendered import Renditions, renditions_after

logger = logging.getLogger(__name__)

T = TypeVar("T")

WRITE_ATTEMPTS = 5
# PostgreSQL's SQLSTATEs for a transaction it ended so another could go on: run again, it succeeds.
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})  # deadlock_detected, serialization_failure
RETRY_PAUSE = 0.05  # seconds; a random pause up to this times the attempt, so the retried writers part
EXPORT_BATCH = 500


class Archive:
    """The SQL index over an archive's WARC files.

    Opening never creates: a missing archive raises :class:`ArchiveMissing`
    naming where it looked. Writers that start an archive (a crawl, ingest,
    reindex, a copy) say so with ``create=True``; a new archive gets the whole
    schema. A writer brings an older schema up to date when the revisions it
    lacks are cheap, and is refused (:class:`SchemaNeedsMigration`) when one
    works through a big table: ``newsarchive migrate`` runs those
    (:mod:`storage.db.migrate`). ``migrate=False`` (read commands) and
    ``read_only=True`` (the reading room, whose connections cannot write) never
    migrate: an older schema is refused.
    """

    def __init__(
        self,
        db_url: str | None = None,
        archive_dir: str | Path = "archive",
        *,
        create: bool = False,
        extractor_version: str | None = EXTRACTOR_VERSION,
        read_only: bool = False,
        migrate: bool = True,
    ) -> None:
        self.archive_dir = Path(archive_dir)
        self.url = resolve_url(db_url, archive_dir)
        self.extractor_version = extractor_version
        self.read_only = read_only
        # What the re-check schedule counts from (storage.versions.recheck): the real time, except in
        # tests that record captures of a fixed past day.
        self.clock: Callable[[], datetime] = times.now
        create = create and not read_only
        if not create:
            check_exists(self.url)
        self._engine = make_engine(self.url, create=create, read_only=read_only)
        self._writer = self._engine.execution_options(**{WRITE_OPTION: True})
        self._write_lock = threading.Lock()
        try:
            self._open(create, migrate and not read_only)
        except BaseException:
            self._engine.dispose()
            raise

    def _open(self, create: bool, migrate: bool) -> None:
        try:
            if not create and not current_revisions(self._engine):
                raise ArchiveMissing(f"no newsarchive tables in {display(self.url)}: crawl into it first")
            if not migrate:
                check_schema_current(self._engine, self.url)
                return
            upgrade(self._engine, self.url)
        except DBAPIError as error:
            raise unreachable(display(self.url), error) from None

    @property
    def backend(self) -> str:
        return self._engine.dialect.name

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()

    # -- write side -----------------------------------------------------------

    def ensure_outlet(self, name: str, domains: list[str], seed: dict[str, Any] | None = None) -> None:
        """Create outlet ``name`` or update its domains (and its ``seed`` entry as crawled, when given)."""
        self._write(lambda session: recorder.outlet_id_for(session, name, domains, seed))

    def record_capture(self, capture: CaptureInput, article: Article | None) -> Outcome:
        """Index one capture; see :mod:`storage.versions.recorder` for when a version is added."""
        return self.record_captures([(capture, article)])[0]

    def record_captures(self, batch: list[tuple[CaptureInput, Article | None]]) -> list[Outcome]:
        """Index a batch of captures in one transaction; returns an outcome per capture.

        An entry may carry a third item, the article's text before outlet
        boilerplate was stripped (see :func:`storage.versions.recorder.record`).
        """
        return self._write(lambda session: recorder.record_batch(session, batch, self.extractor_version))

    def claim_rechecks(self, now: datetime, outlets: list[str] | None = None,
                       limit: int = 10_000, every: bool = False) -> list[recheck.RecheckTarget]:
        """Pages due for a re-check at ``now`` (``every``: all archived pages), most overdue first, leased to the caller.

        See :mod:`storage.versions.recheck` for how due times are learned.
        """
        return self._write(lambda session: recheck.claim_due(session, now, outlets, limit, every=every))

    def recheck_outlook(self, outlets: list[str] | None = None) -> tuple[int, datetime | None]:
        """How many archived pages of ``outlets`` have a re-check scheduled, and when the earliest falls due."""
        return self.read(lambda session: recheck.outlook(session, outlets))

    def archived_among(self, urls: Iterable[str]) -> set[str]:
        """The canonical forms of ``urls`` already archived (see :func:`storage.versions.lookup.archived_among`).

        The crawler skips them in discovery: their re-check schedule decides
        when they are fetched again.
        """
        return self.read(lambda session: lookup.archived_among(session, urls))

    def known_urls(self, outlets: list[str] | None = None) -> set[str]:
        """Every archived page URL and fetched URL (canonicalised) of these outlets: a whole-table read.

        For listings of small archives; discovery asks :meth:`archived_among` per batch of links.
        """
        def query(session: Session) -> set[str]:
            pages = select(Page.url, Capture.fetched_url).join(Capture, Capture.page_id == Page.id)
            if outlets is not None:
                pages = pages.join(Outlet, Outlet.id == Page.outlet_id).where(Outlet.name.in_(outlets))
            known: set[str] = set()
            for url, fetched_url in session.execute(pages.distinct()):
                known.add(url)
                known.add(canonicalize_url(fetched_url))
            return known

        return self.read(query)

    def start_run(self, run_id: str, started_at: datetime, host: str, pid: int,
                  arguments: dict[str, Any], crawl_id: str | None = None) -> bool:
        """Open the record of a crawl run (see :mod:`storage.outlets.runs`); whether it was new."""
        return self._write(lambda session: run_log.start_run(session, run_id, started_at, host, pid, arguments,
                                                             crawl_id))

    def finish_run(self, run_id: str, finished_at: datetime, finish_reason: str | None, *,
                   counts: dict[str, Any], errors: dict[str, Any], outlets: dict[str, Any],
                   warc_files: list[str], exit_status: int | None = None) -> None:
        """Close a run's record with what it did."""
        self._write(lambda session: run_log.finish_run(session, run_id, finished_at, finish_reason,
                                                    counts, errors, outlets, warc_files, exit_status))

    def runs(self, limit: int = 20) -> list[run_log.RunView]:
        """The latest crawls, newest first: a distributed crawl is one, its processes within."""
        return self.read(lambda session: run_log.list_runs(session, limit))

    def health(self, runs_back: int = 3) -> list[run_log.OutletHealth]:
        """Each outlet's health, judged from recent runs and recent article texts."""
        return self.read(lambda session: run_log.outlet_health(session, runs_back))

    def read(self, work: Callable[[Session], T]) -> T:
        """Run ``work(session)`` in a read-only session (for storage modules with their own queries)."""
        with self._session() as session:
            return work(session)

    def write(self, work: Callable[[Session], T]) -> T:
        """Run ``work(session)`` in one write transaction, retried on a conflicting insert."""
        return self._write(work)

    def _write(self, work: Any) -> Any:
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            try:
                with self._write_lock, Session(self._writer, expire_on_commit=False) as session:
                    session.info[recheck.CLOCK_KEY] = self.clock
                    with session.begin():
                        return work(session)
            except (IntegrityError, OperationalError) as error:
                # Another process inserted the same page or outlet first, or PostgreSQL chose this
                # transaction to end a deadlock or a serialization conflict: a retry sees the other's rows.
                if not _retryable(error) or attempt == WRITE_ATTEMPTS:
                    raise
                logger.debug("write conflict (%s), retrying (attempt %d)", type(error.orig).__name__, attempt)
                time.sleep(random.uniform(0, RETRY_PAUSE * attempt))
        raise AssertionError("unreachable")

    # -- read side ------------------------------------------------------------

    def outlets(self) -> list[OutletView]:
        """Every outlet with its page and version counts and last capture time."""
        # count(*): index-only scans of the outlet indexes, not a read of every row
        pages = select(func.count()).select_from(Page).where(Page.outlet_id == Outlet.id).scalar_subquery()
        versions = select(func.count()).select_from(Version).where(Version.outlet_id == Outlet.id).scalar_subquery()
        last = select(func.max(Page.last_seen)).where(Page.outlet_id == Outlet.id).scalar_subquery()
        query = select(Outlet, pages, versions, last).order_by(Outlet.name)
        with self._session() as session:
            return [
                OutletView(o.name, list(o.domains), o.created_at, n_pages, n_versions, aware(last_seen),
                           rendering.render_words(o.seed, o.rendered_since))
                for o, n_pages, n_versions, last_seen in session.execute(query)
            ]

    def mark_rendered(self, outlet: str, since: datetime, because: str) -> bool:
        """Record that an ``auto`` outlet's pages need the browser from ``since`` on; False if known already."""
        return self._write(lambda session: rendering.mark_rendered(session, outlet, since, because))

    def rendered_outlets(self, names: list[str] | None = None) -> set[str]:
        """The outlets found to need the browser (:mod:`storage.outlets.rendering`)."""
        return self.read(lambda session: rendering.rendered_outlets(session, names))

    def versions(self, url: str) -> list[VersionView]:
        """All versions of the page at ``url``, oldest first; raises :class:`NoSuchPage`."""
        with self._session() as session:
            page = self._page(session, url)
            rows = session.execute(_version_select().where(Version.page_id == page.id).order_by(Version.seq))
            arrived = moves.moved_from(session, [page.id])
            return [_version_view(row, arrived) for row in rows]

    def diff(self, url: str, old: int | None = None, new: int | None = None) -> history.VersionDiff:
        """Word-level diff of the page at ``url`` from version ``old`` to ``new`` (default: the last two)."""
        with self._session() as session:
            page = self._page(session, url)
            outlet = session.scalar(select(Outlet.name).where(Outlet.id == page.outlet_id))
            return history.diff(session, page, outlet, old, new)

    def changes(self, since: datetime, outlet: str | None = None, limit: int = 20,
                undeclared: bool = False) -> list[history.ChangedArticle]:
        """Articles with new versions (2nd and later) first seen since ``since``, biggest change first.

        ``undeclared``: only stealth edits, changes the outlet did not declare.
        """
        with self._session() as session:
            if outlet is not None:
                require_outlet(session, outlet)
            return history.changed(session, since, outlet, limit, undeclared)

    def version(self, url: str, at: datetime | None = None, number: int | None = None) -> VersionView:
        """The version current at time ``at``, or version ``number``, or the latest."""
        if at is not None and number is not None:
            raise ArchiveError("ask for a version by time or by number, not both")
        with self._session() as session:
            page = self._page(session, url)
            query = _version_select().where(Version.page_id == page.id)
            if number is not None:
                query = query.where(Version.seq == number)
            if at is not None:
                query = query.where(Version.first_seen <= utc(at))
            row = session.execute(query.order_by(Version.seq.desc()).limit(1)).first()
            if row is None:
                raise NoSuchVersion(_no_version_message(session, page, at, number))
            return _version_view(row, moves.moved_from(session, [page.id]))

    def captures(self, url: str) -> list[CaptureView]:
        """Every fetch of the page at ``url``, oldest first."""
        with self._session() as session:
            page = self._page(session, url)
            rows = session.execute(_capture_select().where(Capture.page_id == page.id)).all()
            names = {capture.id: (url, outlet) for capture, url, outlet in rows}
            return [_capture_view(fetch, *names[fetch.id])
                    for fetch in fetch_runs.every_fetch(session, [row[0] for row in rows])]

    def last_capture(self, url: str) -> CaptureView | None:
        """The newest fetch of ``url`` (for conditional requests), or ``None`` if never fetched."""
        query = _capture_select().where(Page.url == url).order_by(Capture.fetched_at.desc()).limit(1)
        with self._session() as session:
            row = session.execute(query).first()
            return None if row is None else _capture_view(fetch_runs.every_fetch(session, [row[0]])[-1], *row[1:])

    def search(
        self,
        query: str,
        outlet: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 20,
        as_of: datetime | None = None,
        all_versions: bool = False,
        language: str | None = None,
    ) -> list[SearchHit]:
        """Versions matching ``query``, best first, then newest: each page once, as its latest matching version.

        ``since``/``until`` bound when a version was first seen; ``as_of`` keeps
        only the version of each page that was current at that time;
        ``all_versions`` lists every matching version of a page; ``language``
        keeps versions in that language (ISO 639-1, as detected). An unknown
        ``outlet`` raises :class:`NoSuchOutlet`.
        """
        with self._session() as session:
            if outlet is not None:
                require_outlet(session, outlet)
            try:
                return search_sql.run(session, self.backend, query, outlet, since, until, limit, as_of, all_versions,
                                      language)
            except OperationalError as error:
                raise ArchiveError(f"search failed for {query!r}: {error.orig}") from None

    def search_count(self, query: str, outlet: str | None = None, since: datetime | None = None,
                     until: datetime | None = None, as_of: datetime | None = None, all_versions: bool = False,
                     language: str | None = None, cap: int = 1000) -> int:
        """How many hits :meth:`search` has with these filters and no limit, counted up to ``cap + 1``."""
        with self._session() as session:
            if outlet is not None:
                require_outlet(session, outlet)
            try:
                return search_sql.count(session, self.backend, query, outlet, since, until, as_of, all_versions,
                                        language, cap)
            except OperationalError as error:
                raise ArchiveError(f"search failed for {query!r}: {error.orig}") from None

    def copies(self, url: str) -> StoryView | None:
        """The story of the page's latest version (origin first), or ``None`` if it has no copies."""
        with self._session() as session:
            return story_results.copies(session, self._page(session, url))

    def stories(
        self, since: datetime | None = None, outlet: str | None = None, min_outlets: int = 1, limit: int = 20
    ) -> list[StoryView]:
        """Stories of copied articles, most outlets first; see :mod:`storage.stories.matcher`."""
        with self._session() as session:
            return story_results.stories(session, since, outlet, min_outlets, limit)

    def index_stories(self, batch: int = 200) -> tuple[int, int]:
        """Fingerprint and match versions archived before stories existed; returns (versions, joined)."""
        seen = joined = last = 0
        while True:
            done, linked, last = self._write(lambda session: story_matcher.index_unindexed(session, batch, last))
            seen, joined = seen + done, joined + linked
            if done < batch:
                return seen, joined

    def outlets_as_of(self, upto: listing.Generation, previous: list[OutletView] | None = None,
                      since: listing.Generation | None = None) -> list[OutletView]:
        """:meth:`outlets` over the rows up to generation ``upto``; given ``previous`` (as of ``since``), grown by
        the rows added since instead of counted again (see :func:`storage.outlets.listing.outlets_as_of`)."""
        return self.read(lambda session: listing.outlets_as_of(session, upto, previous, since))

    def generation(self) -> listing.Generation:
        """A marker that changes whenever the archive gains rows: the highest outlet, page, capture and version ids.

        Four primary-key lookups, cheap at any size: the reading room recomputes its kept counts when it changes.
        """
        columns = (Outlet.id, Page.id, Capture.id, Version.id)
        return self.read(lambda session: tuple(session.scalar(select(func.max(c))) or 0  # type: ignore[return-value]
                                               for c in columns))

    def stats(self) -> StatsView:
        """Counts of everything in the archive and the span of its captures."""
        with self._session() as session:
            count = lambda column, *where: session.scalar(select(func.count(column)).where(*where))  # noqa: E731
            first, last = session.execute(select(func.min(Capture.fetched_at),
                                                 func.max(fetch_runs.last_fetched()))).one()
            captures, revisits = fetch_runs.counts(session)
            return StatsView(
                backend=self.backend,
                database=display(self.url),
                outlets=count(Outlet.id),
                pages=count(Page.id),
                captures=captures,  # every fetch: capture rows and the fetches in their runs
                revisits=revisits,
                versions=count(Version.id),
                # a version marked as an extractor change (storage.ingest.reextract) is no article change
                changed_pages=count(
                    func.distinct(Version.page_id), Version.seq >= 2, Version.state != "extractor-change"
                ),
                **self._warc_file_counts(session),
                first_capture=aware(first),
                last_capture=aware(last),
            )

    def _warc_file_counts(self, session: Session) -> dict[str, int]:
        """The archive's WARC files (those in ``warcs/`` and any elsewhere captures point to), and how many hold captures.

        A file may hold no capture: a crawl that reached no outlet still writes its run's records.
        """
        named = {str(self.warc_path(name)) for name in fetch_runs.warc_file_names(session)}
        on_disk = {str(path) for path in warcs_in(self.archive_dir / "warcs")}
        return {"warc_files": len(named | on_disk), "warc_files_with_captures": len(named)}

    def export(
        self,
        outlet: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        url: str | None = None,
        latest_only: bool = False,
        language: str | None = None,
    ) -> Iterator[VersionView]:
        """Stream versions (first seen between ``since`` and ``until``, in ``language``) in constant memory."""
        query = _version_select().order_by(Version.first_seen, Version.id)
        query = search_sql.filter_versions(query, outlet, since, until, language)
        if latest_only:
            newer = aliased(Version)
            query = query.where(~exists().where(and_(newer.page_id == Version.page_id, newer.seq > Version.seq)))
        with self._session() as session:
            if outlet is not None:
                require_outlet(session, outlet)
            if url is not None:  # found as forgivingly as `versions URL` finds it, or the closest named
                query = query.where(Version.page_id == self._page(session, url).id)
            arrived = moves.moved_from(session)  # moves are few: all of them, once
            for row in session.execute(query.execution_options(yield_per=EXPORT_BATCH)):
                yield _version_view(row, arrived)

    def warc_path(self, warc_file: str) -> Path:
        """Where a capture's ``warc_file`` lives: absolute, or under ``ARCHIVE_DIR/warcs``."""
        path = Path(warc_file)
        return path if path.is_absolute() else self.archive_dir / "warcs" / path

    def renditions(self, warc_file: str, warc_offset: int, record_id: str) -> Renditions:
        """The rendered DOM and screenshot of a capture: recorded beside its response by a browser capture, or
        taken afterwards for a static page's new version (:mod:`storage.versions.renditions`); none for others."""
        apart = self.read(lambda session: renditions.located(session, record_id))
        if apart is not None:
            warc_file, warc_offset = apart
        try:
            return renditions_after(self.warc_path(warc_file), warc_offset, record_id)
        except (OSError, ValueError, EOFError) as error:
            raise WarcUnreadable(f"{warc_file} @ {warc_offset}: {error}") from error

    # -- read side: listings, charts, captures (the reading room's pages) -------

    def outlet(self, name: str) -> OutletView:
        """One outlet with its page and version counts; raises :class:`NoSuchOutlet`."""
        return self.read(lambda session: listing.outlet(session, name))

    def outlet_pages(self, name: str, offset: int = 0, limit: int = 50) -> listing.PageListing:
        """A page of the outlet's articles, newest first seen first, each with its latest change (no counts)."""
        return self.read(lambda session: listing.outlet_pages(session, name, offset, limit))

    def activity(self, days: int = 30, outlet: str | None = None,
                 with_captures: bool = True) -> list[activity.DayCount]:
        """Captures, new articles and changes per UTC day, over the ``days`` up to the newest version."""
        return self.read(lambda session: activity.activity(session, self.backend, days, outlet, with_captures))

    def change_histogram(self, outlet: str) -> list[listing.VersionCount]:
        """How many of the outlet's articles have 1, 2, 3, … versions."""
        return self.read(lambda session: listing.change_histogram(session, outlet))

    def recent_changes(self, limit: int = 20, outlet: str | None = None,
                       url: str | None = None, stealth_only: bool = False) -> list[activity.ChangeEntry]:
        """Versions after the first (edits and removals), newest first; of one outlet or one page.

        ``stealth_only``: only the edits the outlet did not declare (:mod:`storage.versions.declared`).
        """
        def query(session: Session) -> list[activity.ChangeEntry]:
            page_id = None if url is None else self._page(session, url).id
            return activity.recent_changes(session, limit, outlet, page_id, stealth_only)

        return self.read(query)

    def story(self, story_id: int) -> StoryView:
        """The story with this id, origin first; raises :class:`NoSuchStory`."""
        return self.read(lambda session: story_results.story(session, story_id))

    def story_page(self, offset: int = 0, limit: int = 20,
                   min_outlets: int = MIN_OUTLETS) -> list[StoryView]:
        """Stories on at least ``min_outlets`` outlets in :meth:`stories`' order, ``limit`` from ``offset``."""
        return self.read(lambda session: story_results.story_page(session, offset, limit, min_outlets))

    def page_captures(self, url: str) -> list[capture_log.CaptureEntry]:
        """Every fetch of the page at ``url`` with its capture id and the version it made."""
        return self.read(lambda session: capture_log.page_captures(session, self._page(session, url)))

    def capture(self, capture_id: int, fetch: int = 0) -> capture_log.CaptureEntry:
        """The capture with this id (``fetch``: that fetch of its run of unchanged re-checks); raises :class:`NoSuchCapture`."""
        return self.read(lambda session: capture_log.capture(session, capture_id, fetch))

    def payload_capture(self, capture_id: int, fetch: int = 0) -> capture_log.CaptureEntry | None:
        """The capture whose WARC record holds this one's payload (a revisit's original), if archived."""
        return self.read(lambda session: capture_log.payload_capture(session, capture_id, fetch))

    # -- front pages (storage/outlets/frontpages.py records, frontpage_history.py reads) ----

    def frontpage(self, outlet: str, page: str | None = None, at: datetime | None = None) -> fronts.FrontPageView:
        """The outlet's front page (``page``, default its home) as last captured at or before ``at``.

        Raises :class:`NoSuchOutlet`, :class:`NoSuchPage` (no such front page) or
        :class:`NoSuchCapture` (none that early).
        """
        return self.read(lambda session: fronts.front_page_at(session, outlet, page, at))

    def frontpage_urls(self, outlet: str) -> list[str]:
        """The URLs of the outlet's recorded front pages (home and section fronts)."""
        return self.read(lambda session: fronts.front_page_urls(session, outlet))

    def frontpage_times(self, outlet: str, page: str | None = None) -> tuple[str, list[datetime]]:
        """The front page :meth:`frontpage` would show, and the times of its captures, oldest first."""
        return self.read(lambda session: fronts.front_page_times(session, outlet, page))

    def export_frontpages(self, outlet: str | None = None, since: datetime | None = None,
                          until: datetime | None = None) -> Iterator[fronts.FrontPageRow]:
        """Stream every article on every front-page capture fetched between ``since`` and ``until``."""
        with self._session() as session:
            yield from fronts.observations(session, outlet, since, until)

    def prominence(self, url: str) -> list[fronts.Prominence]:
        """The article's life on each front page that showed it: entered, best and worst rank, left."""
        return self.read(lambda session: fronts.prominence(session, url))

    def headlines(self, url: str) -> list[fronts.Headline]:
        """Every headline the article carried on front pages and as its title, A/B tests flagged."""
        return self.read(lambda session: fronts.headlines(session, url))

    # -- watches and alerts (storage/search/watches.py, alerts.py, outbox.py) ----

    def add_watch(self, name: str, query: str, outlets: list[str] | None = None, events: list[str] | None = None,
                  notify: list[str] | None = None, digest: bool = False) -> watch_defs.WatchView:
        """Define a watch over what the archive records from now on; raises :class:`BadWatch`, ``BadQuery``
        or ``NoSuchOutlet``. ``events`` default to :data:`storage.search.watch_defs.DEFAULT_EVENTS`."""
        for target in notify or []:
            outbox.check_target(target)
        chosen = list(events) if events else list(watch_defs.DEFAULT_EVENTS)
        return self._write(lambda session: watch_defs.add(session, name, query, list(outlets or []), chosen,
                                                      list(notify or []), digest))

    def watches(self) -> list[watch_defs.WatchView]:
        """Every watch, by name (notification URLs masked)."""
        return self.read(watch_defs.list_watches)

    def remove_watch(self, name: str) -> None:
        """Remove a watch, its alerts and their undelivered messages; raises :class:`NoSuchWatch`."""
        self._write(lambda session: watch_defs.remove(session, name))

    def try_watch(self, name: str, since: datetime | None = None, limit: int = 100) -> list[alert_log.AlertView]:
        """The alerts watch ``name`` would have raised on versions first seen since ``since`` (default a day ago)."""
        return self.read(lambda session: alert_log.trial(session, name, since, limit))

    def alerts(self, watch: str | None = None, since: datetime | None = None, undelivered: bool = False,
               limit: int = 100) -> list[alert_log.AlertView]:
        """Stored alerts, newest first, with where each was delivered or waits to be."""
        return self.read(lambda session: alert_log.list_alerts(session, watch, since, undelivered, limit))

    def deliver_alerts(self, at: datetime | None = None, *, ignore_backoff: bool = False,
                       budget: float = outbox.BUDGET) -> outbox.DeliveryReport:
        """Send the outbox's due alerts through Apprise (see :mod:`storage.search.outbox`); never raises for a target."""
        return outbox.deliver(self, at, ignore_backoff=ignore_backoff, budget=budget)

    # -- helpers --------------------------------------------------------------

    def _session(self) -> Session:
        return Session(self._engine)

    def _page(self, session: Session, url: str) -> Page:
        """The page ``url`` names, found as forgivingly as :mod:`storage.versions.lookup` says."""
        return find_page(session, url)




@dataclass(frozen=True, slots=True)
class StatsView(Result):
    backend: str
    database: str
    outlets: int
    pages: int
    captures: int
    revisits: int
    versions: int
    changed_pages: int
    warc_files: int
    warc_files_with_captures: int
    first_capture: datetime | None
    last_capture: datetime | None
    extra: dict[str, Any] = field(default_factory=dict)


def _version_select() -> Select[Any]:
    moved_to = aliased(Page)
    return (
        select(Version, Page.url, Outlet.name, Capture, moved_to.url)
        .join(Page, Page.id == Version.page_id)
        .join(Outlet, Outlet.id == Version.outlet_id)
        .join(Capture, Capture.id == Version.capture_id)
        .outerjoin(moved_to, moved_to.id == Page.moved_to_id)
    )


def _version_view(row: Any, moved_from: dict[str, list[str]]) -> VersionView:
    """One row of :func:`_version_select`; ``moved_from``: the pages that moved to each page, by URL."""
    version, url, outlet, capture, moved_to = row
    return VersionView(
        url=url,
        outlet=outlet,
        version=version.seq,
        first_seen=version.first_seen,
        last_seen=version.last_seen,
        title=version.title,
        text=version.text,
        authors=list(version.authors or []),
        published=version.published,
        modified=version.modified,
        language=version.language,
        declared_language=version.declared_language,
        sitename=version.sitename,
        description=version.description,
        tags=list(version.tags or []),
        text_hash=version.text_hash,
        state=version.state,
        extractor_version=version.extractor_version,
        change_summary=version.change_summary,
        chars_added=version.chars_added,
        chars_removed=version.chars_removed,
        fetched_url=capture.fetched_url,
        status=capture.status,
        warc_file=capture.warc_file,
        warc_offset=capture.warc_offset,
        warc_length=capture.warc_length,
        warc_record_id=capture.warc_record_id,
        moved_to=moved_to,
        moved_from=list(moved_from.get(url, [])),
        posts=version.posts,
    )


def _capture_select() -> Select[Any]:
    return (
        select(Capture, Page.url, Outlet.name)
        .join(Page, Page.id == Capture.page_id)
        .join(Outlet, Outlet.id == Page.outlet_id)
    )


def _capture_view(capture: fetch_runs.Fetch, url: str, outlet: str) -> CaptureView:
    return CaptureView(
        url=url,
        outlet=outlet,
        fetched_url=capture.fetched_url,
        fetched_at=capture.fetched_at,
        status=capture.status,
        record_type=capture.record_type,
        content_type=capture.content_type,
        etag=capture.etag,
        last_modified=capture.last_modified,
        payload_digest=capture.payload_digest,
        warc_file=capture.warc_file,
        warc_offset=capture.warc_offset,
        warc_length=capture.warc_length,
        warc_record_id=capture.warc_record_id,
        run_id=capture.run_id,
        blocked=capture.blocked,
        unread=capture.unread,
    )


def _no_version_message(session: Session, page: Page, at: datetime | None, number: int | None) -> str:
    count = session.scalar(select(func.count(Version.id)).where(Version.page_id == page.id))
    if not count:
        unread = session.scalar(select(Capture.unread).where(Capture.page_id == page.id, Capture.unread.is_not(None))
                                .order_by(Capture.fetched_at.desc()).limit(1))
        if unread is not None:
            return (f"{page.url} was captured but not extracted ({unread}: more HTML elements than the crawl's "
                    "EXTRACT_MAX_ELEMENTS); the WARC holds the page")
        return f"{page.url} was captured but has no article text (not an article page?)"
    if number is not None:
        return f"{page.url} has no version {number}: it has versions 1 to {count}"
    return f"{page.url} had no version yet at {iso(at)}: first captured {iso(page.first_seen)}"


def _retryable(error: DBAPIError) -> bool:
    """An insert that lost a race, or a transaction PostgreSQL ended for a deadlock or serialization failure."""
    return isinstance(error, IntegrityError) or getattr(error.orig, "sqlstate", None) in RETRYABLE_SQLSTATES
