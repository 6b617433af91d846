"""Outlet boilerplate learning: lines one outlet repeats across many of its articles.

:class:`OutletBoilerplate` counts, for each normalised line (case and
whitespace folded, digits folded to 0), on how many *distinct* articles of an
outlet it appeared. Once the outlet has shown enough pages, a line seen on a
large share of them is clutter ("Download our app", "© 2024 Courier Media").
Long lines and whole sentences (news prose reuses stock sentences such as
"The council did not respond to a request for comment.") need far stronger
evidence than short labels, and a line seen on a single page is never stripped. The model is a plain dict for
JSON storage, bounded to the top candidate lines.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections import deque
from typing import Any

from extract.article import Article
from extract.clutter import tidy_paragraphs

logger = logging.getLogger(__name__)

FORMAT = 1
MIN_PAGES = 5            # no stripping before the outlet has shown this many articles
SHORT_SHARE = 0.3        # a short line (≤ SHORT_WORDS words) must be on this share of pages
LONG_SHARE = 0.6         # a long, sentence-like line must be on this share of pages
LONG_MIN_PAGES = 10      # ... and on at least this many distinct pages
SHORT_WORDS = 12
SENTENCE_WORDS = 5       # a line of at least this many words ending like a sentence counts as long
MAX_LINE_CHARS = 400     # longer lines are article paragraphs, never counted
MAX_LINES = 500          # candidate lines kept (the most frequent ones)
MAX_RECENT_PAGES = 1000  # page keys remembered so a re-extracted page counts once

_DIGITS = re.compile(r"\d+")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)]*$")


def normalise(line: str) -> str:
    """The key a line is counted under: case, whitespace and digits folded."""
    return _DIGITS.sub("0", " ".join(line.lower().split()))


class OutletBoilerplate:
    """What one outlet repeats on every page, learned incrementally."""

    def __init__(self, *, max_lines: int = MAX_LINES) -> None:
        self.pages = 0
        self.max_lines = max_lines
        self._seen: dict[str, int] = {}
        self._sample: dict[str, str] = {}
        self._recent: deque[str] = deque(maxlen=MAX_RECENT_PAGES)

    def observe(self, text: str, page: str | None = None) -> bool:
        """Count the lines of one article's text; False if this page was already counted.

        ``page`` (a URL) identifies the article; without it the text's longest
        line does, so a re-crawled version of the same article counts once.
        """
        lines = self._candidates(text)
        key = _page_key(page, text)
        if not lines or key in self._recent:
            return False
        self._recent.append(key)
        self.pages += 1
        for norm, original in lines.items():
            self._seen[norm] = self._seen.get(norm, 0) + 1
            self._sample.setdefault(norm, original)
        if len(self._seen) > 2 * self.max_lines:
            self._prune()
        return True

    def is_boilerplate(self, line: str) -> bool:
        """True when the outlet has shown this line on enough distinct pages."""
        norm = normalise(line)
        return bool(norm) and self._qualifies(norm, self._seen.get(norm, 0))

    def strip(self, text: str) -> str:
        """The text without the outlet's learned boilerplate lines."""
        if self.pages < MIN_PAGES:
            return text
        return tidy_paragraphs([line for line in text.splitlines() if not self.is_boilerplate(line)])

    def apply(self, article: Article, raw_text: str = "", page: str | None = None, *, learn: bool = True) -> Article:
        """Learn from one extraction (its ``raw_text`` lines, else its text), then strip ``article.text``.

        Cheap line operations: the pipeline runs it in the crawl's main process
        on what its extraction workers return.
        """
        if article.text:
            if learn:
                self.observe(raw_text or article.text, page=article.canonical_url or page)
            article.text = self.strip(article.text)
        return article

    def explain(self) -> list[tuple[str, int, float]]:
        """The learned clutter lines as (line, pages seen, share of pages), most frequent first."""
        rows = [(self._sample[norm], count, count / self.pages)
                for norm, count in self._seen.items() if self._qualifies(norm, count)]
        return sorted(rows, key=lambda row: (-row[1], row[0]))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready snapshot (bounded: at most ``max_lines`` lines)."""
        self._prune()
        return {
            "format": FORMAT,
            "pages": self.pages,
            "max_lines": self.max_lines,
            "lines": [[self._sample[norm], count] for norm, count in self._top(self.max_lines)],
            "recent": list(self._recent),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OutletBoilerplate:
        """Rebuild a model saved by :meth:`to_dict`."""
        if data.get("format") != FORMAT:
            raise ValueError(f"unsupported outlet boilerplate format {data.get('format')!r}, expected {FORMAT}")
        model = cls(max_lines=int(data.get("max_lines", MAX_LINES)))
        model.pages = int(data["pages"])
        for line, count in data["lines"]:
            norm = normalise(line)
            model._seen[norm] = int(count)
            model._sample[norm] = line
        model._recent.extend(data.get("recent", []))
        return model

    def _qualifies(self, norm: str, count: int) -> bool:
        if self.pages < MIN_PAGES or count < 2:
            return False
        if not _long(norm):
            return count >= SHORT_SHARE * self.pages
        return count >= LONG_MIN_PAGES and count >= LONG_SHARE * self.pages

    @staticmethod
    def _candidates(text: str) -> dict[str, str]:
        lines: dict[str, str] = {}
        for line in text.splitlines():
            line = line.strip()
            norm = normalise(line)
            if norm and len(line) <= MAX_LINE_CHARS:
                lines.setdefault(norm, line)
        return lines

    def _top(self, limit: int) -> list[tuple[str, int]]:
        # Among equal counts the newest lines win: an old line seen once is unlikely to recur.
        newest_first = reversed(list(self._seen.items()))
        return sorted(newest_first, key=lambda item: -item[1])[:limit]

    def _prune(self) -> None:
        keep = {norm for norm, _ in self._top(self.max_lines)}
        self._seen = {norm: count for norm, count in self._seen.items() if norm in keep}
        self._sample = {norm: self._sample[norm] for norm in keep}


def _long(norm: str) -> bool:
    words = len(norm.split())
    return words > SHORT_WORDS or (words >= SENTENCE_WORDS and bool(_SENTENCE_END.search(norm)))


def _page_key(page: str | None, text: str) -> str:
    basis = page or max(text.splitlines(), key=len, default="")
    return hashlib.blake2b(basis.encode("utf-8"), digest_size=8).hexdigest()
