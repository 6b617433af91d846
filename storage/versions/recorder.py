"""The archive's write side: turn one capture (and its extraction) into rows.

A page gets a new version only when it changed in a way a reader would notice
(:mod:`storage.versions.changes`: title, byline or text, ignoring time stamps, counters
and leaked ad lines); otherwise the latest version's ``last_seen`` moves and
only a capture row is added — or not even that: a re-check that found the page's
latest capture unchanged joins that capture's run (:mod:`storage.versions.fetch_runs`). A re-check that finds the article gone,
redirected or walled off (:mod:`storage.versions.removals`) adds a version with that
state instead of text. A capture that met a wall instead of the page (a consent
wall, a challenge, a block, a login or maintenance page: :mod:`extract.walls`) is
a *blocked* capture: a capture row with its kind, no version, and the page's
schedule left due, so its history goes on when the page comes back. A WARC
record already indexed (same record id) adds nothing, so crash recovery and
``reindex`` can replay WARCs freely. A capture older than the latest version's
last sighting is compared with the version current at its time instead
(:mod:`storage.versions.placement`), so files may be indexed in any order.

Watches (:mod:`storage.search.alerts`) see every version added here: each is
noted as it is added, and the batch's notes become alerts before the
transaction commits, so an alert exists exactly when its version does.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from extract import walls
from extract.article import Article
from storage.db.models import Capture, Outlet, Page, Version
from storage.db.fastpath import insert_object
from storage.db.times import now, utc
from storage.db.transaction_memo import memo
from storage.outlets import frontpages
from storage.search import alerts
from storage.stories import matcher
from storage.versions import changes, fetch_runs, moves, placement, recheck, removals, renditions, rules
from storage.versions.captures import CaptureInput, FailedCheck, FrontPageInput, Outcome, RenditionInput
from storage.versions.removals import REMOVAL_STATES

logger = logging.getLogger(__name__)


def record(
    session: Session,
    capture: CaptureInput,
    article: Article | None,
    extractor_version: str | None,
    unstripped_text: str | None = None,
) -> Outcome:
    """Add ``capture`` (and a version if the article changed) inside ``session``'s transaction.

    ``unstripped_text`` is the article's text before outlet boilerplate was
    stripped: a latest version that matches it is the same article, stored
    before the outlet's model learned those lines, so no version is added.
    A re-check that finds the article removed, redirected or walled off adds a
    version with that *state* (once: repeating it only extends that version).
    """
    if _already_recorded(session, capture.warc.record_id):
        return Outcome.UNCHANGED
    fetched_at = utc(capture.fetched_at)
    if capture.blocked is not None:
        return _record_blocked(session, capture, fetched_at)
    if capture.unread is not None:
        return _record_unread(session, capture, fetched_at)
    outlet_id = outlet_id_for(session, capture.outlet)
    page, created = _page(session, capture.url, outlet_id, fetched_at)
    moved_to = None if created else _move_target(session, page, capture, article)
    moved_from = moved_text = None
    if moved_to is not None:  # the capture is the new address's, and the history goes on there
        moved_from, (page, created) = page, _page(session, moved_to, outlet_id, fetched_at)
    anchor = None if created or moved_to is not None else fetch_runs.anchor_for(session, page.id, capture, fetched_at)
    slot = _Slot(session, page.id, capture, fetched_at, anchor)
    if moved_from is not None:
        moved_text = _last_text_version(session, moved_from.id)
        moves.record(session, moved_from, page, slot.row, _latest_version(session, moved_from.id),
                     moved_text, fetched_at, extractor_version)
    outcome = _record_fetch(session, page, created, slot, capture, article, fetched_at, extractor_version,
                            unstripped_text, moved_text)
    slot.settle(outcome)
    return outcome


class _Slot:
    """A fetch's capture row, inserted when first needed (as before, when the fetch can join no run).

    A fetch that may join the page's latest capture's run (:mod:`storage.versions.fetch_runs`)
    gets a row only if recording it needs one (a version, a wall); one that changed
    nothing joins the run instead.
    """

    def __init__(self, session: Session, page_id: int, capture: CaptureInput, fetched_at: Any,
                 anchor: Capture | None) -> None:
        self.session, self.page_id, self.capture, self.fetched_at, self.anchor = (
            session, page_id, capture, fetched_at, anchor)
        self._row: Capture | None = None
        if anchor is None:
            self.row  # noqa: B018 - inserted now, in the order it always was

    @property
    def row(self) -> Capture:
        if self._row is None:
            self._row = insert_object(self.session, _capture_row(self.page_id, self.capture, self.fetched_at))
        return self._row

    def settle(self, outcome: Outcome) -> None:
        if self._row is not None:
            return
        if outcome is Outcome.UNCHANGED and self.anchor is not None:
            fetch_runs.add_fetch(self.session, self.anchor, self.capture, self.fetched_at)
        else:
            self.row  # noqa: B018


def _record_fetch(session: Session, page: Page, created: bool, slot: _Slot, capture: CaptureInput,
                  article: Article | None, fetched_at: Any, extractor_version: str | None,
                  unstripped_text: str | None, moved_text: Version | None = None) -> Outcome:
    """What the fetch does to the page's versions, its row taken from ``slot`` only when a version or wall needs it."""
    latest = None if created else _latest_version(session, page.id)
    if latest is not None and fetched_at < latest.last_seen:
        return _record_earlier(session, page, slot.row, capture, article, fetched_at, extractor_version,
                               unstripped_text)
    if latest is not None:
        last_text = latest if latest.state not in REMOVAL_STATES else _last_text_version(session, page.id)
        wall = _text_wall(article, last_text)
        if wall is not None:  # a wall's text, far shorter than the article's: no version
            session.execute(update(Capture).where(Capture.id == slot.row.id).values(blocked=wall))
            recheck.retry_blocked(session, page, fetched_at, _blocked_why(capture.status, wall))
            return Outcome.BLOCKED
        removal = _removal(session, page, capture, article, last_text)
        if removal is not None:
            return _record_removal(session, page, slot, removal, latest, last_text, fetched_at, extractor_version)
        if latest.state in REMOVAL_STATES and last_text is not None:
            return _record_return(session, page, slot, capture, article, latest, last_text, fetched_at,
                                  extractor_version)
    if article is None or article.is_empty:
        if latest is not None and _is_revisit_of(session, capture, latest):
            _extend(latest, fetched_at)
            recheck.record_check(session, page, fetched_at, changed=False)
            return Outcome.UNCHANGED
        return Outcome.NOT_ARTICLE
    if latest is not None and rules.same_for_a_reader(
            rules.reader_hash(latest.title, latest.text, latest.authors), article, unstripped_text):
        _extend(latest, fetched_at)
        recheck.record_check(session, page, fetched_at, changed=False)
        return Outcome.UNCHANGED
    row = slot.row
    version = insert_object(session, _version_row(page, row, article, latest, fetched_at, extractor_version))
    _note_for_watches(session, page, version, latest if latest is not None else moved_text, row, article,
                      unstripped_text, moved=latest is None and moved_text is not None)
    matcher.index_version(session, version)  # fingerprint and link copies in the same transaction
    recheck.record_check(session, page, fetched_at, changed=latest is not None)
    return Outcome.NEW if latest is None else Outcome.CHANGED


def _note_for_watches(session: Session, page: Page, version: Version, before: Version | None, row: Capture,
                      article: Article, unstripped_text: str | None, moved: bool) -> None:
    """Note the version for the watches (evaluated at the end of the batch), against the text ``before`` it.

    A page's first version after its article ``moved`` here is compared with the
    text it had at its old address: the move alone is no event (a watch has
    alerted on that article already), a text that changed with it is a change.
    """
    if moved and before is not None and rules.same_for_a_reader(
            rules.reader_hash(before.title, before.text, before.authors), article, unstripped_text):
        return
    alerts.note(session, page, version, before, row)


def _record_earlier(session: Session, page: Page, row: Capture, capture: CaptureInput, article: Article | None,
                    fetched_at: Any, extractor_version: str | None, unstripped_text: str | None) -> Outcome:
    """A capture older than the latest version's last sighting, placed by its time (:mod:`storage.versions.placement`).

    It extends the version current then, or the next one backwards, or adds a
    version between them (splitting the current one when it was seen again
    after). The re-check schedule follows the newest captures, so it is left
    alone; removal states are judged only on captures in time order.
    """
    current = placement.version_at(session, page.id, fetched_at)
    if article is None or article.is_empty:
        if current is not None and _is_revisit_of(session, capture, current):
            _extend(current, fetched_at)
            return Outcome.UNCHANGED
        return Outcome.NOT_ARTICLE
    if current is not None and _reads_as(current, article, unstripped_text):
        _extend(current, fetched_at)
        return Outcome.UNCHANGED
    seq = 1 if current is None else current.seq + 1
    tail = placement.split(session, current, fetched_at) if current is not None else None
    following = None if tail is not None else placement.version_numbered(session, page.id, seq)
    if following is not None and _reads_as(following, article, unstripped_text):
        _extend(following, fetched_at)
        return Outcome.UNCHANGED
    placement.make_room(session, page.id, seq, 1 if tail is None else 2)
    previous = current if current is not None and current.state not in REMOVAL_STATES else None
    version = _version_row(page, row, article, previous, fetched_at, extractor_version)
    version.seq = seq
    insert_object(session, version)
    alerts.note(session, page, version, previous, row)  # watches: evaluated at the end of the batch
    matcher.index_version(session, version)
    after = version
    if tail is not None:
        after = _resumed(session, page, current, version, tail)
    _resummarize(placement.version_numbered(session, page.id, after.seq + 1), after)
    return Outcome.CHANGED


def _reads_as(version: Version, article: Article, unstripped_text: str | None) -> bool:
    return version.state not in REMOVAL_STATES and rules.same_for_a_reader(
        rules.reader_hash(version.title, version.text, version.authors), article, unstripped_text)


def _resumed(session: Session, page: Page, split: Version, before: Version,
             tail: tuple[Any, int, Any]) -> Version:
    """``split`` again (its text, or its removal state), from its first capture after ``before`` to its old end."""
    first_seen, capture_id, last_seen = tail
    copied = {column.key: getattr(split, column.key) for column in Version.__table__.columns
              if column.key not in ("id", "seq", "first_seen", "last_seen", "capture_id")}
    resumed = Version(**{**copied, "seq": before.seq + 1, "first_seen": first_seen, "last_seen": last_seen,
                         "capture_id": capture_id})
    if split.state in REMOVAL_STATES:
        resumed.change_summary = {**(split.change_summary or {}), "last_text_version": before.seq}
    else:
        _resummarize(resumed, before)
    insert_object(session, resumed)  # transient from here: every value is set before
    matcher.index_version(session, resumed)
    return resumed


def _resummarize(version: Version | None, previous: Version) -> None:
    """What a text version changed, now that ``previous`` comes before it."""
    if version is None or version.state in REMOVAL_STATES or previous.state in REMOVAL_STATES:
        return
    summary = rules.change_summary(previous, version)
    version.change_summary = summary
    version.chars_added, version.chars_removed = summary["chars_added"], summary["chars_removed"]


def record_batch(session: Session, batch: list[tuple[Any, ...]], extractor_version: str | None) -> list[Outcome]:
    """:func:`record` for each ``(capture, article[, unstripped_text])``, with one query for records already indexed.

    An entry whose capture is a :class:`FrontPageInput` records a front page
    instead (:mod:`storage.outlets.frontpages`), one that is a :class:`FailedCheck`
    a failed re-check (:func:`storage.versions.recheck.record_failure`), one that is a :class:`RenditionInput`
    a screenshot taken after its capture (:mod:`storage.versions.renditions`), in the same transaction and order.
    """
    matcher.lock_stories(session)  # before any page row lock: every writer takes them in this one order
    memo(session).recorded_ids = indexed_records(session, batch_record_ids(batch))
    alerts.start_batch(session)  # watches: note the versions this batch adds …
    outcomes = [_record_entry(session, entry, extractor_version) for entry in batch]
    alerts.on_batch(session)  # … and turn their events into alerts, in this same transaction
    return outcomes


def batch_record_ids(batch: list[tuple[Any, ...]]) -> list[str]:
    """The WARC record ids of a batch's captures (front pages and failed checks have none)."""
    return [entry[0].warc.record_id for entry in batch if isinstance(entry[0], CaptureInput)]


def indexed_records(session: Session, record_ids: list[str]) -> set[str]:
    """Those of ``record_ids`` already indexed, as captures or as fetches in a capture's run."""
    found = set(session.scalars(select(Capture.warc_record_id).where(Capture.warc_record_id.in_(record_ids))))
    return found | fetch_runs.indexed_fetches(session, record_ids)


def _record_entry(session: Session, entry: tuple[Any, ...], extractor_version: str | None) -> Outcome:
    capture = entry[0]
    if isinstance(capture, FailedCheck):
        recheck.record_failure(session, capture.url, capture.failed_at, capture.kind)
        return Outcome.CHECK_FAILED
    if isinstance(capture, FrontPageInput):
        added = frontpages.record(session, capture, outlet_id_for(session, capture.outlet))
        return Outcome.FRONT_PAGE if added else Outcome.UNCHANGED
    if isinstance(capture, RenditionInput):
        return Outcome.SCREENSHOT if renditions.record(session, capture) else Outcome.UNCHANGED
    return record(session, capture, entry[1], extractor_version, *entry[2:])


def _record_blocked(session: Session, capture: CaptureInput, fetched_at: Any) -> Outcome:
    """A wall met instead of an archived page: a capture row with its kind; nothing for a page not archived.

    The check counts for nothing in the page's schedule; the page comes due again soon.
    """
    page = session.scalar(select(Page).where(Page.url == capture.url).execution_options(autoflush=False))
    if page is None or _latest_version(session, page.id) is None:
        return Outcome.BLOCKED  # the WARC keeps it; discovery fetches the page again
    page.last_seen = max(page.last_seen, fetched_at)
    insert_object(session, _capture_row(page.id, capture, fetched_at))
    recheck.retry_blocked(session, page, fetched_at, _blocked_why(capture.status, capture.blocked))
    return Outcome.BLOCKED


def _record_unread(session: Session, capture: CaptureInput, fetched_at: Any) -> Outcome:
    """A page not extracted (too big): its page and a capture row saying why; no version, no removal.

    An archived page's re-check that could not be read backs off as a failed one does.
    """
    page, created = _page(session, capture.url, outlet_id_for(session, capture.outlet), fetched_at)
    insert_object(session, _capture_row(page.id, capture, fetched_at))
    if not created:
        recheck.retry_blocked(session, page, fetched_at, f"unread_{capture.unread}")
    return Outcome.UNREAD


def _blocked_why(status: int, wall: str | None) -> str:
    """What the schedule notes of a blocked check: the HTTP error when there was one, else the wall's kind."""
    return f"http_{status}" if status >= 400 else f"blocked_{wall}"


def _text_wall(article: Article | None, last_text: Version | None) -> str | None:
    if article is None or article.is_empty or last_text is None:
        return None
    return walls.text_wall(article.text, changes.text_size(last_text.text))


def _removal(session: Session, page: Page, capture: CaptureInput, article: Article | None,
             last_text: Version | None) -> removals.Removal | None:
    if capture.record_type == "revisit" and last_text is not None and _is_revisit_of(session, capture, last_text):
        return None  # the very payload the last text came from
    moved = last_text is not None and not removals.same_page(capture.fetched_url, {page.url})
    known = set(_text_urls(session, page.id)) if moved else set()  # spare the query on the common path
    size = 0 if last_text is None else changes.text_size(last_text.text)
    status = 200 if capture.status == 304 else capture.status  # not modified: the URL still answers
    return removals.classify(page.url, status, capture.fetched_url, article, known, size)


def _record_removal(session: Session, page: Page, slot: _Slot, removal: removals.Removal, latest: Version,
                    last_text: Version | None, fetched_at: Any, extractor_version: str | None) -> Outcome:
    if removal.same_as(latest.state, latest.change_summary):
        _extend(latest, fetched_at)
        recheck.record_check(session, page, fetched_at, changed=False)
        return Outcome.UNCHANGED
    summary = {"state": removal.state, **removal.detail,
               "last_text_version": None if last_text is None else last_text.seq}
    removed = 0 if last_text is None or latest.state in REMOVAL_STATES else changes.text_size(last_text.text)
    version = Version(
        page_id=page.id, outlet_id=page.outlet_id, seq=latest.seq + 1, title=None, text="", authors=[],
        published=None, modified=None, language=None, sitename=None, description=None, tags=[],
        text_hash=_state_hash(removal), first_seen=fetched_at, last_seen=fetched_at, capture_id=slot.row.id,
        extractor_version=extractor_version, change_summary=summary, state=removal.state,
        chars_added=0, chars_removed=removed,
    )
    insert_object(session, version)
    alerts.note(session, page, version, last_text, slot.row)  # watches: evaluated at the end of the batch
    page.state = removal.state
    recheck.record_check(session, page, fetched_at, changed=True)
    logger.info("%s is %s", page.url, changes.state_words(removal.state, summary))
    return Outcome.CHANGED


def _record_return(session: Session, page: Page, slot: _Slot, capture: CaptureInput, article: Article | None,
                   latest: Version, last_text: Version, fetched_at: Any, extractor_version: str | None) -> Outcome:
    """The article is back after a removal: a new 'ok' version (its last text again, if unchanged)."""
    if article is None or article.is_empty:
        if not _is_revisit_of(session, capture, last_text):
            _extend(latest, fetched_at)  # still no article here; the removal goes on
            return Outcome.NOT_ARTICLE
        article = _article_of(last_text)
    row = slot.row
    version = _version_row(page, row, article, last_text, fetched_at, extractor_version)
    version.seq = latest.seq + 1
    version.change_summary = {**(version.change_summary or {}), "restored": latest.state}
    insert_object(session, version)
    alerts.note(session, page, version, last_text, row)  # watches: evaluated at the end of the batch
    page.state = removals.OK
    matcher.index_version(session, version)
    recheck.record_check(session, page, fetched_at, changed=True)
    return Outcome.CHANGED


def _article_of(version: Version) -> Article:
    return Article(text=version.text, title=version.title, authors=list(version.authors or []),
                   published=version.published, modified=version.modified, language=version.language,
                   declared_language=version.declared_language,
                   sitename=version.sitename, description=version.description, tags=list(version.tags or []))


def _state_hash(removal: removals.Removal) -> str:
    return removal.state_hash()


def _move_target(session: Session, page: Page, capture: CaptureInput, article: Article | None) -> str | None:
    """The new address of ``page``'s article when this capture found it moved there (storage.versions.moves)."""
    if not moves.ended_elsewhere(page.url, capture, article):
        return None
    return moves.target_of(session, page, capture.fetched_url, article, set(_text_urls(session, page.id)))


def _last_text_version(session: Session, page_id: int) -> Version | None:
    query = (select(Version).where(Version.page_id == page_id, Version.state.not_in(REMOVAL_STATES))
             .order_by(Version.seq.desc()).limit(1))
    return session.scalar(query)


def _text_urls(session: Session, page_id: int) -> list[str]:
    """The URLs the page's article texts were fetched as."""
    query = (select(Capture.fetched_url).join(Version, Version.capture_id == Capture.id)
             .where(Version.page_id == page_id, Version.state.not_in(REMOVAL_STATES)).distinct())
    return list(session.scalars(query))


def outlet_id_for(session: Session, name: str, domains: list[str] | None = None,
                  seed: dict[str, Any] | None = None) -> int:
    """The id of outlet ``name``, created (with ``domains`` and its ``seed`` entry) if it is new.

    Given ``domains`` or ``seed`` replace what is stored. Ids are remembered for
    the transaction (:mod:`storage.db.transaction_memo`).
    """
    known = memo(session).outlet_ids
    if domains is None and seed is None and name in known:
        return known[name]
    outlet = session.scalar(select(Outlet).where(Outlet.name == name))
    if outlet is None:
        outlet = Outlet(name=name, domains=list(domains or []), created_at=now(), seed=seed)
        session.add(outlet)
        session.flush()
    else:
        if domains is not None and sorted(domains) != sorted(outlet.domains):
            outlet.domains = list(domains)
        if seed is not None and seed != outlet.seed:
            outlet.seed = seed
    known[name] = outlet.id
    return outlet.id


def _already_recorded(session: Session, record_id: str) -> bool:
    """Whether the record is indexed; notes it as indexed from now on, since the caller records it."""
    known = memo(session).recorded_ids
    if known is None:
        return bool(indexed_records(session, [record_id]))
    if record_id in known:
        return True
    known.add(record_id)
    return False


def _page(session: Session, url: str, outlet_id: int, fetched_at: Any) -> tuple[Page, bool]:
    """The page at ``url``, and whether this call created it."""
    # FOR UPDATE serialises concurrent writers of one page on PostgreSQL, so
    # version numbers cannot collide; SQLite's BEGIN IMMEDIATE already does.
    # No autoflush: pages go in directly (fastpath.insert_object), so the lookup finds them without one, and the
    # changes it would flush (schedules, counters) go in one flush at the end of the batch. Story matching
    # flushes the versions' times it reads (matcher._matches).
    page = session.scalar(select(Page).where(Page.url == url).with_for_update().execution_options(autoflush=False))
    if page is None:
        page = insert_object(session, Page(outlet_id=outlet_id, url=url, first_seen=fetched_at, last_seen=fetched_at))
        memo(session).new_page_ids.add(page.id)
        return page, True
    page.first_seen = min(page.first_seen, fetched_at)
    page.last_seen = max(page.last_seen, fetched_at)
    return page, False


def _capture_row(page_id: int, capture: CaptureInput, fetched_at: Any) -> Capture:
    return Capture(
        page_id=page_id,
        fetched_url=capture.fetched_url,
        fetched_at=fetched_at,
        status=capture.status,
        record_type=capture.record_type,
        warc_file=capture.warc.file,
        warc_offset=capture.warc.offset,
        warc_length=capture.warc.length,
        warc_record_id=capture.warc.record_id,
        payload_digest=capture.payload_digest,
        content_type=capture.content_type,
        etag=capture.etag,
        last_modified=capture.last_modified,
        blocked=capture.blocked,
        unread=capture.unread,
    )


def _latest_version(session: Session, page_id: int) -> Version | None:
    query = select(Version).where(Version.page_id == page_id).order_by(Version.seq.desc()).limit(1)
    return session.scalar(query)


def _is_revisit_of(session: Session, capture: CaptureInput, version: Version) -> bool:
    """A revisit record whose payload is one ``version`` was seen in.

    Not only the payload the version came from: a later full fetch whose bytes
    differ (a rotating ad line) but whose article does not extends the version,
    and a 304 answers that last full capture.
    """
    if capture.record_type != "revisit":
        return False
    if capture.payload_digest is None:
        return True
    seen = (select(Capture.id)
            .where(Capture.page_id == version.page_id, Capture.record_type == "response",
                   Capture.payload_digest == capture.payload_digest,
                   Capture.fetched_at.between(version.first_seen, version.last_seen))
            .limit(1))
    return session.scalar(seen) is not None


def _extend(version: Version, fetched_at: Any) -> None:
    version.last_seen = max(version.last_seen, fetched_at)
    version.first_seen = min(version.first_seen, fetched_at)


def _version_row(
    page: Page,
    capture: Capture,
    article: Article,
    previous: Version | None,
    fetched_at: Any,
    extractor_version: str | None,
) -> Version:
    summary = None if previous is None else rules.change_summary(previous, article)
    fields = rules.version_fields(article, None if previous is None else previous.seq, summary, fetched_at,
                                  extractor_version)
    return Version(page_id=page.id, outlet_id=page.outlet_id, capture_id=capture.id, **fields)

