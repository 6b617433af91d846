"""``/stories`` and ``/story/ID``: articles carried by several outlets, origin first, and who published when.

The story's timeline places each copy at its published date (a date after the copy was first seen is not
credible: :mod:`storage.stories.origin`), or, without one, at its first capture, drawn hollow.
"""

from __future__ import annotations

from datetime import datetime

from starlette.requests import Request

from storage.stories import MIN_OUTLETS
from storage.stories.origin import credible_published
from storage.web.charts import timeline
from storage.web.params import Params, path_id
from storage.web.rendering import Result, link, when
from storage.web.views.common import paging

PER_PAGE = 30


def list_view(room, request: Request, params: Params) -> Result:
    number = params.page_number()
    found = room.archive.story_page(offset=(number - 1) * PER_PAGE, limit=PER_PAGE + 1, min_outlets=MIN_OUTLETS)
    pages = paging(number, PER_PAGE, len(found))
    shown = found[:PER_PAGE]
    data = {"stories": [s.to_json() for s in shown], "paging": pages.to_json()}
    return Result("stories.html", "Stories across outlets", {"stories": shown, "paging": pages}, data)


def story_view(room, request: Request, params: Params) -> Result:
    story = room.archive.story(path_id(request.path_params["story_id"], "story"))
    marks = timeline([(_placed(m) or m.first_seen, _described(m), _kind(m),
                       link(room.base_path, "/page", url=m.url, v=m.version), m.outlet) for m in story.members])
    context = {"story": story, "timeline": marks}
    return Result("story.html", story.origin.title or f"Story {story.id}", context, story.to_json())


def _placed(member) -> datetime | None:
    """Where a copy sits on the timeline: its published date, if credible (not after it was first seen)."""
    return credible_published(member.first_seen, member.published)


def _kind(member) -> str:
    if _placed(member) is None:
        return "undated"
    return "current" if member.is_origin else "change"


def _described(member) -> str:
    """A mark's hover text: who, how it relates, and which time placed it."""
    placed = _placed(member)
    at = f"published {when(placed)}" if placed else f"no credible published date; first seen {when(member.first_seen)}"
    return f"{member.outlet} ({member.relation}): {at}"
