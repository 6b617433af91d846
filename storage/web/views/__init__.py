"""One module per kind of page; ``ROUTES`` lists each path with its view and the parameters it takes."""

from __future__ import annotations

from storage.web.views import capture, diff, feed, frontpage, home, outlet, page, search, stories

ROUTES = [
    ("/", home.view, ("edits",)),
    ("/outlet/{name}", outlet.view, ("page",)),
    ("/frontpage/{name}", frontpage.view, ("at", "page")),
    ("/page", page.view, ("url", "v")),
    ("/diff", diff.view, ("url", "from", "to", "view")),
    ("/search", search.view, ("q", "outlet", "since", "until", "as_of", "language", "versions", "page")),
    ("/stories", stories.list_view, ("page",)),
    ("/story/{story_id}", stories.story_view, ()),
    ("/changes.atom", feed.view, ("outlet", "url", "q", "watch")),
    ("/capture/{capture_id}", capture.view, ("fetch",)),
    ("/capture/{capture_id}/raw", capture.raw_view, ("fetch",)),
    ("/capture/{capture_id}/screenshot", capture.screenshot_view, ()),
]
