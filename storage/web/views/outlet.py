"""``/outlet/NAME``: the outlet's articles, newest first and paged, its recent changes, and how often they change."""

from __future__ import annotations

from starlette.requests import Request

from storage.web.charts import bar_chart
from storage.web.params import Params
from storage.web.rendering import Result
from storage.web.views.common import paging

PER_PAGE = 50
RECENT_CHANGES = 10
CHART_DAYS = 30


def view(room, request: Request, params: Params) -> Result:
    archive = room.archive
    name = request.path_params["name"]
    number = params.page_number()
    generation = archive.generation()
    head = next((o for o in room.outlet_counts.get(generation) if o.name == name), None) or archive.outlet(name)
    listing = archive.outlet_pages(name, offset=(number - 1) * PER_PAGE, limit=PER_PAGE + 1)
    pages = paging(number, PER_PAGE, len(listing.articles))
    articles = listing.articles[:PER_PAGE]
    changes = archive.recent_changes(limit=RECENT_CHANGES, outlet=name)
    histogram = room.memo.get(("histogram", name), lambda: archive.change_histogram(name), generation)
    activity = room.memo.get(("activity", name), lambda: archive.activity(CHART_DAYS, outlet=name,
                                                                             with_captures=False), generation)
    charts = [
        bar_chart("Articles by number of versions",
                  [(f"{h.versions}{'+' if h.or_more else ''} version{'' if h.versions == 1 else 's'}", h.articles)
                   for h in histogram], "versions of an article", "articles"),
        bar_chart("Changes per day", [(d.day, d.changes) for d in activity], "day (UTC)", "changes"),
    ]
    context = {"outlet": head, "articles": articles, "paging": pages, "changes": changes, "charts": charts}
    data = {**listing.to_json(), "outlet": head.to_json(), "limit": PER_PAGE,
            "articles": [a.to_json() for a in articles], "paging": pages.to_json(), "changes": [c.to_json() for c in changes], "histogram": [h.to_json() for h in histogram],
            "activity": [d.to_json() for d in activity]}
    return Result("outlet.html", head.name, context, data)
