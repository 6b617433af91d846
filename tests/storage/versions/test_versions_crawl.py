"""End to end: article histories from six real crawls of the simulated news web.

One article is edited three times (a correction appended, a new title, a
reworded paragraph), one is deleted, one redirected to its outlet's home page,
and the rest are left alone; every crawl after the first re-checks every
archived page (``-a recheck=all``). The tests then read the archive's versions.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storage.archive import Archive
from tests.helpers.cli import newsarchive
from tests.helpers.crawl import run_crawl

CRAWLS = 6
CORRECTION = "Correction: an earlier version of this article misstated the date of the council vote."
NEW_TITLE = "Council delays its vote after a late objection"


NEWSWEB = {"seed": 11, "articles_per_outlet": 2}  # options of the `web` fixture (conftest.py)


@pytest.fixture(scope="module")
def roles(web) -> dict[str, str]:
    """Which article plays which part: edited, unchanged, deleted, redirected."""
    syndicated = {copy.url for copy in web.syndicated}
    own = [url for url in web.article_urls() if url not in syndicated]
    by_outlet: dict[str, list[str]] = {}
    for url in own:
        by_outlet.setdefault(web.article(url).outlet, []).append(url)
    outlets = sorted(by_outlet)
    return {
        "edited": by_outlet[outlets[0]][0],
        "unchanged": by_outlet[outlets[1]][0],
        "deleted": by_outlet[outlets[2]][0],
        "redirected": by_outlet[outlets[3 % len(outlets)]][-1],
    }


@pytest.fixture(scope="module")
def history(web, roles, tmp_path_factory) -> dict:
    """Crawl six times, changing the web between crawls; returns the archive dir and the edits made."""
    root = tmp_path_factory.mktemp("versions")
    seeds = root / "seeds.toml"
    seeds.write_text(web.seed_toml(), encoding="utf-8")
    archive_dir = root / "archive"
    edited = roles["edited"]
    original = web.article(edited)
    articles = web.article_urls()  # before the redirect "moves" an article onto a home page URL
    reworded = original.paragraphs[1].replace(" the ", " the whole ", 1)
    assert reworded != original.paragraphs[1]
    changes = {
        2: lambda: web.edit_article(edited, append_paragraph=CORRECTION),
        3: lambda: (web.delete_article(roles["deleted"]),
                    web.redirect_article(roles["redirected"], web.outlet(web.article(roles["redirected"]).outlet).home)),
        4: lambda: web.edit_article(edited, new_title=NEW_TITLE),
        6: lambda: web.edit_article(edited, new_paragraphs=[original.paragraphs[0], reworded,
                                                            *original.paragraphs[2:], CORRECTION]),
    }
    for number in range(1, CRAWLS + 1):
        if number in changes:
            changes[number]()
        run_crawl(archive_dir, seeds, web.proxy_url, args={} if number == 1 else {"recheck": "all"})
    return {"archive_dir": archive_dir, "original": original, "reworded": reworded, "articles": articles}


def versions(history: dict, url: str):
    with Archive(archive_dir=history["archive_dir"], create=False) as archive:
        return archive.versions(url)


def test_article_edited_three_times_has_four_versions_with_the_right_changes(history, roles) -> None:
    v1, v2, v3, v4 = versions(history, roles["edited"])
    assert [v.state for v in (v1, v2, v3, v4)] == ["ok"] * 4
    assert v2.change_summary["paragraphs_added"] == 1 and v2.change_summary["paragraphs_removed"] == 0
    assert [n["kind"] for n in v2.change_summary["notes"]] == ["correction"]
    assert v3.change_summary["title"] == {"before": history["original"].title, "after": NEW_TITLE}
    assert v3.change_summary["paragraphs_added"] == v3.change_summary["paragraphs_edited"] == 0
    assert v4.change_summary["paragraphs_edited"] == 1 and v4.change_summary["title_changed"] is False
    assert v4.change_summary["chars_added"] == len("whole") and v4.change_summary["chars_removed"] == 0


def test_diff_of_the_edited_article_shows_the_changed_words(history, roles) -> None:
    with Archive(archive_dir=history["archive_dir"], create=False) as archive:
        last = archive.diff(roles["edited"])
        [edit] = last.changed
        assert edit.kind == "edited" and ("insert", "whole") in edit.segments
        first_to_last = archive.diff(roles["edited"], old=1, new=4)
    assert ("insert", CORRECTION) in [s for p in first_to_last.changed for s in p.segments]
    result = newsarchive("--archive-dir", str(history["archive_dir"]), "diff", roles["edited"],
                                       "--from", "2", "--to", "3", "--no-color")
    assert result.exit_code == 0, result.output
    assert "Title: " in result.output and "{+" in result.output and "[-" in result.output


def test_unchanged_articles_rechecked_five_times_keep_one_version(history, roles) -> None:
    changed = set(roles.values())
    with Archive(archive_dir=history["archive_dir"], create=False) as archive:
        assert len(archive.captures(roles["unchanged"])) == CRAWLS
        assert len(archive.versions(roles["unchanged"])) == 1
        for url in history["articles"]:
            if url not in changed:
                assert len(archive.versions(url)) == 1, url


def test_deleted_article_ends_removed_once(history, roles) -> None:
    *texts, last = versions(history, roles["deleted"])
    assert [v.state for v in texts] == ["ok"]
    assert last.state == "removed" and last.change_summary["status"] == 404
    assert last.change_summary["last_text_version"] == 1


def test_redirected_article_ends_redirected_to_the_home_page(history, roles, web) -> None:
    *texts, last = versions(history, roles["redirected"])
    assert [v.state for v in texts] == ["ok"]
    assert last.state == "redirected" and last.change_summary["to_home"] is True
    assert last.change_summary["target"].rstrip("/") == web.outlet(texts[0].outlet).home.rstrip("/")


def test_changes_lists_exactly_the_articles_that_changed(history, roles) -> None:
    result = newsarchive("--archive-dir", str(history["archive_dir"]), "changes",
                                       "--since", "2000-01-01", "--json")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert {row["url"] for row in rows} == {roles["edited"], roles["deleted"], roles["redirected"]}
    edited = next(row for row in rows if row["url"] == roles["edited"])
    assert edited["new_versions"] == 3 and edited["versions"] == 4


def test_show_after_removal_names_the_last_text_version(history, roles) -> None:
    result = newsarchive("--archive-dir", str(Path(history["archive_dir"])), "show", roles["deleted"])
    assert result.exit_code == 0, result.output
    assert "removed (HTTP 404)" in result.output and "last text is version 1" in result.output
