"""Live blogs (issue 38): posts stored with their time and author; a new version says which were added, edited, deleted.

The scripted live blog (``tests/newsweb/scripted.py``) shows its newest three
posts and a "Load more" button for each older page; it is rendered by the
browser, which clicks the button until every post is shown. Between the two
crawls it gains three posts, one post is edited and one deleted, and a watch
waits for a word only a new post has. Shared by the module: the two crawls.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from storage.archive import Archive
from tests.helpers.cli import newsarchive
from storage.warc.rendered import SCREENSHOT_URI
from tests.helpers.crawl import run_crawl, warc_files
from tests.newsweb.scripted import ScriptedWeb

URL = "http://liveblog.example/live/storm"
EDITED = "Correction: the ferry to the islands was cancelled at noon, not at ten as first reported here."
NEW = [(8, "Ann Lee", "The harbour wall at Eastfield has been breached and the lifeboat crew were called out."),
       (9, "Bo Chan", "Power has been cut to about four thousand homes along the coast road, the network said."),
       (10, "Cy Moss", "A flamingo escaped from the wildlife park during the storm and was found on the pier.")]


@dataclass
class Crawled:
    web: ScriptedWeb
    archive_dir: Path
    first_posts: list[dict[str, str]]
    second: subprocess.CompletedProcess[str]


@pytest.fixture(scope="module")
def crawled(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    root = tmp_path_factory.mktemp("liveblog")
    settings = {"BROWSER_EXECUTABLE": chromium, "BROWSER_SETTLE_TIMEOUT": "1.5"}
    with ScriptedWeb() as web:
        seeds = root / "seeds.toml"
        seeds.write_text(web.seed_toml({"liveblog": "browser", "plain": "static"}, only=("liveblog", "plain")),
                         encoding="utf-8")
        archive_dir = root / "archive"
        run_crawl(archive_dir, seeds, web.proxy_url, settings=settings)
        first_posts = [dict(post) for post in web.posts]
        added = newsarchive("--archive-dir", str(archive_dir), "watch", "add", "flamingo", "flamingo")
        assert added.exit_code == 0, added.output
        for number, author, text in NEW:
            web.post(number, author, text)
        web.edit_post("post-5", EDITED)
        web.delete_post("post-2")
        second = run_crawl(archive_dir, seeds, web.proxy_url, settings={**settings, "BROWSER_FRONT_PAGES": "1"},
                           args={"recheck": "all"})
        yield Crawled(web, archive_dir, first_posts, second)


def test_every_post_is_stored_with_its_time_and_author_load_more_included(crawled: Crawled) -> None:
    with Archive(archive_dir=crawled.archive_dir) as archive:
        first = archive.versions(URL)[0]
    assert len(crawled.first_posts) == 7  # three a page: two clicks on "Load more"
    assert first.posts == crawled.first_posts
    assert "'browser/load_more_clicks': 2" in crawled.second.stderr


def test_a_new_version_names_the_posts_added_edited_and_deleted(crawled: Crawled) -> None:
    with Archive(archive_dir=crawled.archive_dir) as archive:
        versions = archive.versions(URL)
    assert len(versions) == 2
    posts = versions[1].change_summary["posts"]
    assert (posts["added"], posts["edited"], posts["deleted"]) == (3, 1, 1)
    assert posts["added_ids"] == ["post-10", "post-9", "post-8"] and posts["deleted_ids"] == ["post-2"]
    assert versions[1].posts == crawled.web.posts
    result = newsarchive("--archive-dir", str(crawled.archive_dir), "versions", URL)
    assert "3 new posts, 1 edited, 1 deleted" in result.stdout


def test_deleted_and_edited_posts_stay_in_the_history(crawled: Crawled) -> None:
    with Archive(archive_dir=crawled.archive_dir) as archive:
        old, new = archive.versions(URL)
    deleted = next(post for post in crawled.first_posts if post["id"] == "post-2")
    before_edit = next(post for post in crawled.first_posts if post["id"] == "post-5")
    assert deleted["text"] in old.text and deleted["text"] not in new.text
    assert before_edit["text"] in old.text and EDITED in new.text


def test_front_pages_are_rendered_with_a_screenshot_when_asked(crawled: Crawled) -> None:
    """The static outlet's front page: a screenshot in the second crawl (BROWSER_FRONT_PAGES) only, its articles none."""
    shots: dict[str, list[str]] = {}
    for path in warc_files(crawled.archive_dir):
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                target = record.rec_headers.get_header("WARC-Target-URI") or ""
                if target.startswith(SCREENSHOT_URI + "http://plain.example/"):
                    shots.setdefault(path.name, []).append(target.removeprefix(SCREENSHOT_URI))
    assert list(shots.values()) == [["http://plain.example/"]], shots  # one file, the second crawl's
    with Archive(archive_dir=crawled.archive_dir) as archive:
        assert archive.frontpage("plain").entries  # its links ranked from the rendered page


def test_a_watch_sees_the_new_post(crawled: Crawled) -> None:
    result = newsarchive("--archive-dir", str(crawled.archive_dir), "alerts", "--json")
    alerts = [json.loads(line) for line in result.stdout.splitlines()]
    assert [alert["url"] for alert in alerts if alert["watch"] == "flamingo"] == [URL]
