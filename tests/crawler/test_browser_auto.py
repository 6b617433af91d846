"""``render = "auto"`` (issue 38): an outlet whose pages need scripts is found out and rendered from then on.

The API-text outlet (its article pages declare an article but show a teaser
without their script), a plain outlet (text in the HTML) and a Japanese one
(a complete brief shorter in characters than an English teaser) are crawled with
the default ``render``, twice; a third crawl of the plain outlet alone must not
start a browser at all. Shared by the module: the three crawls.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from storage.archive import Archive
from tests.helpers.cli import newsarchive
from tests.helpers.crawl import run_crawl
from tests.newsweb.scripted import ScriptedWeb


@dataclass
class Crawled:
    web: ScriptedWeb
    archive_dir: Path
    first: subprocess.CompletedProcess[str]
    second: subprocess.CompletedProcess[str]
    static_only: subprocess.CompletedProcess[str]


@pytest.fixture(scope="module")
def crawled(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    root = tmp_path_factory.mktemp("auto")
    settings = {"BROWSER_EXECUTABLE": chromium, "BROWSER_SETTLE_TIMEOUT": "1.5"}
    with ScriptedWeb() as web:
        seeds = root / "seeds.toml"
        seeds.write_text(web.seed_toml(only=("apitext", "plain", "nihon")), encoding="utf-8")
        archive_dir = root / "archive"
        first = run_crawl(archive_dir, seeds, web.proxy_url, settings=settings)
        second = run_crawl(archive_dir, seeds, web.proxy_url, settings=settings, args={"recheck": "all"})
        plain = root / "plain.toml"
        plain.write_text(web.seed_toml(only=("plain",)), encoding="utf-8")
        static_only = run_crawl(root / "plain-archive", plain, web.proxy_url, settings=settings)
        yield Crawled(web, archive_dir, first, second, static_only)


def outlets(archive_dir: Path) -> dict[str, dict]:
    result = newsarchive("--archive-dir", str(archive_dir), "outlets", "--json")
    assert result.exit_code == 0, result.output
    return {row["name"]: row for row in map(json.loads, result.stdout.splitlines())}


def test_an_outlet_whose_pages_need_scripts_is_rendered_from_then_on(crawled: Crawled) -> None:
    web = crawled.web
    with Archive(archive_dir=crawled.archive_dir) as archive:
        for slug, story in web.stories["apitext.example"].items():
            versions = archive.versions(web.url("apitext.example", slug))
            assert len(versions) == 1, [v.text[:100] for v in versions]  # never the teaser as a version
            assert versions[0].text.split("\n\n")[-1] == story.paragraphs[-1]
    warnings = [line for line in crawled.first.stderr.splitlines() if "shows its text only with scripts" in line]
    assert len(warnings) == 1 and warnings[0].split("WARNING: ")[1].startswith("apitext: ")
    assert "'browser/fetched_again': 2" in crawled.first.stderr
    assert "browser/fetched_again" not in crawled.second.stderr  # rendered from the start
    assert "'browser/pages'" in crawled.second.stderr


def test_outlets_and_health_say_how_each_outlet_is_fetched(crawled: Crawled) -> None:
    listed = outlets(crawled.archive_dir)
    assert listed["apitext"]["render"].startswith("auto: browser since 20")
    assert listed["plain"]["render"] == "auto: static"
    health = newsarchive("--archive-dir", str(crawled.archive_dir), "health", "--json")
    rows = {row["outlet"]: row for row in map(json.loads, health.stdout.splitlines())}
    assert rows["apitext"]["render"] == listed["apitext"]["render"] and rows["plain"]["render"] == "auto: static"
    table = newsarchive("--archive-dir", str(crawled.archive_dir), "outlets")
    assert "RENDER" in table.stdout and "auto: browser since" in table.stdout


def test_a_static_outlet_never_starts_the_browser(crawled: Crawled) -> None:
    assert "playwright/" not in crawled.static_only.stderr and "browser/" not in crawled.static_only.stderr
    assert "Starting download handler" not in crawled.static_only.stderr  # Playwright itself never started
    with Archive(archive_dir=crawled.archive_dir.parent / "plain-archive") as archive:
        assert len(archive.known_urls()) == len(crawled.web.stories["plain.example"])


def test_reindex_keeps_the_versions_and_what_it_learned_about_the_outlet(crawled: Crawled, tmp_path: Path) -> None:
    copy = tmp_path / "archive"
    shutil.copytree(crawled.archive_dir / "warcs", copy / "warcs")
    result = newsarchive("--archive-dir", str(copy), "reindex", "--yes", "--workers", "1")
    assert result.exit_code == 0, result.output
    with Archive(archive_dir=crawled.archive_dir) as before, Archive(archive_dir=copy) as after:
        urls = sorted(before.known_urls())
        assert sorted(after.known_urls()) == urls
        for url in urls:
            assert [v.text for v in after.versions(url)] == [v.text for v in before.versions(url)], url
    assert outlets(copy)["apitext"]["render"] == outlets(crawled.archive_dir)["apitext"]["render"]


def test_a_short_complete_article_in_japanese_stays_static(crawled: Crawled) -> None:
    """228 characters of Japanese read like some 700 Latin letters: no teaser, whatever scripts the page runs."""
    web = crawled.web
    assert outlets(crawled.archive_dir)["nihon"]["render"] == "auto: static"
    with Archive(archive_dir=crawled.archive_dir) as archive:
        [version] = archive.versions(web.url("nihon.example", "minato-bridge"))
    assert version.text == "\n\n".join(web.story("nihon.example", "minato-bridge").paragraphs)
    assert "nihon: " not in crawled.first.stderr  # no "shows its text only with scripts" warning for it
