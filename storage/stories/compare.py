"""Is text B the same story as text A, and how was it copied?

:func:`compare` is the exact check run on each candidate that band-key lookup
(:mod:`storage.stories.fingerprint`) returns. It answers with a :class:`Match` or
``None``:

``verbatim``
    The same words in the same order: Jaccard of the two texts' 3-word
    shingle sets ≥ 0.95, same opening, no word swapped or moved (page
    furniture such as "Advertisement" lines is ignored). ``similarity`` is
    that Jaccard.
``edited``
    Mostly the same words: most of the shorter text's shingles occur in the
    longer (containment ≥ 0.6) and under 4 % of its words were swapped in
    place or moved. Covers cuts, additions, typos, truncation and new
    headlines. ``similarity`` is the containment.
``rewrite``
    New wording, same content, sentence for sentence: most of the shorter
    text's words lie in sentences that have a counterpart in the other text
    sharing most of their names, numbers and content words, and most of
    the names and numbers recur (``REWRITE_MIN_ANCHORS``). Paraphrases
    (moved clauses and sentences) and synonym-spun copies (words swapped in
    place) land here. ``similarity`` is that aligned fraction.

    A heavy, human-style rewrite shares no sentence with its original; it is
    still a ``rewrite`` when it keeps the original's *facts*
    (:func:`fact_match`): the text with fewer names takes most of them from
    the other, in the same order, and adds no numbers of its own — every
    number it gives is one of the other's. ``similarity`` is then the share
    of its names found in the other (``anchors``).

Different articles on the same event share names but not sentence-level
content, so they stay below the rewrite threshold; they (and follow-ups,
which keep the names but bring new quotes and numbers) fail the fact match
on new numbers, lost order or too many new names. Articles sharing only an
outlet's boilerplate block share too few shingles to count as edited.
The fact match needs numbers on both sides, and it is not tried on texts first
seen more than ``FACT_WINDOW`` apart.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from itertools import combinations

from rapidfuzz.distance import Levenshtein

from storage.stories.text import STOPWORDS, StoryText, shingle_set, story_text

logger = logging.getLogger(__name__)

SHINGLE_SIZE = 3
VERBATIM_JACCARD = 0.95
EDITED_CONTAINMENT = 0.6
# Share of the shorter text's words swapped in place or moved; above it, a
# high-containment copy is a rewrite (spun or paraphrased), not an edit.
EDIT_MAX_REWORDED = 0.04
# Swaps of at most this many words count as rewording; longer runs are cuts or additions.
SWAP_MAX_WORDS = 3
REWRITE_ALIGNED = 0.5
# A sentence counts as aligned when its best counterpart holds this share of
# its content tokens, and at least SENTENCE_MIN_SHARED of them.
SENTENCE_OVERLAP = 0.5
SENTENCE_MIN_SHARED = 3
# A rewrite keeps who and how many: this share of the smaller text's distinct
# anchors (names, numbers) must occur in the other. Different articles cut
# from one house template align sentence by sentence but share few names.
REWRITE_MIN_ANCHORS = 0.5
# Texts with fewer words than this are too short to call a story copy.
MIN_WORDS = 25
# Fact match (a rewrite sharing no sentence). Names are the non-numeric
# anchors; "fewer" is the text with fewer distinct names, the likely copy.
FACT_NAME_COVERAGE = 0.6  # share of fewer's names found in the other
FACT_NAME_JACCARD = 0.25  # the other may not bring many more names of its own
FACT_ORDER = 0.7  # share of shared-anchor pairs in the same order in both
FACT_NUMBER_COVERAGE = 0.8  # share of fewer's numbers found in the other
FACT_NUMBER_JACCARD = 0.7  # and the other brings few numbers of its own
# A rewrite appears within days of its original; further apart, only wording links texts.
FACT_WINDOW = timedelta(days=3)

RELATIONS = ("verbatim", "edited", "rewrite")
CUT_CACHE = 512


@dataclass(frozen=True, slots=True)
class Match:
    """How B relates to A. ``similarity`` is in [0, 1]; its meaning depends on ``relation`` (see module doc)."""

    relation: str
    similarity: float
    jaccard: float = 0.0
    containment: float = 0.0
    aligned: float = 0.0
    anchors: float = 0.0

    def to_dict(self) -> dict[str, float | str]:
        return {
            "relation": self.relation,
            "similarity": round(self.similarity, 4),
            "jaccard": round(self.jaccard, 4),
            "containment": round(self.containment, 4),
            "aligned": round(self.aligned, 4),
            "anchors": round(self.anchors, 4),
        }


def _content(sentence: tuple[str, ...]) -> frozenset[str]:
    return frozenset(w for w in sentence if w not in STOPWORDS)


# A text is compared with many candidates, and a candidate with many new
# texts: its shingle and content sets are kept (a few hundred texts' worth).
def _shingle_set(words: tuple[str, ...]) -> frozenset[str]:
    return shingle_set(words, SHINGLE_SIZE)


@lru_cache(maxsize=CUT_CACHE)
def _contents(sentences: tuple[tuple[str, ...], ...]) -> tuple[frozenset[str], ...]:
    return tuple(_content(s) for s in sentences)


@lru_cache(maxsize=CUT_CACHE)
def _sentences_of(sentences: tuple[tuple[str, ...], ...]) -> dict[str, list[int]]:
    """Content word -> the sentences (by index) holding it. Read only: it is shared through the cache."""
    holders: dict[str, list[int]] = {}
    for n, content in enumerate(_contents(sentences)):
        for word in content:
            holders.setdefault(word, []).append(n)
    return holders


def _most_shared(content: frozenset[str], holders: dict[str, list[int]]) -> int:
    """The most content words ``content`` shares with any one sentence indexed in ``holders``."""
    shared: dict[int, int] = {}
    best = 0
    for word in content:
        for n in holders.get(word, ()):
            count = shared[n] = shared.get(n, 0) + 1
            if count > best:  # noqa: PLR1730 - a max() call per count costs a fifth of the loop
                best = count
    return best


def aligned_fraction(a: StoryText, b: StoryText) -> float:
    """Share of the shorter text's words that sit in sentences with a counterpart in the other."""
    short, long = (a, b) if len(a.words) <= len(b.words) else (b, a)
    # Shared words are counted through the longer text's word -> sentences index, not by
    # intersecting every pair of sentences: the same best overlap, in a fraction of the time.
    holders = _sentences_of(long.sentences)
    total = aligned = 0
    for sentence, content in zip(short.sentences, _contents(short.sentences)):
        total += len(sentence)
        if len(content) < SENTENCE_MIN_SHARED:
            continue
        best = _most_shared(content, holders)
        if best >= SENTENCE_MIN_SHARED and best >= SENTENCE_OVERLAP * len(content):
            aligned += len(sentence)
    return aligned / total if total else 0.0


def anchor_containment(a: StoryText, b: StoryText) -> float:
    """Share of the smaller distinct-anchor set found in the other (0 when either has none)."""
    sa, sb = set(a.anchors), set(b.anchors)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / min(len(sa), len(sb))


def _first_positions(anchors: tuple[str, ...]) -> dict[str, int]:
    positions: dict[str, int] = {}
    for n, anchor in enumerate(anchors):
        positions.setdefault(anchor, n)
    return positions


def anchor_order(a: StoryText, b: StoryText) -> float:
    """Share of pairs of shared anchors that come in the same order (first mentions) in both texts."""
    pa, pb = _first_positions(a.anchors), _first_positions(b.anchors)
    shared = [x for x in pa if x in pb]
    pairs = same = 0
    for x, y in combinations(shared, 2):
        pairs += 1
        same += (pa[x] - pa[y]) * (pb[x] - pb[y]) > 0
    return same / pairs if pairs else 0.0


def _names_and_numbers(story: StoryText) -> tuple[set[str], set[str]]:
    numbers = {x for x in story.anchors if x[0].isdigit()}
    return set(story.anchors) - numbers, numbers


def fact_match(a: StoryText, b: StoryText) -> float | None:
    """Share of the likely copy's names found in the other text, when one retells the other's facts.

    ``None`` unless: the text with fewer distinct names (the likely copy)
    has ``FACT_NAME_COVERAGE`` of them in the other, names overlap by
    ``FACT_NAME_JACCARD``, shared anchors come in the same order
    (``FACT_ORDER``), and the copy's numbers are the other's
    (``FACT_NUMBER_COVERAGE``, ``FACT_NUMBER_JACCARD``). Follow-ups keep the
    names but bring new numbers; other articles on an event bring many new names.
    """
    (names_a, numbers_a), (names_b, numbers_b) = _names_and_numbers(a), _names_and_numbers(b)
    if not (names_a and names_b and numbers_a and numbers_b):
        return None
    (fewer, fewer_numbers), (more, more_numbers) = sorted(
        ((names_a, numbers_a), (names_b, numbers_b)), key=lambda item: len(item[0])
    )
    coverage = len(fewer & more) / len(fewer)
    if coverage < FACT_NAME_COVERAGE or len(fewer & more) / len(fewer | more) < FACT_NAME_JACCARD:
        return None
    shared_numbers = len(fewer_numbers & more_numbers)
    if shared_numbers < FACT_NUMBER_COVERAGE * len(fewer_numbers):
        return None
    if shared_numbers < FACT_NUMBER_JACCARD * len(fewer_numbers | more_numbers):
        return None
    return coverage if anchor_order(a, b) >= FACT_ORDER else None


def _edit_runs(a: tuple[str, ...], b: tuple[str, ...]) -> list[tuple[int, int, int, int]]:
    """Maximal runs of edits between two word sequences, as (i1, i2, j1, j2) slices.

    rapidfuzz's Levenshtein alignment (C, word by word) with neighbouring edits
    joined, so a run reads like one of difflib's replace/insert/delete blocks.
    """
    runs: list[tuple[int, int, int, int]] = []
    for op in Levenshtein.opcodes(a, b):
        if op.tag == "equal":
            continue
        if runs and runs[-1][1] == op.src_start and runs[-1][3] == op.dest_start:
            i1, _, j1, _ = runs.pop()
            runs.append((i1, op.src_end, j1, op.dest_end))
        else:
            runs.append((op.src_start, op.src_end, op.dest_start, op.dest_end))
    return runs


def reworded_fraction(a: StoryText, b: StoryText, sa: frozenset[str], sb: frozenset[str]) -> float:
    """Share of the shorter text's words swapped in place (runs of ≤ 3 words) or moved elsewhere.

    Moved words are those in an inserted or deleted run whose shingles occur
    in the other text; a cut sentence or an added one does not count.
    """
    swapped = moved = 0
    for i1, i2, j1, j2 in _edit_runs(a.words, b.words):
        if i2 > i1 and j2 > j1 and i2 - i1 <= SWAP_MAX_WORDS and j2 - j1 <= SWAP_MAX_WORDS:
            swapped += max(i2 - i1, j2 - j1)
            continue
        for words, lo, hi, other in ((a.words, i1, i2, sb), (b.words, j1, j2, sa)):
            moved += sum(" ".join(words[k : k + SHINGLE_SIZE]) in other for k in range(lo, hi - SHINGLE_SIZE + 1))
    return (swapped + moved) / min(len(a.words), len(b.words))


def compare_stories(a: StoryText, b: StoryText, apart: timedelta | None = None) -> Match | None:
    """:func:`compare` on texts already cut by :func:`storage.stories.text.story_text`.

    ``apart`` is how far apart the two were first seen, when known; the fact
    match is only tried within ``FACT_WINDOW``.
    """
    if min(len(a.words), len(b.words)) < MIN_WORDS:
        return None
    sa, sb = _shingle_set(a.words), _shingle_set(b.words)
    shared = len(sa & sb)
    jaccard = shared / (len(sa) + len(sb) - shared)  # the size of sa | sb, without building it
    containment = shared / min(len(sa), len(sb))
    if containment >= EDITED_CONTAINMENT:
        reworded = reworded_fraction(a, b, sa, sb)
        same_start = a.words[:SHINGLE_SIZE] == b.words[:SHINGLE_SIZE]
        if jaccard >= VERBATIM_JACCARD and reworded == 0 and same_start:
            return Match("verbatim", jaccard, jaccard, containment)
        if reworded < EDIT_MAX_REWORDED:
            return Match("edited", containment, jaccard, containment)
    # Sentence alignment is most of a comparison's cost: only texts sharing enough anchors need it.
    aligned = aligned_fraction(a, b) if anchor_containment(a, b) >= REWRITE_MIN_ANCHORS else None
    if aligned is not None and aligned >= REWRITE_ALIGNED:
        return Match("rewrite", aligned, jaccard, containment, aligned)
    if apart is not None and abs(apart) > FACT_WINDOW:
        return None
    facts = fact_match(a, b)
    if facts is not None:
        aligned = aligned_fraction(a, b) if aligned is None else aligned
        return Match("rewrite", facts, jaccard, containment, aligned, anchors=facts)
    return None


def compare(a_text: str, b_text: str, apart: timedelta | None = None) -> Match | None:
    """How ``b_text`` copies ``a_text``, or ``None`` when they are not the same story."""
    return compare_stories(story_text(a_text), story_text(b_text), apart)
