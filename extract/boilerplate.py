"""Outlet boilerplate learning: lines one outlet repeats across many of its articles.

:class:`OutletBoilerplate` counts, for each line (case and whitespace folded),
on how many *distinct* articles of an outlet it appeared. Once the outlet has
shown enough pages, a line seen on a large share of them is clutter ("Download
our app", "© 2024 Courier Media"). Long lines and whole sentences (news prose
reuses stock sentences such as "The council did not respond to a request for
comment.") need far stronger evidence than short labels, and a line seen on a
single page is never stripped.

Numbers are not wildcards: "Paragraph 3 of story 7" and "Paragraph 3 of story
8" are different lines. A line with numbers also counts under its digit
pattern (every number folded to 0), and the pattern makes it clutter only when
it is on most of the outlet's pages ("Updated 12:45 GMT" with a new time on
every page).

A model strips lines, never the article: when the learned lines would remove
more than ``KEEP_WHOLE_SHARE`` of a text (templated reports, press releases
made of standing paragraphs), the text is kept whole and
:attr:`Stripping.kept_whole` says so. The model is a plain dict for JSON
storage, bounded to the top candidate lines.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from extract.article import Article
from extract.clutter import tidy_paragraphs

logger = logging.getLogger(__name__)

FORMAT = 2               # 2: lines counted with their numbers, digit patterns apart; 1: digits folded
MIN_PAGES = 5            # no stripping before the outlet has shown this many articles
SHORT_SHARE = 0.3        # a short line (≤ SHORT_WORDS words) must be on this share of pages
LONG_SHARE = 0.6         # a long, sentence-like line must be on this share of pages
LONG_MIN_PAGES = 10      # ... and on at least this many distinct pages
PATTERN_SHARE = 0.5      # a digit pattern stands for all its numbers only on more than this share of pages
# Stripping more than this share of a text's characters keeps the text whole. On ordinary pages the
# learned lines cover at most about a fifth of the text (bench/outlet_learning.py); more than half is
# an outlet's template around little or no news of its own, not clutter.
KEEP_WHOLE_SHARE = 0.5
SHORT_WORDS = 12
SENTENCE_WORDS = 5       # a line of at least this many words ending like a sentence counts as long
MAX_LINE_CHARS = 400     # longer lines are article paragraphs, never counted
MAX_LINES = 500          # candidate lines kept (the most frequent ones)
MAX_RECENT_PAGES = 1000  # page keys remembered so a re-extracted page counts once

_DIGITS = re.compile(r"\d+")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)]*$")


def line_key(line: str) -> str:
    """The key a line is counted under: case and whitespace folded, numbers kept."""
    return " ".join(line.lower().split())


def normalise(line: str) -> str:
    """The key of a line's digit pattern: case and whitespace folded, every number folded to 0."""
    return _DIGITS.sub("0", line_key(line))


@dataclass(frozen=True, slots=True)
class Stripping:
    """What an outlet model did to one text."""

    original: str      # the text before the model
    text: str          # the text to keep: stripped, or the original when kept whole
    share: float       # share of the original's characters on lines the model has learned
    kept_whole: bool   # the learned lines covered most of the text, so none were stripped

    @property
    def stripped(self) -> bool:
        return self.text != self.original


class _LineCounts:
    """On how many distinct pages each key was seen, with one original line per key."""

    def __init__(self) -> None:
        self.pages: dict[str, int] = {}
        self.sample: dict[str, str] = {}

    def add(self, key: str, line: str) -> None:
        self.pages[key] = self.pages.get(key, 0) + 1
        self.sample.setdefault(key, line)

    def get(self, key: str) -> int:
        return self.pages.get(key, 0)

    def top(self, limit: int) -> list[tuple[str, int]]:
        # Among equal counts the newest lines win: an old line seen once is unlikely to recur.
        newest_first = reversed(list(self.pages.items()))
        return sorted(newest_first, key=lambda item: -item[1])[:limit]

    def prune(self, limit: int) -> None:
        keep = {key for key, _ in self.top(limit)}
        self.pages = {key: count for key, count in self.pages.items() if key in keep}
        self.sample = {key: self.sample[key] for key in keep}

    def rows(self, limit: int) -> list[list[Any]]:
        """``[[line, pages], …]`` of the ``limit`` most frequent keys, for JSON."""
        return [[self.sample[key], count] for key, count in self.top(limit)]

    def load(self, rows: list[list[Any]], key_of: Callable[[str], str]) -> None:
        for line, count in rows:
            key = key_of(line)
            self.pages[key] = int(count)
            self.sample[key] = line


class OutletBoilerplate:
    """What one outlet repeats on every page, learned incrementally."""

    def __init__(self, *, max_lines: int = MAX_LINES) -> None:
        self.pages = 0
        self.max_lines = max_lines
        self._lines = _LineCounts()     # by line_key
        self._patterns = _LineCounts()  # by normalise, lines with numbers only
        self._recent: deque[str] = deque(maxlen=MAX_RECENT_PAGES)

    def observe(self, text: str, page: str | None = None) -> bool:
        """Count the lines of one article's text; False if this page was already counted.

        ``page`` (a URL) identifies the article; without it the text's longest
        line does, so a re-crawled version of the same article counts once.
        """
        lines = self._candidates(text)
        page_key = _page_key(page, text)
        if not lines or page_key in self._recent:
            return False
        self._recent.append(page_key)
        self.pages += 1
        for key, original in lines.items():
            self._lines.add(key, original)
        for pattern, original in _patterns(lines).items():
            self._patterns.add(pattern, original)
        if max(len(self._lines.pages), len(self._patterns.pages)) > 2 * self.max_lines:
            self._prune()
        return True

    def is_boilerplate(self, line: str) -> bool:
        """True when the outlet has shown this line on enough distinct pages, or its digit pattern on most of them."""
        key = line_key(line)
        if not key:
            return False
        if self._qualifies(key, self._lines.get(key)):
            return True
        pattern = normalise(key)
        return _has_number(key) and self._pattern_qualifies(pattern, self._patterns.get(pattern))

    def strip(self, text: str) -> str:
        """The text without the outlet's learned boilerplate lines (whole, if they are most of it)."""
        return self.strip_outcome(text).text

    def strip_outcome(self, text: str) -> Stripping:
        """:meth:`strip`, with how much of the text the learned lines covered and whether it was kept whole."""
        if self.pages < MIN_PAGES:
            return Stripping(text, text, 0.0, kept_whole=False)
        lines = text.splitlines()
        learned = [self.is_boilerplate(line) for line in lines]
        share = _share(lines, learned)
        if share > KEEP_WHOLE_SHARE:
            logger.debug("keeping a text whole: the outlet's learned lines cover %.0f%% of it", 100 * share)
            return Stripping(text, text, share, kept_whole=True)
        kept = tidy_paragraphs([line for line, drop in zip(lines, learned) if not drop])
        return Stripping(text, kept, share, kept_whole=False)

    def apply(self, article: Article, raw_text: str = "", page: str | None = None, *, learn: bool = True) -> Article:
        """Learn from one extraction (its ``raw_text`` lines, else its text), then strip ``article.text``.

        Cheap line operations: the pipeline runs it in the crawl's main process
        on what its extraction workers return.
        """
        self.apply_outcome(article, raw_text, page, learn=learn)
        return article

    def apply_outcome(self, article: Article, raw_text: str = "", page: str | None = None, *,
                      learn: bool = True) -> Stripping:
        """:meth:`apply`, returning what the model did to ``article.text`` instead of the article."""
        if not article.text:
            return Stripping(article.text, article.text, 0.0, kept_whole=False)
        if learn:
            self.observe(raw_text or article.text, page=article.canonical_url or page)
        outcome = self.strip_outcome(article.text)
        article.text = outcome.text
        return outcome

    def explain(self) -> list[tuple[str, int, float]]:
        """The learned clutter lines as (line, pages seen, share of pages), most frequent first.

        A digit pattern is shown as one of its lines with every number as ``#``.
        """
        rows = [(self._lines.sample[key], count, count / self.pages)
                for key, count in self._lines.pages.items() if self._qualifies(key, count)]
        rows += [(_DIGITS.sub("#", self._patterns.sample[pattern]), count, count / self.pages)
                 for pattern, count in self._patterns.pages.items() if self._pattern_qualifies(pattern, count)]
        return sorted(rows, key=lambda row: (-row[1], row[0]))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready snapshot (bounded: at most ``max_lines`` lines and as many patterns)."""
        self._prune()
        return {
            "format": FORMAT,
            "pages": self.pages,
            "max_lines": self.max_lines,
            "lines": self._lines.rows(self.max_lines),
            "patterns": self._patterns.rows(self.max_lines),
            "recent": list(self._recent),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OutletBoilerplate:
        """Rebuild a model saved by :meth:`to_dict`, or by the format before it.

        A format-1 model counted lines with their digits folded, so its counts
        are pattern counts: a line without numbers keeps its count as a line, a
        line with numbers becomes its digit pattern's count (which now needs
        most pages to strip anything).
        """
        version = data.get("format")
        if version not in (1, FORMAT):
            raise ValueError(f"unsupported outlet boilerplate format {version!r}, expected {FORMAT} (or 1)")
        model = cls(max_lines=int(data.get("max_lines", MAX_LINES)))
        model.pages = int(data["pages"])
        if version == 1:
            rows = data["lines"]
            model._lines.load([row for row in rows if not _has_number(row[0])], line_key)
            model._patterns.load([row for row in rows if _has_number(row[0])], normalise)
        else:
            model._lines.load(data["lines"], line_key)
            model._patterns.load(data.get("patterns", []), normalise)
        model._recent.extend(data.get("recent", []))
        return model

    def _qualifies(self, key: str, count: int) -> bool:
        if self.pages < MIN_PAGES or count < 2:
            return False
        if not _long(key):
            return count >= SHORT_SHARE * self.pages
        return count >= LONG_MIN_PAGES and count >= LONG_SHARE * self.pages

    def _pattern_qualifies(self, pattern: str, count: int) -> bool:
        return count > PATTERN_SHARE * self.pages and self._qualifies(pattern, count)

    @staticmethod
    def _candidates(text: str) -> dict[str, str]:
        lines: dict[str, str] = {}
        for line in text.splitlines():
            line = line.strip()
            key = line_key(line)
            if key and len(line) <= MAX_LINE_CHARS:
                lines.setdefault(key, line)
        return lines

    def _prune(self) -> None:
        self._lines.prune(self.max_lines)
        self._patterns.prune(self.max_lines)


def _patterns(lines: dict[str, str]) -> dict[str, str]:
    """The digit patterns of one page's lines that have numbers, each once (a page counts once per pattern)."""
    patterns: dict[str, str] = {}
    for key, original in lines.items():
        if _has_number(key):
            patterns.setdefault(normalise(key), original)
    return patterns


def _has_number(line: str) -> bool:
    return _DIGITS.search(line) is not None


def _share(lines: list[str], learned: list[bool]) -> float:
    """Share of the characters of ``lines`` (ignoring surrounding blanks) on the learned ones."""
    sizes = [len(line.strip()) for line in lines]
    total = sum(sizes)
    return sum(size for size, drop in zip(sizes, learned) if drop) / total if total else 0.0


def _long(norm: str) -> bool:
    words = len(norm.split())
    return words > SHORT_WORDS or (words >= SENTENCE_WORDS and bool(_SENTENCE_END.search(norm)))


def _page_key(page: str | None, text: str) -> str:
    basis = page or max(text.splitlines(), key=len, default="")
    return hashlib.blake2b(basis.encode("utf-8"), digest_size=8).hexdigest()
