"""``-a recheck=yes|no|only|all`` end to end, and what the crawl summary says of the schedule.

One web and one archive for the module; the tests run in file order, each
crawling the archive the ones before left.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.archive import Archive
from storage.db.models import Page, PageSchedule
from storage.db.times import aware
from tests.helpers.crawl import run_crawl

NEWSWEB = {"seed": 11, "articles_per_outlet": 3}  # options of the `web` fixture (conftest.py)


@pytest.fixture(scope="module")
def site(web, tmp_path_factory):
    """(archive_dir, seeds file, the first crawl's stderr)."""
    root = tmp_path_factory.mktemp("modes")
    seeds = root / "seeds.toml"
    seeds.write_text(web.seed_toml(), encoding="utf-8")
    first = run_crawl(root / "archive", seeds, web.proxy_url)
    return root / "archive", seeds, first.stderr


def article_fetches(web) -> Counter:
    articles = set(web.article_urls())
    return Counter(entry.url for entry in web.request_log if entry.method == "GET" and entry.url in articles)


def start_page_fetches(web) -> int:
    homes = {outlet.home for outlet in web.outlets}
    return sum(1 for entry in web.request_log if entry.url in homes)


def schedule(archive_dir: Path) -> list[datetime | None]:
    with Archive(archive_dir=archive_dir) as archive:
        times = archive.read(lambda session: list(session.scalars(select(PageSchedule.next_check_at))))
    return [None if at is None else aware(at) for at in times]


def recheck_line(stderr: str) -> str:
    [line] = [line.strip() for line in stderr.splitlines() if line.strip().startswith("re-checks")]
    return line


def test_first_crawl_summary_counts_the_pages_it_scheduled(site) -> None:
    archive_dir, _, stderr = site
    scheduled = [at for at in schedule(archive_dir) if at is not None]
    assert scheduled
    line = recheck_line(stderr)
    assert re.fullmatch(rf"re-checks\s+0 due, {len(scheduled)} scheduled, next at \d{{4}}-\d\d-\d\dT[\d:.]+Z; "
                        r"`-a recheck=all` re-checks every archived page now", line), line
    next_at = datetime.fromisoformat(line.split("next at ")[1].split(";")[0].replace("Z", "+00:00"))
    assert next_at == min(scheduled)


def test_recheck_no_fetches_no_archived_page(web, site) -> None:
    archive_dir, seeds, _ = site
    web.clear_log()
    result = run_crawl(archive_dir, seeds, web.proxy_url, args={"recheck": "no"})
    assert start_page_fetches(web) > 0, "discovery still runs"
    assert not article_fetches(web), "archived pages are left to their schedule, as with the default"
    assert "re-checks" not in result.stderr


def test_bounded_recheck_all_schedules_nothing_beyond_a_year(web, site) -> None:
    archive_dir, seeds, _ = site
    web.clear_log()
    result = run_crawl(archive_dir, seeds, web.proxy_url, args={"recheck": "all"},
                       settings={"CLOSESPIDER_PAGECOUNT": "3"}, check=False)
    assert result.returncode in (0, 4), result.stderr[-3000:]  # a page limit may end it "early"
    horizon = datetime.now(UTC) + timedelta(days=366)
    late = [at for at in schedule(archive_dir) if at is not None and at > horizon]
    assert late == []
    line = recheck_line(result.stderr)
    if "next at " in line:
        assert datetime.fromisoformat(line.split("next at ")[1].split(";")[0].replace("Z", "+00:00")) < horizon


def test_recheck_all_rechecks_every_page_and_still_discovers(web, site) -> None:
    archive_dir, seeds, _ = site
    web.clear_log()
    run_crawl(archive_dir, seeds, web.proxy_url, args={"recheck": "all"})
    assert set(article_fetches(web)) == set(web.article_urls())
    assert start_page_fetches(web) > 0, "`all` is `yes` with every archived page due: discovery runs"
    assert max(article_fetches(web).values()) == 1, "a re-checked page is not fetched again by discovery"


def failing_pages(archive_dir: Path) -> dict[str, tuple[int, str | None]]:
    def query(session):
        rows = session.execute(select(Page.url, PageSchedule.failures, PageSchedule.last_failure)
                               .join(Page, Page.id == PageSchedule.page_id))
        return {url: (failures, kind) for url, failures, kind in rows}

    with Archive(archive_dir=archive_dir) as archive:
        return archive.read(query)


def test_a_failed_recheck_is_recorded_and_an_answer_clears_it(web, site) -> None:
    archive_dir, seeds, _ = site
    host = web.outlets[0].host
    down = set(web.article_urls(web.outlets[0].name))
    web.outages.begin(host, "503")
    try:
        result = run_crawl(archive_dir, seeds, web.proxy_url, args={"recheck": "all"}, check=False)
    finally:
        web.outages.end(host)
    assert "re-checks" in result.stderr, result.stderr[-3000:]
    failing = failing_pages(archive_dir)
    assert {url for url, (failures, _) in failing.items() if failures} == down
    assert {failing[url] for url in down} == {(1, "http_503")}
    run_crawl(archive_dir, seeds, web.proxy_url, args={"recheck": "all"})
    assert {failures for failures, _ in failing_pages(archive_dir).values()} == {0}
