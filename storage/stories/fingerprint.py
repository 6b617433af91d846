"""Story fingerprints: MinHash signatures and LSH band keys of an article's text.

Three signatures per text:

* ``text`` — MinHash over word shingles. Copies that keep the wording
  (verbatim, edited, truncated, re-headlined) share many of its bands.
* ``anchor`` — MinHash over pairs of consecutive *anchors* (names and
  numbers, see :mod:`storage.stories.text`) plus the numbers themselves.
  A synonym-spun or paraphrased rewrite changes the wording but keeps who and
  how many, in about the same order, so it still shares bands here.
* ``names`` — MinHash over the *set* of distinct anchors. A human rewrite
  reorders and drops facts, so it shares few consecutive anchor pairs, but
  most of its names and numbers are the original's.

Each signature is cut into bands; a band hashes to one signed 64-bit
*band key*. Keys of both kinds live in one space (the kind and band number
are mixed into the hash), so storage needs one table::

    story_band(band_key BIGINT NOT NULL, version_id INTEGER NOT NULL)
    CREATE INDEX ix_story_band_key ON story_band (band_key)

and the candidates for a new text are the versions holding most of its keys,
one statement of ``len(keys)`` index probes (:mod:`storage.stories.matcher` reads at
most the latest holders of each key). Candidates are then ranked by
:meth:`Fingerprint.likeness` (the stored signatures, no text needed), and the
best go through :func:`storage.stories.compare.compare`, which decides.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import struct
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from hashlib import blake2b

import numpy as np

from storage.stories.text import StoryText, shingle_set, story_text

logger = logging.getLogger(__name__)

# Bump when any parameter below changes. Versions listed in MATCHABLE_VERSIONS
# produce the same text and anchor keys as this one, so their stored keys still match.
FINGERPRINT_VERSION = 2
MATCHABLE_VERSIONS = (1, 2)
SHINGLE_SIZE = 3
TEXT_BANDS, TEXT_ROWS = 24, 3  # 72 permutations; J=0.5 found with p≈0.96, J=0.2 with p≈0.18
ANCHOR_BANDS, ANCHOR_ROWS = 16, 2  # 32 permutations; J=0.3 found with p≈0.78, J=0.1 with p≈0.15
NAME_BANDS, NAME_ROWS = 24, 2  # 48 permutations; J=0.35 found with p≈0.96, J=0.1 with p≈0.21
# Copies score at least this :meth:`Fingerprint.likeness` (the lowest among
# bench/story_pairs.py's labelled copies is 0.29); below it, skip the exact compare.
MIN_LIKENESS = 0.2
_SEED = 20240601
_HEADER_V1 = struct.Struct("<BHH")
_HEADER = struct.Struct("<BHHH")


_PRIME = np.uint64((1 << 61) - 1)
_SHIFT = np.uint64(61)
_LOW32 = np.uint64(0xFFFFFFFF)
_EMPTY = np.uint32(0xFFFFFFFF)


@lru_cache(maxsize=4)
def _permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """Universal-hash coefficients (a, b) derived from a fixed seed by blake2b.

    Derived here rather than taken from a library's random generator so that
    stored signatures stay valid across library upgrades.
    """
    seeds = [hashlib.blake2b(f"{_SEED}:{i}".encode(), digest_size=8).digest() for i in range(num_perm)]
    a = np.array([int.from_bytes(s[:4], "little") | 1 for s in seeds], dtype=np.uint64) & np.uint64(0x7FFFFFFF)
    b = np.array([int.from_bytes(s[4:], "little") for s in seeds], dtype=np.uint64)
    return a, b


def _feature_hashes(features: Iterable[str], size: int = 4) -> np.ndarray:
    """The little-endian blake2b digest of each feature, as uint64."""
    # One buffer of digests read by numpy: converting each digest to an int costs as much as hashing.
    digests = b"".join([blake2b(f.encode("utf-8"), digest_size=size).digest() for f in features])
    return np.frombuffer(digests, dtype=f"<u{size}").astype(np.uint64)


def _mod_prime(values: np.ndarray) -> np.ndarray:
    """``values % _PRIME`` (in place) for values below 2**64, without numpy's slow integer division.

    2**61 ≡ 1 modulo the Mersenne prime 2**61 - 1, so a value's high bits fold
    onto its low ones; the sum is below 2 * _PRIME and one subtraction finishes.
    """
    high = values >> _SHIFT
    values &= _PRIME
    values += high
    values[values >= _PRIME] -= _PRIME
    return values


def _signature(features: Collection[str], num_perm: int) -> np.ndarray:
    """MinHash values (uint32) of a feature set; all ``0xFFFFFFFF`` when the set is empty."""
    if not features:
        return np.full(num_perm, _EMPTY, dtype=np.uint32)
    a, b = _permutations(num_perm)
    hashes = _feature_hashes(features)
    # a < 2**31 and hash < 2**32, so a*hash + b stays below 2**64: exact arithmetic.
    permuted = np.multiply.outer(a, hashes)
    permuted += b[:, None]
    return (_mod_prime(permuted).min(axis=1) & _LOW32).astype(np.uint32)


@lru_cache(maxsize=4)
def _multiply_shift(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """Coefficients for ``((a*x + b) mod 2**64) >> 32``, derived from the fixed seed by blake2b."""
    seeds = [hashlib.blake2b(f"{_SEED}:names:{i}".encode(), digest_size=16).digest() for i in range(num_perm)]
    a = np.array([int.from_bytes(s[:8], "little") | 1 for s in seeds], dtype=np.uint64)
    b = np.array([int.from_bytes(s[8:], "little") for s in seeds], dtype=np.uint64)
    return a, b


def _independent_signature(features: Collection[str], num_perm: int) -> np.ndarray:
    """MinHash values (uint32) with multiply-shift hashing of 64-bit feature hashes.

    :func:`_signature` multiplies 32-bit hashes by coefficients below 2**31
    modulo a 61-bit prime, which wraps at most three times: its permutations
    are nearly linear, so their minima agree far less often than the
    Jaccard index (0.08 instead of 0.34 on the NewsWeb rewrite). Its
    signatures stay as they are so stored keys keep matching; new kinds use this.
    """
    if not features:
        return np.full(num_perm, _EMPTY, dtype=np.uint32)
    a, b = _multiply_shift(num_perm)
    hashes = _feature_hashes(features, 8)
    with np.errstate(over="ignore"):  # arithmetic modulo 2**64 is the point
        permuted = (np.outer(a, hashes) + b[:, None]) >> np.uint64(32)
    return permuted.min(axis=1).astype(np.uint32)


def anchor_features(story: StoryText) -> set[str]:
    """What survives spinning and paraphrase: consecutive anchor pairs and numbers."""
    anchors = story.anchors
    features = {f"{a}>{b}" for a, b in zip(anchors, anchors[1:]) if a != b}
    features.update(f"#{a}" for a in anchors if a[0].isdigit())
    return features


def name_features(story: StoryText) -> set[str]:
    """The distinct anchors, in no order: what a reordering rewrite keeps."""
    return set(story.anchors)


def _band_keys(values: np.ndarray, bands: int, rows: int, kind: bytes) -> list[int]:
    keys = []
    for band in range(bands):
        chunk = values[band * rows : (band + 1) * rows].tobytes()
        digest = hashlib.blake2b(chunk, digest_size=8, person=kind + band.to_bytes(2, "little")).digest()
        keys.append(int.from_bytes(digest, "little", signed=True))
    return keys


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """The MinHash signatures of one text; band keys derive from them.

    An empty signature (all ``0xFFFFFFFF``) means the text had no features of
    that kind; its bands are left out of :meth:`band_keys`. Fingerprints of
    version 1 have no ``names`` signature (empty).
    """

    text: np.ndarray
    anchor: np.ndarray
    names: np.ndarray = field(default_factory=lambda: np.full(0, _EMPTY, dtype=np.uint32))
    version: int = FINGERPRINT_VERSION

    def text_band_keys(self) -> list[int]:
        return [] if _is_empty(self.text) else _band_keys(self.text, TEXT_BANDS, TEXT_ROWS, b"txt")

    def anchor_band_keys(self) -> list[int]:
        return [] if _is_empty(self.anchor) else _band_keys(self.anchor, ANCHOR_BANDS, ANCHOR_ROWS, b"anc")

    def name_band_keys(self) -> list[int]:
        return [] if _is_empty(self.names) else _band_keys(self.names, NAME_BANDS, NAME_ROWS, b"nam")

    def band_keys(self) -> list[int]:
        """All signed 64-bit band keys (text, anchor, then name bands), to store and to look up."""
        return self.text_band_keys() + self.anchor_band_keys() + self.name_band_keys()

    def text_similarity(self, other: Fingerprint) -> float:
        """Estimated shingle Jaccard of the two texts."""
        return float(np.mean(self.text == other.text))

    def likeness(self, other: Fingerprint) -> float:
        """The highest share of agreeing MinHash values over the three kinds (0 for a kind either lacks).

        A cheap score to rank candidates before the exact comparison: a copy
        agrees on its text values, a spun rewrite on its anchor values, a
        heavy rewrite on its name values.
        """
        return max(
            float(_agreements(mine, theirs[None, :])[0])
            for mine, theirs in ((self.text, other.text), (self.anchor, other.anchor), (self.names, other.names))
        )

    def likenesses(self, stored: list[bytes]) -> list[float]:
        """:meth:`likeness` to each of many stored fingerprints (:meth:`to_bytes` form), in one pass.

        Those laid out like this one are compared as rows of one array; any
        other (an older version) is read and compared on its own.
        """
        mine = self.to_bytes()
        header = mine[: _HEADER.size]
        alike = [n for n, data in enumerate(stored) if len(data) == len(mine) and data[: _HEADER.size] == header]
        found = [0.0] * len(stored)
        if alike:
            values = b"".join(stored[n][_HEADER.size :] for n in alike)
            rows = np.frombuffer(values, dtype="<u4").reshape(len(alike), -1)
            for n, score in zip(alike, self._agreements(rows)):
                found[n] = score
        for n in set(range(len(stored))) - set(alike):
            found[n] = self.likeness(Fingerprint.from_bytes(stored[n]))
        return found

    def _agreements(self, rows: np.ndarray) -> list[float]:
        best = np.zeros(len(rows))
        start = 0
        for mine in (self.text, self.anchor, self.names):
            best = np.maximum(best, _agreements(mine, rows[:, start : start + mine.size]))
            start += mine.size
        return best.tolist()

    def to_bytes(self) -> bytes:
        """Compact form: 7-byte header, then the uint32 signatures (615 bytes by default)."""
        header = _HEADER.pack(self.version, len(self.text), len(self.anchor), len(self.names))
        signatures = (self.text, self.anchor, self.names)
        return header + b"".join(s.astype("<u4").tobytes() for s in signatures)

    @classmethod
    def from_bytes(cls, data: bytes) -> Fingerprint:
        """Read :meth:`to_bytes` output, of this version or version 1 (5-byte header, no names)."""
        if len(data) < _HEADER_V1.size:
            raise ValueError(f"fingerprint of {len(data)} bytes is truncated or corrupt")
        if data[0] == 1:
            version, n_text, n_anchor = _HEADER_V1.unpack_from(data)
            n_names, size = 0, _HEADER_V1.size
        else:
            if len(data) < _HEADER.size:
                raise ValueError(f"fingerprint of {len(data)} bytes is truncated or corrupt")
            version, n_text, n_anchor, n_names = _HEADER.unpack_from(data)
            size = _HEADER.size
        if len(data) != size + 4 * (n_text + n_anchor + n_names):
            raise ValueError(f"fingerprint of {len(data)} bytes is truncated or corrupt")
        values = np.frombuffer(data, dtype="<u4", offset=size).astype(np.uint32)
        split = n_text + n_anchor
        return cls(text=values[:n_text], anchor=values[n_text:split], names=values[split:], version=version)

    def to_json(self) -> str:
        """The bytes form, base64-encoded (a JSON string value)."""
        return base64.b64encode(self.to_bytes()).decode("ascii")

    @classmethod
    def from_json(cls, value: str) -> Fingerprint:
        return cls.from_bytes(base64.b64decode(value))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Fingerprint):
            return NotImplemented
        return (
            self.version == other.version
            and np.array_equal(self.text, other.text)
            and np.array_equal(self.anchor, other.anchor)
            and np.array_equal(self.names, other.names)
        )

    __hash__ = None  # type: ignore[assignment]


def _is_empty(values: np.ndarray) -> bool:
    # A signature of a non-empty set almost never starts with the empty marker: check that first.
    return bool(values.size == 0 or (values[0] == _EMPTY and np.all(values == _EMPTY)))


def _agreements(mine: np.ndarray, theirs: np.ndarray) -> np.ndarray:
    """Share of values each row of ``theirs`` agrees on with ``mine``; 0 where either side is empty."""
    if theirs.shape[1] != mine.size or _is_empty(mine):
        return np.zeros(len(theirs))
    share = np.count_nonzero(theirs == mine, axis=1) / mine.size
    share[np.all(theirs == _EMPTY, axis=1)] = 0.0
    return share


def fingerprint_story(story: StoryText) -> Fingerprint:
    """Fingerprint of an already-cut text (saves cutting it twice)."""
    text = _signature(shingle_set(story.words, SHINGLE_SIZE), TEXT_BANDS * TEXT_ROWS)
    anchor = _signature(anchor_features(story), ANCHOR_BANDS * ANCHOR_ROWS)
    names = _independent_signature(name_features(story), NAME_BANDS * NAME_ROWS)
    return Fingerprint(text=text, anchor=anchor, names=names)


def fingerprint(text: str) -> Fingerprint:
    """Fingerprint of an article body (clutter lines allowed)."""
    return fingerprint_story(story_text(text))
