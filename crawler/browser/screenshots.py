"""A screenshot of every new version: a page fetched without the browser, rendered once more for its picture.

An outlet whose seed says ``screenshots = "versions"`` (or every outlet, with
``BROWSER_VERSION_SCREENSHOTS``) wants a screenshot of each new version, but
most of its pages are fetched by Scrapy's HTTP client. Whether a fetch made a
new version is known only once the archive's writer has recorded it (first
version, or a change a reader sees: :mod:`storage.versions.rules`); the
archive pipeline then asks for one more fetch of the same URL, rendered by the
browser (:func:`screenshot_request`). That fetch is not a capture: the WARC
middleware writes only its renditions — the rendered DOM, the screenshot and
where each text block stood on it — as ``resource`` records naming the
version's capture (its response record) in ``WARC-Concurrent-To``, as a
rendered capture's own are (:mod:`storage.warc.rendered`); the spider hands
their place to the pipeline, which links them to the capture
(:mod:`storage.versions.renditions`). It never becomes a capture, a version
or a removal, never touches a re-check schedule, and fails alone in one line.
"""

from __future__ import annotations

from typing import Any

import scrapy

from crawler import settings as defaults
from storage.outlets.seeds import OutletSeed

SCREENSHOT_OF = "screenshot_of"  # request.meta: the response record id of the capture the render is for
ROLE = "screenshot"


def shoots_versions(seed: OutletSeed, settings: Any) -> bool:
    """Whether every new version of ``seed``'s pages gets a screenshot (its seed, or the crawl's setting)."""
    return seed.screenshots == "versions" or settings.getbool("BROWSER_VERSION_SCREENSHOTS",
                                                                defaults.BROWSER_VERSION_SCREENSHOTS)


def screenshot_request(outlet: str, url: str, record_id: str, callback: Any, errback: Any) -> scrapy.Request:
    """The rendered fetch of ``url`` whose only products are the renditions of the capture ``record_id``."""
    return scrapy.Request(url, callback=callback, errback=errback, dont_filter=True,  # the URL was just fetched
                          meta={"outlet": outlet, "role": ROLE, "playwright": True, SCREENSHOT_OF: record_id,
                                "dont_retry": True})
