"""Screenshots of rendered versions in the reading room: beside a version's text, and two side by side in a diff.

A capture rendered by a browser keeps its screenshot, and where each block of
text stood on it, in the WARC beside its response (:mod:`storage.warc.rendered`).
On the diff page the blocks whose text the diff calls removed or edited are
marked on the older screenshot, those added or edited on the newer one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from storage.versions.history import VersionDiff
from storage.versions.results import VersionView
from storage.warc.errors import WarcUnreadable
from storage.web.rendering import link

_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Mark:
    x: int
    y: int
    w: int
    h: int


@dataclass(frozen=True, slots=True)
class Shot:
    """One version's screenshot: its link, its size in pixels, and the regions marked as changed."""

    src: str
    width: int
    height: int
    marks: list[Mark]

    def to_json(self) -> dict[str, Any]:
        return {"src": self.src, "width": self.width, "height": self.height,
                "marks": [[m.x, m.y, m.w, m.h] for m in self.marks]}


def screenshot_link(room, version: VersionView | None, capture_of: dict[str, int]) -> str | None:
    """The reading room's link to the screenshot recorded with ``version``'s capture, if it has one."""
    shot = _shot(room, version, capture_of, [])
    return None if shot is None else shot.src


def diff_shots(room, diff: VersionDiff, old: VersionView, new: VersionView,
               capture_of: dict[str, int]) -> tuple[Shot, Shot] | None:
    """Both versions' screenshots with their changed regions marked; None unless both have one."""
    before = [p.before for p in diff.paragraphs if p.kind in ("removed", "edited") and p.before]
    after = [p.after for p in diff.paragraphs if p.kind in ("added", "edited") and p.after]
    if old.title != new.title:
        before, after = before + [old.title or ""], after + [new.title or ""]
    left, right = _shot(room, old, capture_of, before), _shot(room, new, capture_of, after)
    return None if left is None or right is None else (left, right)


def _shot(room, version: VersionView | None, capture_of: dict[str, int], changed: list[str]) -> Shot | None:
    if version is None or version.warc_record_id not in capture_of:
        return None
    try:
        found = room.archive.renditions(version.warc_file, version.warc_offset, version.warc_record_id)
    except WarcUnreadable:
        return None
    if found.screenshot is None:
        return None
    layout = found.layout or {}
    src = link(room.base_path, f"/capture/{capture_of[version.warc_record_id]}/screenshot")
    return Shot(src, int(layout.get("width", 0) or 0), int(layout.get("height", 0) or 0),
                changed_regions(layout.get("blocks", []), changed))


def changed_regions(blocks: list[dict[str, Any]], changed: list[str]) -> list[Mark]:
    """The blocks whose text is one of the ``changed`` paragraphs (or holds one, or is part of one)."""
    wanted = [_norm(text) for text in changed if _norm(text)]
    marks = []
    for block in blocks:
        text = _norm(str(block.get("text", "")))
        if text and any(text == w or (len(text) > 20 and (text in w or w in text)) for w in wanted):
            try:
                marks.append(Mark(int(block["x"]), int(block["y"]), int(block["w"]), int(block["h"])))
            except (KeyError, TypeError, ValueError):
                continue
    return marks


def _norm(text: str) -> str:
    return _SPACE.sub(" ", text).strip()
