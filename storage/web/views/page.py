"""``/page?url=URL[&v=N]``: one article's versions on a timeline, the chosen version, its captures and story,
and its place on its outlet's front pages (a rank chart per front page) with every headline it carried.

``v`` picks a version (default: the latest); ``/page?url=URL&v=N`` is the
version's permalink, and the page shows how to cite it.
"""

from __future__ import annotations

from starlette.requests import Request

from storage.db.errors import NoSuchVersion
from storage.versions.changes import short
from storage.versions.results import VersionView
from storage.web.charts import rank_chart, timeline
from storage.web.params import Params
from storage.web.rendering import Result, link, when
from storage.web.views.common import public_link
from storage.web.views.screenshots import screenshot_link


def view(room, request: Request, params: Params) -> Result:
    archive = room.archive
    url = params.required("url")
    number = params.integer("v")
    versions = archive.versions(url)
    captures = archive.page_captures(url)
    canonical = captures[0].url if captures else url
    chosen = _chosen(canonical, versions, number)
    story = archive.copies(url) if versions else None
    record_ids = {c.warc_record_id: c.id for c in captures}
    marks = timeline([(v.first_seen, f"v{v.version} {short(v.change_summary, v.state, v.version)}", _kind(v, chosen),
                       link(room.base_path, "/page", url=canonical, v=v.version), f"v{v.version}") for v in versions])
    prominence = archive.prominence(canonical)
    charts = [(item, rank_chart(f"Rank on {item.page}", [(when(s.captured_at), f"“{s.headline}”", s.rank)
                                                          for s in item.sightings])) for item in prominence]
    headlines = archive.headlines(canonical) if prominence else []
    permalink = None if chosen is None else public_link(room, "/page", url=canonical, v=chosen.version)
    headline = last_headline(versions, chosen)
    screenshot = screenshot_link(room, chosen, record_ids)
    context = {"url": canonical, "screenshot": screenshot, "outlet": captures[0].outlet if captures else None, "versions": versions,
               "chosen": chosen, "captures": captures, "story": story, "timeline": marks, "permalink": permalink,
               "capture_of": record_ids, "paragraphs": _paragraphs(chosen), "prominence": charts,
               "headlines": headlines, "headline": headline}
    data = {"url": canonical, "versions": [v.to_json() for v in versions],
            "version": None if chosen is None else chosen.to_json(), "permalink": permalink, "screenshot": screenshot,
            "captures": [c.to_json() for c in captures], "story": None if story is None else story.to_json(),
            "prominence": [p.to_json() for p in prominence], "headlines": [h.to_json() for h in headlines]}
    title = headline or canonical
    return Result("page.html", title, context, data)


def _chosen(url: str, versions: list[VersionView], number: int | None) -> VersionView | None:
    if not versions:
        return None
    if number is None:
        return versions[-1]
    for version in versions:
        if version.version == number:
            return version
    raise NoSuchVersion(f"{url} has no version {number}: it has versions 1 to {len(versions)}")


def last_headline(versions: list[VersionView], chosen: VersionView | None) -> str | None:
    """The chosen version's title, or for a version without one (removed, moved…) the last title before it."""
    if chosen is None:
        return None
    earlier = [v.title for v in versions if v.version <= chosen.version and v.title]
    return chosen.title or (earlier[-1] if earlier else None)


def _kind(version: VersionView, chosen: VersionView | None) -> str:
    if chosen is not None and version.version == chosen.version:
        return "current"
    if version.state != "ok":
        return "removed"
    return "first" if version.version == 1 else "change"


def _paragraphs(version: VersionView | None) -> list[str]:
    if version is None:
        return []
    return [line.strip() for line in version.text.splitlines() if line.strip()]
