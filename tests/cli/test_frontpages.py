"""``newsarchive frontpage``, ``prominence``, ``headlines`` and ``export --frontpages`` over three crawls.

The simulated web's home pages change between the crawls
(tests/newsweb/frontpages.py); the commands must print each past order, each
article's ranks and its headlines, as tables and as JSON lines, and refuse
mistakes in one line.
"""

from __future__ import annotations

import csv
import io
import json

import pytest

from storage.db.times import iso
from tests.helpers.cli import newsarchive
from tests.helpers.frontpages import ROUNDS, crawl_three_rounds


@pytest.fixture(scope="module")
def rounds(tmp_path_factory):
    return crawl_three_rounds(tmp_path_factory.mktemp("cli-frontpages"), seed=5)


def run(rounds, *args: str):
    return newsarchive("--archive-dir", str(rounds.archive_dir), *args)


def json_lines(result) -> list[dict]:
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_frontpage_at_each_round_prints_that_rounds_order(rounds) -> None:
    outlet = rounds.outlets[0]
    for n in range(ROUNDS):
        rows = json_lines(run(rounds, "frontpage", outlet, "--at", iso(rounds.after[n]), "--json"))
        assert [(r["rank"], r["url"], r["headline"], r["section"], r["lead"]) for r in rows] == rounds.shown[n][outlet]
        assert len({r["captured_at"] for r in rows}) == 1
    table = run(rounds, "frontpage", outlet)
    assert table.exit_code == 0
    lead = rounds.shown[-1][outlet][0]
    assert "capture 3 of 3" in table.stdout and lead[2] in table.stdout and "lead" in table.stdout


def test_frontpage_mistakes_are_one_line(rounds) -> None:
    unknown = run(rounds, "frontpage", rounds.outlets[0][:-2])
    assert unknown.exit_code == 2
    assert unknown.stderr.strip().count("\n") == 0 and f"closest: {rounds.outlets[0]}" in unknown.stderr
    early = run(rounds, "frontpage", rounds.outlets[0], "--at", "2001-01-01")
    assert early.exit_code != 0 and "no capture of" in early.stderr and early.stderr.strip().count("\n") == 0
    bad_time = run(rounds, "frontpage", rounds.outlets[0], "--at", "next tuesday")
    assert bad_time.exit_code != 0 and "bad --at" in bad_time.stderr
    no_page = run(rounds, "frontpage", rounds.outlets[0], "--page", "http://nowhere.test/")
    assert no_page.exit_code != 0 and "its front pages:" in no_page.stderr


def test_prominence_json_gives_ranks_per_capture(rounds) -> None:
    outlet = rounds.outlets[0]
    _, url, *_ = rounds.shown[0][outlet][0]
    home = json_lines(run(rounds, "frontpage", outlet, "--json"))[0]["page"]
    [life] = [item for item in json_lines(run(rounds, "prominence", url, "--json")) if item["page"] == home]
    expected = [next(r for r, u, *_ in rounds.shown[n][outlet] if u == url) for n in range(ROUNDS)]
    assert [s["rank"] for s in life["sightings"]] == expected
    assert (life["best_rank"], life["worst_rank"], life["left"]) == (min(expected), max(expected), None)
    table = run(rounds, "prominence", url)
    assert table.exit_code == 0 and f"rank {min(expected)} at best, {max(expected)} at worst" in table.stdout


def test_headlines_flag_the_ab_test_and_the_change(rounds) -> None:
    outlet = rounds.outlets[0]
    home = json_lines(run(rounds, "frontpage", outlet, "--json"))[0]["page"]
    alternating = [h for h in json_lines(run(rounds, "headlines", rounds.alternating[outlet], "--json"))
                   if h["page"] == home]
    assert [h["status"] for h in alternating] == ["ab-test", "ab-test"]
    changed = json_lines(run(rounds, "headlines", rounds.changed[outlet], "--json"))
    statuses = {(h["headline"], h["page"]): h["status"] for h in changed}
    title = rounds.titles[rounds.changed[outlet]]
    assert statuses[(title, home)] == "replaced" and statuses[(title, None)] == "current"
    table = run(rounds, "headlines", rounds.changed[outlet])
    assert table.exit_code == 0 and "replaced" in table.stdout and "the article itself" in table.stdout


def test_export_frontpages_as_jsonl_and_csv(rounds) -> None:
    outlet = rounds.outlets[0]
    rows = json_lines(run(rounds, "export", "--frontpages", "--outlet", outlet))
    home = [r for r in rows if r["page"] == json_lines(run(rounds, "frontpage", outlet, "--json"))[0]["page"]]
    by_capture = [[(r["rank"], r["url"], r["headline"], r["section"], r["lead"]) for r in home if r["capture"] == n + 1]
                  for n in range(ROUNDS)]
    assert by_capture == [rounds.shown[n][outlet] for n in range(ROUNDS)]
    exported = run(rounds, "export", "--frontpages", "--format", "csv", "--since", iso(rounds.after[1]))
    assert exported.exit_code == 0, exported.output
    table = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert table and {row["capture"] for row in table} == {"3"}  # only the captures of the third crawl
    refused = run(rounds, "export", "--frontpages", "--latest")
    assert refused.exit_code == 2 and "--frontpages takes" in refused.stderr


def test_help_teaches_with_an_example() -> None:
    for command in ("frontpage", "prominence", "headlines"):
        result = newsarchive(command, "--help")
        assert result.exit_code == 0 and "Example:" in result.stdout and "--json" in result.stdout
