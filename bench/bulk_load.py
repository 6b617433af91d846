"""Bulk loading for the benchmarks: many captures per transaction with set-based SQL.

``bench/generate.py`` fills archives of a million versions with it.
:func:`bulk_load` gives the same versions as :meth:`storage.Archive.record_captures`,
by the same rules (:mod:`storage.versions.rules`) — a record id already indexed adds nothing, a
page gets a new version only when it changed for a reader
(:func:`storage.versions.changes.stable_hash`), an unchanged capture moves the latest
version's ``last_seen`` — but the common case (a 200 response with article
text) costs a handful of statements per batch (plain ``executemany`` inserts
with ids taken up front, one lookup of the pages and their latest versions)
instead of several per capture. A page with anything else in the batch (a revisit, an
error or redirect status, a removal or paywall :mod:`storage.versions.removals` would
record, a latest version in a removal state) has its captures of that batch
recorded one by one by :func:`storage.versions.recorder.record`, after the rest. Two
things are deferred for the batched captures:

* story fingerprints: run ``newsarchive stories --index`` (or
  :meth:`Archive.index_stories`) after the load to link copies;
* the re-check schedule: bulk-loaded pages are not queued for re-checks.

The full-text index is kept in step as rows go in, so search works as soon
as a batch commits: on PostgreSQL by the generated ``tsvector`` column, on
SQLite by one ``INSERT … SELECT`` into FTS5 per batch in place of the per-row
trigger (see :func:`_insert_versions`). Captures within a batch are applied in
the order given.

What versioning needs of each article's text (its reader-visible paragraphs and
their hashes, :class:`storage.versions.changes.Digest`) depends on the text alone, so
:func:`prepared_batches` works it out in a worker process for the next batch
while the database writes the current one, and with it the change summary of
each page's successive articles in that batch: on two cores the Python side and
SQLite's side of a load overlap. On SQLite the writing connection gets a bigger
page cache and checkpoints less often while the load runs (:func:`finish` puts
the usual settings back); durability and journal mode stay as they are.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import Any

from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy import text as sql
from sqlalchemy.orm import Session

from extract.article import Article
from storage.archive import Archive
from storage.db.engine import SQLITE_CACHE_KIB
from storage.db.fastpath import insert_rows
from storage.db.models import Capture, Page, Version
from storage.db.times import utc
from storage.versions import changes, recorder, removals, rules
from storage.versions.captures import CaptureInput, Outcome
from storage.versions.recorder import outlet_id_for
from storage.versions.rules import change_summary, snapshot

logger = logging.getLogger(__name__)

# Captures per transaction. Each batch's full-text terms go to disk as one FTS5 segment, and
# fewer, bigger segments mean less merging: 5,000 costs a seventh less full-text CPU than 2,000.
BATCH = 5000
# Keeps IN (...) lists under SQLite's bound-parameter limit.
_CHUNK = 900
_FTS_TRIGGER = "versions_fts_insert"  # SQLite's row-by-row full-text indexing (migration 0001)
# FTS5 writes its pending terms out as a new segment whenever they pass "hashsize"
# (1 MB by default: a few hundred articles), and every segment is merged again later.
# A batch's terms fit in this one, so a batch makes one segment (a quarter fewer pages
# written per batch of 2,000 articles). Set inside the batch's transaction only.
_FTS_HASHSIZE = 256 * 1024 * 1024
_FTS_DEFAULT_HASHSIZE = 1024 * 1024
# The writing connection's SQLite settings while a load runs (restored by :func:`finish`): the
# random-key index of WARC record ids outgrows the usual page cache at a million versions, and
# checkpoints every 4 MB of WAL (SQLite's default) copy the same index pages back again and again.
_LOAD_PRAGMAS = {"cache_size": -256 * 1024, "wal_autocheckpoint": 16384}
_USUAL_PRAGMAS = {"cache_size": -SQLITE_CACHE_KIB, "wal_autocheckpoint": 1000}
# Worker processes that digest the next batch's articles: the rest of the cores, one at least.
WORKERS = max(1, min(4, (os.cpu_count() or 1) - 1))

Item = tuple[CaptureInput, Article | None]


class Batch(list[Item]):
    """Items of one transaction, with their articles' digests (and change summaries) when they
    were worked out ahead."""

    digests: dict[int, changes.Digest] | None = None  # by id() of the batch's articles
    # What an article changed from the one before it of the same page in this batch, by
    # (id() of that one, id() of the article); None when a reader would see no change.
    summaries: dict[tuple[int, int], dict[str, Any] | None] | None = None


@dataclass(slots=True)
class BulkSummary:
    """What a bulk load did, by outcome (as :class:`storage.versions.captures.Outcome`)."""

    captures: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    not_article: int = 0
    skipped: int = 0  # record ids already in the archive

    @property
    def versions(self) -> int:
        return self.new + self.changed

    def merge(self, other: BulkSummary) -> None:
        for name in self.__slots__:  # type: ignore[attr-defined]
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def add(self, outcome: Outcome) -> None:
        name = outcome.value.replace("-", "_")
        setattr(self, name, getattr(self, name) + 1)


@dataclass(slots=True)
class _Latest:
    """A page's latest version as the batch sees it (``id`` is None until inserted)."""

    id: int | None
    seq: int
    title: str | None
    text: str
    authors: list[str]
    stable_hash: str
    first_seen: datetime
    last_seen: datetime
    state: str
    fetched_urls: set[str] = field(default_factory=set)  # of this batch's captures
    size: int | None = None  # changes.text_size(text), computed once
    touched: bool = False  # an existing version whose first/last seen moved
    row: dict[str, Any] | None = None  # a version queued in this batch
    published: datetime | None = None  # compared by the next version's change summary
    modified: datetime | None = None
    source: int | None = None  # id() of the batch's article this version was made from



def bulk_load(archive: Archive, items: Iterable[tuple[CaptureInput, Article | None]],
              batch: int = BATCH) -> BulkSummary:
    """Index many captures into ``archive`` fast, one transaction per ``batch``.

    Same versions as :meth:`Archive.record_captures`; story linking is deferred to
    :meth:`Archive.index_stories` and bulk-loaded pages get no re-check schedule.
    A worker process digests the next batch while this one is written
    (in-process instead when the caller runs other threads).
    """
    total, outlets = BulkSummary(), {}

    def load(session: Session, chunk: list[tuple[CaptureInput, Article | None]]) -> BulkSummary:
        cache = dict(outlets)  # an outlet created in a rolled-back attempt must not be cached
        done = load_batch(session, chunk, archive.extractor_version, cache)
        outlets.update(cache)
        return done

    try:
        for chunk in prepared_batches(items, batch):
            total.merge(archive.write(lambda session, chunk=chunk: load(session, chunk)))
    finally:
        if archive.backend == "sqlite":  # on the driver's connection: a checkpoint must run outside a transaction
            with archive._engine.connect() as connection:
                finish(connection.connection.dbapi_connection)
    return total

def batches(items: Iterable[Any], size: int = BATCH) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def prepared_batches(items: Iterable[Item], size: int = BATCH, workers: int = WORKERS) -> Iterator[Batch]:
    """``items`` in batches, each with its articles' digests, computed in worker processes:
    the next batch's while the caller loads the current one.

    A load of a single batch stays in this process (starting a worker costs more), and so
    does everything when workers cannot be forked safely (see :func:`_fork_context`).
    """
    chunks = batches(items, size)
    current = next(chunks, None)
    if current is None:
        return
    upcoming = next(chunks, None)
    context = _fork_context()
    if upcoming is None or workers < 1 or context is None:
        yield Batch(current)
        yield from map(Batch, chunks if upcoming is None else [upcoming, *chunks])
        return
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        try:
            pending = _submit(pool, current, workers)
            while current is not None:
                following = _submit(pool, upcoming, workers) if upcoming is not None else None
                batch = Batch(current)
                digests, summaries = pending
                batch.digests = _results(digests)
                batch.summaries = _results(summaries)
                yield batch  # the workers digest `upcoming` meanwhile
                current, pending, upcoming = upcoming, following, next(chunks, None)
        finally:
            pool.shutdown(cancel_futures=True)
            changes.prime({})


def _fork_context() -> multiprocessing.context.BaseContext | None:
    """Fork, when this process runs one thread; otherwise None (no workers).

    Forking a process with other threads can copy a lock one of them holds, and
    the "spawn" start method re-imports the caller's main script (a script without
    an ``if __name__ == "__main__"`` guard would run again in every worker).
    """
    if threading.active_count() > 1 or "fork" not in multiprocessing.get_all_start_methods():
        return None
    return multiprocessing.get_context("fork")


Parts = list[tuple[list[Any], Future[Any]]]  # (keys, future of one value per key)


def _submit(pool: ProcessPoolExecutor, chunk: list[Item], workers: int) -> tuple[Parts, Parts]:
    """Each distinct article of ``chunk`` sent to a worker once to be digested, and each pair of
    successive articles of a page to be compared: (digest parts, change summary parts).

    The summaries take the diffing (a sixth of the loading process's time) off the process
    that writes; a load uses one only when its version follows that very article.
    """
    articles = list({id(a): a for _, a in chunk if a is not None}.items())
    digests = [([key for key, _ in part], pool.submit(changes.digest_all, [_fields(a) for _, a in part]))
               for part in _split(articles, workers)]
    pairs = _successive(chunk)
    summaries = [([key for key, _ in part], pool.submit(changes.summarize_all, [pair for _, pair in part]))
                 for part in _split(pairs, workers)]
    return digests, summaries


def _split(values: list[Any], parts: int) -> Iterator[list[Any]]:
    step = max(1, -(-len(values) // parts))
    for at in range(0, len(values), step):
        yield values[at : at + step]


def _fields(article: Article) -> tuple[str | None, str, list[str]]:
    return article.title, article.text, list(article.authors)


def _successive(chunk: list[Item]) -> list[tuple[tuple[int, int], tuple[changes.Snapshot, changes.Snapshot]]]:
    """((id of before, id of after), snapshots) for each page's successive different articles in ``chunk``.

    A copy equal to the article before it (an unchanged re-capture) is skipped: the version
    after it is compared with the first, as the load compares it.
    """
    last: dict[str, tuple[Article, changes.Snapshot]] = {}
    pairs: dict[tuple[int, int], tuple[changes.Snapshot, changes.Snapshot]] = {}
    for capture, article in chunk:
        if article is None:
            continue
        before = last.get(capture.url)
        if before is not None and before[0] is article:
            continue
        taken = snapshot(article)
        if before is not None and before[1] == taken:
            continue
        if before is not None:
            pairs.setdefault((id(before[0]), id(article)), (before[1], taken))
        last[capture.url] = article, taken
    return list(pairs.items())


def _results(parts: Parts) -> dict[Any, Any]:
    return {key: value for keys, part in parts for key, value in zip(keys, part.result(), strict=True)}


def load_batch(
    session: Session,
    batch: list[tuple[CaptureInput, Article | None]],
    extractor_version: str | None,
    outlets: dict[str, int],
) -> BulkSummary:
    """Index ``batch`` inside ``session``'s transaction; ``outlets`` caches outlet ids by name."""
    summary = BulkSummary()
    _set_pragmas(session.connection(), _LOAD_PRAGMAS)
    digests = _digests(batch)
    summaries: dict[tuple[int, int], dict[str, Any] | None] = getattr(batch, "summaries", None) or {}
    known = _known_record_ids(session, [c.warc.record_id for c, _ in batch])
    fresh: list[tuple[CaptureInput, Article | None]] = []
    for capture, article in batch:
        if capture.warc.record_id in known:
            summary.skipped += 1
            continue
        known.add(capture.warc.record_id)
        fresh.append((capture, article))
    if not fresh:
        return summary
    for capture, _ in fresh:
        if capture.outlet not in outlets:
            outlets[capture.outlet] = outlet_id_for(session, capture.outlet)
    pages = _pages(session, fresh, outlets)
    existing = _latest_versions(session, [pid for pid, _ in pages.values()])
    known_urls = _text_urls(session, list(existing))
    slow_pages = {pid for pid, v in existing.items() if v.state in removals.REMOVAL_STATES}
    seen = dict(existing)
    fast: list[tuple[CaptureInput, Article]] = []
    slow: list[tuple[CaptureInput, Article | None]] = []
    for capture, article in fresh:
        page_id = pages[capture.url][0]
        if page_id not in slow_pages and _needs_recorder(capture, article, seen.get(page_id), known_urls, page_id):
            slow_pages.add(page_id)
        (slow if page_id in slow_pages else fast).append((capture, article))  # type: ignore[arg-type]
        if page_id not in slow_pages:
            _track(seen, page_id, capture, article)  # type: ignore[arg-type]
    latest = dict(existing)
    capture_ids = _insert_captures(session, fast, pages)
    versions: list[dict[str, Any]] = []
    for (capture, article), capture_id in zip(fast, capture_ids, strict=True):
        page_id, outlet_id = pages[capture.url]
        digest = digests.get(id(article))
        summary.add(_apply(capture, article, digest, capture_id, page_id, outlet_id, latest, versions,
                           extractor_version, summaries))
        summary.captures += 1
    if versions:
        _insert_versions(session, versions)
    # From ``existing``, not ``latest``: a version extended and then followed by a new one
    # in this batch is no longer the latest, and its last_seen must still move.
    _extend_versions(session, [v for v in existing.values() if v.touched])
    for capture, article in slow:
        summary.add(recorder.record(session, capture, article, extractor_version))
        summary.captures += 1
    return summary


def finish(connection: Any) -> None:
    """After a load on SQLite: the usual settings back on ``connection`` (a DB-API connection
    out of the pool, outside any transaction), and the WAL checkpointed."""
    _set_pragmas(connection, _USUAL_PRAGMAS)
    connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()


def _set_pragmas(connection: Any, pragmas: dict[str, int]) -> None:
    """``pragmas`` on an SQLite connection (SQLAlchemy's or the driver's); nothing elsewhere."""
    if getattr(connection, "dialect", None) is not None and connection.dialect.name != "sqlite":
        return
    run = connection.exec_driver_sql if hasattr(connection, "exec_driver_sql") else connection.execute
    for name, value in pragmas.items():
        run(f"PRAGMA {name}={int(value)}")


def _digests(batch: list[Item]) -> dict[int, changes.Digest]:
    """The digests a :class:`Batch` came with, by ``id()`` of their article; primes their paragraphs."""
    found: dict[int, changes.Digest] = getattr(batch, "digests", None) or {}
    changes.prime({a.text: found[id(a)].paragraphs for _, a in batch if a is not None and a.text and id(a) in found})
    return found


def _needs_recorder(capture: CaptureInput, article: Article | None, previous: _Latest | None,
                    known_urls: dict[int, set[str]], page_id: int) -> bool:
    """Whether this capture needs the recorder's full rules (removals, revisits, statuses)."""
    if capture.record_type != "response" or capture.status != 200 or article is None or article.is_empty:
        return True
    if previous is None:
        return False
    known = known_urls.get(page_id, set()) | previous.fetched_urls
    if previous.size is None:
        previous.size = changes.text_size(previous.text)
    return removals.classify(capture.url, capture.status, capture.fetched_url, article, known, previous.size) is not None


def _track(latest: dict[int, _Latest], page_id: int, capture: CaptureInput, article: Article) -> None:
    """Let later captures of the page in this batch see this one as the page's last text."""
    previous = latest.get(page_id)
    urls = previous.fetched_urls if previous is not None else set()
    latest[page_id] = _Latest(None, 0, article.title, article.text, list(article.authors), "", capture.fetched_at,
                              capture.fetched_at, "ok", fetched_urls=urls | {capture.fetched_url})


def _apply(
    capture: CaptureInput,
    article: Article,
    digest: changes.Digest | None,
    capture_id: int,
    page_id: int,
    outlet_id: int,
    latest: dict[int, _Latest],
    versions: list[dict[str, Any]],
    extractor_version: str | None,
    summaries: dict[tuple[int, int], dict[str, Any] | None],
) -> Outcome:
    """Decide one capture's outcome, queueing its version row or extending the latest version."""
    at = utc(capture.fetched_at)
    previous = latest.get(page_id)
    stable = rules.reader_hash(article.title, article.text, article.authors) if digest is None else digest.stable_hash
    if previous is not None and rules.same_for_a_reader(previous.stable_hash, article, article_hash=stable):
        _extend(previous, at)
        return Outcome.UNCHANGED
    summary = None if previous is None else _summary(previous, article, summaries)
    row = _version_row(article, digest, page_id, outlet_id, capture_id, at, previous, extractor_version, summary)
    versions.append(row)
    # Later captures of this page in the batch compare against this version.
    latest[page_id] = _Latest(None, row["seq"], article.title, article.text, list(article.authors), stable,
                              at, at, "ok", row=row, published=article.published, modified=article.modified,
                              source=id(article))
    return Outcome.NEW if previous is None else Outcome.CHANGED


def _summary(previous: _Latest, article: Article,
             summaries: dict[tuple[int, int], dict[str, Any] | None]) -> dict[str, Any]:
    """What ``article`` changed from ``previous``: worked out by a worker when ``previous`` is
    the batch's article before it (and a reader sees a change), else here."""
    found = summaries.get((previous.source, id(article))) if previous.source is not None else None
    return change_summary(previous, article) if found is None else found


def _extend(version: _Latest, at: datetime) -> None:
    version.first_seen = min(version.first_seen, at)
    version.last_seen = max(version.last_seen, at)
    if version.row is not None:  # not inserted yet: move the queued row's times
        version.row["first_seen"], version.row["last_seen"] = version.first_seen, version.last_seen
    else:
        version.touched = True


def _version_row(
    article: Article,
    digest: changes.Digest | None,
    page_id: int,
    outlet_id: int,
    capture_id: int,
    at: datetime,
    previous: _Latest | None,
    extractor_version: str | None,
    summary: dict[str, Any] | None,
) -> dict[str, Any]:
    fields = rules.version_fields(article, None if previous is None else previous.seq, summary, at,
                                  extractor_version, hashed=None if digest is None else digest.text_hash)
    return {"page_id": page_id, "outlet_id": outlet_id, "capture_id": capture_id, **fields}

def _insert_versions(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert version rows; on SQLite, index the batch's text in FTS5 with one statement.

    Fired row by row, the FTS5 trigger costs two to three times the CPU of
    indexing the same rows with one statement. So within this transaction the
    trigger is dropped, the rows go in, one ``INSERT … SELECT`` indexes them and
    the trigger is recreated from its own stored SQL. SQLite DDL is transactional: a rollback
    brings the trigger back, and other connections never see it missing.
    """
    connection = session.connection()
    table = Version.__table__
    trigger = None
    if connection.dialect.name == "sqlite":
        trigger = connection.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (_FTS_TRIGGER,)
        ).scalar()
    if trigger is None:
        insert_rows(connection, table, rows)
        return
    last = connection.execute(select(func.max(table.c.id))).scalar() or 0
    connection.exec_driver_sql(f"DROP TRIGGER {_FTS_TRIGGER}")
    insert_rows(connection, table, rows)
    _fts_hashsize(connection, _FTS_HASHSIZE)
    connection.exec_driver_sql(
        "INSERT INTO versions_fts(rowid, title, text) SELECT id, title, text FROM versions WHERE id > ?", (last,)
    )
    _fts_hashsize(connection, _FTS_DEFAULT_HASHSIZE)  # the terms are written out at commit whatever it is
    connection.exec_driver_sql(trigger)


def _fts_hashsize(connection: Any, size: int) -> None:
    connection.exec_driver_sql("INSERT INTO versions_fts(versions_fts, rank) VALUES ('hashsize', ?)", (size,))


def _chunks(values: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _known_record_ids(session: Session, record_ids: list[str]) -> set[str]:
    known: set[str] = set()
    for chunk in _chunks(record_ids):
        known.update(session.scalars(select(Capture.warc_record_id).where(Capture.warc_record_id.in_(chunk))))
    return known


def _pages(
    session: Session, fresh: list[tuple[CaptureInput, Article | None]], outlets: dict[str, int]
) -> dict[str, tuple[int, int]]:
    """(page id, outlet id) by URL, inserting new pages and widening first/last seen of known ones."""
    span: dict[str, tuple[datetime, datetime, int]] = {}
    for capture, _ in fresh:
        at = utc(capture.fetched_at)
        first, last, outlet_id = span.get(capture.url, (at, at, outlets[capture.outlet]))
        span[capture.url] = (min(first, at), max(last, at), outlet_id)
    found: dict[str, tuple[int, int]] = {}
    moved: list[dict[str, Any]] = []
    for chunk in _chunks(list(span)):
        query = select(Page.id, Page.url, Page.outlet_id, Page.first_seen, Page.last_seen).where(Page.url.in_(chunk))
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update()  # as recorder does: one writer per page at a time
        for page_id, url, outlet_id, first, last in session.execute(query):
            found[url] = (page_id, outlet_id)
            new_first, new_last = min(first, span[url][0]), max(last, span[url][1])
            if (new_first, new_last) != (first, last):
                moved.append({"pid": page_id, "first": new_first, "last": new_last})
    if moved:
        session.connection().execute(
            update(Page.__table__)
            .where(Page.__table__.c.id == bindparam("pid"))
            .values(first_seen=bindparam("first"), last_seen=bindparam("last")),
            moved,
        )
    new = [{"url": u, "outlet_id": o, "first_seen": f, "last_seen": la} for u, (f, la, o) in span.items() if u not in found]
    if new:
        ids = _insert_with_ids(session, Page.__table__, new)
        found.update({row["url"]: (pid, row["outlet_id"]) for row, pid in zip(new, ids, strict=True)})
    return found


def _insert_captures(
    session: Session, fresh: list[tuple[CaptureInput, Article]], pages: dict[str, tuple[int, int]]
) -> list[int]:
    if not fresh:
        return []
    rows = [
        {
            "page_id": pages[c.url][0],
            "fetched_url": c.fetched_url,
            "fetched_at": utc(c.fetched_at),
            "status": c.status,
            "record_type": c.record_type,
            "warc_file": c.warc.file,
            "warc_offset": c.warc.offset,
            "warc_length": c.warc.length,
            "warc_record_id": c.warc.record_id,
            "payload_digest": c.payload_digest,
            "content_type": c.content_type,
            "etag": c.etag,
            "last_modified": c.last_modified,
        }
        for c, _ in fresh
    ]
    return _insert_with_ids(session, Capture.__table__, rows)


def _insert_with_ids(session: Session, table: Table, rows: list[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` with ids taken up front: a plain ``executemany``, cheaper than ``RETURNING``."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        ids = list(connection.execute(
            sql("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"),
            {"table": table.name, "n": len(rows)},
        ).scalars())
    else:  # SQLite: the write transaction holds the database lock, so nobody else takes these ids
        top = connection.execute(select(func.max(table.c.id))).scalar() or 0
        ids = list(range(top + 1, top + 1 + len(rows)))
    insert_rows(connection, table, [{**row, "id": id_} for row, id_ in zip(rows, ids, strict=True)])
    return ids


def _latest_versions(session: Session, page_ids: list[int]) -> dict[int, _Latest]:
    latest: dict[int, _Latest] = {}
    for chunk in _chunks(sorted(set(page_ids))):
        newest = (
            select(Version.page_id, func.max(Version.seq).label("seq"))
            .where(Version.page_id.in_(chunk))
            .group_by(Version.page_id)
            .subquery()
        )
        query = (
            select(Version.id, Version.page_id, Version.seq, Version.title, Version.text, Version.authors,
                   Version.first_seen, Version.last_seen, Version.state, Version.published, Version.modified)
            .join(newest, (newest.c.page_id == Version.page_id) & (newest.c.seq == Version.seq))
        )
        for vid, page_id, seq, title, text, authors, first, last, state, published, modified in session.execute(query):
            stable = changes.stable_hash(title, text, authors)
            latest[page_id] = _Latest(vid, seq, title, text, list(authors or []), stable, first, last, state,
                                      published=published, modified=modified)
    return latest


def _text_urls(session: Session, page_ids: list[int]) -> dict[int, set[str]]:
    """The URLs each page's text versions were fetched as (a fetch elsewhere is a redirect)."""
    urls: dict[int, set[str]] = {}
    for chunk in _chunks(sorted(page_ids)):
        query = (
            select(Version.page_id, Capture.fetched_url)
            .join(Capture, Capture.id == Version.capture_id)
            .where(Version.page_id.in_(chunk), Version.state.not_in(removals.REMOVAL_STATES))
            .distinct()
        )
        for page_id, url in session.execute(query):
            urls.setdefault(page_id, set()).add(url)
    return urls


def _extend_versions(session: Session, versions: list[_Latest]) -> None:
    if not versions:
        return
    table = Version.__table__
    session.connection().execute(
        update(table).where(table.c.id == bindparam("vid")).values(
            first_seen=bindparam("first"), last_seen=bindparam("last")
        ),
        [{"vid": v.id, "first": v.first_seen, "last": v.last_seen} for v in versions],
    )
