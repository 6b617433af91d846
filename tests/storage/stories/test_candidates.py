"""Candidate lookup for story matching: bounded work per band key, likeness in one pass.

Runs on real SQLite and PostgreSQL (``db_url``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, insert, select

from bench.bulk_load import bulk_load
from storage.archive import Archive
from storage.db.models import Page, Version
from storage.stories.fingerprint import _HEADER_V1, Fingerprint, fingerprint
from storage.stories.matcher import POSTINGS_PER_KEY, StoryBand, rank_postings
from tests.helpers.datasets import seed_articles
from tests.helpers.captures import article, capture, hours

ORIGINAL = "https://wire.example/2022/01/12/nato-russia"
COPY = "https://daily.example/world/nato-russia-copy"


@pytest.fixture(scope="module")
def seed() -> str:
    return seed_articles()["000"]


def test_likenesses_agree_with_likeness_one_by_one(seed: str) -> None:
    paragraphs = seed.split("\n\n")
    texts = [seed, "\n\n".join(paragraphs[: len(paragraphs) // 2]), "\n\n".join(paragraphs[len(paragraphs) // 2 :])]
    texts.append("plain words without any names or numbers at all, repeated plain words without names")
    prints = [fingerprint(t) for t in texts]
    first = prints[0]
    version_1 = _HEADER_V1.pack(1, first.text.size, first.anchor.size) + first.text.tobytes() + first.anchor.tobytes()
    stored = [p.to_bytes() for p in prints] + [version_1]
    for mine in prints:
        expected = [mine.likeness(Fingerprint.from_bytes(data)) for data in stored]
        assert mine.likenesses(stored) == expected
    assert first.likenesses(stored)[0] == 1.0


def _crowd_keys(db_url: str, archive: Archive, share: float) -> None:
    """Give ``share`` of the original's band keys to more than ``POSTINGS_PER_KEY`` newer versions."""
    holders = [
        (capture(f"https://herald.example/brief/{n}", hours(1 + n / 1000), outlet="herald"),
         article(f"Brief number {n} about nothing much."))
        for n in range(POSTINGS_PER_KEY + 5)
    ]
    bulk_load(archive, holders)
    engine = create_engine(db_url)
    try:
        with engine.begin() as connection:
            original = connection.execute(
                select(Version.id).join(Page, Page.id == Version.page_id).where(Page.url == ORIGINAL)
            ).scalar_one()
            keys = connection.scalars(select(StoryBand.band_key).where(StoryBand.version_id == original)).all()
            newer = connection.scalars(select(Version.id).where(Version.id > original)).all()
            crowded = keys[: round(len(keys) * share)]
            connection.execute(insert(StoryBand), [{"band_key": k, "version_id": v} for k in crowded for v in newer])
    finally:
        engine.dispose()


def test_a_copy_is_found_when_most_of_its_keys_are_common(db_url: str, tmp_path: Path, seed: str) -> None:
    with Archive(db_url, tmp_path / "archive", create=True) as archive:
        archive.record_capture(capture(ORIGINAL, hours(0), outlet="wire"), article(seed))
        _crowd_keys(db_url, archive, 0.75)
        archive.record_capture(capture(COPY, hours(2), outlet="daily"), article("Advertisement\n\n" + seed))
        story = archive.copies(COPY)
        assert story is not None and story.origin.url == ORIGINAL


def test_each_key_reads_only_its_latest_holders(db_url: str, tmp_path: Path, seed: str) -> None:
    # Every key of the original held by more newer versions than are read: the lookup never reaches it.
    with Archive(db_url, tmp_path / "archive", create=True) as archive:
        archive.record_capture(capture(ORIGINAL, hours(0), outlet="wire"), article(seed))
        _crowd_keys(db_url, archive, 1.0)
        archive.record_capture(capture(COPY, hours(2), outlet="daily"), article("Advertisement\n\n" + seed))
        assert archive.copies(COPY) is None


def test_rank_postings_prefers_uncrowded_keys_then_more_keys_then_latest() -> None:
    # Key 1 has four holders, more than per_key=2: crowded. Keys 2 and 3 are not.
    postings = [(1, 10), (1, 11), (1, 12), (2, 5), (3, 5), (2, 6), (3, 7), (1, 7)]
    assert rank_postings(postings, per_key=2, pool=5) == [5, 7, 6, 12, 11]
    # Uncrowded, key 1 counts for 7 as much as key 2 does for 5: the later version first.
    assert rank_postings(postings, per_key=4, pool=2) == [7, 5]
    assert rank_postings([], per_key=2, pool=5) == []
