"""Main-text extraction quality: the shingle metric of the article-extraction benchmark.

Text is split into ``\\w+`` tokens; each text becomes the multiset of its
overlapping 4-token shingles. Per page, true positives are the shingles both
texts share (counted with multiplicity), false positives those only in the
extraction, false negatives those only in the truth, normalised so that
TP + FP + FN = 1. Precision and recall are the means over pages; F1 is the
harmonic mean of those two means.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

TOKEN = re.compile(r"\w+")
SHINGLE_SIZE = 4


@dataclass(frozen=True, slots=True)
class PageScore:
    tp: float
    fp: float
    fn: float

    @property
    def precision(self) -> float:
        if self.fp == 0 and self.fn == 0:
            return 1.0
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        if self.fp == 0 and self.fn == 0:
            return 1.0
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0


@dataclass(frozen=True, slots=True)
class Score:
    precision: float
    recall: float
    pages: int

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def shingles(text: str, size: int = SHINGLE_SIZE) -> Counter[tuple[str, ...]]:
    """The multiset of overlapping ``size``-token shingles (a shorter text is one shingle)."""
    tokens = TOKEN.findall(text or "")
    if not tokens:
        return Counter()
    if len(tokens) < size:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1))


def score_page(extracted: str, truth: str) -> PageScore:
    """TP/FP/FN of one page, normalised to sum to 1 (all zero when both texts are empty)."""
    got, want = shingles(extracted), shingles(truth)
    tp = sum((got & want).values())
    fp = sum((got - want).values())
    fn = sum((want - got).values())
    total = tp + fp + fn
    if not total:
        return PageScore(0.0, 0.0, 0.0)
    return PageScore(tp / total, fp / total, fn / total)


def score(pairs: Iterable[tuple[str, str]]) -> Score:
    """Mean precision and recall over ``(extracted, truth)`` pairs."""
    pages = [score_page(extracted, truth) for extracted, truth in pairs]
    if not pages:
        return Score(0.0, 0.0, 0)
    precision = sum(p.precision for p in pages) / len(pages)
    recall = sum(p.recall for p in pages) / len(pages)
    return Score(precision, recall, len(pages))
