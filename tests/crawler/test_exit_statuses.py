"""What `scrapy crawl news` tells cron and people: one line and a documented status for every
mistake and every failed run, the summary last on the screen (issue 15)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from crawler.exitcodes import ARCHIVE_WRITE_FAILED, BAD_INPUT, FAILED, NOTHING_FETCHED
from storage.archive import Archive
from tests.helpers.captures import scratch_schema
from tests.helpers.cli import newsarchive
from tests.helpers.crawl import ROOT, run_crawl

NEWSWEB = {"seed": 21, "articles_per_outlet": 1}  # options of the `web` fixture (conftest.py)
QUIET = {"LOG_LEVEL": "WARNING", "RETRY_TIMES": "1", "RETRY_BACKOFF_BASE": "0.1"}  # the default log level
UNREACHABLE = """
[[outlet]]
name = "{name}"
domains = ["{host}"]
feeds = ["http://www.{host}/feed.xml"]
start_urls = ["http://www.{host}/"]
"""


def lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def unreachable(tmp_path_factory) -> subprocess.CompletedProcess[str]:
    root = tmp_path_factory.mktemp("unreachable")
    seeds = root / "seeds.toml"
    seeds.write_text(UNREACHABLE.format(name="nowhere", host="nowhere.invalid")
                     + UNREACHABLE.format(name="elsewhere", host="elsewhere.invalid"), encoding="utf-8")
    return run_crawl(root / "archive", seeds, None, settings=QUIET, check=False)


def test_a_crawl_that_reached_no_outlet_fails_with_a_line_that_says_why(unreachable) -> None:
    assert unreachable.returncode == NOTHING_FETCHED, unreachable.stderr[-3000:]
    last = lines(unreachable.stderr)[-1]
    assert re.fullmatch(r"error: no outlet could be reached: \d+ DNS failures; check the network .*", last), last
    assert last.endswith("; offline, `make demo` crawls a simulated news web instead"), last  # issue 36


def test_the_summary_is_the_last_thing_on_the_screen(unreachable) -> None:
    shown = lines(unreachable.stderr)
    start = next(n for n, line in enumerate(shown) if line.startswith("newsarchive crawl finished"))
    assert len(shown) - start <= 9  # the summary and its closing line, nothing after
    assert "Dumping Scrapy stats" not in unreachable.stderr
    assert "alembic" not in unreachable.stderr.lower()
    assert "Traceback" not in unreachable.stderr


def test_each_failing_host_is_reported_once(unreachable) -> None:
    before_summary = unreachable.stderr[:unreachable.stderr.index("newsarchive crawl finished")]
    for host in ("nowhere.invalid", "elsewhere.invalid"):
        about = [line for line in lines(before_summary) if host in line]
        assert len(about) == 1, about
    assert "robots.txt" not in before_summary


@pytest.fixture
def read_only_archive(pg_url: str):
    """An archive in its own PostgreSQL schema, and a URL of a role that may only read it."""
    role = f"reader_{uuid.uuid4().hex[:10]}"
    with scratch_schema(pg_url) as url:
        with Archive(url, "unused", create=True):
            pass
        schema = make_url(url).query["options"].split("=", 1)[1]
        admin = create_engine(pg_url)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE ROLE "{role}" LOGIN'))
            connection.execute(text(f'GRANT USAGE ON SCHEMA "{schema}" TO "{role}"'))
            connection.execute(text(f'GRANT SELECT ON ALL TABLES IN SCHEMA "{schema}" TO "{role}"'))
        try:
            yield make_url(url).set(username=role).render_as_string(hide_password=False)
        finally:
            with admin.begin() as connection:
                connection.execute(text(f'DROP OWNED BY "{role}"'))
                connection.execute(text(f'DROP ROLE "{role}"'))
            admin.dispose()


def test_a_crawl_whose_every_page_failed_in_the_pipeline_fails(web, read_only_archive, tmp_path: Path) -> None:
    seeds = tmp_path / "seeds.toml"
    seeds.write_text(web.seed_toml(), encoding="utf-8")
    result = run_crawl(tmp_path / "archive", seeds, web.proxy_url, db_url=read_only_archive, settings=QUIET,
                       args={"recheck": "no"}, check=False)
    assert result.returncode == FAILED, result.stderr[-3000:]
    assert re.fullmatch(r"error: every page failed in the archive pipeline: \d+ database write errors; see the log "
                        r"above", lines(result.stderr)[-1]), lines(result.stderr)[-3:]


def test_a_second_crawl_says_when_the_next_recheck_falls_due(web, tmp_path: Path) -> None:
    seeds = tmp_path / "seeds.toml"
    seeds.write_text(web.seed_toml(), encoding="utf-8")
    run_crawl(tmp_path / "archive", seeds, web.proxy_url, settings=QUIET)
    second = run_crawl(tmp_path / "archive", seeds, web.proxy_url, settings=QUIET)
    [line] = [line for line in lines(second.stderr) if line.strip().startswith("re-checks")]
    assert re.fullmatch(r"\s+re-checks\s+0 due, \d+ scheduled, next at \d{4}-\d\d-\d\dT[\d:.]+Z; `-a recheck=all` re-checks every "
                        r"archived page now", line), line
    # The second crawl found nothing new: its WARC holds start pages and feeds, no capture, and is counted all the same.
    stats = json.loads(newsarchive("--archive-dir", str(tmp_path / "archive"), "stats", "--json").stdout)
    written = list((tmp_path / "archive" / "warcs").glob("*.warc.gz"))
    assert stats["warc_files"] == len(written) > stats["warc_files_with_captures"]


@pytest.mark.parametrize(("options", "status", "expected"), [
    (["-a", "recheck=sometimes"], BAD_INPUT, "error: -a recheck=sometimes: expected one of yes, no, only, all"),
    (["-a", "seed=seeds/news.toml"], BAD_INPUT,
     "error: unknown argument -a seed=…: did you mean -a seeds=…? the news spider takes -a seeds, -a outlet, -a recheck"),
    (["-s", "ARCHIVE_DIR=/proc/nope"], ARCHIVE_WRITE_FAILED,
     "error: cannot write the archive at /proc/nope (No such file or directory): set -s ARCHIVE_DIR to a writable "
     "directory"),
    (["-s", "EXTRACT_WORKERS=abc"], BAD_INPUT, "error: -s EXTRACT_WORKERS=abc: expected a whole number"),
    (["-s", "ROBOTSTXT_OBEY=perhaps"], BAD_INPUT, "error: -s ROBOTSTXT_OBEY=perhaps: expected true or false"),
    (["-s", "CLOSESPIDER_TIMEOUT=soon"], BAD_INPUT, "error: -s CLOSESPIDER_TIMEOUT=soon: expected a number"),
])
def test_a_mistake_on_the_command_line_is_one_line(options: list[str], status: int, expected: str) -> None:
    result = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "news", *options], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == status
    assert lines(result.stderr) == [expected]


def test_a_mistyped_setting_name_is_warned_about_with_the_closest_one() -> None:
    result = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "news", "-s", "ARCHIV_DIR=elsewhere",
                             "-s", "RECHECK_MAXX=5", "-s", "ARCHIVE_INDEX=maybe"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == BAD_INPUT
    assert lines(result.stderr) == [
        "warning: -s ARCHIV_DIR is not a setting: did you mean ARCHIVE_DIR? It is ignored",
        "warning: -s RECHECK_MAXX is not a setting: did you mean RECHECK_MAX? It is ignored",
        "error: -s ARCHIVE_INDEX=maybe: expected true or false",
    ]


def test_an_unreachable_database_is_one_line_naming_it(tmp_path: Path) -> None:
    url = "postgresql+psycopg://nobody@127.0.0.1:5999/x"
    result = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "news", "-s", f"ARCHIVE_DB_URL={url}",
                             "-s", f"ARCHIVE_DIR={tmp_path / 'archive'}"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == ARCHIVE_WRITE_FAILED
    [line] = lines(result.stderr)
    assert line.startswith(f"error: cannot reach the archive database {url} (") and "refused" in line, line


def test_crawl_help_names_the_spider_arguments() -> None:
    result = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "--help"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0
    shown = " ".join(result.stdout.split())
    for argument in ("-a seeds=FILE", "-a outlet=NAME", "-a recheck=yes|no|only|all"):
        assert argument in shown
    assert "4 no outlet could be reached" in shown


def test_processes_sharing_an_archive_directory_probe_it_without_tripping_each_other(tmp_path: Path) -> None:
    """Distributed crawls start together on one ARCHIVE_DIR: each write probe must be its own."""
    from concurrent.futures import ThreadPoolExecutor

    from crawler.commands.crawl import _writable

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: _writable(tmp_path / "archive"), range(400)))
    assert all(results)
    assert list((tmp_path / "archive" / "warcs").iterdir()) == []



def test_runs_tell_a_crawl_that_reached_no_outlet(unreachable) -> None:
    archive_dir = Path(next(arg for arg in unreachable.args if arg.startswith("ARCHIVE_DIR=")).split("=", 1)[1])
    listed = newsarchive("--archive-dir", str(archive_dir), "runs", "--json").stdout
    [run] = [json.loads(line) for line in listed.splitlines()]
    assert (run["finish_reason"], run["exit_status"]) == ("finished", NOTHING_FETCHED)
    table = newsarchive("--archive-dir", str(archive_dir), "runs").stdout.splitlines()
    assert table[0].split()[3:5] == ["REASON", "EXIT"] and table[1].split()[3:5] == ["finished", str(NOTHING_FETCHED)]
