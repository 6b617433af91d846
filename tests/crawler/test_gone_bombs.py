"""A 404 whose body the crawl refused as too large is no removal, in the crawl or in reindex; a plain 404 is one.

Scrapy decodes every body it gets and refuses one that decodes past
DOWNLOAD_MAXSIZE, whatever its type or status: the re-check of an article
that now answers 404 with a gzip bomb labelled ``application/octet-stream``
fails (``too_large``, backed off), and the page keeps its text. The WARC
keeps the answer as sent; ``reindex`` must not read it as a removal by its
status, while an article that answers a plain 404 is removed in both.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from storage.archive import Archive
from tests.crawler.test_faults import captures_of
from tests.helpers.cli import newsarchive
from tests.helpers.crawl import run_crawl
from tests.newsweb import NewsWeb

MAX_SIZE = 1024 * 1024


@pytest.fixture(scope="module")
def crawled(tmp_path_factory) -> tuple[Path, str, str, str]:
    """(archive dir, the bombed article, the plainly deleted one, the second crawl's log)."""
    root = tmp_path_factory.mktemp("gone-bombs")
    with NewsWeb(seed=5, articles_per_outlet=2) as web:
        seeds = root / "seeds.toml"
        seeds.write_text(web.seed_toml(), encoding="utf-8")
        settings = {"DOWNLOAD_MAXSIZE": str(MAX_SIZE)}
        run_crawl(root / "archive", seeds, web.proxy_url, settings=settings)
        bombed, deleted = web.article_urls()[:2]
        web.delete_article(bombed, bomb_bytes=4 * MAX_SIZE)
        web.delete_article(deleted)
        second = run_crawl(root / "archive", seeds, web.proxy_url, settings=settings, args={"recheck": "all"})
        assert web.hits(bombed) == 2 and web.hits(deleted) == 2
    return root / "archive", bombed, deleted, second.stderr


def states(archive_dir: Path, url: str) -> list[tuple[int, str | None, str]]:
    with Archive(archive_dir=archive_dir) as archive:
        return [(v.version, v.state, v.text) for v in archive.versions(url)]


def test_the_crawl_removes_the_plain_404_and_keeps_the_bombed_page(crawled) -> None:
    archive_dir, bombed, deleted, log = crawled
    assert "DOWNLOAD_MAXSIZE" in log
    assert [state for _, state, _ in states(archive_dir, deleted)][-1] == "removed"
    assert [state for _, state, _ in states(archive_dir, bombed)] == ["ok"]


def test_reindex_agrees(crawled, tmp_path: Path) -> None:
    archive_dir, bombed, deleted, _ = crawled
    copy = tmp_path / "archive"
    shutil.copytree(archive_dir, copy)
    result = newsarchive("--archive-dir", str(copy), "reindex", "--yes", "--workers", "1")
    assert result.exit_code == 0, result.output
    for url in (bombed, deleted):
        assert states(copy, url) == states(archive_dir, url), url
    assert captures_of(copy) == captures_of(archive_dir)
