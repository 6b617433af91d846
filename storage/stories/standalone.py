"""The archive's story matcher on its own: texts in, stories out, for tests and benchmarks.

:class:`StoryIndex` keeps a throwaway archive in a temporary directory and
records each text added as a version of a page of its own, so matching,
joining, origins and relations are exactly what :mod:`storage.stories.matcher`
does in a crawl: the code measured is the code that runs.
"""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import TracebackType

from sqlalchemy import select
from sqlalchemy.orm import Session

from extract.article import Article
from storage.archive import Archive
from storage.db.models import Capture, Outlet, Page, StoryMember, Version
from storage.db.times import now
from storage.stories import matcher
from storage.stories.compare import Match
from storage.stories.results import stories as story_views
from storage.versions.captures import CaptureInput
from storage.versions.normalize import text_hash
from storage.warc.pointer import WarcPointer

OUTLET = "standalone"


@dataclass(frozen=True, slots=True)
class Member:
    """One text in a story, with its relation to the origin and the similarity behind it."""

    id: Hashable
    first_seen: datetime
    relation: str
    similarity: float


@dataclass(frozen=True, slots=True)
class Story:
    origin: Hashable
    members: list[Member] = field(default_factory=list)


class _Rollback(Exception):
    def __init__(self, found: list[matcher.Found]) -> None:
        self.found = found


class StoryIndex:
    """Texts by id, matched and grouped into stories by the archive's own matcher."""

    def __init__(self) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="stories-")
        self._archive = Archive(f"sqlite:///{Path(self._dir.name) / 'stories.sqlite3'}", self._dir.name, create=True)
        self._archive.ensure_outlet(OUTLET, [f"{OUTLET}.invalid"])
        self._ids: dict[str, Hashable] = {}  # page URL → id
        self._urls: dict[Hashable, str] = {}
        self._serial = itertools.count()

    def __len__(self) -> int:
        return len(self._urls)

    def close(self) -> None:
        self._archive.close()
        self._dir.cleanup()

    def __enter__(self) -> StoryIndex:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()

    def match(self, text: str) -> list[tuple[Hashable, Match]]:
        """Indexed texts that ``text`` copies, best first (the time between them taken as unknown)."""
        return self._dry_run(text, now(), timed=False)

    def add(self, id: Hashable, text: str, first_seen: datetime,
            published: datetime | None = None) -> list[tuple[Hashable, Match]]:
        """Index a text and join it to the stories it matches; returns those matches, best first."""
        if id in self._urls:
            raise ValueError(f"text {id!r} is already in the story index")
        found = self._dry_run(text, first_seen, timed=True)
        url = f"https://{OUTLET}.invalid/{next(self._serial)}"
        self._urls[id], self._ids[url] = url, id
        capture = CaptureInput(outlet=OUTLET, url=url, fetched_url=url, fetched_at=first_seen, status=200,
                               warc=WarcPointer("standalone.warc.gz", len(self._urls), 1, f"<urn:standalone:{url}>"))
        self._archive.record_capture(capture, Article(text=text, published=published))
        return found

    def story_of(self, id: Hashable) -> set[Hashable]:
        """Ids of all texts in the same story as ``id`` (itself included)."""
        def query(session: Session) -> list[str]:
            member = (select(StoryMember.story_id).join(Version, Version.id == StoryMember.version_id)
                      .join(Page, Page.id == Version.page_id).where(Page.url == self._urls[id]))
            urls = (select(Page.url).join(Version, Version.page_id == Page.id)
                    .join(StoryMember, StoryMember.version_id == Version.id)
                    .where(StoryMember.story_id == member.scalar_subquery()))
            return list(session.scalars(urls))
        return {self._ids[url] for url in self._archive.read(query)} or {id}

    def stories(self, min_size: int = 1) -> list[Story]:
        """All stories with at least ``min_size`` members (a story has two at least), earliest origin first."""
        views = self._archive.read(lambda session: story_views(session, limit=len(self._urls) + 1))
        found = [Story(self._ids[v.origin.url], [Member(self._ids[m.url], m.first_seen, m.relation, m.similarity)
                                                 for m in v.members])
                 for v in views if v.size >= min_size]
        return sorted(found, key=lambda story: story.members[0].first_seen)

    def _dry_run(self, text: str, first_seen: datetime, timed: bool) -> list[tuple[Hashable, Match]]:
        """What recording ``text`` would match, found in a transaction that is then rolled back."""
        def work(session: Session) -> None:
            raise _Rollback(matcher.matches_of(session, self._unindexed_version(session, text, first_seen), timed=timed))
        try:
            self._archive.write(work)
        except _Rollback as rolled_back:
            found = rolled_back.found
        else:
            raise AssertionError("unreachable: the dry run always rolls back")
        urls = self._archive.read(lambda session: dict(session.execute(
            select(Version.id, Page.url).join(Page, Page.id == Version.page_id)
            .where(Version.id.in_([f.version_id for f in found]))).all()))
        pairs = [(self._ids[urls[f.version_id]], f.match) for f in found]
        return sorted(pairs, key=lambda pair: pair[1].similarity, reverse=True)

    def _unindexed_version(self, session: Session, text: str, first_seen: datetime) -> Version:
        outlet_id = session.scalar(select(Outlet.id).where(Outlet.name == OUTLET))
        page = Page(outlet_id=outlet_id, url=f"https://{OUTLET}.invalid/probe", first_seen=first_seen,
                    last_seen=first_seen)
        session.add(page)
        session.flush()
        capture = Capture(page_id=page.id, fetched_url=page.url, fetched_at=first_seen, status=200,
                          warc_file="standalone.warc.gz", warc_offset=0, warc_length=1,
                          warc_record_id="<urn:standalone:probe>")
        session.add(capture)
        session.flush()
        version = Version(page_id=page.id, outlet_id=outlet_id, seq=1, title=None, text=text,
                          text_hash=text_hash(None, text), first_seen=first_seen, last_seen=first_seen,
                          capture_id=capture.id)
        session.add(version)
        session.flush()
        return version

