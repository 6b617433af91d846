"""The read side of article histories: a diff between two versions, and which articles changed.

:meth:`storage.archive.Archive.diff` and :meth:`~storage.archive.Archive.changes`
are thin wrappers over :func:`diff` and :func:`changed`; the ``newsarchive
diff`` and ``changes`` commands print what these return.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.db.errors import NoSuchVersion
from storage.db.models import Outlet, Page, Version
from storage.db.times import iso, utc
from storage.versions.changes import short, state_words
from storage.versions.diffing import (
    ParagraphChange,
    Segment,
    diff_paragraphs,
    split_paragraphs,
    word_diff,
)
from storage.versions.normalize import normalize_text

logger = logging.getLogger(__name__)

STATE_EXCLUDED_FROM_CHANGES = "extractor-change"  # storage.ingest.reextract: not an article change


@dataclass(frozen=True, slots=True)
class Side:
    """One end of a diff: which version, when, and in what state."""

    version: int
    first_seen: datetime
    state: str
    title: str | None
    authors: list[str]
    change_summary: dict[str, Any] | None

    def to_json(self) -> dict[str, Any]:
        return {"version": self.version, "first_seen": iso(self.first_seen), "state": self.state,
                "title": self.title, "authors": self.authors,
                "state_note": None if self.state == "ok" else state_words(self.state, self.change_summary)}


@dataclass(frozen=True, slots=True)
class VersionDiff:
    """What changed from one version of a page to another, word by word."""

    url: str
    outlet: str
    old: Side
    new: Side
    title: list[Segment] | None  # None when the title did not change
    authors_changed: bool
    paragraphs: list[ParagraphChange]

    @property
    def chars_added(self) -> int:
        return sum(p.chars_added for p in self.paragraphs)

    @property
    def chars_removed(self) -> int:
        return sum(p.chars_removed for p in self.paragraphs)

    @property
    def changed(self) -> list[ParagraphChange]:
        return [p for p in self.paragraphs if p.kind != "equal"]

    def to_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "outlet": self.outlet,
            "from": self.old.to_json(),
            "to": self.new.to_json(),
            "title": None if self.title is None else {"before": self.old.title, "after": self.new.title,
                                                      "segments": [list(s) for s in self.title]},
            "authors": {"before": self.old.authors, "after": self.new.authors} if self.authors_changed else None,
            "paragraphs": [p.to_json() for p in self.changed],
            "unchanged_paragraphs": len(self.paragraphs) - len(self.changed),
            "chars_added": self.chars_added,
            "chars_removed": self.chars_removed,
        }


@dataclass(frozen=True, slots=True)
class ChangedArticle:
    """An article with new versions since some time, and how much they changed."""

    url: str
    outlet: str
    title: str | None
    state: str
    versions: int  # all versions of the page
    new_versions: int  # versions first seen in the window
    chars_added: int
    chars_removed: int
    first_change: datetime
    last_change: datetime
    latest_change: str  # the latest version's change, in a few words

    @property
    def size(self) -> int:
        return self.chars_added + self.chars_removed

    def to_json(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["first_change"], data["last_change"] = iso(self.first_change), iso(self.last_change)
        return data


def diff(session: Session, page: Page, outlet: str, old: int | None, new: int | None) -> VersionDiff:
    """The diff of ``page`` from version ``old`` to ``new`` (default: its last two versions)."""
    count = session.scalar(select(func.count(Version.id)).where(Version.page_id == page.id)) or 0
    if count == 0:
        raise NoSuchVersion(f"{page.url} was captured but has no article text (not an article page?)")
    new = count if new is None else new
    old = (new - 1 if new > 1 else 1) if old is None else old
    if count == 1 and old == new == 1:
        raise NoSuchVersion(f"{page.url} has only one version: nothing to compare yet")
    rows = {v.seq: v for v in session.scalars(select(Version).where(Version.page_id == page.id,
                                                                     Version.seq.in_([old, new])))}
    for number in (old, new):
        if number not in rows:
            raise NoSuchVersion(f"{page.url} has no version {number}: it has versions 1 to {count}")
    before, after = rows[old], rows[new]
    title_changed = normalize_text(before.title) != normalize_text(after.title)
    return VersionDiff(
        url=page.url,
        outlet=outlet,
        old=_side(before),
        new=_side(after),
        title=word_diff(before.title or "", after.title or "") if title_changed else None,
        authors_changed=_byline(before.authors) != _byline(after.authors),
        paragraphs=diff_paragraphs(split_paragraphs(before.text), split_paragraphs(after.text)),
    )


def changed(session: Session, since: datetime, outlet: str | None, limit: int,
            undeclared: bool = False) -> list[ChangedArticle]:
    """Articles with versions ≥2 first seen since ``since``, biggest change first.

    ``undeclared``: only versions the outlet did not declare (stealth edits, :mod:`storage.versions.declared`).
    """
    size = func.coalesce(Version.chars_added, 0) + func.coalesce(Version.chars_removed, 0)
    query = (
        select(
            Version.page_id,
            func.count(Version.id).label("new_versions"),
            func.sum(func.coalesce(Version.chars_added, 0)).label("added"),
            func.sum(func.coalesce(Version.chars_removed, 0)).label("removed"),
            func.min(Version.first_seen).label("first_change"),
            func.max(Version.first_seen).label("last_change"),
        )
        .where(Version.seq >= 2, Version.first_seen >= utc(since), Version.state != STATE_EXCLUDED_FROM_CHANGES)
        .group_by(Version.page_id)
        .order_by(func.sum(size).desc(), func.max(Version.first_seen).desc(), Version.page_id)
        .limit(limit)
    )
    if outlet is not None:
        query = query.join(Outlet, Outlet.id == Version.outlet_id).where(Outlet.name == outlet)
    if undeclared:
        query = query.where(Version.change_summary["declared"].as_boolean().is_(False))
    return [_changed_article(session, row) for row in session.execute(query)]


def _changed_article(session: Session, row: Any) -> ChangedArticle:
    page, outlet = session.execute(select(Page, Outlet.name).join(Outlet, Outlet.id == Page.outlet_id)
                                   .where(Page.id == row.page_id)).one()
    versions = list(session.scalars(select(Version).where(Version.page_id == page.id).order_by(Version.seq)))
    latest = versions[-1]
    titled = next((v for v in reversed(versions) if v.title), latest)
    return ChangedArticle(
        url=page.url,
        outlet=outlet,
        title=titled.title,
        state=latest.state,
        versions=len(versions),
        new_versions=row.new_versions,
        chars_added=int(row.added or 0),
        chars_removed=int(row.removed or 0),
        first_change=_aware(row.first_change),
        last_change=_aware(row.last_change),
        latest_change=short(latest.change_summary, latest.state, latest.seq),
    )


def _side(version: Version) -> Side:
    return Side(version.seq, version.first_seen, version.state, version.title, list(version.authors or []),
                version.change_summary)


def _byline(authors: list[str] | None) -> list[str]:
    return sorted(normalize_text(a).casefold() for a in authors or [])


def _aware(value: Any) -> datetime:
    # Aggregates bypass the column type on SQLite and come back as text.
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return utc(value)
