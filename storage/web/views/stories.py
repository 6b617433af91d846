"""``/stories`` and ``/story/ID``: articles carried by several outlets, origin first, and who published when."""

from __future__ import annotations

from starlette.requests import Request

from storage.stories import MIN_OUTLETS
from storage.web.charts import timeline
from storage.web.params import Params, path_id
from storage.web.rendering import Result, link
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
    by_time = sorted(story.members, key=lambda m: m.first_seen)
    marks = timeline([(m.first_seen, f"{m.outlet} ({m.relation})", "current" if m.is_origin else "change",
                       link(room.base_path, "/page", url=m.url, v=m.version)) for m in by_time])
    context = {"story": story, "timeline": marks}
    return Result("story.html", story.origin.title or f"Story {story.id}", context, story.to_json())
