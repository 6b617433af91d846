"""``/search?q=QUERY``: full-text search with the CLI's syntax, highlighted snippets, paged.

``outlet``, ``since``, ``until`` and ``as_of`` mean what ``newsarchive search``'s
options mean; without ``q`` the page is the search form alone.
"""

from __future__ import annotations

from starlette.requests import Request

from storage.web.params import Params
from storage.web.rendering import Result
from storage.web.views.common import paging

PER_PAGE = 20


def view(room, request: Request, params: Params) -> Result:
    archive = room.archive
    query = params.text("q")
    outlet = params.text("outlet")
    since, until = params.time("since"), params.time("until", end_of_day=True)
    as_of = params.time("as_of")
    number = params.page_number()
    outlets = room.memo.get("outlets", archive.outlets, archive.generation())
    form = {"q": query or "", "outlet": outlet or "", "since": params.text("since") or "",
            "until": params.text("until") or "", "as_of": params.text("as_of") or ""}
    hits, pages = [], paging(number, PER_PAGE, 0)
    if query is not None:
        if outlet is not None:
            archive.outlet(outlet)  # an unknown outlet is a 404, not an empty result
        # Archive.search has no offset: fetch through this page (plus one to know there is more) and slice.
        found = archive.search(query, outlet=outlet, since=since, until=until, as_of=as_of,
                               limit=number * PER_PAGE + 1)
        hits = found[(number - 1) * PER_PAGE: number * PER_PAGE]
        pages = paging(number, PER_PAGE, len(found) - (number - 1) * PER_PAGE)
    context = {"form": form, "hits": hits, "paging": pages, "outlets": outlets, "searched": query is not None}
    data = {"query": query, "hits": [h.to_json() for h in hits], "paging": pages.to_json()}
    return Result("search.html", f"Search: {query}" if query else "Search", context, data)
