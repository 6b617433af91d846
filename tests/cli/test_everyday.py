"""The CLI as people use it every day: URLs as pasted, grouped queries, relative times,
unknown outlets and unwritable outputs in one line (issue 15), on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from storage.archive import Archive
from tests.helpers.captures import article, capture
from tests.helpers.cli import newsarchive
from tests.helpers.crawl import ROOT

NOW = datetime.now(timezone.utc)
PAGE = "https://www.daily.example/news/ward-vote/"
PAGES = {
    "https://daily.example/a/council-ward": ("Council ward", "The council met in the east ward about the budget."),
    "https://daily.example/a/nato-ward": ("Nato ward", "A nato officer visited the hospital ward on Friday."),
    "https://daily.example/a/council-only": ("Council", "The council met again without any decision."),
    "https://daily.example/a/nato-only": ("Nato", "Nato ministers met in Brussels on defence spending."),
}


@pytest.fixture
def filled(db_url: str, archive_dir: Path) -> str:
    with Archive(db_url, archive_dir, create=True) as archive:
        archive.ensure_outlet("daily", ["daily.example"])
        archive.ensure_outlet("herald", ["herald.example"])
        for n, (url, (title, text)) in enumerate(PAGES.items()):
            archive.record_capture(capture(url, NOW - timedelta(days=10, hours=n)), article(text, title=title))
        archive.record_capture(capture(PAGE, NOW - timedelta(hours=30)),
                               article("The ward vote is set for Monday.", title="Ward vote"))
        archive.record_capture(capture(PAGE, NOW - timedelta(hours=3)),
                               article("The ward vote was moved to Tuesday after a recount.", title="Ward vote moved"))
    return db_url


def cli(db: str, archive_dir: Path, *args: str, color: bool = False):
    return newsarchive("--db", db, "--archive-dir", str(archive_dir), *args, color=color)


def lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


@pytest.mark.parametrize("typed", [
    PAGE,
    "http://www.daily.example/news/ward-vote/",
    "https://daily.example/news/ward-vote/",
    "https://www.daily.example/news/ward-vote",
    "https://www.daily.example/news/ward-vote/?utm_source=twitter&utm_medium=social",
    "https://www.daily.example/news/ward-vote/#comments",
    "www.daily.example/news/ward-vote",
])
def test_a_url_is_found_as_people_paste_it(filled: str, archive_dir: Path, typed: str) -> None:
    result = cli(filled, archive_dir, "versions", typed, "--json")
    assert result.exit_code == 0, result.output
    assert [v["version"] for v in lines(result.stdout)] == [1, 2]
    assert {v["url"] for v in lines(result.stdout)} == {PAGE}


def test_an_unknown_url_names_the_closest_archived_ones(filled: str, archive_dir: Path) -> None:
    result = cli(filled, archive_dir, "show", "https://daily.example/news/ward-votes")
    assert result.exit_code == 1 and result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert "no page https://daily.example/news/ward-votes in the archive" in line
    assert f"closest archived: {PAGE}" in line


def test_parentheses_group_alternatives(filled: str, archive_dir: Path) -> None:
    result = cli(filled, archive_dir, "search", "(council OR nato) ward", "--json")
    assert result.exit_code == 0, result.output
    assert sorted(hit["url"].rsplit("/", 1)[1] for hit in lines(result.stdout)) == ["council-ward", "nato-ward"]


def test_a_query_may_start_with_an_exclusion(filled: str, archive_dir: Path) -> None:
    result = cli(filled, archive_dir, "search", "-council", "ward", "--json")
    assert result.exit_code == 0, result.output
    assert sorted(hit["url"] for hit in lines(result.stdout)) == sorted([PAGE, "https://daily.example/a/nato-ward"])


@pytest.mark.parametrize(("typed", "meant"), [("--limt", "--limit"), ("--sinse", "--since")])
def test_a_mistyped_search_option_is_refused_not_searched_for(filled: str, archive_dir: Path, typed: str,
                                                              meant: str) -> None:
    result = cli(filled, archive_dir, "search", "ward", typed, "5")
    assert result.exit_code == 2, result.output
    assert f"No such option '{typed}'" in result.output and f"'{meant}'" in result.output.split("Did you mean")[1]


def test_words_after_a_double_dash_are_searched_for_as_written(filled: str, archive_dir: Path) -> None:
    result = cli(filled, archive_dir, "search", "--json", "--", "ward", "--recount")
    assert result.exit_code == 0, result.output


def test_search_lists_a_page_once_unless_asked_for_every_version(filled: str, archive_dir: Path) -> None:
    once = lines(cli(filled, archive_dir, "search", "ward vote", "--json").stdout)
    assert [(hit["url"], hit["version"]) for hit in once] == [(PAGE, 2)]
    every = lines(cli(filled, archive_dir, "search", "ward vote", "--all-versions", "--json").stdout)
    assert sorted((hit["url"], hit["version"]) for hit in every) == [(PAGE, 1), (PAGE, 2)]


def test_matches_are_bold_on_a_terminal_and_marked_only_in_json(filled: str, archive_dir: Path) -> None:
    on_terminal = cli(filled, archive_dir, "search", "recount", color=True).stdout
    assert "\x1b[1mrecount\x1b[0m" in on_terminal and "**" not in on_terminal
    piped = cli(filled, archive_dir, "search", "recount").stdout
    assert "recount" in piped and "**" not in piped and "\x1b" not in piped
    [hit] = lines(cli(filled, archive_dir, "search", "recount", "--json").stdout)
    assert "**recount**" in hit["snippet"]


def test_changes_without_since_means_the_last_24_hours(filled: str, archive_dir: Path) -> None:
    recent = lines(cli(filled, archive_dir, "changes", "--json").stdout)
    assert [row["url"] for row in recent] == [PAGE]
    assert lines(cli(filled, archive_dir, "changes", "--since", "2h", "--json").stdout) == []
    assert [r["url"] for r in lines(cli(filled, archive_dir, "changes", "--since", "yesterday", "--json").stdout)] == [PAGE]


def test_show_takes_a_time_ago(filled: str, archive_dir: Path) -> None:
    shown = json.loads(cli(filled, archive_dir, "show", PAGE, "--at", "1d", "--json").stdout)
    assert shown["version"] == 1


@pytest.mark.parametrize("command", [
    ["export", "--outlet", "dayly"],
    ["search", "ward", "--outlet", "dayly"],
    ["changes", "--outlet", "dayly"],
    ["stories", "--outlet", "dayly"],
    ["boilerplate", "dayly"],
    ["reextract", "--outlet", "dayly"],
])
def test_an_unknown_outlet_is_one_line_naming_the_closest_exit_2(filled: str, archive_dir: Path,
                                                                 command: list[str]) -> None:
    result = cli(filled, archive_dir, *command)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == ["Error: no outlet 'dayly' in the archive (closest: daily)"]


@pytest.mark.parametrize("command", [
    ["export", "-o", "/proc/nope/x.jsonl"],
    ["export", "--format", "parquet", "-o", "/proc/x.parquet"],
    ["export", "--format", "csv", "-o", "{missing}/x.csv"],
    ["wacz", "-o", "/proc/nope.wacz"],
])
def test_an_output_that_cannot_be_written_is_one_line(filled: str, archive_dir: Path, tmp_path: Path,
                                                      command: list[str]) -> None:
    command = [part.replace("{missing}", str(tmp_path / "missing")) for part in command]
    result = cli(filled, archive_dir, *command)
    assert result.exit_code == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"Error: cannot write {command[-1]} (") and "Traceback" not in result.output


def test_an_export_leaves_no_half_written_file_behind(filled: str, archive_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "out.jsonl"
    target.write_text("the previous export\n", encoding="utf-8")
    result = cli(filled, archive_dir, "export", "--outlet", "dayly", "-o", str(target))
    assert result.exit_code == 2
    assert target.read_text(encoding="utf-8") == "the previous export\n"
    assert [p.name for p in target.parent.iterdir()] == ["out.jsonl"]
    assert cli(filled, archive_dir, "export", "-o", str(target)).exit_code == 0
    assert len(target.read_text(encoding="utf-8").splitlines()) == len(PAGES) + 2


def test_help_loads_no_database_layer() -> None:
    probe = ("import sys\nfrom storage.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
             "print(sorted(m for m in ('sqlalchemy', 'pyarrow', 'warcio', 'trafilatura', 'apprise') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"
