"""The read side of stories: a story with its members, origin first, and the queries that list them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.db.errors import NoSuchStory
from storage.db.models import Outlet, Page, Story, StoryMember, Version
from storage.db.times import iso, utc
from storage.outlets.names import require_outlet


@dataclass(frozen=True, slots=True)
class StoryMemberView:
    """One version in a story. ``similarity`` is to the origin (see :mod:`storage.stories.compare`)."""

    url: str
    outlet: str
    version: int
    title: str | None
    first_seen: datetime
    published: datetime | None
    relation: str
    similarity: float
    is_origin: bool

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(first_seen=iso(self.first_seen), published=iso(self.published), similarity=round(self.similarity, 4))
        return data


@dataclass(frozen=True, slots=True)
class StoryView:
    """A story: its origin first, then the other members by first seen."""

    id: int
    outlets: int
    size: int
    first_seen: datetime
    last_seen: datetime
    members: list[StoryMemberView]

    @property
    def origin(self) -> StoryMemberView:
        return self.members[0]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "origin_url": self.origin.url,
            "title": self.origin.title,
            "outlets": self.outlets,
            "size": self.size,
            "first_seen": iso(self.first_seen),
            "last_seen": iso(self.last_seen),
            "members": [m.to_json() for m in self.members],
        }


def copies(session: Session, page: Page) -> StoryView | None:
    """The story of ``page``'s latest version, or ``None`` when it has no copies."""
    latest = select(Version.id).where(Version.page_id == page.id).order_by(Version.seq.desc()).limit(1)
    story_id = session.scalar(select(StoryMember.story_id).where(StoryMember.version_id == latest.scalar_subquery()))
    if story_id is None:
        return None
    return _views(session, [story_id])[0]


def stories(
    session: Session,
    since: datetime | None = None,
    outlet: str | None = None,
    min_outlets: int = 1,
    limit: int = 20,
) -> list[StoryView]:
    """Stories, most outlets first, then most members; ``since`` keeps those with a member first seen since."""
    query = select(Story.id).where(Story.outlets >= min_outlets)
    if since is not None:
        query = query.where(Story.last_seen >= utc(since))
    if outlet is not None:
        outlet_id = require_outlet(session, outlet)
        member_of_outlet = (
            select(StoryMember.version_id)
            .join(Version, Version.id == StoryMember.version_id)
            .where(StoryMember.story_id == Story.id, Version.outlet_id == outlet_id)
        )
        query = query.where(member_of_outlet.exists())
    query = query.order_by(Story.outlets.desc(), Story.members.desc(), Story.last_seen.desc(), Story.id).limit(limit)
    return _views(session, list(session.scalars(query)))


def _views(session: Session, story_ids: list[int]) -> list[StoryView]:
    """Views of ``story_ids``, in that order, loaded in two statements."""
    if not story_ids:
        return []
    heads = {s.id: s for s in session.scalars(select(Story).where(Story.id.in_(story_ids)))}
    rows = session.execute(
        select(StoryMember, Page.url, Outlet.name, Version.seq, Version.title, Version.first_seen, Version.published)
        .join(Version, Version.id == StoryMember.version_id)
        .join(Page, Page.id == Version.page_id)
        .join(Outlet, Outlet.id == Version.outlet_id)
        .where(StoryMember.story_id.in_(story_ids))
    ).all()
    members: dict[int, list[tuple[bool, StoryMemberView]]] = {sid: [] for sid in story_ids}
    for member, url, outlet, seq, title, first_seen, published in rows:
        is_origin = member.version_id == heads[member.story_id].origin_version_id
        view = StoryMemberView(
            url, outlet, seq, title, utc(first_seen), published, member.relation, member.similarity, is_origin
        )
        members[member.story_id].append((is_origin, view))
    return [_view(heads[sid], members[sid]) for sid in story_ids]


def _view(story: Story, members: Iterable[tuple[bool, StoryMemberView]]) -> StoryView:
    ordered = sorted(members, key=lambda item: (not item[0], item[1].first_seen, item[1].url, item[1].version))
    return StoryView(
        id=story.id,
        outlets=story.outlets,
        size=story.members,
        first_seen=story.first_seen,
        last_seen=story.last_seen,
        members=[view for _, view in ordered],
    )


def story(session: Session, story_id: int) -> StoryView:
    """The story with this id, origin first; raises :class:`NoSuchStory`."""
    if session.get(Story, story_id) is None:
        raise NoSuchStory(f"no story {story_id} in the archive")
    return _views(session, [story_id])[0]


def story_page(session: Session, offset: int, limit: int, min_outlets: int) -> list[StoryView]:
    """Stories on at least ``min_outlets`` outlets, most outlets first (as ``newsarchive stories``), paged."""
    query = (
        select(Story.id)
        .where(Story.outlets >= min_outlets)
        .order_by(Story.outlets.desc(), Story.members.desc(), Story.last_seen.desc(), Story.id)
        .offset(offset)
        .limit(limit)
    )
    return _views(session, list(session.scalars(query)))
