"""Search syntax behaves the same on SQLite FTS5 and PostgreSQL tsvector, through the API and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storage.archive import Archive
from storage.db.errors import BadQuery
from tests.helpers.cli import newsarchive
from tests.helpers.captures import article, capture, hours  # noqa: F401

DOCS = {
    "https://a.example/covid": ("Cases rise", "Covid-19 cases rose again, said Dr O'Brien on Monday."),
    "https://a.example/cpp": ("Committee", "The committee met. Net zero targets were discussed."),
    "https://a.example/plan": ("Net zero", "The government's net-zero plan: zero emissions by 2050."),
}


@pytest.fixture
def archive(db_url: str, tmp_path: Path):
    with Archive(db_url, tmp_path / "archive", create=True) as opened:
        for n, (url, (title, text)) in enumerate(DOCS.items()):
            opened.record_capture(capture(url, hours(n)), article(text, title=title))
        yield opened


def urls(archive: Archive, query: str, **options) -> list[str]:
    return sorted(h.url.rsplit("/", 1)[1] for h in archive.search(query, **options))


def test_hyphenated_words_match_both_spellings_on_every_backend(archive: Archive) -> None:
    assert urls(archive, "net-zero") == ["cpp", "plan"]
    assert urls(archive, '"net zero"') == ["cpp", "plan"]
    assert urls(archive, "covid-19") == ["covid"]
    assert urls(archive, "zero -net-zero") == []
    assert urls(archive, "2050 OR covid-19") == ["covid", "plan"]


def test_phrase_boolean_and_exclusion_agree(archive: Archive) -> None:
    assert urls(archive, '"zero emissions"') == ["plan"]
    assert urls(archive, "zero -emissions") == ["cpp"]
    assert urls(archive, "zero NOT emissions") == ["cpp"]
    assert urls(archive, '"zero emissions" OR monday') == ["covid", "plan"]
    assert urls(archive, "cases -\"said dr\"") == []
    assert urls(archive, "o'brien") == ["covid"]


def test_snippets_highlight_the_matched_words(archive: Archive) -> None:
    [hit] = archive.search('"zero emissions"')
    assert "**" in hit.snippet
    marked = hit.snippet.split("**")[1::2]
    assert marked and all(word.lower() in ("zero", "emissions", "zero emissions") for word in marked)


def test_a_query_without_words_is_refused(archive: Archive) -> None:
    for query in ("-", "NOT", "- -", '""', "-word"):
        with pytest.raises(BadQuery):
            archive.search(query)


def test_cli_search_as_of_and_phrase(db_url: str, tmp_path: Path) -> None:
    url = "https://a.example/talks"
    with Archive(db_url, tmp_path / "archive", create=True) as archive:
        archive.record_capture(capture(url, hours(0)), article("Talks agreed a ceasefire overnight.", title="Talks"))
        archive.record_capture(capture(url, hours(6)), article("Talks collapsed overnight.", title="Talks"))
    run = lambda *args: newsarchive(  # noqa: E731
        "--db", db_url, "--archive-dir", str(tmp_path / "archive"), "search", *args, "--json")
    then = run("ceasefire", "--as-of", "2024-05-01T11:00:00Z")
    assert then.exit_code == 0, then.output
    assert [json.loads(line)["version"] for line in then.output.splitlines()] == [1]
    later = run("ceasefire", "--as-of", "2024-05-01T15:00:00Z")
    assert later.exit_code == 0 and later.output == ""
    phrase = run('"collapsed overnight"')
    [hit] = [json.loads(line) for line in phrase.output.splitlines()]
    assert hit["version"] == 2 and "**" in hit["snippet"]
    bad = newsarchive("--db", db_url, "--archive-dir", str(tmp_path / "archive"), "search", "-")
    assert bad.exit_code == 1 and "nothing to search for" in bad.output and "Traceback" not in bad.output


def test_cli_refuses_a_too_deep_query_and_a_time_before_year_one_in_one_line(tmp_path: Path) -> None:
    archive_dir = str(tmp_path / "archive")
    with Archive(archive_dir=archive_dir, create=True) as archive:
        archive.record_capture(capture("https://a.example/talks", hours(0)), article("Talks.", title="Talks"))
    deep = newsarchive("--archive-dir", archive_dir, "search", "(" * 500 + "talks" + ")" * 500)
    assert deep.exit_code == 1 and isinstance(deep.exception, SystemExit), deep.output
    [line] = deep.stderr.strip().splitlines()
    assert "nests parentheses more than" in line and len(line) < 300
    old = newsarchive("--archive-dir", archive_dir, "search", "talks", "--since", "999999999999d")
    assert old.exit_code != 0 and isinstance(old.exception, SystemExit), old.output
    assert "999999999999d" in old.stderr and "before the year 1" in old.stderr
