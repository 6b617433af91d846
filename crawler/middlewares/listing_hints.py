"""Downloader middleware: an article request takes what every discovery of its URL learned, as it goes out.

The spider posts each discovery of an article URL to its hint board
(:mod:`crawler.discovery.hint_board`), duplicates included; here, just before
the request is sent, its ``listed`` mark and title/date hints are merged with
the board's. The WARC middleware then writes them into the capture record, and
the pipeline judges the page with them. Always on: it does nothing for other
requests, and a re-check already knows its page.
"""

from __future__ import annotations

from typing import Any

from scrapy import Request

from extract.urls import canonicalize_url


class ListingHintsMiddleware:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> ListingHintsMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        board = getattr(self.crawler.spider, "hint_board", None)
        if board is None or request.meta.get("role") != "article" or request.meta.get("redirect_urls"):
            return
        listed, hints = board.take(canonicalize_url(request.url), bool(request.meta.get("listed")))
        if listed and not request.meta.get("listed"):
            self.crawler.stats.inc_value("discovery/listing_merged")
        request.meta["listed"] = listed
        request.meta["hints"] = {**hints, **{k: v for k, v in request.meta.get("hints", {}).items() if v}}
