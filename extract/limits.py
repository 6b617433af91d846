"""How big a page extraction takes on: a page past the cap is archived but not extracted.

trafilatura's time grows faster than the page it reads (bench/oversized_pages.py),
and a crawl cannot stop inside it. The crawl (``EXTRACT_MAX_ELEMENTS``), ingest
and reindex apply the same cap, through :func:`extract.page.analyse_page`.
"""

# Elements an article page may have to be extracted: some 20 times the biggest page of the dev sets (2,306
# in tests/data), and a few seconds of extraction (bench/oversized_pages.py).
MAX_ELEMENTS = 50_000
OVERSIZED = "oversized"  # why a page was not extracted (PageAnalysis.unread, captures.unread)
