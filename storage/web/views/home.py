"""``/``: the outlets with their counts, the latest changes, and captures and changes per day."""

from __future__ import annotations

from starlette.requests import Request

from storage.web.charts import bar_chart
from storage.web.params import Params
from storage.web.rendering import Result

CHART_DAYS = 30
LATEST_CHANGES = 15


def view(room, request: Request, params: Params) -> Result:
    archive = room.archive
    generation = archive.generation()  # counts as of the latest write, like the latest changes below
    outlets = room.outlet_counts.get(generation)
    activity = room.memo.get(("activity", None), lambda: archive.activity(CHART_DAYS), generation)
    edits = params.choice("edits", ("all", "stealth"))  # the filter: every change, or only stealth edits
    changes = archive.recent_changes(limit=LATEST_CHANGES, stealth_only=edits == "stealth")
    charts = [
        bar_chart("Captures per day", [(d.day, d.captures) for d in activity], "day (UTC)", "captures"),
        bar_chart("Changed articles per day (new versions after the first)", [(d.day, d.changes) for d in activity],
                  "day (UTC)", "changes"),
    ]
    context = {"outlets": outlets, "changes": changes, "charts": charts, "edits": edits,
               "totals": {"pages": sum(o.pages for o in outlets), "versions": sum(o.versions for o in outlets)}}
    data = {"outlets": [o.to_json() for o in outlets], "changes": [c.to_json() for c in changes],
            "activity": [d.to_json() for d in activity]}
    return Result("home.html", "Reading room", context, data)
