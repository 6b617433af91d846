"""``/search?q=QUERY``: full-text search with the CLI's syntax, highlighted snippets, a count, paged.

``outlet``, ``since``, ``until``, ``as_of``, ``language`` and ``versions=all``
mean what ``newsarchive search``'s options mean (``--all-versions`` for the
last); without ``q`` the page is the search form alone.
"""

from __future__ import annotations

import re

from starlette.requests import Request

from storage.web.params import BadParameter, Params
from storage.web.rendering import Result
from storage.web.views.common import paging

PER_PAGE = 20
COUNT_CAP = 1000  # matches counted at most: more reads "more than 1000"
VERSIONS = ("latest", "all")
_LANGUAGE = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{1,8})?")


def view(room, request: Request, params: Params) -> Result:
    archive = room.archive
    query = params.text("q")
    outlet = params.text("outlet")
    since, until = params.time("since"), params.time("until", end_of_day=True)
    as_of = params.time("as_of")
    language = _language(params)
    all_versions = params.choice("versions", VERSIONS) == "all"
    number = params.page_number()
    outlets = room.outlet_counts.get(archive.generation())
    form = {"q": query or "", "outlet": outlet or "", "since": params.text("since") or "",
            "until": params.text("until") or "", "as_of": params.text("as_of") or "", "language": language or "",
            "versions": "all" if all_versions else ""}
    hits, pages, total = [], paging(number, PER_PAGE, 0), None
    if query is not None:
        if outlet is not None:
            archive.outlet(outlet)  # an unknown outlet is a 404, not an empty result
        filters = {"outlet": outlet, "since": since, "until": until, "as_of": as_of, "all_versions": all_versions,
                   "language": language}
        # Archive.search has no offset: fetch through this page (plus one to know there is more) and slice.
        found = archive.search(query, limit=number * PER_PAGE + 1, **filters)
        hits = found[(number - 1) * PER_PAGE: number * PER_PAGE]
        pages = paging(number, PER_PAGE, len(found) - (number - 1) * PER_PAGE)
        total = archive.search_count(query, cap=COUNT_CAP, **filters)
    count = None if total is None else {"total": min(total, COUNT_CAP), "more": total > COUNT_CAP}
    context = {"form": form, "hits": hits, "paging": pages, "outlets": outlets, "searched": query is not None,
               "count": count}
    data = {"query": query, "hits": [h.to_json() for h in hits], "paging": pages.to_json(), "count": count}
    return Result("search.html", f"Search: {query}" if query else "Search", context, data)


def _language(params: Params) -> str | None:
    value = params.text("language")
    if value is not None and not _LANGUAGE.fullmatch(value.lower()):
        raise BadParameter(f"parameter language must be a language code like en or de, not {value[:20]!r}")
    return None if value is None else value.lower()
