"""Alerts: the watches' events on each new version, stored with their citation.

The recorder (:mod:`storage.versions.recorder`) notes every version it adds —
a new text, a removal, a return — with :func:`note`, and at the end of each
batch calls :func:`on_batch` in the same transaction. That compares each
noted version (and the page's text before it) with the watches that could
match it (:class:`storage.search.watches.WatchSet`), and for every event adds
an ``alerts`` row — watch, event, outlet, URL, version numbers, first seen,
an excerpt of the change, and the WARC file, offset and record id behind it —
and one ``alert_deliveries`` row per notification target: the outbox that
:mod:`storage.search.outbox` empties after the transaction has committed.

Cost on the record path: nothing at all but one small query per batch when the
archive has no watches; otherwise each version is tokenised once and tested
only against the watches sharing a required token with it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, insert, select
from sqlalchemy.orm import Session, aliased

from storage.db.models import Alert, AlertDelivery, Capture, Outlet, Page, Version, Watch
from storage.db.results import Result
from storage.db.times import iso, now, utc
from storage.db.transaction_memo import memo
from storage.search import watches as watch_defs
from storage.search.outbox import alert_key, headline_before, masked, shortened
from storage.search.matching import Document, matching_branch, term_tokens
from storage.search.watches import CompiledWatch, WatchSet
from storage.versions.changes import short, state_words, title_change
from storage.versions.declared import is_stealth
from storage.versions.diffing import split_paragraphs
from storage.versions.phrases.notes import CORRECTING
from storage.versions.removals import REMOVAL_STATES

_NOTED = "newsarchive_watch_versions"  # session.info key: versions this batch added
EXCERPT = 300  # characters
CONTEXT = 110  # characters of text either side of a match in an excerpt
MARK = "**"


# -- the record path -------------------------------------------------------------------------


@dataclass(slots=True)
class Recorded:
    """A version the recorder added, with the page's text version before it and the capture behind it."""

    page: Page
    version: Version
    previous: Version | None
    capture: Capture


def start_batch(session: Session) -> None:
    """Begin noting the versions this transaction adds (only noted versions are ever evaluated)."""
    session.info[_NOTED] = []


def note(session: Session, page: Page, version: Version, previous: Version | None, capture: Capture) -> None:
    """Remember a version just added, for :func:`on_batch` (a no-op outside a batch)."""
    noted = session.info.get(_NOTED)
    if noted is not None:
        noted.append(Recorded(page, version, previous, capture))


def on_batch(session: Session) -> int:
    """Alerts (and their outbox rows) for the versions noted since :func:`start_batch`; returns how many."""
    noted: list[Recorded] = session.info.pop(_NOTED, None) or []
    if not noted:
        return 0
    watches = watch_defs.active(session)
    if watches is None:
        return 0
    found = [(watch, event, change) for recorded in noted
             for watch, event, change in _events(watches, Change.of(recorded))]
    if not found:
        return 0
    session.flush()  # ids of the versions, for the alerts
    names = {outlet_id: name for name, outlet_id in memo(session).outlet_ids.items()}
    rows = [_alert_row(session, watch, event, change, names) for watch, event, change in found]
    ids = session.scalars(insert(Alert).returning(Alert.id, sort_by_parameter_order=True), rows).all()
    due = now()
    deliveries = [{"alert_id": alert_id, "target": target, "attempts": 0, "next_attempt_at": due}
                  for alert_id, (watch, _, _) in zip(ids, found, strict=True) for target in watch.targets]
    if deliveries:
        session.execute(insert(AlertDelivery), deliveries)
    return len(rows)


# -- events ------------------------------------------------------------------------------------


@dataclass(slots=True)
class Change:
    """One new version and the text before it, with each watch's match on both, worked out once."""

    version: Version
    previous: Version | None
    page: Page | None = None
    capture: Capture | None = None
    after: Document | None = None
    before: Document | None = None
    _after_hits: dict[int, Any] = field(default_factory=dict)
    _before_hits: dict[int, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, recorded: Recorded) -> Change:
        return cls.between(recorded.version, recorded.previous, recorded.page, recorded.capture)

    @classmethod
    def between(cls, version: Version, previous: Version | None, page: Page | None = None,
                capture: Capture | None = None) -> Change:
        after = None if version.state in REMOVAL_STATES else Document(version.title, version.text)
        before = None if previous is None else Document(previous.title, previous.text)
        return cls(version, previous, page, capture, after, before)

    @property
    def removal(self) -> bool:
        return self.after is None

    def matches_after(self, watch: CompiledWatch) -> Any:
        """The alternative of the watch's query the new version matches, or None."""
        if watch.id not in self._after_hits:
            self._after_hits[watch.id] = None if self.after is None else matching_branch(watch.query, self.after)
        return self._after_hits[watch.id]

    def matches_before(self, watch: CompiledWatch) -> Any:
        """The alternative the text before matched, or None."""
        if watch.id not in self._before_hits:
            self._before_hits[watch.id] = None if self.before is None else matching_branch(watch.query, self.before)
        return self._before_hits[watch.id]


def _events(watches: WatchSet, change: Change) -> Iterator[tuple[CompiledWatch, str, Change]]:
    for watch in _candidates(watches, change):
        for event in events_of(watch, change):
            yield watch, event, change


def _candidates(watches: WatchSet, change: Change) -> list[CompiledWatch]:
    """The watches that could see an event in ``change``: they share a required token with either text."""
    outlet_id = change.version.outlet_id
    found = {} if change.after is None else watches.candidates(change.after.words, outlet_id)
    if change.before is not None and watches.looks_back:
        for watch_id, watch in watches.candidates(change.before.words, outlet_id).items():
            if watch.events & watch_defs.LOOKS_BACK:
                found.setdefault(watch_id, watch)
    return [found[watch_id] for watch_id in sorted(found)]


def events_of(watch: CompiledWatch, change: Change) -> list[str]:
    """The events of ``watch`` that ``change`` is, in the order of :data:`storage.search.watches.EVENTS`."""
    events = watch.events
    if change.removal:
        return ["removed"] if "removed" in events and change.matches_before(watch) else []
    now_matches = change.matches_after(watch) is not None
    if change.previous is None:
        return ["new"] if "new" in events and now_matches else []
    looked_back = events & watch_defs.LOOKS_BACK or ("appears" in events and now_matches)
    was_matching = bool(looked_back) and change.matches_before(watch) is not None
    page_matches = now_matches or was_matching
    summary = change.version.change_summary or {}
    found = {
        "changed": page_matches,
        "headline": page_matches and bool(summary.get("title_changed")),
        "correction": page_matches and bool(_corrections(summary)),
        "stealth": page_matches and is_stealth(summary),  # a change the outlet did not declare
        "appears": now_matches and not was_matching,
        "disappears": was_matching and not now_matches,
    }
    return [event for event in watch_defs.EVENTS if event in events and found.get(event)]


def _corrections(summary: dict[str, Any]) -> list[str]:
    """The texts of a version's new correction notes (a clarification corrects too)."""
    return [n["text"] for n in summary.get("notes", []) if n.get("kind") in CORRECTING]


# -- the citation ------------------------------------------------------------------------------


def _alert_row(session: Session, watch: CompiledWatch, event: str, change: Change,
               names: dict[int, str]) -> dict[str, Any]:
    version, page, capture = change.version, change.page, change.capture
    assert page is not None and capture is not None
    outlet = names.get(version.outlet_id) or session.scalar(select(Outlet.name).where(Outlet.id == version.outlet_id))
    previous = change.previous
    return {
        "watch_id": watch.id, "event": event, "version_id": version.id, "outlet": outlet, "url": page.url,
        "version_seq": version.seq, "previous_seq": None if previous is None else previous.seq,
        "first_seen": version.first_seen, "title": version.title or (previous.title if previous else None),
        "excerpt": excerpt(watch, event, change), "warc_file": capture.warc_file,
        "warc_offset": capture.warc_offset, "warc_record_id": capture.warc_record_id, "created_at": now(),
    }


def excerpt(watch: CompiledWatch, event: str, change: Change) -> str:
    """A few lines showing the event: the match, the changed title or paragraph, the note, the removal."""
    version, previous = change.version, change.previous
    summary = version.change_summary or {}
    if event == "removed":
        return state_words(version.state, summary)
    if event == "headline":
        old, new = title_change(summary) or (None, None)
        return _cut(f"title: {old!r} → {new!r}")
    if event == "correction":
        notes = _corrections(summary)
        return _cut(notes[0] if notes else short(summary, version.state, version.seq))
    if event == "disappears" and previous is not None:
        return "was: " + _around(previous.text, change.matches_before(watch))
    if event in ("changed", "stealth") and previous is not None:
        return _diff_excerpt(previous.text, version.text) or short(summary, version.state, version.seq)
    return _around(version.text, change.matches_after(watch)) or _cut(version.title or "")


def _around(text: str | None, branch: Any) -> str:
    """The passage of ``text`` around the first term of ``branch``, the match between ``**``."""
    text = text or ""
    found = None if branch is None or not branch.terms else _find(text, branch.terms[0])
    if found is None:  # no term, or folded diacritics: no exact spot to point at
        return _cut(text[: 2 * EXCERPT])
    start, end = max(0, found.start() - CONTEXT), min(len(text), found.end() + CONTEXT)
    lead, tail = ("…" if start else ""), ("…" if end < len(text) else "")
    before, after = text[start:found.start()], text[found.end():end]
    # a space beside the match only where the text has one: "**Correction**: …", not "**Correction** : …"
    left = lead + " ".join(before.split()) + (" " if before[-1:].isspace() else "")
    right = (" " if after[:1].isspace() else "") + " ".join(after.split()) + tail
    return f"{left}{MARK}{' '.join(found.group(0).split())}{MARK}{right}".strip()


def _find(text: str, term: str) -> re.Match[str] | None:
    """The first place ``term`` is in ``text``: found with ``str.find`` in ASCII text, confirmed by the pattern."""
    pattern = _term_pattern(term)
    if not text.isascii():
        return pattern.search(text)
    lowered, first = text.lower(), term_tokens(term)[0]
    at = lowered.find(first)
    while at >= 0:
        found = pattern.match(text, at)
        if found is not None and (at == 0 or not text[at - 1].isalnum()):
            return found
        at = lowered.find(first, at + 1)
    return None


@functools.lru_cache(maxsize=4096)
def _term_pattern(term: str) -> re.Pattern[str]:
    """Where ``term`` is in a text: its tokens separated by anything but letters and digits."""
    pattern = r"[\W_]+".join(re.escape(token) for token in term_tokens(term))
    return re.compile(r"(?<![^\W_])" + pattern + r"(?![^\W_])", re.IGNORECASE)  # whole words only


def _diff_excerpt(before: str | None, after: str | None) -> str:
    """The first paragraph the new version added and the first it dropped, as ``+ …`` / ``- …`` lines."""
    old, new = split_paragraphs(before), split_paragraphs(after)
    old_set, new_set = set(old), set(new)
    added = next((p for p in new if p not in old_set), None)
    dropped = next((p for p in old if p not in new_set), None)
    lines = [f"+ {_cut(added, EXCERPT // 2)}" if added else "", f"- {_cut(dropped, EXCERPT // 2)}" if dropped else ""]
    return "\n".join(line for line in lines if line)


def _cut(text: str, limit: int = EXCERPT) -> str:
    return shortened(" ".join(text.split()), limit)


# -- reading alerts back -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AlertView(Result):
    """One alert and its citation; ``deliveries`` says where it went or is waiting to go."""

    id: int | None
    key: str | None  # the idempotency key every message of this alert carries
    watch: str
    event: str
    outlet: str
    url: str
    version: int
    previous_version: int | None
    first_seen: datetime
    title: str | None
    excerpt: str
    warc_file: str
    warc_offset: int
    warc_record_id: str
    created_at: datetime | None
    deliveries: list[dict[str, Any]]
    old_title: str | None = None  # a headline alert's title before the change


def list_alerts(session: Session, watch: str | None = None, since: datetime | None = None,
                undelivered: bool = False, limit: int = 100) -> list[AlertView]:
    """Alerts, newest first; of one watch, created since a time, or only those still waiting to be delivered."""
    query = (select(Alert, Watch.name, Watch.key, Version.change_summary).join(Watch, Watch.id == Alert.watch_id)
             .outerjoin(Version, Version.id == Alert.version_id))
    if watch is not None:
        query = query.where(Watch.id == watch_defs.find(session, watch).id)
    if since is not None:
        query = query.where(Alert.created_at >= utc(since))
    if undelivered:
        waiting = select(AlertDelivery.alert_id).where(AlertDelivery.delivered_at.is_(None))
        query = query.where(Alert.id.in_(waiting))
    rows = session.execute(query.order_by(Alert.created_at.desc(), Alert.id.desc()).limit(limit)).all()
    deliveries = _deliveries(session, [alert.id for alert, _, _, _ in rows])
    return [_view(alert, name, key, deliveries.get(alert.id, []), headline_before(alert.event, summary))
            for alert, name, key, summary in rows]


def _deliveries(session: Session, alert_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    found: dict[int, list[dict[str, Any]]] = {}
    if not alert_ids:
        return found
    query = select(AlertDelivery).where(AlertDelivery.alert_id.in_(alert_ids)).order_by(AlertDelivery.id)
    for row in session.scalars(query):
        found.setdefault(row.alert_id, []).append({
            "target": masked(row.target), "delivered_at": iso(row.delivered_at), "attempts": row.attempts,
            "next_attempt_at": None if row.delivered_at else iso(row.next_attempt_at), "last_error": row.last_error,
        })
    return found


def _view(alert: Alert, watch: str, key: str | None, deliveries: list[dict[str, Any]],
          old_title: str | None = None) -> AlertView:
    return AlertView(alert.id, None if key is None else alert_key(key, alert.id), watch, alert.event, alert.outlet,
                     alert.url, alert.version_seq, alert.previous_seq, alert.first_seen, alert.title, alert.excerpt,
                     alert.warc_file, alert.warc_offset, alert.warc_record_id, alert.created_at, deliveries,
                     old_title)


def alerts_of_watch(session: Session, name: str, limit: int) -> list[AlertView]:
    """The newest alerts of the watch ``name`` (the reading room's feed)."""
    return list_alerts(session, watch=name, limit=limit)


# -- what a watch would have matched -----------------------------------------------------------


def trial(session: Session, name: str, since: datetime | None = None, limit: int = 100) -> list[AlertView]:
    """The alerts watch ``name`` would have raised on the versions first seen since ``since`` (default: a day ago).

    Nothing is stored or sent: this reads the versions of that window, oldest first.
    """
    watch_row = watch_defs.find(session, name)
    outlet_ids = {name: outlet_id for name, outlet_id in session.execute(select(Outlet.name, Outlet.id))}
    watch = watch_defs.compile_watch(watch_row, outlet_ids)
    since = utc(since) if since is not None else now() - timedelta(days=1)
    found: list[AlertView] = []
    for version, url, outlet, capture in session.execute(_window(watch, since)):
        change = Change.between(version, None if version.seq == 1 else _text_before(session, version))
        for event in events_of(watch, change):
            found.append(AlertView(None, None, watch.name, event, outlet, url, version.seq,
                                   None if change.previous is None else change.previous.seq, version.first_seen,
                                   version.title, excerpt(watch, event, change), capture.warc_file,
                                   capture.warc_offset, capture.warc_record_id, None, [],
                                   headline_before(event, version.change_summary)))
            if len(found) >= limit:
                return found
    return found


def _window(watch: CompiledWatch, since: datetime) -> Select[Any]:
    query = (select(Version, Page.url, Outlet.name, Capture)
             .join(Page, Page.id == Version.page_id).join(Outlet, Outlet.id == Version.outlet_id)
             .join(Capture, Capture.id == Version.capture_id)
             .where(Version.first_seen >= since, Version.state != "extractor-change"))
    if watch.outlet_ids is not None:
        query = query.where(Version.outlet_id.in_(watch.outlet_ids))
    return query.order_by(Version.first_seen, Version.id)


def _text_before(session: Session, version: Version) -> Version | None:
    """The page's last text version before ``version`` (what the recorder compared it with)."""
    earlier = aliased(Version)
    query = (select(earlier).where(earlier.page_id == version.page_id, earlier.seq < version.seq,
                                   earlier.state.not_in(REMOVAL_STATES))
             .order_by(earlier.seq.desc()).limit(1))
    return session.scalar(query)
