"""End to end: re-checks that meet walls instead of articles, and the articles coming back.

Three real crawls of the simulated news web. The second re-checks every page
while seven articles answer with a wall (tests/newsweb/walls.py: consent walls
in English and German served with 200, Cloudflare's and AWS WAF's challenges,
Akamai's "Access Denied", a login wall, a maintenance page) and one article is
really edited; in the third the walls are down and the pages are as before.
"""

from __future__ import annotations

import json
import shutil

import pytest

from storage.archive import Archive
from tests.helpers.cli import newsarchive
from tests.helpers.crawl import run_crawl
from tests.newsweb.walls import WALLS

NEWSWEB = {"seed": 34, "articles_per_outlet": 3}
EDIT = "Update: the council confirmed on Thursday evening that the vote will take place next week."


@pytest.fixture(scope="module")
def walled(web) -> dict[str, str]:
    """Which article answers with which wall in the second crawl, and which one is edited."""
    syndicated = {copy.url for copy in web.syndicated}
    own = [url for url in web.article_urls() if url not in syndicated]
    assert len(own) > len(WALLS) + 1
    roles = dict(zip(WALLS, own, strict=False))
    assert len(roles) == len(WALLS)
    roles["edited"] = next(url for url in own if url not in roles.values())
    return roles


@pytest.fixture(scope="module")
def crawls(web, walled, tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("walls")
    seeds = root / "seeds.toml"
    seeds.write_text(web.seed_toml(), encoding="utf-8")
    archive_dir = root / "archive"
    run_crawl(archive_dir, seeds, web.proxy_url)
    for name in WALLS:
        web.wall_article(walled[name], name)
    web.edit_article(walled["edited"], append_paragraph=EDIT)
    walled_crawl = run_crawl(archive_dir, seeds, web.proxy_url, args={"recheck": "all"})
    health = [json.loads(line) for line in newsarchive("--archive-dir", str(archive_dir), "health", "--json")
              .stdout.splitlines()]
    for name in WALLS:
        web.wall_article(walled[name], None)
    run_crawl(archive_dir, seeds, web.proxy_url, args={"recheck": "all"})
    return {"archive_dir": archive_dir, "summary": walled_crawl.stderr, "health": health}


def test_walls_make_no_version_and_no_removal_and_the_history_goes_on(crawls, walled, web) -> None:
    with Archive(archive_dir=crawls["archive_dir"], create=False) as archive:
        for name, wall in WALLS.items():
            url = walled[name]
            versions = archive.versions(url)
            assert [(v.version, v.state) for v in versions] == [(1, "ok")], name
            assert versions[0].text == web.article(url).text
            blocked = [c.blocked for c in archive.captures(url)]
            assert blocked == [None, wall.kind, None], name
        edited = archive.versions(walled["edited"])
        assert [v.state for v in edited] == ["ok", "ok"] and edited[-1].text.endswith(EDIT)


def test_no_page_of_the_crawls_gained_a_false_version_or_a_removal(crawls, walled, web) -> None:
    with Archive(archive_dir=crawls["archive_dir"], create=False) as archive:
        histories = {url: archive.versions(url) for url in web.article_urls()}
    states = [v.state for versions in histories.values() for v in versions]
    assert set(states) == {"ok"}
    changed = sorted(url for url, versions in histories.items() if len(versions) > 1)
    assert changed == [walled["edited"]]


def test_the_crawl_summary_counts_blocked_captures_by_kind(crawls) -> None:
    kinds: dict[str, int] = {}
    for wall in WALLS.values():
        kinds[wall.kind] = kinds.get(wall.kind, 0) + 1
    expected = " · ".join(f"{kind} {count}" for kind, count in sorted(kinds.items()))
    assert f"blocked    {expected} (" in crawls["summary"]


def test_health_names_the_outlets_whose_captures_were_blocked(crawls, walled, web) -> None:
    outlets = {web.article(walled[name]).outlet for name in WALLS}
    named = {entry["outlet"] for entry in crawls["health"]
             if any("blocked by walls" in problem for problem in entry["problems"])}
    assert named == outlets


def test_reindexed_from_its_warcs_the_archive_has_the_same_histories(crawls, walled, web, tmp_path) -> None:
    copy = tmp_path / "archive"
    shutil.copytree(crawls["archive_dir"], copy)
    result = newsarchive("--archive-dir", str(copy), "reindex", "--yes")
    assert result.exit_code == 0, result.output  # it ended in a traceback at the first wall, keeping the old index
    assert "walls instead of pages (blocked captures)" in result.output
    with Archive(archive_dir=copy, create=False) as archive:
        histories = {url: [(v.version, v.state, v.text) for v in archive.versions(url)] for url in web.article_urls()}
        consent = [c.blocked for c in archive.captures(walled["consent"])]
    changed = sorted(url for url, versions in histories.items() if len(versions) > 1)
    assert changed == [walled["edited"]]
    assert {state for versions in histories.values() for _, state, _ in versions} == {"ok"}
    assert consent == [None, "consent", None]
