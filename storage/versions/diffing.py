"""Word-level diffs of article text: paragraphs aligned, edited ones paired, words compared.

Texts are compared paragraph by paragraph first (``difflib`` on whole
paragraphs), so an unchanged paragraph costs nothing; paragraphs in a replaced
block are then paired by similarity, and only a pair is diffed word by word.
That keeps diffs of long articles fast and readable: an edited sentence shows
as a few changed words, not as a removed and an added paragraph.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from storage.versions.normalize import CJK

EQUAL, DELETE, INSERT = "equal", "delete", "insert"
# Paragraphs at least this similar (difflib ratio over words) are one paragraph, edited.
EDIT_SIMILARITY = 0.5

# Words; a Chinese, Japanese or Korean character is a word of its own (no spaces mark words there).
_TOKEN = re.compile(f"\\s+|[{CJK}]|[^\\s{CJK}]+")
_WORD = re.compile(f"[{CJK}]|[^\\s{CJK}]+")
_HAS_CJK = re.compile(f"[{CJK}]")

Segment = tuple[str, str]  # (EQUAL | DELETE | INSERT, text)


@dataclass(frozen=True, slots=True)
class ParagraphChange:
    """One paragraph of a diff: ``kind`` is equal, added, removed or edited."""

    kind: str
    before: str | None
    after: str | None
    segments: list[Segment] = field(default_factory=list)

    @property
    def chars_added(self) -> int:
        return sum(len(text.strip()) for op, text in self.segments if op == INSERT)

    @property
    def chars_removed(self) -> int:
        return sum(len(text.strip()) for op, text in self.segments if op == DELETE)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "before": self.before, "after": self.after,
                "segments": [list(segment) for segment in self.segments]}


def split_paragraphs(text: str | None) -> list[str]:
    """The non-empty lines of ``text``, whitespace collapsed: extracted text has a paragraph a line."""
    if not text:
        return []
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def word_diff(before: str, after: str) -> list[Segment]:
    """Segments turning ``before`` into ``after`` word by word; runs of one kind are merged."""
    old, new = _TOKEN.findall(before), _TOKEN.findall(after)
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    segments: list[Segment] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _append(segments, EQUAL, "".join(old[i1:i2]))
            continue
        if tag in ("delete", "replace"):
            _append(segments, DELETE, "".join(old[i1:i2]))
        if tag in ("insert", "replace"):
            _append(segments, INSERT, "".join(new[j1:j2]))
    return _tidy(segments)


def similarity(before: str, after: str) -> float:
    """How alike two paragraphs are, 0 to 1, over their words."""
    matcher = difflib.SequenceMatcher(None, words(before), words(after), autojunk=False)
    if matcher.real_quick_ratio() < EDIT_SIMILARITY or matcher.quick_ratio() < EDIT_SIMILARITY:
        return 0.0
    return matcher.ratio()


def words(text: str) -> list[str]:
    """The words of ``text``: split on spaces, and every CJK character one word."""
    if text.isascii() or not _HAS_CJK.search(text):
        return text.split()
    return _WORD.findall(text)


def diff_paragraphs(before: list[str], after: list[str]) -> list[ParagraphChange]:
    """Align two paragraph lists: every paragraph appears once, as equal, added, removed or edited."""
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    changes: list[ParagraphChange] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            changes.extend(ParagraphChange("equal", p, p, [(EQUAL, p)]) for p in before[i1:i2])
        else:
            changes.extend(_pair(before[i1:i2], after[j1:j2]))
    return changes


def _pair(old: list[str], new: list[str]) -> list[ParagraphChange]:
    """Pair paragraphs of a replaced block in order, each with its most similar partner."""
    changes: list[ParagraphChange] = []
    start = 0
    for paragraph in old:
        scores = [(similarity(paragraph, candidate), k) for k, candidate in enumerate(new[start:], start)]
        best, k = max(scores, default=(0.0, -1))
        if best < EDIT_SIMILARITY:
            changes.append(ParagraphChange("removed", paragraph, None, [(DELETE, paragraph)]))
            continue
        changes.extend(ParagraphChange("added", None, p, [(INSERT, p)]) for p in new[start:k])
        changes.append(ParagraphChange("edited", paragraph, new[k], word_diff(paragraph, new[k])))
        start = k + 1
    changes.extend(ParagraphChange("added", None, p, [(INSERT, p)]) for p in new[start:])
    return changes


def _append(segments: list[Segment], op: str, text: str) -> None:
    if not text:
        return
    if segments and segments[-1][0] == op:
        segments[-1] = (op, segments[-1][1] + text)
    else:
        segments.append((op, text))


def _tidy(segments: list[Segment]) -> list[Segment]:
    """Merge changes split only by whitespace: '[-a b-]{+x y+}' reads better than '[-a-]{+x+} [-b-]{+y+}'."""
    out: list[Segment] = []
    deleted: list[str] = []
    inserted: list[str] = []
    for op, text in segments:
        if op == EQUAL and text.strip():
            _flush(out, deleted, inserted)
            _append(out, EQUAL, text)
        elif op == EQUAL:
            for side in (deleted, inserted):
                if side:
                    side.append(text)
            if not deleted and not inserted:
                _append(out, EQUAL, text)
        else:
            (deleted if op == DELETE else inserted).append(text)
    _flush(out, deleted, inserted)
    return out


def _flush(out: list[Segment], deleted: list[str], inserted: list[str]) -> None:
    """Emit the pending change; whitespace around it becomes plain text again."""
    old, new = "".join(deleted), "".join(inserted)
    sides = [side for side in (old, new) if side]
    if sides and all(side[:1].isspace() for side in sides):
        _append(out, EQUAL, " ")
        old, new = old.lstrip(), new.lstrip()
    tail = max(len(old) - len(old.rstrip()), len(new) - len(new.rstrip()))
    _append(out, DELETE, old.rstrip())
    _append(out, INSERT, new.rstrip())
    if tail:
        _append(out, EQUAL, " ")
    deleted.clear()
    inserted.clear()
