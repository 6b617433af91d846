"""``/frontpage/NAME[?at=TIME&page=URL]``: an outlet's front page as a capture showed it, with the captures around.

``at`` takes what ``newsarchive frontpage --at`` takes (the last capture at or
before it; default the latest); ``page`` picks one of the outlet's front pages
(default its home page). Headlines are archived text: the template escapes them.
"""

from __future__ import annotations

import bisect

from starlette.requests import Request

from storage.web.params import Params
from storage.web.rendering import Result

AROUND = 10  # captures listed on each side of the one shown


def view(room, request: Request, params: Params) -> Result:
    archive = room.archive
    name = request.path_params["name"]
    page_url = params.text("page")
    shown = archive.frontpage(name, page_url, params.time("at"))
    _, times = archive.frontpage_times(name, shown.page)
    here = bisect.bisect_left(times, shown.captured_at)
    context = {"view": shown, "pages": archive.frontpage_urls(name), "page_param": page_url,
               "earlier": times[max(0, here - AROUND):here], "later": times[here + 1:here + 1 + AROUND]}
    return Result("frontpage.html", f"{shown.outlet}: front page", context, shown.to_json())
