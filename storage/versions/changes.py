"""What changed between two versions of an article, as a reader would see it.

Pages change on every fetch in ways no reader counts as an edit: "Updated 5
minutes ago", view counters, a rotating ad line that slipped through
extraction. :func:`stable_paragraphs` drops or blanks those before versions are
compared (the stored text stays exactly what was extracted), and
:func:`summarize` records what a new version changed: title, byline, dates,
paragraphs added, removed and edited, correction or update notes, and the
characters added and removed.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from extract.clutter import is_clutter_line
from storage.db.times import iso
from storage.versions import declared, meta_lines
from storage.versions.diffing import diff_paragraphs, split_paragraphs
from storage.versions.normalize import normalize_text, text_hash
from storage.versions.posts import post_changes, posts_words

logger = logging.getLogger(__name__)

META_LINE = 100  # characters: longer lines are prose, where "2 hours ago" may be news
_UNIT = r"(?:second|sec|minute|min|hour|hr|day|week|month|year)s?"
_RELATIVE_TIME = re.compile(
    r"(?:(?:last\s+)?(?:updated|modified|edited|posted|published)\s*:?\s*)?"
    r"(?:(?:\d+|an?|one)\s*" + _UNIT + r"\s+ago|just now|moments? ago)",
    re.IGNORECASE,
)
_LED_RELATIVE_TIME = re.compile(
    r"(?:last\s+)?(?:updated|modified|edited|posted|published)\s*:?\s*"
    r"(?:(?:\d+|an?|one)\s*" + _UNIT + r"\s+ago|just now|moments? ago)",
    re.IGNORECASE,
)
_CLOCK_STAMP = re.compile(
    r"(?:last\s+)?(?:updated|modified|edited)(?:\s+(?:at|on))?\s*:?\s*\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?"
    r"(?:\s*(?:utc|gmt|[a-z]{2,4}t))?",
    re.IGNORECASE,
)
_COUNTER = re.compile(
    r"\b\d[\d,.]*(?:\s*[km]\b)?\s+(?:views?|reads?|shares?|plays?|likes?)\b"
    r"|\b(?:views?|viewed|read)\s*:?\s*\d[\d,.]*(?:\s*[km]\b)?(?:\s+times)?\b",
    re.IGNORECASE,
)
_ONLY_PUNCTUATION = re.compile(r"[\W_]*")
@dataclass(frozen=True, slots=True)
class Snapshot:
    """The parts of a version a change summary compares."""

    title: str | None
    text: str
    authors: list[str] = field(default_factory=list)
    published: datetime | None = None
    modified: datetime | None = None
    posts: list[dict[str, Any]] = field(default_factory=list)  # a live blog's (extract.liveblog)


# The stamp and counter patterns are slow to scan a paragraph with, and almost no
# paragraph holds one: a cheap substring test on the case-folded line says when to try.
_LED_WORDS = ("updated", "modified", "edited", "posted", "published")  # both stamp patterns need one
_AGO_WORDS = ("ago", "just now")  # the bare relative time needs one
# Non-ASCII letters that re.IGNORECASE matches to ASCII ones (lower() alone misses them).
_IGNORECASE_ASCII = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})


def _folded(line: str) -> str:
    return line.lower() if line.isascii() else line.translate(_IGNORECASE_ASCII).lower()


@functools.lru_cache(maxsize=65536)  # every capture compares the same paragraphs several times
def stable_line(line: str) -> str:
    """``line`` without relative time stamps and counters, normalised; "" when nothing is left.

    A short line that is only a stamp, a counter or a read-also line in any
    language of :mod:`storage.versions.phrases` goes whole; Chinese and Japanese
    text loses the spaces between its characters.
    """
    if is_clutter_line(line) or (len(line) <= META_LINE and meta_lines.is_meta_line(line)):
        return ""
    return meta_lines.cjk_joined(_blanked(line))


def _blanked(line: str) -> str:
    """``line`` with English stamps and counters blanked, normalised; "" when nothing is left."""
    folded = _folded(line)
    cleaned = line
    if any(word in folded for word in _LED_WORDS):
        cleaned = _CLOCK_STAMP.sub(" ", _LED_RELATIVE_TIME.sub(" ", cleaned))
    if len(line) <= META_LINE:  # bare "3 hours ago" and counters only on short meta lines, not in prose
        if cleaned is not line:  # a blanked stamp can join "just" and "now"
            folded = _folded(cleaned)
        if any(word in folded for word in _AGO_WORDS):
            cleaned = _RELATIVE_TIME.sub(" ", cleaned)
        cleaned = _COUNTER.sub(" ", cleaned)
    if cleaned is line:  # nothing matched: no stamp was blanked
        return normalize_text(line)
    cleaned = normalize_text(cleaned)
    if cleaned != normalize_text(line) and (_ONLY_PUNCTUATION.fullmatch(cleaned) or is_clutter_line(cleaned)):
        return ""
    return cleaned


def stable_paragraphs(text: str | None) -> list[str]:
    """The paragraphs of ``text`` a reader would compare: noise lines gone, stamps blanked."""
    return list(_stable_paragraphs(text))


# Paragraphs worked out elsewhere (a bulk load's worker process) for the texts of the batch
# being written: a lookup here saves recomputing them. Each value equals what _computed()
# returns, so another thread reading while prime() replaces the set gets a right answer either way.
_primed: dict[str, tuple[str, ...]] = {}


def _stable_paragraphs(text: str | None) -> tuple[str, ...]:
    found = _primed.get(text) if text else None
    return _computed(text) if found is None else found


@functools.lru_cache(maxsize=8192)  # a text is classified, compared, sized and hashed as a batch goes in
def _computed(text: str | None) -> tuple[str, ...]:
    return tuple(line for line in map(stable_line, split_paragraphs(text)) if line)


def stable_hash(title: str | None, text: str | None, authors: list[str] | None = None) -> str:
    """SHA-256 (hex) of what a reader sees: equal hashes mean no new version is due."""
    return _hash_of(title, _stable_paragraphs(text), authors)


def _hash_of(title: str | None, paragraphs: tuple[str, ...], authors: list[str] | None) -> str:
    # A short line whose only change is a count or a relative time reads the same, in any language.
    parts = [normalize_text(title), "\n".join(map(meta_lines.counts_masked, paragraphs)), "\n".join(_byline(authors))]
    return hashlib.sha256("\n\x00\n".join(parts).encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Digest:
    """What versioning needs of one article, computed once (and anywhere: it is picklable)."""

    stable_hash: str  # stable_hash(title, text, authors)
    text_hash: str  # storage.versions.normalize.text_hash(title, text)
    paragraphs: tuple[str, ...]  # stable_paragraphs(text)


def digest(title: str | None, text: str | None, authors: list[str] | None = None) -> Digest:
    """The :class:`Digest` of an article."""
    paragraphs = _computed(text)
    return Digest(_hash_of(title, paragraphs, authors), text_hash(title, text), paragraphs)


def digest_all(articles: list[tuple[str | None, str | None, list[str]]]) -> list[Digest]:
    """:func:`digest` of each (title, text, authors): a worker process's share of a batch."""
    return [digest(*article) for article in articles]


def summarize_all(pairs: list[tuple[Snapshot, Snapshot]]) -> list[dict[str, Any] | None]:
    """:func:`summarize` of each (before, after) that a reader would see as changed, else None:
    a worker process's share of a bulk load's batch."""
    return [None if _same(before, after) else summarize(before, after) for before, after in pairs]


def _same(before: Snapshot, after: Snapshot) -> bool:
    return stable_hash(before.title, before.text, before.authors) == stable_hash(after.title, after.text, after.authors)


def prime(texts: dict[str, tuple[str, ...]]) -> None:
    """Let this process reuse stable paragraphs computed elsewhere (replaces the last primed set)."""
    _primed.clear()
    _primed.update(texts)


def text_size(text: str | None) -> int:
    """Characters of reader-visible text (what a first version "adds")."""
    return sum(len(p) for p in _stable_paragraphs(text))


def notes(paragraphs: list[str]) -> list[dict[str, str]]:
    """Correction, clarification, update and editor's notes among ``paragraphs``, in any language of the tables."""
    found = []
    for paragraph in paragraphs:
        kind = meta_lines.note_kind(paragraph)
        if kind is not None:
            found.append({"kind": kind, "text": paragraph[:300]})
    return found


def summarize(before: Snapshot, after: Snapshot) -> dict[str, Any]:
    """What ``after`` changed relative to ``before``, as JSON-ready values."""
    old, new = stable_paragraphs(before.text), stable_paragraphs(after.text)
    changes = diff_paragraphs(old, new)
    kinds = [c.kind for c in changes]
    touched = [c.after for c in changes if c.kind in ("added", "edited") and c.after]
    new_notes = notes(touched)
    old_notes = {n["text"] for n in notes(old)} if new_notes else set()  # only a new note needs the old ones
    summary: dict[str, Any] = {
        "title_changed": normalize_text(before.title) != normalize_text(after.title),
        "paragraphs_added": kinds.count("added"),
        "paragraphs_removed": kinds.count("removed"),
        "paragraphs_edited": kinds.count("edited"),
        "chars_added": sum(c.chars_added for c in changes),
        "chars_removed": sum(c.chars_removed for c in changes),
        "chars_delta": len(after.text) - len(before.text),
        "notes": [n for n in new_notes if n["text"] not in old_notes],
    }
    if summary["title_changed"]:
        summary["title"] = {"before": before.title, "after": after.title}
    if _byline(before.authors) != _byline(after.authors):
        summary["authors"] = {"before": list(before.authors), "after": list(after.authors)}
    for name in ("published", "modified"):
        was, now = getattr(before, name), getattr(after, name)
        if was != now:
            summary[name] = {"before": iso(was), "after": iso(now)}
    if before.posts or after.posts:
        summary["posts"] = post_changes(before.posts, after.posts)
    summary.update(declared.declaration(before, after, summary))  # did the outlet say so, or is it a stealth edit
    return summary


def short(summary: dict[str, Any] | None, state: str = "ok", version: int = 1) -> str:
    """A few words for a listing: "title; +2 ¶; 1 edited; correction note"."""
    if state != "ok":
        return state_words(state, summary)
    if not summary:
        return "first version" if version == 1 else ""
    parts = []
    if summary.get("restored"):
        parts.append(f"back after {summary['restored']}")
    if summary.get("title_changed"):
        parts.append("title")
    if "authors" in summary:
        parts.append("byline")
    counts = [("paragraphs_added", "+{} ¶"), ("paragraphs_removed", "-{} ¶"), ("paragraphs_edited", "{} edited")]
    if summary.get("posts"):  # a live blog counts posts, not paragraphs
        parts.append(posts_words(summary["posts"]))
    else:
        parts += [fmt.format(summary[key]) for key, fmt in counts if summary.get(key)]
    parts += [f"{n['kind']} note" for n in summary.get("notes", [])]
    if not parts and ("published" in summary or "modified" in summary):
        parts.append("dates")
    return "; ".join(parts) or "text"


def title_change(summary: dict[str, Any] | None) -> tuple[str | None, str | None] | None:
    """(old, new) title when the version changed its title, else ``None``."""
    if not summary or not summary.get("title_changed"):
        return None
    title = summary.get("title") or {}
    return title.get("before"), title.get("after")


def headline_words(old: str | None, new: str | None) -> str:
    """A headline change as people read it: “old” → “new”."""
    return f"“{old or ''}” → “{new or ''}”"


def shown_title(title: str | None, fallback: str, old_title: str | None = None) -> str:
    """A version's title as feeds and alert messages show it: “old” → “new” when its headline changed
    (``old_title`` given), else the title, else ``fallback`` (its URL)."""
    return headline_words(old_title, title) if old_title is not None else title or fallback


def state_words(state: str, summary: dict[str, Any] | None) -> str:
    """How a removal state reads: "removed (HTTP 404)", "redirected → URL", "moved → URL", "paywalled"."""
    summary = summary or {}
    if state == "moved" and summary.get("target"):
        return f"moved → {summary['target']}"
    if state == "removed" and summary.get("status"):
        return f"removed (HTTP {summary['status']})"
    if state == "redirected" and summary.get("target"):
        where = "home page" if summary.get("to_home") else summary["target"]
        return f"redirected → {where}"
    if state == "paywalled" and summary.get("wall"):
        return f"paywalled ({summary['wall']} wall)"
    return state


def state_sentence(state: str, summary: dict[str, Any] | None) -> str:
    """A removal as a sentence, pointing the right way: "This address redirected to URL.", "The article moved to URL."."""
    summary = summary or {}
    target = summary.get("target")
    if state == "moved" and target:
        return f"The article moved to {target}, where its history goes on."
    if state == "redirected" and target:
        return f"This address redirected to {target}{' (the outlet’s home page)' if summary.get('to_home') else ''}."
    return f"The article was {state_words(state, summary)} at this address."


def _byline(authors: list[str] | None) -> list[str]:
    return sorted({normalize_text(a).casefold() for a in authors or [] if normalize_text(a)})
