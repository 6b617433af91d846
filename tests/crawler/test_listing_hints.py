"""An article must not depend on which request of it was fetched, nor which process fetched it (issue 39).

The simulated web here has articles that do not declare themselves (no
``og:type``, no JSON-LD, no article pattern): only a feed or sitemap listing
makes them articles. Each is also linked from its outlet's start page, so the
request that reaches the network may be the start page's, unlisted. Every
article must still be archived, with a version and a re-check schedule, by one
process and by three sharing a Redis frontier, crawl after crawl.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from crawler.discovery.hint_board import HintBoard, RedisHintBoard
from tests.helpers.captures import scalars_of, scratch_schema
from tests.helpers.cli import newsarchive
from tests.helpers.crawl import run_crawl, start_crawl
from tests.newsweb import NewsWeb

DISTRIBUTED_ROUNDS = 3
ARTICLES_PER_OUTLET = 12


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def assert_every_article_archived(db_url: str, urls: set[str]) -> None:
    """Every article URL is a page with a version and a re-check schedule; none was fetched without a verdict."""
    pages = set(scalars_of(db_url, "SELECT url FROM pages"))
    versioned = set(scalars_of(db_url, "SELECT DISTINCT p.url FROM pages p JOIN versions v ON v.page_id = p.id"))
    scheduled = set(scalars_of(db_url, "SELECT p.url FROM pages p JOIN page_schedule s ON s.page_id = p.id"))
    fetched = set(scalars_of(db_url, "SELECT fetched_url FROM captures"))
    missing = sorted(urls - pages)
    unversioned = sorted(urls - versioned)
    unscheduled = sorted(urls - scheduled)
    fetched_without_verdict = sorted((urls & fetched) - versioned)
    assert (missing, unversioned, unscheduled, fetched_without_verdict) == ([], [], [], [])


@pytest.fixture(scope="module")
def undeclared_web() -> Iterator[NewsWeb]:
    with NewsWeb(seed=21, articles_per_outlet=ARTICLES_PER_OUTLET, undeclared=True) as web:
        yield web


def test_one_process_archives_every_listed_article_whichever_link_came_first(undeclared_web: NewsWeb,
                                                                          tmp_path: Path) -> None:
    seeds = tmp_path / "seeds.toml"
    seeds.write_text(undeclared_web.seed_toml(), encoding="utf-8")
    run_crawl(tmp_path / "archive", seeds, undeclared_web.proxy_url, args={"recheck": "no"})
    db_url = f"sqlite:///{tmp_path / 'archive' / 'archive.sqlite3'}"
    assert_every_article_archived(db_url, set(undeclared_web.article_urls()))
    # A page judged no article before its listing came is counted per outlet, and `health` shows the count.
    [run] = json_lines(newsarchive("--db", db_url, "runs", "--json").stdout)
    by_outlet = {name: figures.get("not_article", 0) for name, figures in run["outlets"].items()}
    assert sum(by_outlet.values()) == run["counts"].get("archive/not-article", 0)
    health = {entry["outlet"]: entry["not_article"] for entry in
              json_lines(newsarchive("--db", db_url, "health", "--json").stdout)}
    assert health == by_outlet


def test_three_processes_archive_every_article_every_time(undeclared_web: NewsWeb, pg_url: str, redis_url: str,
                                                         tmp_path: Path) -> None:
    seeds = tmp_path / "seeds.toml"
    seeds.write_text(undeclared_web.seed_toml(), encoding="utf-8")
    urls = set(undeclared_web.article_urls())
    for round_number in range(DISTRIBUTED_ROUNDS):
        prefix = f"natest-hints-{uuid.uuid4().hex[:10]}"
        settings = {"REDIS_URL": redis_url, "REDIS_KEY_PREFIX": prefix, "MAX_IDLE_TIME_BEFORE_CLOSE": "4",
                    "CONCURRENT_REQUESTS": "4"}
        with scratch_schema(pg_url, f"test_hints_{round_number}") as db_url:
            processes = [start_crawl(tmp_path / f"archive-{round_number}", seeds, undeclared_web.proxy_url,
                                     db_url=db_url, settings=settings, args={"recheck": "no"}) for _ in range(3)]
            for process in processes:
                _, stderr = process.communicate(timeout=300)
                assert process.returncode == 0, stderr[-4000:]
            assert_every_article_archived(db_url, urls)
            assert_one_crawl_adding_up(db_url, [process.pid for process in processes])


def assert_one_crawl_adding_up(db_url: str, pids: list[int]) -> None:
    """`newsarchive runs` shows the three processes as one crawl whose figures are their sums (issue 39)."""
    [crawl] = json_lines(newsarchive("--db", db_url, "runs", "--json").stdout)
    assert sorted(process["pid"] for process in crawl["processes"]) == sorted(pids)
    assert {process["crawl_id"] for process in crawl["processes"]} == {crawl["id"]}
    assert crawl["exit_status"] == 0 and all(process["finished_at"] for process in crawl["processes"])
    for figure in ("downloader/response_count", "archive/new", "archive/not-article"):
        assert crawl["counts"].get(figure, 0) == sum(p["counts"].get(figure, 0) for p in crawl["processes"]), figure
    first_versions = scalars_of(db_url, "SELECT count(*) FROM versions WHERE seq = 1")[0]
    assert crawl["counts"]["archive/new"] == first_versions  # each page new once, whichever process fetched it


# -- the board itself: a listing and a "no article" verdict, whichever comes second, fetch the page again, once -------


@pytest.fixture(params=["local", "redis"])
def board(request: pytest.FixtureRequest) -> Iterator[HintBoard]:
    if request.param == "local":
        yield HintBoard()
        return
    client = redis.Redis.from_url(request.getfixturevalue("redis_url"))
    key = f"natest-board-{uuid.uuid4().hex[:10]}"
    try:
        yield RedisHintBoard(client, key)
    finally:
        client.delete(key)
        client.close()


URL = "http://daily.example/p/1234"


def test_a_listing_posted_before_the_fetch_reaches_the_request(board: HintBoard) -> None:
    assert board.post(URL, listed=False) is False
    assert board.post(URL, listed=True, hints={"title": "Harbour vote"}) is False  # nothing judged yet
    assert board.take(URL, listed=False) == (True, {"title": "Harbour vote"})


def test_a_listing_after_a_no_article_verdict_asks_for_the_page_once(board: HintBoard) -> None:
    assert board.take(URL, listed=False) == (False, {})
    assert board.rejected(URL) is False  # nobody listed it (yet)
    assert board.post(URL, listed=True) is True
    assert board.post(URL, listed=True) is False  # once is enough


def test_a_verdict_after_the_listing_asks_for_the_page_once(board: HintBoard) -> None:
    assert board.post(URL, listed=True) is False
    assert board.rejected(URL) is True
    assert board.rejected(URL) is False


def test_an_unlisted_page_nobody_lists_is_left_as_judged(board: HintBoard) -> None:
    assert board.post(URL, listed=False, hints={"title": "A section"}) is False
    assert board.rejected(URL) is False
    assert board.take(URL, listed=False) == (False, {"title": "A section"})
