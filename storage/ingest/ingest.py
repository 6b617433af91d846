"""Index WARC files into the archive: the code path behind ``newsarchive ingest`` and ``reindex``.

Each HTTP response (or revisit) of an outlet's host becomes a capture, and an
article version when its text is new, decided exactly as a live crawl decides
it: :func:`extract.page.analyse_page` for identity, article verdict and text,
(the same worker function the crawler uses), :meth:`Archive.record_captures`
for the rows. Captures point at the original files, which are never copied.

WARCs our crawler wrote say more (:mod:`storage.warc.context`), and ingest
follows them: outlets (with their seed entries) and run records come from the
files themselves, a fetch that was a start page, feed or sitemap is not made a
page (a start page's ranked links are recorded as a front page, as the crawl
records them: :mod:`storage.outlets.frontpages`), a feed's listing and hints and a re-check's page identity are used as
the crawl used them. Files without those records are judged page by page.
``all_pages`` makes every whole HTML response an article (a CC-NEWS file, a
wget mirror of articles).

Extraction runs in worker processes; the main process streams records (the
files merged by capture time, :mod:`storage.ingest.time_order`), keeps a
bounded window of them in flight and writes results in that order, so a
page's versions come out in the order they were captured. A capture older
than what the archive holds already is placed by its time all the same
(:mod:`storage.versions.placement`). A record already
indexed adds nothing, so ingesting a file twice is harmless. A revisit record
is read as the payload it refers to (found earlier in this run, or through the
archive); an identical payload is then an unchanged capture.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from extract import Article
from extract.frontpage import FrontPageLink, FrontPageTooLarge, front_page_links
from extract.limits import MAX_ELEMENTS
from extract.page import PageAnalysis, PageVerdict, analyse_page, is_html_type
from extract.urls import canonicalize_url
from storage.archive import Archive
from storage.db.errors import ArchiveError, NoSuchPage
from storage.ingest.time_order import TimeOrder
from storage.outlets.clutter_models import OutletModels
from storage.outlets.domains import OutletMap
from storage.outlets.seeds import OutletSeed, SeedError, handed_to_browser
from storage.versions.captures import CaptureInput, FrontPageInput, Outcome, RenditionInput, apply_listing_hints
from storage.versions.recorder import batch_record_ids, indexed_records
from storage.warc.context import MAX_ELEMENTS_ARGUMENT, CaptureContext, RunEnd, RunStart
from storage.warc.errors import PayloadTooLarge, WarcUnreadable
from storage.warc.files import WARC_SUFFIXES
from storage.warc.payload import read_payload
from storage.warc.reader import Damage, LaterRendition, Skipped, WarcEntry, read_entries

logger = logging.getLogger(__name__)

WRITE_BATCH = 200
GONE_STATUSES = (404, 410, 451)  # with 3xx: indexed as removals/redirects of known pages
IN_FLIGHT_PER_WORKER = 16
# HTML responses whose place is kept for the revisits after them; an older one is found through the index.
PAYLOADS_KEPT = 20_000
# What a re-check archives besides a page (not modified, gone); a discovery fetch only a 200.
RECHECK_INDEXED = (200, 304, 404, 410)

Progress = Callable[[int, int], None]  # (bytes read so far, records read so far)


@dataclass(slots=True)
class IngestSummary:
    """What an ingest run read and what it added."""

    files: int = 0
    bytes: int = 0
    records: int = 0  # response and revisit records read
    captures_added: int = 0
    already_indexed: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    not_article: int = 0
    front_page: int = 0  # front-page captures recorded (their ranked links: storage.outlets.frontpages)
    screenshot: int = 0  # screenshots taken after their capture, linked to it (storage.versions.renditions)
    skipped_no_outlet: int = 0
    skipped_not_page: int = 0  # our crawler's start pages, feeds, sitemaps and failed fetches: archived, not pages
    skipped_bad_records: int = 0  # whole records that cannot be used (port 99999, a forged run record): one line each
    runs: int = 0  # crawl runs restored from the files' run records
    runs_known: int = 0  # runs the files name that the archive had already
    skipped_status: int = 0
    skipped_not_html: int = 0
    skipped_too_large: int = 0  # payloads decoding past the archive's limit, the crawl's DOWNLOAD_MAXSIZE: refused
    revisits_unresolved: int = 0
    extract_errors: int = 0
    unread: int = 0  # pages not extracted: more HTML elements than the cap (extract.limits)
    unranked: int = 0  # start pages whose links were not ranked: more HTML elements than the cap, as the crawl
    blocked: int = 0  # walls met instead of the page (extract.walls): a capture of an archived page, else nothing
    damaged: list[str] = field(default_factory=list)  # one line per damaged file or skipped record
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in self.__slots__}  # type: ignore[attr-defined]
        data["seconds"] = round(self.seconds, 3)
        data["records_per_second"] = round(self.records / self.seconds, 1) if self.seconds else None
        return data


@dataclass(frozen=True, slots=True)
class _Task:
    url: str
    body: bytes
    content_type: str | None
    rule: OutletSeed
    extract: bool
    listed: bool | None = None
    all_pages: bool = False
    front_page: bool = False  # a start page: its ranked article links, not an article
    status: int = 200  # a 2xx other than 200 may be a challenge (extract.walls)
    max_elements: int = MAX_ELEMENTS  # the cap the crawl that wrote the record applied (its run record)


@dataclass(slots=True)
class _Pending:
    entry: WarcEntry
    rule: OutletSeed
    result: Future[PageAnalysis | list[FrontPageLink]]
    front_page: bool = False  # the result is a front page's ranked links


def analyse(task: _Task) -> PageAnalysis | list[FrontPageLink]:
    """Worker side: identity, article verdict and extraction for one page; a front page's ranked links."""
    if task.front_page:
        return front_page_links(task.body, task.url, task.rule.links_to_article, task.max_elements)
    listed = True if task.all_pages else task.listed
    return analyse_page(task.url, task.body, task.content_type, owns=task.rule.owns,
                        article_pattern=task.rule.article_pattern, listed=listed, extract=task.extract,
                        status=task.status, max_elements=task.max_elements)


def _unanalysed(url: str) -> PageAnalysis:
    """A capture indexed without looking at its body (error pages, redirects)."""
    return PageAnalysis(PageVerdict(canonicalize_url(url), is_html=True, is_article=False))


def _inline(task: _Task | None, url: str = "") -> Future[PageAnalysis]:
    """Run ``analyse`` here, with a pool's error behaviour (the exception waits in the future)."""
    future: Future[PageAnalysis] = Future()
    try:
        future.set_result(analyse(task) if task is not None else _unanalysed(url))
    except Exception as error:
        future.set_exception(error)
    return future


def warc_files(paths: Iterable[str | Path]) -> list[Path]:
    """The WARC files named by ``paths``: files as given, directories searched, by name."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted((p for p in path.rglob("*") if p.name.endswith(WARC_SUFFIXES) and p.is_file()),
                                key=lambda p: (p.name, str(p))))
        elif path.is_file():
            found.append(path)
        else:
            raise ArchiveError(f"{path}: no such WARC file or directory")
    return found


def files_naming_no_outlet(files: list[Path]) -> list[Path]:
    """The files whose captures come before any run record of this project's crawler: from another tool.

    Such a file names no outlet itself; without seed files or ``--auto-outlets``
    every one of its records would be skipped. A crawl's file starts with its
    run record, so reading up to the first capture tells.
    """
    foreign = []
    for path in files:
        try:
            with path.open("rb") as stream:
                for item in read_entries(stream, path, path.name, want_body=lambda _type: False):
                    if isinstance(item, RunStart | RunEnd | Damage):
                        break  # ours, or damaged: reported when it is read
                    if isinstance(item, WarcEntry):
                        foreign.append(path)
                        break
        except OSError:
            continue  # reported when it is read
    return foreign


def file_ref(path: Path, archive_dir: Path) -> str:
    """How captures name ``path``: relative inside ``ARCHIVE_DIR/warcs``, else absolute."""
    absolute = path.resolve()
    try:
        return absolute.relative_to((archive_dir / "warcs").resolve()).as_posix()
    except ValueError:
        return str(absolute)


def ingest(
    archive: Archive,
    paths: Iterable[str | Path],
    outlets: OutletMap,
    *,
    workers: int | None = None,
    progress: Progress | None = None,
    all_pages: bool = False,
) -> IngestSummary:
    """Index every capture in the WARC files ``paths`` into ``archive`` (``all_pages``: every HTML page an article)."""
    files = warc_files(paths)
    started = time.monotonic()
    workers = workers or os.cpu_count() or 1
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("forkserver")) if workers > 1 else None
    run = _Run(archive, outlets, progress, pool, window=IN_FLIGHT_PER_WORKER * workers, all_pages=all_pages)
    try:
        run.ingest_files(files)
        run.drain(0)
        run.flush()
        if run.models is not None:
            OutletModels.store(archive, run.models.snapshot())
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    summary = run.summary
    summary.files = len(files)
    summary.seconds = time.monotonic() - started
    return summary


class _Run:
    """One ingest run: streams records, keeps the workers busy, writes in order."""

    def __init__(self, archive: Archive, outlets: OutletMap, progress: Progress | None,
                 pool: ProcessPoolExecutor | None, window: int, use_models: bool = True,
                 all_pages: bool = False) -> None:
        self.archive = archive
        self.all_pages = all_pages
        self.outlets = outlets
        self.progress = progress
        self.pool = pool  # None: analyse in this process
        self.window = window
        self.summary = IngestSummary()
        self.pending: deque[_Pending] = deque()
        self.batch: list[tuple[CaptureInput, Article | None, str | None]] = []
        self.models: OutletModels | None = OutletModels.load(archive) if use_models else None
        self.known_outlets: set[str] = set()
        self.runs_seen: set[str] = set()
        self.caps: dict[str, int] = {}  # run id → the EXTRACT_MAX_ELEMENTS its crawl applied
        # more than can be in flight or unwritten, so a response no longer kept is in the index
        self.payloads = RecentPayloads(max(PAYLOADS_KEPT, window + WRITE_BATCH + 1))
        self.refused: set[str] = set()  # record ids and digests of payloads past the limit

    def ingest_files(self, files: list[Path]) -> None:
        """Every file's records, captures in ``WARC-Date`` order across files (:mod:`storage.ingest.time_order`)."""
        merged = TimeOrder(files, [file_ref(path, self.archive.archive_dir) for path in files], want_body=is_html_type)
        for path, item in merged:
            if isinstance(item, Damage):
                self.summary.damaged.append(str(item))
                continue
            if isinstance(item, Skipped):
                self._skip(str(item))
                continue
            if isinstance(item, RunStart | RunEnd):
                self._restore_run(path, item)
                continue
            if isinstance(item, LaterRendition):  # a version's screenshot, taken after its capture
                self._queue((RenditionInput(item.about, item.pointer, item.date),))
                continue
            self.summary.records += 1
            self._take(path, item)
            if self.progress is not None:
                self.progress(merged.bytes_read, self.summary.records)
        self.summary.damaged[:0] = merged.failed
        self.summary.bytes = merged.bytes_read

    def _skip(self, line: str) -> None:
        self.summary.skipped_bad_records += 1
        self.summary.damaged.append(line)

    def _restore_run(self, path: Path, record: RunStart | RunEnd) -> None:
        """What a crawl's run record says: its outlets (learned, then stored with their seed) and its run row.

        Its outlets are checked as a seed file's are; one that fails skips the
        whole run record (a forged one, say), not the file.
        """
        if isinstance(record, RunEnd):
            self.archive.finish_run(record.run_id, record.finished_at, record.finish_reason, counts=record.counts,
                                    errors=record.errors, outlets=record.outlets, warc_files=record.warc_files,
                                    exit_status=record.exit_status)
            return
        try:
            seeds = [OutletSeed.from_entry(entry, source=f"{path}: run record {record.run_id[:80]!r}")
                     for entry in record.outlets]
        except SeedError as error:
            self._skip(f"{error}; run record skipped")
            return
        cap = record.limit(MAX_ELEMENTS_ARGUMENT)  # its DOWNLOAD_MAXSIZE is the reader's (storage.warc.reader)
        if cap is not None:
            self.caps[record.run_id] = cap
        for seed in seeds:
            if self.outlets.learn(seed):
                self.known_outlets.discard(seed.name)
        if record.run_id not in self.runs_seen:  # a run's record heads each of its files
            self.runs_seen.add(record.run_id)
            if self.archive.start_run(record.run_id, record.started_at, record.host, record.pid, record.arguments,
                                      record.crawl_id):
                self.summary.runs += 1
            else:
                self.summary.runs_known += 1

    def _rule(self, entry: WarcEntry) -> OutletSeed | None:
        named = self.outlets.named(entry.context.outlet) if entry.context is not None else None
        if named is not None:  # the outlet whose discovery made the fetch; a redirect may have left it
            return self.outlets.owner(named, entry.url, entry.context.role)
        return self.outlets.outlet_for(entry.url)

    def _take(self, path: Path, entry: WarcEntry) -> None:
        rule = self._rule(entry)
        if rule is None:
            self.summary.skipped_no_outlet += 1
            return
        if entry.too_large and not 300 <= entry.status < 400:  # the crawl follows a redirect before it decodes
            self.summary.damaged.append(f"{entry.too_large}: not indexed, as the crawl refuses such a fetch")
            self._refuse(entry)
            return
        if entry.context is not None and _front_page(entry):
            self._ensure_outlet(rule)
            task = _Task(entry.url, entry.body, entry.content_type, rule, extract=False, front_page=True,
                         max_elements=self._cap(entry))
            self.pending.append(_Pending(entry, rule, self._submit(task), front_page=True))
            entry.body = b""
            self.drain(self.window)
            return
        if entry.context is not None and not _indexed_by_the_crawl(entry.context, entry.status):
            self.summary.skipped_not_page += 1
            return
        if entry.status in GONE_STATUSES or 300 <= entry.status < 400 and entry.status != 304:
            # Gone or moved: a capture without an article, which the recorder turns
            # into a removal or redirect state for a page it knows, as a crawl does.
            self._ensure_outlet(rule)
            self.pending.append(_Pending(entry, rule, _inline(None, entry.url)))
            entry.body = b""
            self.drain(self.window)
            return
        if not (200 <= entry.status < 300 or (entry.record_type == "revisit" and entry.status == 304)):
            self.summary.skipped_status += 1
            return
        if entry.record_type == "revisit":
            task = self._revisit_task(entry, rule)
            if task is None:
                self._refuse(entry)
                return
        elif not is_html_type(entry.content_type):
            self.summary.skipped_not_html += 1
            return
        else:
            self._remember(path, entry, entry.content_type)
            task = _Task(entry.url, entry.body, entry.content_type, rule, extract=True,
                         listed=entry.context.listed if entry.context is not None else None,
                         all_pages=self.all_pages, status=entry.status, max_elements=self._cap(entry))
        self._ensure_outlet(rule)
        self.pending.append(_Pending(entry, rule, self._submit(task)))
        entry.body = b""  # the task holds it now
        self.drain(self.window)

    def _refuse(self, entry: WarcEntry) -> None:
        """A payload past the limit: no capture, as the crawl made none; a revisit of it is refused alike."""
        self.summary.skipped_too_large += 1
        self.refused.add(entry.pointer.record_id)
        if entry.payload_digest:
            self.refused.add(entry.payload_digest)

    def _submit(self, task: _Task) -> Future[PageAnalysis | list[FrontPageLink]]:
        return self.pool.submit(analyse, task) if self.pool is not None else _inline(task)

    def _remember(self, path: Path, entry: WarcEntry, content_type: str | None) -> None:
        self.payloads.add((path, entry.pointer.offset, content_type), entry.pointer.record_id, entry.payload_digest)

    def _revisit_task(self, entry: WarcEntry, rule: OutletSeed) -> _Task | None:
        """What to analyse for a revisit: its original payload; ``None`` when the crawl would refuse it as too large.

        A 304 has no body to refuse: past the limit, its original is left unread, as when it is not found.
        """
        refused = entry.refers_to in self.refused or entry.payload_digest in self.refused
        try:
            found = None if refused else self._find_payload(entry)
        except PayloadTooLarge:
            refused, found = True, None
        if refused and entry.status != 304:
            return None
        if found is None:
            self.summary.revisits_unresolved += 1
            return _Task(entry.url, b"", entry.content_type, rule, extract=False)
        body, content_type = found
        return _Task(entry.url, body, entry.content_type or content_type, rule, extract=True,
                     listed=entry.context.listed if entry.context is not None else None, all_pages=self.all_pages,
                     max_elements=self._cap(entry))

    def _cap(self, entry: WarcEntry) -> int:
        """The element cap of the crawl that wrote ``entry`` (its run record), else the default."""
        run_id = entry.context.run_id if entry.context is not None else None
        return self.caps.get(run_id or "", MAX_ELEMENTS)

    def _find_payload(self, entry: WarcEntry) -> tuple[bytes, str | None] | None:
        where = self.payloads.find(entry.refers_to, entry.payload_digest)
        if where is None:
            where = self._find_in_archive(entry)
        if where is None:
            return None
        path, offset, content_type = where
        try:
            return read_payload(path, offset), content_type
        except PayloadTooLarge:
            raise
        except WarcUnreadable as error:
            logger.warning("revisit of %s: %s", entry.url, error)
            return None

    def _find_in_archive(self, entry: WarcEntry) -> tuple[Path, int, str | None] | None:
        for url in dict.fromkeys(u for u in (entry.refers_to_uri, entry.url) if u):
            try:
                captures = self.archive.captures(url)
            except NoSuchPage:
                continue
            for capture in reversed(captures):
                if capture.record_type != "response":
                    continue
                if capture.warc_record_id == entry.refers_to or capture.payload_digest == entry.payload_digest:
                    return self.archive.warc_path(capture.warc_file), capture.warc_offset, capture.content_type
        return None

    def _ensure_outlet(self, rule: OutletSeed) -> None:
        if rule.name not in self.known_outlets:
            self.archive.ensure_outlet(rule.name, list(rule.domains), asdict(rule.entry()))
            self.known_outlets.add(rule.name)

    def drain(self, keep: int) -> None:
        """Collect finished work, oldest first, until at most ``keep`` items are in flight."""
        while len(self.pending) > keep:
            item = self.pending.popleft()
            if item.front_page:
                self._front_page_done(item)
                continue
            try:
                analysis = item.result.result()
            except Exception as error:  # one bad page must not stop a run over millions
                self.summary.extract_errors += 1
                logger.warning("cannot extract %s (%s @ %d): %s", item.entry.url, item.entry.pointer.file,
                               item.entry.pointer.offset, error)
                analysis = _unanalysed(item.entry.url)
            if handed_to_browser(item.rule.render, analysis.needs_scripts, item.entry.rendered):
                self.summary.skipped_not_page += 1  # the crawl fetched it again with the browser
                self.archive.mark_rendered(item.rule.name, item.entry.date, analysis.verdict.url)
                continue
            if analysis.unread is not None:
                logger.warning("not extracted %s (%s @ %d): %d HTML elements, over the cap of %d (indexed as an "
                               "unread capture)", item.entry.url, item.entry.pointer.file, item.entry.pointer.offset,
                               analysis.elements, self._cap(item.entry))
            article, unstripped = self._article(item.rule.name, analysis)
            if article is not None and item.entry.context is not None:
                apply_listing_hints(article, item.entry.context.hints)
            capture = _capture(item.entry, item.rule, analysis.verdict, analysis.wall, analysis.unread)
            self.batch.append((capture, article, unstripped))
            if len(self.batch) >= WRITE_BATCH:
                self.flush()

    def _front_page_done(self, item: _Pending) -> None:
        try:
            links = item.result.result()
        except FrontPageTooLarge as error:  # as the crawl refused it
            self.summary.unranked += 1
            logger.warning("front page not ranked %s (%s @ %d): %s", item.entry.url, item.entry.pointer.file,
                           item.entry.pointer.offset, error)
            return
        except Exception as error:
            self.summary.extract_errors += 1
            logger.warning("cannot read front page %s (%s @ %d): %s", item.entry.url, item.entry.pointer.file,
                           item.entry.pointer.offset, error)
            return
        capture = FrontPageInput(item.rule.name, item.entry.url, item.entry.date, item.entry.pointer, tuple(links))
        self._queue((capture,))

    def _queue(self, entry: tuple[Any, ...]) -> None:
        self.batch.append(entry)
        if len(self.batch) >= WRITE_BATCH:
            self.flush()

    def _article(self, outlet: str, analysis: PageAnalysis) -> tuple[Article | None, str | None]:
        """The article with its outlet's learned clutter stripped (as the crawl does), and its text before."""
        page = analysis.extracted
        if page is None or page.article.is_empty:
            return None, None
        article, unstripped = page.article, None
        if self.models is not None:
            unstripped = self.models.apply(outlet, article, page.raw_text, analysis.verdict.url)
        return (None, None) if article.is_empty else (article, unstripped)

    def flush(self) -> None:
        if not self.batch:
            return
        # Counted by record id, before and after: other writers' captures never enter the figures.
        ids = batch_record_ids(self.batch)
        known = self.archive.read(lambda session: indexed_records(session, ids))
        outcomes = self.archive.record_captures(self.batch)
        added = self.archive.read(lambda session: indexed_records(session, ids)) - known
        self.summary.already_indexed += len(known)
        self.summary.captures_added += len(added)
        for entry, outcome in zip(self.batch, outcomes):
            if _indexed_before(entry[0], outcome, known):
                continue  # the recorder reports a known record (or front page) as unchanged: it is not
            self._count(outcome)
        self.batch = []

    def _count(self, outcome: Outcome) -> None:
        name = outcome.value.replace("-", "_")
        setattr(self.summary, name, getattr(self.summary, name) + 1)


Where = tuple[Path, int, str | None]  # (file, offset, content type) of an HTML response


class RecentPayloads:
    """The latest ``kept`` HTML responses, by record id and by payload digest, for the revisits that follow.

    Bounded, so memory stays flat however many WARCs a run reads; a revisit
    of an older response finds it through the archive's index instead (it was
    written by then: the caller keeps more than can be in flight or unwritten).
    """

    def __init__(self, kept: int) -> None:
        self.kept = kept
        self._by_record: OrderedDict[str, Where] = OrderedDict()
        self._by_digest: OrderedDict[str, Where] = OrderedDict()

    def add(self, where: Where, record_id: str, digest: str | None) -> None:
        _keep(self._by_record, record_id, where, self.kept)
        if digest and digest not in self._by_digest:  # the first response with a payload is the one referred to
            _keep(self._by_digest, digest, where, self.kept)

    def find(self, record_id: str | None, digest: str | None) -> Where | None:
        return self._by_record.get(record_id or "") or self._by_digest.get(digest or "")

    def __len__(self) -> int:
        return len(self._by_record) + len(self._by_digest)


def _keep(table: OrderedDict[str, Where], key: str, where: Where, kept: int) -> None:
    table[key] = where
    if len(table) > kept:
        table.popitem(last=False)


def _front_page(entry: WarcEntry) -> bool:
    """A start page the crawl fetched whole: recorded as a front page, as the crawl recorded it."""
    return (entry.context.role == "start_page" and entry.status == 200 and entry.record_type == "response"
            and is_html_type(entry.content_type))


def _indexed_by_the_crawl(context: CaptureContext, status: int) -> bool:
    """Whether the crawl that wrote this fetch made it a capture of a page (not a start page, feed or failed fetch)."""
    if not context.archived_as_page:
        return False
    return status == 200 or (context.role == "recheck" and status in RECHECK_INDEXED)


def _identity(entry: WarcEntry, verdict: PageVerdict) -> str:
    """The page a capture belongs to: a re-check's page wherever it now redirects, else what the page says."""
    if entry.context is not None and entry.context.role == "recheck" and entry.context.page_url:
        return canonicalize_url(entry.context.page_url)
    return verdict.url if verdict.is_html else canonicalize_url(entry.url)


def _capture(entry: WarcEntry, rule: OutletSeed, verdict: PageVerdict, wall: str | None = None,
             unread: str | None = None) -> CaptureInput:
    return CaptureInput(
        outlet=rule.name,
        url=_identity(entry, verdict),
        fetched_url=entry.url,
        fetched_at=entry.date,
        status=entry.status,
        warc=entry.pointer,
        content_type=entry.content_type,
        payload_digest=entry.payload_digest,
        etag=entry.etag,
        last_modified=entry.last_modified,
        record_type=entry.record_type,
        blocked=wall,
        unread=unread,
    )


def iter_summary_lines(summary: IngestSummary) -> Iterator[str]:
    """The summary for people, a few lines."""
    rate = summary.records / summary.seconds if summary.seconds else 0.0
    files = "1 WARC file" if summary.files == 1 else f"{summary.files} WARC files"
    yield (f"ingested {files}, {summary.bytes / 1e6:.1f} MB, {summary.records} records "
           f"in {summary.seconds:.1f}s ({rate:.0f} records/s)")
    if summary.runs or summary.runs_known:
        known = f" ({summary.runs_known} already recorded)" if summary.runs_known else ""
        yield f"crawl runs restored from the files' run records: {summary.runs}{known}"
    yield (f"captures added {summary.captures_added} (already indexed {summary.already_indexed}); versions: "
           f"new {summary.new}, changed {summary.changed}, unchanged {summary.unchanged}, "
           f"not an article {summary.not_article}")
    if summary.front_page:
        yield f"front-page captures recorded: {summary.front_page}"
    if summary.screenshot:
        yield f"screenshots of versions taken after their capture, linked to it: {summary.screenshot}"
    skipped = [("no outlet", summary.skipped_no_outlet), ("HTTP status", summary.skipped_status),
               ("not HTML", summary.skipped_not_html),
               ("payload past the size limit, which the crawl refuses", summary.skipped_too_large),
               ("feeds, sitemaps and failed fetches the crawl did not archive as pages", summary.skipped_not_page),
               ("unusable (see the lines above)", summary.skipped_bad_records)]
    if any(count for _, count in skipped):
        yield "records skipped: " + ", ".join(f"{what} {count}" for what, count in skipped if count)
    if summary.revisits_unresolved:
        yield f"revisits whose payload is in no file read: {summary.revisits_unresolved} (matched by digest only)"
    if summary.blocked:
        yield f"walls instead of pages (blocked captures): {summary.blocked}"
    if summary.unread:
        yield f"pages not extracted, more HTML elements than the cap: {summary.unread} (indexed as unread captures)"
    if summary.unranked:
        yield f"front pages whose links were not ranked, more HTML elements than the cap: {summary.unranked}"
    if summary.extract_errors:
        yield f"pages whose extraction failed: {summary.extract_errors} (indexed as captures without text; see the log)"


def _indexed_before(capture: Any, outcome: Outcome, known: set[str]) -> bool:
    """Whether a batch entry was in the archive before this run wrote it (a re-ingested record or front page)."""
    if isinstance(capture, CaptureInput):
        return capture.warc.record_id in known
    return isinstance(capture, FrontPageInput | RenditionInput) and outcome is Outcome.UNCHANGED
