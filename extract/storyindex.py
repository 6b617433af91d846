"""An in-memory story index: find copies of a text, group copies into stories.

The same steps the storage layer runs against its ``story_band`` table, kept
in dictionaries so tests and benchmarks need no database:

1. :meth:`StoryIndex.match` looks the text's band keys up
   (:meth:`extract.fingerprint.Fingerprint.band_keys`) and runs
   :func:`extract.stories.compare` on every candidate alike enough
   (:meth:`extract.fingerprint.Fingerprint.likeness`).
2. :meth:`StoryIndex.add` records the text and joins it to the story of every
   version it matches (union of matches).
3. :meth:`StoryIndex.stories` names each story's origin — the earliest
   ``first_seen``, with a credible ``published`` date breaking near-ties — and
   labels every other member relative to that origin.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from extract.fingerprint import MIN_LIKENESS, Fingerprint, fingerprint_story
from extract.stories import Match, compare_stories
from extract.storytext import StoryText, story_text

logger = logging.getLogger(__name__)

# Captures first seen this close together count as simultaneous; then the
# earlier published date decides. A published date later than first_seen
# (plus this much clock slack) is not credible and is ignored.
ORIGIN_TIE_WINDOW = timedelta(hours=6)
PUBLISHED_SLACK = timedelta(minutes=10)


@dataclass(slots=True)
class _Entry:
    story: StoryText
    fingerprint: Fingerprint
    first_seen: datetime
    published: datetime | None


@dataclass(frozen=True, slots=True)
class Member:
    """One version in a story; ``match`` is its relation to the origin (``None`` for the origin)."""

    id: Hashable
    first_seen: datetime
    match: Match | None

    @property
    def relation(self) -> str:
        return "origin" if self.match is None else self.match.relation


@dataclass(frozen=True, slots=True)
class Story:
    origin: Hashable
    members: list[Member] = field(default_factory=list)


def credible_published(first_seen: datetime, published: datetime | None) -> datetime | None:
    """``published``, unless missing or later than ``first_seen`` (plus clock slack)."""
    if published is None or published > first_seen + PUBLISHED_SLACK:
        return None
    return published


def pick_origin(items: list[tuple[Hashable, datetime, datetime | None]]) -> Hashable:
    """The origin among ``(id, first_seen, published)``: earliest first seen, near-ties by credible published."""
    earliest = min(first_seen for _, first_seen, _ in items)
    near = [item for item in items if item[1] - earliest <= ORIGIN_TIE_WINDOW]

    def key(item: tuple[Hashable, datetime, datetime | None]) -> tuple[datetime, datetime]:
        _, first_seen, published = item
        return (credible_published(first_seen, published) or first_seen, first_seen)

    return min(near, key=key)[0]


class StoryIndex:
    """Band-key index of versions, with union-find over their matches."""

    def __init__(self) -> None:
        self._entries: dict[Hashable, _Entry] = {}
        self._bands: dict[int, list[Hashable]] = defaultdict(list)
        self._parent: dict[Hashable, Hashable] = {}
        self._links: dict[Hashable, list[Match]] = defaultdict(list)

    def __len__(self) -> int:
        return len(self._entries)

    def candidates(self, fp: Fingerprint) -> set[Hashable]:
        """Ids sharing at least one band key with ``fp`` and at least ``MIN_LIKENESS`` likeness."""
        shared = {vid for key in fp.band_keys() for vid in self._bands.get(key, ())}
        return {vid for vid in shared if fp.likeness(self._entries[vid].fingerprint) >= MIN_LIKENESS}

    def _match_story(
        self, story: StoryText, fp: Fingerprint, first_seen: datetime | None = None
    ) -> list[tuple[Hashable, Match]]:
        found = []
        for vid in self.candidates(fp):
            entry = self._entries[vid]
            apart = None if first_seen is None else first_seen - entry.first_seen
            result = compare_stories(entry.story, story, apart)
            if result is not None:
                found.append((vid, result))
        return sorted(found, key=lambda item: item[1].similarity, reverse=True)

    def match(self, text: str) -> list[tuple[Hashable, Match]]:
        """Indexed versions that ``text`` copies, best first."""
        story = story_text(text)
        return self._match_story(story, fingerprint_story(story))

    def add(
        self, id: Hashable, text: str, first_seen: datetime, published: datetime | None = None
    ) -> list[tuple[Hashable, Match]]:
        """Index a version and join it to the stories it matches; returns those matches."""
        if id in self._entries:
            raise ValueError(f"version {id!r} is already in the story index")
        story = story_text(text)
        fp = fingerprint_story(story)
        matches = self._match_story(story, fp, first_seen)
        self._entries[id] = _Entry(story, fp, first_seen, published)
        self._parent[id] = id
        for key in set(fp.band_keys()):
            self._bands[key].append(id)
        for other, result in matches:
            self._links[id].append(result)
            self._links[other].append(result)
            self._union(other, id)
        return matches

    def _find(self, vid: Hashable) -> Hashable:
        while self._parent[vid] != vid:
            self._parent[vid] = self._parent[self._parent[vid]]
            vid = self._parent[vid]
        return vid

    def _union(self, a: Hashable, b: Hashable) -> None:
        ra, rb = self._find(a), self._find(b)
        if ra != rb:
            self._parent[rb] = ra

    def story_of(self, id: Hashable) -> set[Hashable]:
        """Ids of all versions in the same story as ``id`` (itself included)."""
        root = self._find(id)
        return {vid for vid in self._entries if self._find(vid) == root}

    def _origin(self, ids: list[Hashable]) -> Hashable:
        return pick_origin([(v, self._entries[v].first_seen, self._entries[v].published) for v in ids])

    def _label(self, origin: Hashable, vid: Hashable) -> Match:
        first, member = self._entries[origin], self._entries[vid]
        direct = compare_stories(first.story, member.story, member.first_seen - first.first_seen)
        if direct is not None:
            return direct
        # Linked only through other copies: a rewrite of the origin at best.
        joined = max(self._links[vid], key=lambda m: m.similarity)
        return Match("rewrite", joined.similarity, joined.jaccard, joined.containment, joined.aligned)

    def stories(self, min_size: int = 1) -> list[Story]:
        """All stories with at least ``min_size`` members, earliest origin first."""
        groups: dict[Hashable, list[Hashable]] = defaultdict(list)
        for vid in self._entries:
            groups[self._find(vid)].append(vid)
        result = []
        for ids in groups.values():
            if len(ids) < min_size:
                continue
            origin = self._origin(ids)
            members = [Member(origin, self._entries[origin].first_seen, None)]
            others = sorted((v for v in ids if v != origin), key=lambda v: self._entries[v].first_seen)
            members += [Member(v, self._entries[v].first_seen, self._label(origin, v)) for v in others]
            result.append(Story(origin, members))
        return sorted(result, key=lambda s: s.members[0].first_seen)
