"""Stories in the archive: copies of one article across pages and outlets.

Every new version with article text (state ``ok``, at least
``MIN_STORY_WORDS`` words) is fingerprinted (:mod:`storage.stories.fingerprint`) in the
transaction that creates it — :mod:`storage.versions.recorder` calls
:func:`index_version`, so crawls and ``ingest`` both go through here:

1. one SQL statement reads the postings of the version's band keys in
   ``story_band`` — at most the ``POSTINGS_PER_KEY`` latest holders of each key,
   so the work per version does not grow with the archive — and
   :func:`rank_postings` keeps the ``CANDIDATE_POOL`` versions sharing most
   uncrowded keys (then most keys); a second reads their stored fingerprints,
   *other pages only* (a page's own earlier versions are never its copies);
2. candidates are ranked by how many MinHash values their fingerprint shares
   with the new one (:meth:`storage.stories.fingerprint.Fingerprint.likeness`), and
   at most ``MAX_COMPARED`` of the best go through
   :func:`storage.stories.compare.compare_stories`; one match per existing story is
   enough to join it, so the rest of that story is skipped. Candidate texts
   are cut once: each version's cut is stored beside its fingerprint, and
   :class:`StoryTextCache` keeps the latest in memory;
3. the version joins the story of every match (stories it links are merged),
   and the story's origin — earliest first seen, a credible published date
   breaking near-ties (:func:`storage.stories.origin.pick_origin`) — and every
   affected member's relation to the origin are recomputed.

Different URLs of the *same* outlet do count as copies: a group's titles
syndicate to each other, and a republished article under a new URL is a copy.
Relations: ``origin``, ``verbatim``, ``edited``, ``rewrite`` (also a member
linked to the origin only through other copies), and ``revision`` (a later
version of the origin's own page). A story exists only once it has two members.
Origins are fixed when members join: a version whose ``first_seen`` later moves
earlier (ingest of older WARCs) does not re-elect the origin until the story
next changes.
"""

from __future__ import annotations

import heapq
import logging
import threading
import zlib
from collections import Counter, OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from itertools import repeat
from operator import itemgetter
from typing import Any

from sqlalchemy import (
    bindparam,
    delete,
    distinct,
    exists,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import TextualSelect

from storage.db.fastpath import driver_many, driver_rows
from storage.db.models import Story, StoryBand, StoryFingerprint, StoryMember, Version
from storage.db.times import now, utc
from storage.stories.compare import Match, compare_stories
from storage.stories.fingerprint import (
    FINGERPRINT_VERSION,
    MATCHABLE_VERSIONS,
    MIN_LIKENESS,
    Fingerprint,
    fingerprint_story,
)
from storage.stories.origin import pick_origin
from storage.stories.text import StoryText, story_text

logger = logging.getLogger(__name__)

MIN_STORY_WORDS = 40
# Band-key candidates read per new version (most shared keys first), and how
# many of those, best fingerprint likeness first, are compared exactly.
# Bounds the work per version whatever the archive's size.
CANDIDATE_POOL = 30
MAX_COMPARED = 8
# Versions read per band key, latest first. A key that more versions hold is
# crowded: many unrelated stories share it (a common name pair, a stock
# phrase), so it says little about any one of them, and reading all its
# holders would cost time in proportion to the archive. Candidates are ranked
# by the uncrowded keys they share: a copy shares rarer keys with its original.
POSTINGS_PER_KEY = 20
# A story's members are alike: its best two speak for it, leaving room for other stories.
PER_STORY = 2
STORY_TEXT_CACHE = 2048
# Serialises story matching between writers on PostgreSQL, so two copies
# committed at the same moment still see each other's band keys.
_PG_LOCK_KEY = 0x73746F72
_LOCKED = "newsarchive_story_lock"


# -- write side ---------------------------------------------------------------


def index_version(session: Session, version: Version) -> int | None:
    """Fingerprint a new (flushed) version and join it to its copies; returns its story id, if any."""
    if version.state != "ok":
        return None
    story = story_texts.get((version.id, version.text_hash), version.text)
    if len(story.words) < MIN_STORY_WORDS:
        return None
    fp = fingerprint_story(story)
    keys = sorted(set(fp.band_keys()))
    lock_stories(session)
    found = _matches(session, version, story, fp, keys, timed=True)
    # On the driver's cursor: even SQLAlchemy's Core statements cost more than these plain inserts.
    connection = session.connection()
    driver_many(connection, _INSERT_FINGERPRINT, [{
        "version_id": version.id, "fingerprint": fp.to_bytes(), "fingerprint_version": FINGERPRINT_VERSION,
        "words": len(story.words), "cut": packed_cut(story)}])
    if keys:
        driver_many(connection, _INSERT_BAND, [{"band_key": key, "version_id": version.id} for key in keys])
    if not found:
        return None
    return _join(session, version, found)


def lock_stories(session: Session) -> None:
    """Take story matching's lock (PostgreSQL; held until commit) once in ``session``'s transaction.

    A writer that will lock page rows takes it first: taken after them, two
    writers of the same pages wait on each other's locks (a deadlock).
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    transaction = session.get_transaction()
    if transaction is not None and session.info.get(_LOCKED) is transaction:
        return
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
    session.info[_LOCKED] = session.get_transaction()


def packed_cut(story: StoryText) -> bytes:
    """``story`` as stored in ``story_fingerprints.cut``: :meth:`StoryText.to_cut`, UTF-8, zlib level 1.

    Compressed, a cut takes 2.1 KB instead of 4.9 on the news dev set's texts,
    for 70 µs to write and 30 µs to read back (cutting again costs 560 µs).
    """
    return zlib.compress(story.to_cut().encode("utf-8"), 1)


def unpacked_cut(packed: bytes) -> StoryText | None:
    """The :class:`StoryText` of a stored cut; None when it is damaged (the text is cut again instead)."""
    try:
        return StoryText.from_cut(zlib.decompress(packed).decode("utf-8"))
    except (zlib.error, UnicodeDecodeError, TypeError):
        return None


def reindex_rewritten(session: Session, version: Version) -> int | None:
    """Match ``version`` again after its text was rewritten in place (``reextract``); returns its story id, if any.

    Its fingerprint, band keys and stored cut described the old text, and its
    story was found with them: all go, the version leaves its story, and it is
    indexed as a new version would be (not at all unless its state is ``ok``).
    """
    connection = session.connection()
    _leave_story(connection, version.id)
    stored = connection.scalar(select(StoryFingerprint.fingerprint).where(StoryFingerprint.version_id == version.id))
    if stored is not None:
        _drop_band_keys(connection, version.id, stored)
        connection.execute(delete(StoryFingerprint).where(StoryFingerprint.version_id == version.id))
    return index_version(session, version)


def _drop_band_keys(connection: Connection, version_id: int, stored: bytes) -> None:
    """Delete ``version_id``'s band keys, found from its stored fingerprint (the table is indexed by key, not version)."""
    try:
        keys = sorted(set(Fingerprint.from_bytes(stored).band_keys()))
    except ValueError:  # a damaged fingerprint: its keys are unknown, so look for them all
        connection.execute(delete(StoryBand).where(StoryBand.version_id == version_id))
        return
    if keys:
        connection.execute(delete(StoryBand).where(StoryBand.version_id == version_id, StoryBand.band_key.in_(keys)))


def _leave_story(connection: Connection, version_id: int) -> None:
    """Take ``version_id`` out of its story; a story left on one page (copies of nothing) is no story, and goes.

    Members that were linked through it stay together: they are labelled
    against the (re-elected) origin, as members linked only through other copies are.
    """
    story_id = connection.scalar(select(StoryMember.story_id).where(StoryMember.version_id == version_id))
    if story_id is None:
        return
    origin = connection.scalar(select(Story.origin_version_id).where(Story.id == story_id))
    connection.execute(delete(StoryMember).where(StoryMember.version_id == version_id))
    pages = connection.scalar(
        select(func.count(distinct(Version.page_id)))
        .join(StoryMember, StoryMember.version_id == Version.id)
        .where(StoryMember.story_id == story_id)
    )
    if pages < 2:
        connection.execute(delete(StoryMember).where(StoryMember.story_id == story_id))
        connection.execute(delete(Story).where(Story.id == story_id))
        return
    _relabel(connection, story_id, origin, set(), {})


@dataclass(frozen=True, slots=True)
class Found:
    """A version the new one matched, the story it is in (and that story's origin), and how it matched."""

    version_id: int
    story_id: int | None
    origin_id: int | None  # the origin of story_id
    match: Match


class StoryTextCache:
    """A bounded, thread-safe LRU of :class:`StoryText` by (version id, ``text_hash``).

    Cutting a text is most of a comparison's cost, and the candidates of a new
    version are mostly recent versions: keeping their cut texts saves reading
    and re-cutting them. The hash in the key keeps an id reused after a
    rollback, or the same id in another archive, from reading a stale entry.
    """

    def __init__(self, size: int = STORY_TEXT_CACHE) -> None:
        self.size = size
        self._items: OrderedDict[tuple[int, str], StoryText] = OrderedDict()
        self._lock = threading.Lock()

    def cached(self, key: tuple[int, str]) -> StoryText | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: tuple[int, str], story: StoryText) -> None:
        with self._lock:
            self._items[key] = story
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def get(self, key: tuple[int, str], body: str) -> StoryText:
        """The cut form of ``body`` (the text of version ``key``), cutting it on a miss."""
        found = self.cached(key)
        if found is None:
            found = story_text(body)
            self.put(key, found)
        return found

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


story_texts = StoryTextCache()


@dataclass(frozen=True, slots=True)
class _Candidate:
    version_id: int
    text_hash: str
    first_seen: datetime
    story_id: int | None
    origin_id: int | None
    likeness: float


@lru_cache(maxsize=128)
def _postings_query(keys: int) -> TextualSelect:
    """Up to ``:read`` latest holders of each of ``keys`` band keys: one backward index walk per key.

    Kept per count of keys: building the statement costs more than running it.
    """
    walks = " UNION ALL ".join(
        f"SELECT * FROM (SELECT band_key, version_id FROM story_band WHERE band_key = :k{n}"
        f" ORDER BY version_id DESC LIMIT :read) AS p{n}"
        for n in range(keys)
    )
    return text(walks).columns(StoryBand.band_key, StoryBand.version_id)


_DETAILS = (
    select(Version.id, Version.text_hash, Version.first_seen, StoryMember.story_id, Story.origin_version_id,
           StoryFingerprint.fingerprint)
    .join(StoryFingerprint, StoryFingerprint.version_id == Version.id)
    .outerjoin(StoryMember, StoryMember.version_id == Version.id)
    .outerjoin(Story, Story.id == StoryMember.story_id)
    .where(
        Version.id.in_(bindparam("ids", expanding=True)),
        Version.page_id != bindparam("page_id"),
        StoryFingerprint.fingerprint_version.in_(bindparam("matchable", expanding=True)),
    )
)


# The write side's statements, built once: building one costs about as much as running it.
_INSERT_FINGERPRINT = insert(StoryFingerprint.__table__)
_INSERT_BAND = insert(StoryBand.__table__)
_INSERT_STORY = insert(Story.__table__)
_INSERT_MEMBER = insert(StoryMember.__table__)
_TEXTS = select(Version.id, Version.text_hash, Version.text).where(Version.id.in_(bindparam("ids", expanding=True)))
_MEMBERS = (
    select(StoryMember.version_id, StoryMember.match_similarity, Version.page_id, Version.outlet_id,
           Version.first_seen, Version.published, Version.text_hash, StoryMember.relation, StoryMember.similarity)
    .join(Version, Version.id == StoryMember.version_id)
    .where(StoryMember.story_id == bindparam("story_id"))
)
_RELABEL = update(StoryMember.__table__).where(StoryMember.version_id == bindparam("member"))
_UPDATE_STORY = update(Story.__table__).where(Story.id == bindparam("story_id"))


@lru_cache(maxsize=128)
def _cuts_query(versions: int) -> TextualSelect:
    """The stored cuts of ``versions`` version ids ``:v0``, ``:v1``, …, where there is one."""
    ids = ", ".join(f":v{n}" for n in range(versions))
    return text(f"SELECT version_id, cut FROM story_fingerprints WHERE version_id IN ({ids}) AND cut IS NOT NULL")


def rank_postings(postings: Iterable[tuple[int, int]], per_key: int = POSTINGS_PER_KEY,
                  pool: int = CANDIDATE_POOL) -> list[int]:
    """Version ids of ``(band_key, version_id)`` postings, best candidates first, at most ``pool``.

    A key with more than ``per_key`` holders read is *crowded*. Versions rank
    by the uncrowded keys they hold, then by all keys held, then latest first.
    Ranked here rather than in SQL: a window function and a sort in the
    database cost twice the index walks themselves.
    """
    postings = list(postings)
    every = Counter(map(itemgetter(1), postings))
    crowded = {key for key, held in Counter(map(itemgetter(0), postings)).items() if held > per_key}
    rare = Counter([vid for key, vid in postings if key not in crowded]) if crowded else every
    # (rare, every, id) tuples built in C and compared natively: a key function per version cost 1.5 times as much.
    ranked = heapq.nlargest(pool, zip(map(rare.get, every, repeat(0)), every.values(), every))
    return [vid for *_, vid in ranked]


def _candidates(session: Session, version: Version, fp: Fingerprint, keys: list[int]) -> list[_Candidate]:
    """Versions of other pages sharing band keys with ``fp``, most alike first, weak ones dropped."""
    params: dict[str, Any] = {f"k{n}": key for n, key in enumerate(keys)}
    params["read"] = POSTINGS_PER_KEY + 1
    connection = session.connection()
    # Hundreds of integer pairs: through the driver, as SQLAlchemy's result rows cost more than the query.
    postings = driver_rows(connection, _postings_query(len(keys)), params)
    ranked = rank_postings(postings, POSTINGS_PER_KEY, CANDIDATE_POOL)
    if not ranked:
        return []
    # On the session's connection: the ORM's execution layer would cost more than these plain reads.
    rows = connection.execute(_DETAILS, {"ids": ranked, "page_id": version.page_id,
                                      "matchable": list(MATCHABLE_VERSIONS)}).all()
    scores = fp.likenesses([data for *_, data in rows])
    found = [
        _Candidate(vid, hashed, first_seen, story_id, origin_id, likeness)
        for (vid, hashed, first_seen, story_id, origin_id, _), likeness in zip(rows, scores)
        if likeness >= MIN_LIKENESS
    ]
    return sorted(found, key=lambda c: (-c.likeness, -c.version_id))


def _cut_texts(connection: Connection, hashes: dict[int, str]) -> dict[int, StoryText]:
    """Cut texts of versions ``{id: text_hash}``: from the cache, else as stored, else cut from their text.

    A new version's candidates are spread over the whole archive, so most miss
    the cache once it is big: reading the stored cut costs a tenth of cutting again.
    """
    texts = {vid: story_texts.cached((vid, hashed)) for vid, hashed in hashes.items()}
    missing = [vid for vid, story in texts.items() if story is None]
    if missing:
        # Through the driver: a few rows of plain text, where SQLAlchemy's result rows cost more than the read.
        stored = driver_rows(connection, _cuts_query(len(missing)), {f"v{n}": vid for n, vid in enumerate(missing)})
        for vid, packed in stored:
            texts[vid] = unpacked_cut(packed)
            if texts[vid] is not None:
                story_texts.put((vid, hashes[vid]), texts[vid])
        uncut = [vid for vid in missing if texts[vid] is None]
        if uncut:  # fingerprinted before cuts were stored (0016), or re-extracted since
            for vid, hashed, body in connection.execute(_TEXTS, {"ids": uncut}):
                texts[vid] = story_texts.get((vid, hashed), body)
    return texts  # type: ignore[return-value]


def _pick(candidates: list[_Candidate]) -> list[_Candidate]:
    """The ``MAX_COMPARED`` best candidates, at most ``PER_STORY`` of any one story."""
    picked: list[_Candidate] = []
    per_story: dict[int, int] = {}
    for candidate in candidates:
        if candidate.story_id is not None:
            if per_story.get(candidate.story_id, 0) == PER_STORY:
                continue
            per_story[candidate.story_id] = per_story.get(candidate.story_id, 0) + 1
        picked.append(candidate)
        if len(picked) == MAX_COMPARED:
            break
    return picked


def matches_of(session: Session, version: Version, *, timed: bool = True) -> list[Found]:
    """What :func:`index_version` would join ``version`` (flushed, not yet indexed) to, without joining it.

    ``timed=False`` compares as if the time between captures were unknown.
    """
    story = story_texts.get((version.id, version.text_hash), version.text)
    if len(story.words) < MIN_STORY_WORDS:
        return []
    fp = fingerprint_story(story)
    return _matches(session, version, story, fp, sorted(set(fp.band_keys())), timed=timed)


def _matches(session: Session, version: Version, story: StoryText, fp: Fingerprint, keys: list[int],
             timed: bool) -> list[Found]:
    """Versions of other pages that ``version`` copies (or that copy it): one per existing story."""
    if not keys:
        return []
    if any(isinstance(instance, Version) for instance in session.dirty):
        session.flush()  # versions' times moved in this transaction: the reads below go to the connection
    picked = _pick(_candidates(session, version, fp, keys))
    texts = _cut_texts(session.connection(), {c.version_id: c.text_hash for c in picked})
    found: list[Found] = []
    joined: set[int] = set()
    for candidate in picked:
        if candidate.story_id is not None and candidate.story_id in joined:
            continue  # already joining that story: more matches in it change nothing
        apart = utc(version.first_seen) - utc(candidate.first_seen) if timed else None
        match = compare_stories(texts[candidate.version_id], story, apart)
        if match is not None:
            found.append(Found(candidate.version_id, candidate.story_id, candidate.origin_id, match))
            if candidate.story_id is not None:
                joined.add(candidate.story_id)
    return found


def _join(session: Session, version: Version, found: list[Found]) -> int:
    """Put ``version`` and its matches in one story, merging the stories they were in.

    Core statements on the session's connection: a story's members are rows to
    count and relabel, and loading them as ORM objects cost more than matching.
    """
    connection = session.connection()
    story_ids = sorted({f.story_id for f in found if f.story_id is not None})
    if story_ids:
        target = story_ids[0]
        moved = _merge(connection, target, story_ids[1:])  # leaves the target's origin as it was
        origin = next(f.origin_id for f in found if f.story_id == target)
    else:
        stamp = now()
        target = connection.execute(_INSERT_STORY, {
            "origin_version_id": version.id, "members": 0, "outlets": 0,
            "first_seen": version.first_seen, "last_seen": version.first_seen, "created_at": stamp, "updated_at": stamp,
        }).inserted_primary_key[0]
        origin, moved = version.id, set()
    best = max(found, key=lambda f: f.match.similarity)
    fresh = {version.id} | moved
    members = [_member(target, version.id, best.version_id, best.match.similarity)]
    for f in found:
        if f.story_id is None:
            members.append(_member(target, f.version_id, version.id, f.match.similarity))
            fresh.add(f.version_id)
    driver_many(connection, _INSERT_MEMBER, members)
    # Each match is (candidate, new version): the label of the new version when the candidate is the origin.
    _relabel(connection, target, origin, fresh, {(f.version_id, version.id): f.match for f in found})
    return target


def _member(story_id: int, version_id: int, matched_to: int, similarity: float) -> dict[str, Any]:
    return {
        "story_id": story_id, "version_id": version_id, "relation": "rewrite", "similarity": similarity,
        "matched_to": matched_to, "match_similarity": similarity,
    }


def _merge(connection: Connection, target_id: int, others: list[int]) -> set[int]:
    """Move the members of ``others`` into story ``target_id``; returns the moved version ids."""
    if not others:
        return set()
    moved = set(connection.scalars(select(StoryMember.version_id).where(StoryMember.story_id.in_(others))))
    connection.execute(update(StoryMember).where(StoryMember.story_id.in_(others)).values(story_id=target_id))
    connection.execute(delete(Story).where(Story.id.in_(others)))
    return moved


@dataclass(frozen=True, slots=True)
class _MemberRow:
    version_id: int
    match_similarity: float | None
    page_id: int
    outlet_id: int
    first_seen: datetime
    published: datetime | None
    text_hash: str
    relation: str  # as stored: a fresh member's is a placeholder until it is labelled
    similarity: float


def _relabel(
    connection: Connection, story_id: int, origin_before: int, fresh: set[int], known: dict[tuple[int, int], Match],
) -> None:
    """Re-elect the origin; label ``fresh`` members (all of them if the origin changed) against it.

    ``known`` holds comparisons already made, by (origin, member) version ids.
    """
    rows = [_MemberRow(*row) for row in connection.execute(_MEMBERS, {"story_id": story_id}).all()]
    origin = pick_origin([(m.version_id, m.first_seen, m.published) for m in rows])
    stale = {m.version_id for m in rows} if origin != origin_before else fresh | {origin}
    wanted = stale | {origin}
    texts = _cut_texts(connection, {m.version_id: m.text_hash for m in rows if m.version_id in wanted})
    origin_page = next(m.page_id for m in rows if m.version_id == origin)
    labels = [
        _label(m, origin == m.version_id, origin_page == m.page_id, texts[origin], texts[m.version_id],
               known.get((origin, m.version_id)))
        for m in rows if m.version_id in stale
    ]
    labelled = {m.version_id: (m.relation, m.similarity) for m in rows}
    changed = [
        {"member": vid, "relation": relation, "similarity": similarity}
        for vid, relation, similarity in labels if labelled[vid] != (relation, similarity)
    ]
    if changed:
        connection.execute(_RELABEL, changed)
    connection.execute(_UPDATE_STORY, {
        "story_id": story_id,
        "origin_version_id": origin,
        "members": len(rows),
        "outlets": len({m.outlet_id for m in rows}),
        "first_seen": min(utc(m.first_seen) for m in rows),
        "last_seen": max(utc(m.first_seen) for m in rows),
        "updated_at": now(),
    })


def _label(
    member: _MemberRow, is_origin: bool, same_page: bool, origin_story: StoryText, member_story: StoryText,
    match: Match | None = None,
) -> tuple[int, str, float]:
    """(version id, relation, similarity) of ``member`` against the origin."""
    if is_origin:
        return member.version_id, "origin", 1.0
    if match is None:
        # A match found with the time apart known is the one found without it (that only rules out fact matches).
        match = compare_stories(origin_story, member_story)
    if same_page:
        return member.version_id, "revision", match.similarity if match else (member.match_similarity or 0.0)
    if match is not None:
        return member.version_id, match.relation, match.similarity
    # Linked to the origin only through other copies: a rewrite at best.
    return member.version_id, "rewrite", member.match_similarity or 0.0


def index_unindexed(session: Session, limit: int, after: int = 0) -> tuple[int, int, int]:
    """Fingerprint and match up to ``limit`` versions with id > ``after`` that have no fingerprint.

    For archives from before stories. Returns (versions looked at, versions
    now in a story, last id looked at); the origin of every story is
    re-elected as members join, so the order versions are taken in does not matter.
    """
    query = (
        select(Version)
        .where(Version.id > after, ~exists().where(StoryFingerprint.version_id == Version.id))
        .order_by(Version.id)
        .limit(limit)
    )
    versions = list(session.scalars(query))
    joined = sum(index_version(session, v) is not None for v in versions)
    return len(versions), joined, versions[-1].id if versions else after
