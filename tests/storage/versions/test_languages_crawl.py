"""End to end in 21 languages: three real crawls of an evolving multilingual web (tests/newsweb/polyglot.py).

Crawl 1 archives each story as published; crawl 2 re-checks it with fresh
clutter inside the article (a stamp, a read-also line, a view counter); crawl 3
with fresh clutter, the story's real edit and its correction, clarification or
update note. Each story must end with exactly two versions: no false version,
every edit found, every note recognised with its kind.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from storage.archive import Archive
from tests.helpers.crawl import run_crawl
from tests.newsweb.languages import STORIES, edited
from tests.newsweb.polyglot import CLUTTERED, EDITED, PUBLISHED, PolyglotWeb, article_url

LANGUAGES = sorted(STORIES)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("polyglot")
    seeds = root / "seeds.toml"
    with PolyglotWeb(LANGUAGES) as web:
        seeds.write_text(web.seed_toml(), encoding="utf-8")
        for number in (PUBLISHED, CLUTTERED, EDITED):
            web.round = number
            run_crawl(root / "archive", seeds, web.proxy_url, args={} if number == PUBLISHED else {"recheck": "all"})
    return root / "archive"


def test_at_least_15_languages_are_crawled() -> None:
    assert len(LANGUAGES) >= 15


@pytest.mark.parametrize("language", LANGUAGES)
def test_clutter_makes_no_version_and_the_edit_and_note_make_one(crawled: Path, language: str) -> None:
    story = STORIES[language]
    with Archive(archive_dir=crawled, create=False) as archive:
        url = article_url(language)
        first, second = archive.versions(url)
        assert len(archive.captures(url)) == 3
    story_lines = {*story.paragraphs, *edited(story), story.note}
    clutter = [line for line in second.text.splitlines() if line.strip() and line not in story_lines]
    assert clutter, "the clutter reached the stored text"
    summary = second.change_summary
    assert (summary["paragraphs_edited"], summary["paragraphs_added"], summary["paragraphs_removed"]) == (1, 1, 0)
    assert summary["notes"] == [{"kind": story.note_kind, "text": story.note}]
    assert first.text.split("\n\n") == list(story.paragraphs)
