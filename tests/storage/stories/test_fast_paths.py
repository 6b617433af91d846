"""The faster story-matching functions against straightforward reference implementations.

Each rewritten function must give exactly what the plain version gives: stored
band keys, labels and similarities may not move. Texts: the seed articles and
the extraction dev set (``tests/data/``), cut and recombined.
"""

from __future__ import annotations

import hashlib
import heapq
import random
import re
from collections import Counter
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.exc import IntegrityError

from storage.stories import fingerprint as fpmod
from storage.stories import matcher as store
from storage.archive import Archive
from storage.db.fastpath import driver_many, driver_rows
from storage.stories.compare import STOPWORDS, aligned_fraction, compare_stories
from storage.stories.fingerprint import fingerprint_story
from storage.db.models import StoryBand
from storage.stories.text import (
    StoryText,
    clean_lines,
    shingle_set,
    shingles,
    split_sentences,
    story_text,
)
from tests.helpers.datasets import dev_bodies, seed_articles
from tests.helpers.captures import article, capture, hours


@pytest.fixture(scope="module")
def texts() -> list[str]:
    bodies = list(seed_articles().values()) + dev_bodies()
    rng = random.Random(6)
    # Cut and spliced copies: pairs that share some sentences and not others.
    spliced = []
    for _ in range(60):
        a, b = rng.sample(bodies, 2)
        pa, pb = a.split("\n"), b.split("\n")
        spliced.append("\n".join(pa[: len(pa) // 2] + pb[len(pb) // 2 :]))
    return bodies + spliced + ["", "Short.", "Hello World. 3M and ǅungla said so!", "“Quoted” — 12 34。次の文。"]


@pytest.fixture(scope="module")
def cut(texts: list[str]) -> list[StoryText]:
    return [story_text(t) for t in texts]


# -- references: the plain forms the fast ones replaced --------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])|(?<=[。！？])")
_WORD = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[^\W\u3040-\u30ff\u3400-\u4dbf"
                   r"\u4e00-\u9fff\uf900-\ufaff]+(?:'[^\W\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)*")


def reference_sentences(lines: list[str]) -> list[str]:
    return [s for line in lines for s in _SENTENCE_END.split(line) if _WORD.search(s)]


def reference_story_text(text: str) -> StoryText:
    raw = [_WORD.findall(s) for s in reference_sentences(clean_lines(text))]
    lowered = [[t.lower() for t in tokens] for tokens in raw]
    forms = {
        low
        for tokens, lows in zip(raw, lowered)
        for position, (token, low) in enumerate(zip(tokens, lows))
        if (token[0].isdigit() or (position and token[0].isupper())) and low not in STOPWORDS
    }
    anchors = tuple(
        low
        for tokens, lows in zip(raw, lowered)
        for token, low in zip(tokens, lows)
        if (token[0].isupper() or token[0].isdigit()) and low in forms
    )
    sentences = tuple(tuple(lows) for lows in lowered)
    return StoryText(tuple(w for s in sentences for w in s), sentences, anchors)


def reference_shingles(words: tuple[str, ...], size: int) -> set[str]:
    if len(words) < size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def reference_hashes(features: set[str], size: int) -> np.ndarray:
    """One blake2b digest per feature, converted one int at a time: the old code's way."""
    return np.array([int.from_bytes(hashlib.blake2b(f.encode(), digest_size=size).digest(), "little")
                     for f in features], dtype=np.uint64)


def reference_signature(features: set[str], num_perm: int) -> np.ndarray:
    if not features:
        return np.full(num_perm, 0xFFFFFFFF, dtype=np.uint32)
    a, b = fpmod._permutations(num_perm)
    hashes = reference_hashes(features, 4)
    permuted = (np.outer(a, hashes) + b[:, None]) % np.uint64((1 << 61) - 1)
    return (permuted.min(axis=1) & np.uint64(0xFFFFFFFF)).astype(np.uint32)


def reference_aligned(a: StoryText, b: StoryText) -> float:
    short, long = (a, b) if len(a.words) <= len(b.words) else (b, a)
    content = [frozenset(w for w in s if w not in STOPWORDS) for s in long.sentences]
    targets = [c for c in content if c]
    total = aligned = 0
    for sentence in short.sentences:
        mine = frozenset(w for w in sentence if w not in STOPWORDS)
        total += len(sentence)
        if len(mine) < 3:
            continue
        best = max((len(mine & t) for t in targets), default=0)
        if best >= 3 and best >= 0.5 * len(mine):
            aligned += len(sentence)
    return aligned / total if total else 0.0


def reference_rank(postings: list[tuple[int, int]], per_key: int, pool: int) -> list[int]:
    holders: dict[int, list[int]] = {}
    for key, vid in postings:
        holders.setdefault(key, []).append(vid)
    rare: Counter[int] = Counter()
    every: Counter[int] = Counter()
    for ids in holders.values():
        every.update(ids)
        if len(ids) <= per_key:
            rare.update(ids)
    return heapq.nsmallest(pool, every, key=lambda vid: (-rare[vid], -every[vid], -vid))


# -- the fast forms give the same answers -------------------------------------------------------------


def test_sentence_split_matches_the_look_behind_split(texts: list[str]) -> None:
    for text in texts:
        lines = clean_lines(text)
        assert split_sentences(lines) == reference_sentences(lines)
    rng = random.Random(1)
    marks = list("ab Z0.!?。！？\"')]([ \t")
    for _ in range(20_000):
        line = "".join(rng.choice(marks) for _ in range(rng.randrange(25)))
        assert split_sentences([line]) == reference_sentences([line]), line


def test_story_text_matches_the_reference(texts: list[str], cut: list[StoryText]) -> None:
    for text, story in zip(texts, cut):
        assert story == reference_story_text(text)


def test_shingles_match_the_reference(cut: list[StoryText]) -> None:
    for story in cut:
        for size in (1, 3, 5):
            assert shingles(story.words, size) == reference_shingles(story.words, size)
        assert shingle_set(story.words, 3) == frozenset(reference_shingles(story.words, 3))


def test_signatures_and_band_keys_match_the_reference(cut: list[StoryText]) -> None:
    for story in cut:
        for features in (shingles(story.words, 3), fpmod.anchor_features(story)):
            assert np.array_equal(fpmod._signature(features, 72), reference_signature(features, 72))
    # Values whose fold needs the final subtraction: a*hash + b just above multiples of the prime.
    prime = (1 << 61) - 1
    values = np.array([prime, prime + 1, 2 * prime, 2 * prime + 5, 7 * prime + 3, (1 << 64) - 1, 0, 12345],
                      dtype=np.uint64)
    assert fpmod._mod_prime(values.copy()).tolist() == [int(v) % prime for v in values]


def reference_names_signature(features: set[str], num_perm: int) -> np.ndarray:
    if not features:
        return np.full(num_perm, 0xFFFFFFFF, dtype=np.uint32)
    a, b = fpmod._multiply_shift(num_perm)
    hashes = reference_hashes(features, 8)
    with np.errstate(over="ignore"):
        permuted = (np.outer(a, hashes) + b[:, None]) >> np.uint64(32)
    return permuted.min(axis=1).astype(np.uint32)


def test_fingerprints_match_the_reference(texts: list[str], cut: list[StoryText]) -> None:
    # Stored band keys (FINGERPRINT_VERSION 2) must not move: compare whole fingerprints, bytes and keys.
    for text, story in zip(texts, cut):
        plain = reference_story_text(text)
        expected = fpmod.Fingerprint(
            text=reference_signature(reference_shingles(plain.words, 3), 72),
            anchor=reference_signature(fpmod.anchor_features(plain), 32),
            names=reference_names_signature(set(plain.anchors), 48),
        )
        found = fingerprint_story(story)
        assert found.to_bytes() == expected.to_bytes()
        assert found.band_keys() == expected.band_keys()


def test_aligned_fraction_matches_pairwise_intersections(cut: list[StoryText]) -> None:
    rng = random.Random(2)
    pairs = [*pairwise(cut)] + [tuple(rng.sample(cut, 2)) for _ in range(300)]
    pairs += [(s, s) for s in cut[:20]]
    for a, b in pairs:
        assert aligned_fraction(a, b) == reference_aligned(a, b)


def test_jaccard_is_shared_over_the_union(cut: list[StoryText]) -> None:
    for a, b in zip(cut, cut[60:]):
        match = compare_stories(a, b)
        if match is not None:
            sa, sb = reference_shingles(a.words, 3), reference_shingles(b.words, 3)
            assert match.jaccard == len(sa & sb) / len(sa | sb)


def test_rank_postings_matches_the_reference() -> None:
    rng = random.Random(3)
    for _ in range(500):
        keys = rng.sample(range(-50, 50), rng.randrange(1, 30))
        postings = list({(k, rng.randrange(1, 80)) for k in keys for _ in range(rng.randrange(1, 25))})
        rng.shuffle(postings)
        per_key, pool = rng.choice([(2, 5), (20, 30), (5, 3)])
        assert store.rank_postings(postings, per_key, pool) == reference_rank(postings, per_key, pool)


def test_driver_statements_read_and_raise_like_sqlalchemy(db_url: str, tmp_path: Path) -> None:
    """The postings read and band insert bypass SQLAlchemy's rows; errors still come as its exceptions."""
    with Archive(db_url, tmp_path / "archive", create=True) as archive:
        archive.record_capture(capture("https://wire.example/a", hours(0), outlet="wire"),
                               article("Plain words here. " * 30 + "Names like Anna Berg and 2024 figures."))
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            vid, key = connection.execute(select(StoryBand.version_id, StoryBand.band_key)).first()
            params = {"k0": key, "read": 5}
            rows = driver_rows(connection, store._postings_query(1), params)
            assert rows == [tuple(r) for r in connection.execute(store._postings_query(1), params).all()]
            assert (key, vid) in rows
            with pytest.raises(IntegrityError):
                driver_many(connection, store._INSERT_BAND, [{"band_key": key, "version_id": vid}])
            connection.rollback()
    finally:
        engine.dispose()
