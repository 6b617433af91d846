"""``/diff?url=URL&from=N&to=M``: two versions word by word, inline or side by side, the change summary on top.

Without ``from``/``to`` it compares the last two versions, as ``newsarchive diff`` does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

from storage.db.times import iso
from storage.versions.changes import notes
from storage.versions.diffing import DELETE, EQUAL, INSERT, ParagraphChange, Segment
from storage.versions.history import VersionDiff
from storage.versions.removals import REMOVAL_STATES
from storage.versions.results import VersionView
from storage.web.params import Params
from storage.web.rendering import Result
from storage.web.views.screenshots import diff_shots

VIEWS = ("inline", "side")


@dataclass(frozen=True, slots=True)
class Summary:
    """What a reader wants first: counts of paragraph changes, and what else changed."""

    added: int
    removed: int
    edited: int
    unchanged: int
    title: tuple[str | None, str | None] | None
    byline: tuple[list[str], list[str]] | None
    dates: list[tuple[str, str | None, str | None]]
    notes: list[dict[str, str]]

    def to_json(self) -> dict[str, Any]:
        return {"paragraphs_added": self.added, "paragraphs_removed": self.removed,
                "paragraphs_edited": self.edited, "paragraphs_unchanged": self.unchanged,
                "title": None if self.title is None else {"before": self.title[0], "after": self.title[1]},
                "authors": None if self.byline is None else {"before": self.byline[0], "after": self.byline[1]},
                "dates": {name: {"before": b, "after": a} for name, b, a in self.dates}, "notes": self.notes}


def view(room, request: Request, params: Params) -> Result:
    archive = room.archive
    url = params.required("url")
    old, new = params.integer("from"), params.integer("to")
    mode = params.choice("view", VIEWS)
    result = archive.diff(url, old, new)
    versions = archive.versions(url)
    by_number = {v.version: v for v in versions}
    summary = summarize(result, by_number[result.old.version], by_number[result.new.version])
    removal = removal_of(by_number[result.new.version], versions)
    capture_of = {c.warc_record_id: c.id for c in archive.page_captures(url)}
    shots = diff_shots(room, result, by_number[result.old.version], by_number[result.new.version], capture_of)
    context = {"diff": result, "summary": summary, "versions": versions, "mode": mode, "removal": removal,
               "shots": shots,
               "old_version": by_number[result.old.version], "new_version": by_number[result.new.version],
               "side_rows": [side_by_side(p) for p in result.paragraphs]}
    data = {**result.to_json(), "summary": summary.to_json(), "removal": removal,
            "screenshots": None if shots is None else {"before": shots[0].to_json(), "after": shots[1].to_json()}}
    return Result("diff.html", f"Changes to {result.new.title or result.url}", context, data)


def removal_of(new: VersionView, versions: list[VersionView]) -> dict[str, Any] | None:
    """When ``new`` is a removal: what happened, when, and the last version that had the text."""
    if new.state not in REMOVAL_STATES:
        return None
    earlier = [v.version for v in versions if v.version < new.version and v.state not in REMOVAL_STATES]
    return {"state": new.state, "summary": new.change_summary, "at": iso(new.first_seen),
            "last_text_version": max(earlier) if earlier else None}


def summarize(diff: VersionDiff, old: VersionView, new: VersionView) -> Summary:
    kinds = [p.kind for p in diff.paragraphs]
    touched = [p.after for p in diff.paragraphs if p.kind in ("added", "edited") and p.after]
    before_notes = {n["text"] for n in notes([p.before for p in diff.paragraphs if p.before])}
    dates = [(name, iso(getattr(old, name)), iso(getattr(new, name)))
             for name in ("published", "modified") if getattr(old, name) != getattr(new, name)]
    return Summary(
        added=kinds.count("added"),
        removed=kinds.count("removed"),
        edited=kinds.count("edited"),
        unchanged=kinds.count("equal"),
        title=(diff.old.title, diff.new.title) if diff.title is not None else None,
        byline=(diff.old.authors, diff.new.authors) if diff.authors_changed else None,
        dates=dates,
        notes=[n for n in notes(touched) if n["text"] not in before_notes],
    )


def side_by_side(paragraph: ParagraphChange) -> tuple[str, list[Segment], list[Segment]]:
    """(kind, left segments, right segments): the old side keeps deletions, the new side insertions."""
    left = [(op, text) for op, text in paragraph.segments if op in (EQUAL, DELETE)]
    right = [(op, text) for op, text in paragraph.segments if op in (EQUAL, INSERT)]
    return paragraph.kind, left, right
