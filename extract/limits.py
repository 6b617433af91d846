"""How big a page extraction takes on: a page past the cap is archived but not extracted.

trafilatura's time grows faster than the page it reads (bench/oversized_pages.py),
and a crawl cannot stop inside it. The crawl (``EXTRACT_MAX_ELEMENTS``), ingest
and reindex apply the same cap, through :func:`extract.page.analyse_page`, and
to a start page whose links are ranked (:func:`extract.frontpage.front_page_links`).
"""

from typing import Any

# Elements an article page may have to be extracted: some 20 times the biggest page of the dev sets (2,306
# in tests/data), and a few seconds of extraction (bench/oversized_pages.py).
MAX_ELEMENTS = 50_000
OVERSIZED = "oversized"  # why a page was not extracted (PageAnalysis.unread, captures.unread)


def element_count(tree: Any) -> int:
    """The HTML elements of a parsed page (comments and processing instructions too): tens of ms for 300,000."""
    return 0 if tree is None else sum(1 for _ in tree.iter())
