"""``newsarchive reindex``: a crawled archive's database rebuilt from its WARCs alone.

The simulated web is crawled twice, with an article edited and another deleted
in between, so the archive holds a second version, a "removed" state and
unchanged captures (revisit records where the server answered 304); deleting
the database and reindexing must give back the same versions and states.
"""

from __future__ import annotations

import json

import pytest

from storage.archive import Archive
from tests.helpers.cli import newsarchive
from tests.helpers.crawl import run_crawl
from tests.newsweb import NewsWeb

FIELDS = ("url", "outlet", "version", "title", "text", "first_seen", "last_seen", "warc_file", "warc_offset",
          "state")


def dump(archive_dir) -> list[tuple]:
    with Archive(archive_dir=archive_dir, create=False) as archive:
        return sorted(tuple(getattr(v, f) for f in FIELDS) for v in archive.export())


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    root = tmp_path_factory.mktemp("reindex")
    with NewsWeb(seed=11, articles_per_outlet=4) as web:
        seeds = root / "seeds.toml"
        seeds.write_text(web.seed_toml(), encoding="utf-8")
        run_crawl(root / "archive", seeds, web.proxy_url)
        articles = web.article_urls()
        edited, deleted = articles[2], articles[3]
        web.edit_article(edited, append_paragraph="Update: the council confirmed the figures on Tuesday evening.")
        web.delete_article(deleted, status=410)
        # Re-check every archived page now: conditional requests, so unchanged pages become revisits.
        run_crawl(root / "archive", seeds, web.proxy_url, args={"recheck": "all"})
        return root / "archive", seeds, edited, deleted, articles


def test_reindex_after_deleting_the_database_gives_the_same_versions(crawled) -> None:
    archive_dir, seeds, edited, deleted, articles = crawled
    before = dump(archive_dir)
    assert {row[0] for row in before} == set(articles)
    assert [row[2] for row in before if row[0] == edited] == [1, 2]
    assert [row[-1] for row in before if row[0] == deleted] == ["ok", "removed"]
    with Archive(archive_dir=archive_dir, create=False) as archive:
        assert archive.stats().revisits > 0  # the re-check crawl's 304s, resolved again by reindex
    for path in archive_dir.glob("archive.sqlite3*"):
        path.unlink()

    result = newsarchive("--archive-dir", str(archive_dir), "reindex", "--yes",
                                       "--seeds", str(seeds), "--workers", "2", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["new"] == len(articles) and summary["changed"] == 2  # the edit and the removal
    assert dump(archive_dir) == before


def test_reindex_of_an_existing_database_replaces_it_without_duplicates(crawled) -> None:
    archive_dir, seeds, *_ = crawled
    before = dump(archive_dir)
    with Archive(archive_dir=archive_dir) as archive:
        captures_before = archive.stats().captures
    result = newsarchive("--archive-dir", str(archive_dir), "reindex", "--yes",
                                       "--seeds", str(seeds), "--workers", "1")
    assert result.exit_code == 0, result.output
    assert dump(archive_dir) == before
    with Archive(archive_dir=archive_dir) as archive:
        assert archive.stats().captures == captures_before


def test_reindex_asks_before_dropping_the_database(crawled) -> None:
    archive_dir, seeds, *_ = crawled
    before = dump(archive_dir)
    result = newsarchive("--archive-dir", str(archive_dir), "reindex", "--seeds", str(seeds),
                                input="n\n")
    assert result.exit_code != 0
    assert "Aborted" in result.output
    assert dump(archive_dir) == before
