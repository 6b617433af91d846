"""The wide extraction corpus and its segment metric (trafilatura's evaluation).

A corpus directory holds ``evaldata.json`` (``{url: {"file", "with", "without"}}``)
and ``html/<file>.gz``. Each page lists short segments of its main text
(``with``) and of its clutter (``without``). After whitespace is normalised in
the extracted text, a ``with`` segment found in it is a true positive and a
missing one a false negative; a ``without`` segment found is a false positive.
Precision, recall and F1 come from the counts pooled over all pages.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class WidePage:
    url: str
    html: bytes  # as saved: the extractors decode it themselves
    with_segments: tuple[str, ...]
    without_segments: tuple[str, ...]

    @property
    def truth_text(self) -> str:
        """The main-text segments joined: what the page's language is judged on."""
        return "\n".join(self.with_segments)


@dataclass(frozen=True, slots=True)
class SegmentCounts:
    tp: int = 0
    fn: int = 0
    fp: int = 0

    def __add__(self, other: SegmentCounts) -> SegmentCounts:
        return SegmentCounts(self.tp + other.tp, self.fn + other.fn, self.fp + other.fp)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def load_wide(directory: Path) -> list[WidePage]:
    """The corpus' pages, in the order of its ``evaldata.json``."""
    entries = json.loads((directory / "evaldata.json").read_text(encoding="utf-8"))
    return [
        WidePage(url, gzip.decompress((directory / "html" / f"{entry['file']}.gz").read_bytes()),
                 tuple(entry["with"]), tuple(entry["without"]))
        for url, entry in entries.items()
    ]


def _squeeze(text: str) -> str:
    return " ".join(text.split())


def count_segments(extracted: str, page: WidePage) -> SegmentCounts:
    """The segment counts of one page's extraction."""
    text = _squeeze(extracted or "")
    found = sum(_squeeze(segment) in text for segment in page.with_segments)
    clutter = sum(_squeeze(segment) in text for segment in page.without_segments)
    return SegmentCounts(found, len(page.with_segments) - found, clutter)


def score_segments(pairs: Iterable[tuple[str, WidePage]]) -> SegmentCounts:
    """Counts pooled over ``(extracted, page)`` pairs."""
    total = SegmentCounts()
    for extracted, page in pairs:
        total += count_segments(extracted, page)
    return total
