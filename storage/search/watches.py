"""Watches: standing searches over what the archive records from now on.

A watch is a name, a query in the search syntax (:mod:`storage.search.syntax`),
optionally a few outlets, the events it follows and where its alerts go
(Apprise URLs, :mod:`storage.search.outbox`). The events:

``new``         a page's first version matches
``changed``     a new version of a page that matches (before or after)
``removed``     a page that matched is removed, redirected or paywalled
``headline``    the title of a page that matches changed
``correction``  a correction or clarification note (any language) was added to a page that matches
``appears``     the query matches a new version and did not match the one before
``disappears``  the reverse

This module defines, lists and removes watches, and compiles them into a
:class:`WatchSet` that :mod:`storage.search.alerts` tests each new version
against. The set is cached per database and rebuilt only when the watches
change, and indexed by one required token per alternative, so a version is
compared only with the watches that could match it.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from storage.db.errors import BadWatch, NoSuchWatch
from storage.db.models import Alert, AlertDelivery, Outlet, Watch
from storage.db.results import Result
from storage.db.times import now
from storage.outlets.names import require_outlet
from storage.search.matching import key_token
from storage.search.outbox import masked
from storage.search.syntax import Query, parse

EVENTS = ("new", "changed", "removed", "headline", "correction", "stealth", "appears", "disappears")
DEFAULT_EVENTS = ("new", "appears")  # whenever the query starts to match a page
# Events that look at the version before the new one (the others need only the new one).
LOOKS_BACK = frozenset({"changed", "removed", "headline", "correction", "stealth", "disappears"})
MAX_NAME = 200


@dataclass(frozen=True, slots=True)
class WatchView(Result):
    """A watch as ``watch list`` shows it (notification URLs with their secrets masked)."""

    name: str
    query: str
    outlets: list[str]
    events: list[str]
    notify: list[str]
    digest: bool
    created_at: datetime


def parse_events(text: str | None) -> list[str]:
    """``"new,changed"`` as a list of known events in :data:`EVENTS` order (the defaults for None);
    raises :class:`BadWatch`."""
    if text is None:
        return list(DEFAULT_EVENTS)
    chosen = [part.strip().lower() for part in text.split(",") if part.strip()]
    unknown = [event for event in chosen if event not in EVENTS]
    if unknown or not chosen:
        raise BadWatch(f"unknown event {', '.join(unknown) or repr(text)}: choose from {','.join(EVENTS)}")
    return [event for event in EVENTS if event in chosen]


def add(session: Session, name: str, query: str, outlets: list[str], events: list[str],
        targets: list[str], digest: bool = False) -> WatchView:
    """Define a watch; raises :class:`BadWatch` (taken name), ``BadQuery`` or ``NoSuchOutlet``."""
    name = name.strip()
    if not name or len(name) > MAX_NAME:
        raise BadWatch(f"a watch needs a name of 1 to {MAX_NAME} characters, not {name!r}")
    if session.scalar(select(Watch.id).where(Watch.name == name)) is not None:
        raise BadWatch(f"a watch named {name!r} exists: `newsarchive watch remove {name}` first")
    parse(query)
    for outlet in outlets:
        require_outlet(session, outlet)
    watch = Watch(name=name, query=query, outlets=list(dict.fromkeys(outlets)), events=parse_events(",".join(events)),
                  targets=list(dict.fromkeys(targets)), digest=digest, key=secrets.token_hex(8), created_at=now())
    session.add(watch)
    session.flush()
    return view(watch)


def remove(session: Session, name: str) -> None:
    """Remove the watch ``name`` with its alerts and undelivered messages; raises :class:`NoSuchWatch`."""
    watch = find(session, name)
    alerts = select(Alert.id).where(Alert.watch_id == watch.id)
    session.execute(delete(AlertDelivery).where(AlertDelivery.alert_id.in_(alerts)))
    session.execute(delete(Alert).where(Alert.watch_id == watch.id))
    session.delete(watch)


def find(session: Session, name: str) -> Watch:
    """The watch named ``name``; raises :class:`NoSuchWatch` listing the names there are."""
    watch = session.scalar(select(Watch).where(Watch.name == name))
    if watch is not None:
        return watch
    names = list(session.scalars(select(Watch.name).order_by(Watch.name)))
    known = ("watches: " + ", ".join(names[:10])) if names else "there are no watches yet"
    raise NoSuchWatch(f"no watch {name!r} ({known})")


def list_watches(session: Session) -> list[WatchView]:
    """Every watch, by name."""
    return [view(watch) for watch in session.scalars(select(Watch).order_by(Watch.name))]


def view(watch: Watch) -> WatchView:
    return WatchView(watch.name, watch.query, list(watch.outlets), list(watch.events),
                     [masked(target) for target in watch.targets], bool(watch.digest), watch.created_at)


# -- compiled watches: what the record path tests each new version against -----------------------


@dataclass(frozen=True, slots=True)
class CompiledWatch:
    """A watch ready to test versions: its parsed query, outlet ids (None: all) and events."""

    id: int
    name: str
    query: Query
    outlet_ids: frozenset[int] | None
    events: frozenset[str]
    targets: tuple[str, ...]

    def follows(self, outlet_id: int) -> bool:
        return self.outlet_ids is None or outlet_id in self.outlet_ids


@dataclass(slots=True)
class WatchSet:
    """Every watch, indexed by one token each alternative of its query requires."""

    watches: list[CompiledWatch]
    by_token: dict[str, list[CompiledWatch]] = field(default_factory=dict)
    looks_back: bool = False  # whether any watch needs the version before a new one

    @classmethod
    def build(cls, watches: list[CompiledWatch]) -> WatchSet:
        found = cls(watches, looks_back=any(w.events & LOOKS_BACK for w in watches))
        for watch in watches:
            for token in {key_token(branch) for branch in watch.query.branches} - {None}:
                found.by_token.setdefault(token, []).append(watch)  # type: ignore[arg-type]
        return found

    def candidates(self, words: frozenset[str], outlet_id: int) -> dict[int, CompiledWatch]:
        """The watches of ``outlet_id`` whose query could match a text with these ``words``, by id."""
        found: dict[int, CompiledWatch] = {}
        for token in words & self.by_token.keys():
            for watch in self.by_token[token]:
                if watch.follows(outlet_id):
                    found[watch.id] = watch
        return found


_cache: dict[str, tuple[tuple[Any, ...], WatchSet]] = {}
_cache_lock = threading.Lock()


def active(session: Session) -> WatchSet | None:
    """The archive's watches, compiled; None when it has none (one small query when nothing changed)."""
    fingerprint = tuple(session.execute(select(func.count(Watch.id), func.max(Watch.id),
                                               func.max(Watch.created_at))).one())
    if not fingerprint[0]:
        return None
    where = session.get_bind().url.render_as_string(hide_password=True)
    with _cache_lock:
        cached = _cache.get(where)
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    compiled = WatchSet.build(_compile_all(session))
    with _cache_lock:
        _cache[where] = (fingerprint, compiled)
    return compiled


def compile_watch(watch: Watch, outlet_ids: dict[str, int]) -> CompiledWatch:
    """``watch`` ready for matching; its outlets' ids from ``outlet_ids`` (name → id)."""
    ids = frozenset(outlet_ids[name] for name in watch.outlets if name in outlet_ids) if watch.outlets else None
    return CompiledWatch(watch.id, watch.name, parse(watch.query), ids, frozenset(watch.events), tuple(watch.targets))


def _compile_all(session: Session) -> list[CompiledWatch]:
    outlet_ids = {name: outlet_id for name, outlet_id in session.execute(select(Outlet.name, Outlet.id))}
    return [compile_watch(watch, outlet_ids) for watch in session.scalars(select(Watch).order_by(Watch.id))]
