"""Run records and outlet health after real crawls of the simulated news web."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storage.archive import Archive
from tests.helpers.cli import newsarchive
from tests.helpers.crawl import run_crawl, warc_files
from tests.newsweb import NewsWeb


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    with NewsWeb(seed=3, articles_per_outlet=3) as web:
        good = web.outlets[0]
        ailing = web.outlets[1]
        seeds = tmp_path_factory.mktemp("runs") / "seeds.toml"
        seeds.write_text(
            f"""
[[outlet]]
name = "{good.name}"
domains = {json.dumps(good.domains)}
feeds = {json.dumps(good.feeds)}

[[outlet]]
name = "ailing"
domains = {json.dumps(ailing.domains)}
feeds = ["{ailing.url('/feeds/gone.xml')}"]
start_urls = ["{ailing.url('/private/staff-only/')}"]
""",
            encoding="utf-8",
        )
        archive_dir = seeds.parent / "archive"
        run_crawl(archive_dir, seeds, web.proxy_url)
        yield web, archive_dir, good.name


def test_a_run_leaves_a_machine_readable_record(crawled) -> None:
    web, archive_dir, good = crawled
    result = newsarchive("--archive-dir", str(archive_dir), "runs", "--json")
    assert result.exit_code == 0, result.stderr
    [run] = [json.loads(line) for line in result.stdout.splitlines()]
    assert run["finish_reason"] == "finished"
    assert run["started_at"] < run["finished_at"]
    assert run["counts"]["archive/new"] == len(web.article_urls(good))
    assert run["errors"]["http_404"] >= 1
    assert sorted(run["warc_files"]) == [p.name for p in warc_files(archive_dir)]
    assert run["outlets"][good]["feed_entries"] >= len(web.article_urls(good))


def test_health_flags_the_outlet_whose_feed_fails_and_robots_forbid(crawled) -> None:
    _, archive_dir, good = crawled
    result = newsarchive("--archive-dir", str(archive_dir), "health", "--json")
    assert result.exit_code == 1
    report = {entry["outlet"]: entry for entry in map(json.loads, result.stdout.splitlines())}
    assert report[good]["status"] == "ok"
    problems = " | ".join(report["ailing"]["problems"])
    assert "feeds failed" in problems
    assert "robots.txt now forbids" in problems


def test_health_sees_extractions_turning_short(tmp_path: Path) -> None:
    from tests.helpers.captures import article, capture, hours

    with Archive(archive_dir=tmp_path / "archive", create=True) as archive:
        archive.ensure_outlet("daily", ["daily.example"])
        long_text = " ".join(["A full paragraph of real reporting."] * 40)
        for n in range(30):
            archive.record_capture(capture(f"https://daily.example/a{n}", hours(n)), article(f"{n} {long_text}"))
        for n in range(30, 42):
            archive.record_capture(capture(f"https://daily.example/a{n}", hours(n)), article(f"Subscribe now {n}."))
        [entry] = archive.health()
    assert entry.status == "attention"
    assert "far shorter than usual" in entry.problems[0]
