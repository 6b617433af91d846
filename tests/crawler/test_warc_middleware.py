"""WarcMiddleware settings, and crawls with Scrapy's stock download handler and HTTP cache."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from crawler.middlewares.warc import WarcMiddleware, warcinfo_fields
from tests.helpers.crawl import run_probe_crawl
from tests.newsweb.probe import CHUNKS, serve
from tests.helpers.warcs import read_file


def test_warc_enabled_false_turns_the_middleware_off(tmp_path: Path) -> None:
    with pytest.raises(NotConfigured):
        WarcMiddleware.from_crawler(get_crawler(settings_dict={"WARC_ENABLED": False, "ARCHIVE_DIR": str(tmp_path)}))
    middleware = WarcMiddleware.from_crawler(get_crawler(settings_dict={"ARCHIVE_DIR": str(tmp_path), "WARC_PREFIX": "x/y"}))
    assert middleware.warcs_dir == tmp_path / "warcs"
    assert middleware.writer.prefix == "x_y"
    assert middleware.writer.max_size == 1_000_000_000


def test_warcinfo_robots_field_uses_the_specs_values() -> None:
    """WARC 1.1 names the robots policy ``classic`` (obeyed) or ``ignore``."""
    obeying = warcinfo_fields(get_crawler(settings_dict={"ROBOTSTXT_OBEY": True}).settings)
    ignoring = warcinfo_fields(get_crawler(settings_dict={"ROBOTSTXT_OBEY": False}).settings)
    assert (obeying["robots"], ignoring["robots"]) == ("classic", "ignore")


def test_stock_handler_gets_standard_phrase_and_plain_dechunked_body(tmp_path: Path) -> None:
    with serve() as base:
        result = run_probe_crawl(tmp_path, base, pages="reason,chunked", revisits="0", settings={"DOWNLOAD_HANDLERS": "{}"})
    responses = {
        r.warc.get_header("WARC-Target-URI").rsplit("/", 1)[1]: r
        for path in result.warcs_dir.iterdir()
        for r in read_file(path)
        if r.type == "response"
    }
    assert responses["reason"].http.statusline == "200 OK"
    assert responses["chunked"].payload == b"".join(CHUNKS)
    assert responses["chunked"].http_values("Transfer-Encoding") == []
    assert responses["chunked"].http_values("Content-Length") == []
    assert all(line["warc"] for line in result.lines)


def test_cache_hits_are_not_archived_again(tmp_path: Path) -> None:
    cache = {"HTTPCACHE_ENABLED": "True", "HTTPCACHE_DIR": str(tmp_path / "cache")}
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    with serve() as base:
        first = run_probe_crawl(tmp_path / "one", base, pages="search?q=a", revisits="0", settings=cache)
        second = run_probe_crawl(tmp_path / "two", base, pages="search?q=a", revisits="0", settings=cache)
    assert first.closed["stats"]["warc/records"] == 2
    assert first.lines[0]["warc"] is not None
    assert "warc/records" not in second.closed["stats"]
    assert second.closed["stats"]["warc/skipped"] == 1
    assert second.lines[0]["warc"] is None
