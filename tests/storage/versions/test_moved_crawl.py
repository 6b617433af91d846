"""End to end: an article that moves to a new address keeps its history there (issue 32, point 1).

An archived article answers 301 to a new URL of its outlet (a CMS slug change,
"-r2"), whose page names itself as canonical and which nothing else links. A
re-check follows the move: the old page says where the article went, the new
page where it came from, and the new page is re-checked from then on, so an
edit made there a day later is a version. ``reindex`` rebuilds the same links
from the WARCs alone. Run on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import csv
import json
from contextlib import nullcontext
from html import escape
from pathlib import Path
from urllib.parse import urlencode

import feedparser
import pyarrow.parquet as pq
import pytest
from sqlalchemy import create_engine, text

from storage.archive import Archive
from tests.helpers.captures import scratch_schema
from tests.helpers.cli import newsarchive
from tests.helpers.crawl import run_crawl
from tests.newsweb import NewsWeb
from tests.storage.search.test_watch_state import drop_previous_schema
from tests.storage.web.test_pages import get, running_app

EDIT = "Speaking on Friday, the council leader said the vote would be held again in the spring."
LINKS = ("SELECT p.url, t.url FROM pages p JOIN pages t ON t.id = p.moved_to_id")
SCHEDULE = ("SELECT p.url, s.next_check_at IS NOT NULL FROM page_schedule s JOIN pages p ON p.id = s.page_id")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def moved(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """Three crawls: the article archived; moved (301 + canonical, linked by nothing); edited at its new URL.

    A second article is redirected to a section page at the move, and stays ``redirected``.
    """
    root = tmp_path_factory.mktemp("moved")
    archive_dir = root / "archive"
    with NewsWeb(seed=32, articles_per_outlet=2) as web, _database(request, archive_dir) as db_url:
        seeds = root / "seeds.toml"
        seeds.write_text(web.seed_toml(), encoding="utf-8")
        syndicated = {copy.url for copy in web.syndicated}
        old, sectioned = [url for url in web.article_urls() if url not in syndicated][:2]
        run_crawl(archive_dir, seeds, web.proxy_url, db_url=db_url)
        new = web.move_article(old, listed=False)
        outlet = web.outlet(web.article(sectioned).outlet)
        section = outlet.url(outlet.sections[0][0])
        web.redirect_article(sectioned, section, moves=False)  # a redirect to a non-article stays a redirect
        run_crawl(archive_dir, seeds, web.proxy_url, db_url=db_url, args={"recheck": "all"})
        web.edit_article(new, append_paragraph=EDIT)
        run_crawl(archive_dir, seeds, web.proxy_url, db_url=db_url, args={"recheck": "all"})
        yield {"db_url": db_url, "archive_dir": archive_dir, "old": old, "new": new, "sectioned": sectioned,
               "section": section}
        drop_previous_schema(db_url)


def _database(request: pytest.FixtureRequest, archive_dir: Path):
    if request.param == "sqlite":
        return nullcontext(f"sqlite:///{archive_dir / 'archive.sqlite3'}")
    return scratch_schema(request.getfixturevalue("pg_url"))


def _rows(db_url: str, sql: str) -> list[tuple]:
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            return sorted(tuple(row) for row in connection.execute(text(sql)))
    finally:
        engine.dispose()


def _versions_json(moved: dict, url: str) -> list[dict]:
    result = newsarchive("--db", moved["db_url"], "--archive-dir", str(moved["archive_dir"]), "versions", url, "--json")
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def _history(moved: dict) -> dict:
    with Archive(moved["db_url"], moved["archive_dir"]) as archive:
        pages = {role: archive.versions(moved[role]) for role in ("old", "new")}
    return {role: [(v.version, v.state, v.title, v.text, v.moved_to, v.moved_from) for v in views]
            for role, views in pages.items()}


def test_an_edit_at_the_new_url_is_a_version(moved: dict) -> None:
    with Archive(moved["db_url"], moved["archive_dir"]) as archive:
        new = archive.versions(moved["new"])
        old = archive.versions(moved["old"])
    assert [v.state for v in new] == ["ok", "ok"]
    assert EDIT not in new[0].text and EDIT in new[1].text
    assert new[0].text == old[0].text  # the article as it was when it moved
    assert [v.state for v in old] == ["ok", "moved"]
    assert old[-1].change_summary["target"] == moved["new"]


def test_a_redirect_to_a_section_page_stays_a_redirect(moved: dict) -> None:
    with Archive(moved["db_url"], moved["archive_dir"]) as archive:
        *_, last = archive.versions(moved["sectioned"])
        assert (last.state, last.change_summary["target"], last.moved_to) == ("redirected", moved["section"], None)
        with running_app(archive) as app:
            page = get(app + f"/page?{urlencode({'url': moved['sectioned']})}").text
            title = archive.versions(moved["sectioned"])[0].title
    assert f'This address redirected to <a href="{moved["section"]}"' in page and "redirected here" not in page
    assert f'<h1 class="article-title">{escape(title)}</h1>' in page


def test_versions_json_links_the_two_addresses_both_ways(moved: dict) -> None:
    old, new = _versions_json(moved, moved["old"]), _versions_json(moved, moved["new"])
    assert {line["moved_to"] for line in old} == {moved["new"]}
    assert {tuple(line["moved_from"]) for line in new} == {(moved["old"],)}
    assert all(line["moved_from"] == [] for line in old) and all(line["moved_to"] is None for line in new)


def test_versions_text_says_where_the_article_went_and_came_from(moved: dict) -> None:
    args = ("--db", moved["db_url"], "--archive-dir", str(moved["archive_dir"]), "versions")
    old, new = newsarchive(*args, moved["old"]), newsarchive(*args, moved["new"])
    assert old.exit_code == new.exit_code == 0, old.output + new.output
    assert f"moved to {moved['new']}" in old.stdout
    assert f"moved from {moved['old']}" in new.stdout
    shown_old = newsarchive(*args[:-1], "show", moved["old"]).stdout
    shown_new = newsarchive(*args[:-1], "show", moved["new"], "--version", "1").stdout
    assert f"The article moved to {moved['new']}, where its history goes on. Its last text is version 1" in shown_old
    assert "moved here" not in shown_old and f"Moved from  {moved['old']}" in shown_new


def test_the_new_page_is_rechecked_and_the_old_one_no_longer(moved: dict) -> None:
    schedule = dict(_rows(moved["db_url"], SCHEDULE))
    assert schedule[moved["new"]] and not schedule[moved["old"]]


def test_export_carries_the_links_in_every_format(moved: dict, tmp_path: Path) -> None:
    args = ("--db", moved["db_url"], "--archive-dir", str(moved["archive_dir"]), "export")
    lines = [json.loads(line) for line in newsarchive(*args, "--url", moved["old"]).stdout.splitlines()]
    assert {line["moved_to"] for line in lines} == {moved["new"]}
    out = tmp_path / "versions.csv"
    assert newsarchive(*args, "--format", "csv", "-o", str(out)).exit_code == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert {row["moved_from"] for row in rows if row["url"] == moved["new"]} == {json.dumps([moved["old"]])}
    parquet = tmp_path / "versions.parquet"
    assert newsarchive(*args, "--format", "parquet", "-o", str(parquet)).exit_code == 0
    table = pq.read_table(parquet).to_pylist()
    assert {tuple(row["moved_from"]) for row in table if row["url"] == moved["new"]} == {(moved["old"],)}


def test_reading_room_links_the_two_pages_and_keeps_the_headline(moved: dict) -> None:
    with Archive(moved["db_url"], moved["archive_dir"]) as archive, running_app(archive) as app:
        old = get(app + f"/page?{urlencode({'url': moved['old']})}").text
        new = get(app + f"/page?{urlencode({'url': moved['new']})}").text
        title = archive.versions(moved["new"])[0].title
    to_new, to_old = f'href="/page?{urlencode({"url": moved["new"]})}"', f'href="/page?{urlencode({"url": moved["old"]})}"'
    assert "The article moved to <a " + to_new in old and "Moved here from <a " + to_old in new
    assert "was moved here" not in old
    h1 = f'<h1 class="article-title">{escape(title)}</h1>'
    assert h1 in old and h1 in new  # the old page's last headline, not its raw URL
    assert f"“{escape(title)}”" in old.split('class="citation"')[1].split("</p>")[0]


def test_the_atom_entry_of_the_move_carries_the_last_headline(moved: dict) -> None:
    with Archive(moved["db_url"], moved["archive_dir"]) as archive, running_app(archive) as app:
        feed = feedparser.parse(get(app + f"/changes.atom?{urlencode({'url': moved['old']})}").body)
        title = archive.versions(moved["old"])[0].title
    [entry] = feed.entries
    assert title in entry.title and moved["old"] not in entry.title


def test_reindex_rebuilds_the_same_move_and_history(moved: dict) -> None:
    before = (_history(moved), _rows(moved["db_url"], LINKS))
    assert before[1] == [(moved["old"], moved["new"])]
    result = newsarchive("--db", moved["db_url"], "--archive-dir", str(moved["archive_dir"]), "reindex", "--yes",
                         "--workers", "1")
    assert result.exit_code == 0, result.output
    assert (_history(moved), _rows(moved["db_url"], LINKS)) == before
