"""A re-check of one outlet's article that now redirects to another outlet's article.

An article of one outlet of the simulated web is archived; days later (the
crawl's clock, libfaketime) it answers 301 to an address of another outlet that
no feed, sitemap or page links. The re-check marks the archived page
``redirected`` and stays with it; the page it reached is the other outlet's,
and is filed under that outlet too, judged by its rules, so the article is not
lost. ``reindex`` rebuilds the same tables from the WARCs.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.helpers.clock import FakeClock
from tests.helpers.cli import newsarchive
from tests.helpers.crawl import run_crawl
from tests.helpers.warcs import read_file
from tests.newsweb import NewsWeb

VERSIONS = ("SELECT p.url, o.name, v.seq, v.state, v.title FROM versions v JOIN pages p ON p.id = v.page_id "
            "JOIN outlets o ON o.id = p.outlet_id")
CAPTURES = ("SELECT p.url, o.name, c.warc_record_id, c.status, c.fetched_url FROM captures c "
            "JOIN pages p ON p.id = c.page_id JOIN outlets o ON o.id = p.outlet_id")


@pytest.fixture(scope="module")
def crawled(fake_clock: FakeClock, tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("recheck-elsewhere")
    archive_dir = root / "archive"
    with NewsWeb(seed=35, articles_per_outlet=2) as web:
        seeds = root / "seeds.toml"
        seeds.write_text(web.seed_toml(), encoding="utf-8")
        syndicated = {copy.url for copy in web.syndicated}
        old = next(url for url in web.article_urls() if url not in syndicated)
        article = web.article(old)
        other = next(outlet for outlet in web.outlets if outlet.name != article.outlet)
        target = other.url(other.article_path("harbour-partner-story", article.published, 900035))
        run_crawl(archive_dir, seeds, web.proxy_url)
        web.redirect_article(old, target, listed=False)  # no feed, sitemap or page links it
        later = datetime.now(UTC) + timedelta(days=8)
        result = run_crawl(archive_dir, seeds, web.proxy_url, args={"recheck": "all"}, env=fake_clock.env(later))
        yield {"archive_dir": archive_dir, "old": old, "old_outlet": article.outlet, "target": target,
               "other": other.name, "title": article.title, "stderr": result.stderr}


def _rows(archive_dir: Path, sql: str) -> list[tuple]:
    engine = create_engine(f"sqlite:///{archive_dir / 'archive.sqlite3'}")
    try:
        with engine.connect() as connection:
            return sorted(tuple(row) for row in connection.execute(text(sql)))
    finally:
        engine.dispose()


def test_the_recheck_files_the_other_outlets_page_under_it(crawled: dict) -> None:
    versions = _rows(crawled["archive_dir"], VERSIONS)
    old = [row for row in versions if row[0] == crawled["old"]]
    assert [(outlet, state) for _, outlet, _, state, _ in old] == [(crawled["old_outlet"], "ok"),
                                                                     (crawled["old_outlet"], "redirected")]
    target = [row for row in versions if row[0] == crawled["target"]]
    assert target == [(crawled["target"], crawled["other"], 1, "ok", crawled["title"])], crawled["stderr"][-3000:]
    captures = [row for row in _rows(crawled["archive_dir"], CAPTURES) if row[4] == crawled["target"]]
    assert sorted((url, outlet) for url, outlet, *_ in captures) == sorted(
        [(crawled["old"], crawled["old_outlet"]), (crawled["target"], crawled["other"])])


def test_reindex_rebuilds_the_same_tables(crawled: dict, tmp_path: Path) -> None:
    copy = tmp_path / "archive"
    shutil.copytree(crawled["archive_dir"], copy)
    before = (_rows(copy, VERSIONS), _rows(copy, CAPTURES))
    assert any(row[0] == crawled["target"] for row in before[0])
    result = newsarchive("--archive-dir", str(copy), "reindex", "--yes", "--workers", "1")
    assert result.exit_code == 0, result.output
    assert (_rows(copy, VERSIONS), _rows(copy, CAPTURES)) == before


def test_the_other_outlets_capture_is_a_revisit_of_the_same_response(crawled: dict) -> None:
    """Read back with warcio: the re-check's response at the other outlet's URL, then a revisit of it
    (identical payload) whose capture record names that outlet as an article fetch."""
    records = [r for path in sorted((crawled["archive_dir"] / "warcs").glob("*.warc.gz")) for r in read_file(path)]
    at_target = [r for r in records if r.warc.get_header("WARC-Target-URI") == crawled["target"]
                 and r.type in ("response", "revisit")]
    assert [r.type for r in at_target] == ["response", "revisit"]
    response, revisit = at_target
    assert revisit.warc.get_header("WARC-Refers-To") == response.warc.get_header("WARC-Record-ID")
    assert revisit.warc.get_header("WARC-Payload-Digest") == response.warc.get_header("WARC-Payload-Digest")
    described = {}
    for record in records:
        if record.type == "metadata" and record.warc.get_header("WARC-Refers-To"):
            body = json.loads(record.payload)
            described[record.warc.get_header("WARC-Refers-To")] = (body["outlet"], body["role"], body.get("page_url"))
    assert described[response.warc.get_header("WARC-Record-ID")] == (crawled["old_outlet"], "recheck", crawled["old"])
    assert described[revisit.warc.get_header("WARC-Record-ID")] == (crawled["other"], "article", None)
