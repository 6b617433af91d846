"""Datasette's search box reads queries as ``newsarchive search`` does (issue 36).

Without the project's plugin, Datasette quotes every word and requires them
all: ``harbour OR quay`` wants the word "or", ``ward -deadline`` wants
"deadline". ``newsarchive datasette`` runs the real Datasette on the demo's
archive (the session's ``demo_site``), and each query's rows must be the
versions the CLI finds, none missing and none extra.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.cli.test_datasette import Running, datasette_on
from tests.helpers.cli import newsarchive

QUERIES = ["ward -deadline", "harbour OR quay", '"flood defence"', "(council OR minister) -budget", "Ward"]


@pytest.fixture(scope="module")
def served(demo_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    with datasette_on(demo_site / "archive", tmp_path_factory.mktemp("datasette-search")) as running:
        yield running


def cli_finds(archive_dir: Path, query: str) -> set[tuple[str, int]]:
    result = newsarchive("--archive-dir", str(archive_dir), "search", query, "--all-versions", "--json",
                         "--limit", "1000")
    assert result.exit_code == 0, result.output
    return {(hit["url"], hit["version"]) for hit in map(json.loads, result.stdout.splitlines())}


def datasette_finds(served: Running, query: str) -> set[tuple[str, int]]:
    rows = served.json(f"/archive/versions.json?_search={quote(query)}&_labels=on&_shape=array&_size=max")
    return {(row["page_id"]["label"], row["seq"]) for row in rows}


@pytest.mark.parametrize("query", QUERIES)
def test_the_search_box_finds_what_the_cli_finds(demo_site: Path, served: Running, query: str) -> None:
    expected = cli_finds(demo_site / "archive", query)
    assert expected, f"the demo's archive has no match for {query!r}: pick a query that tells the syntaxes apart"
    assert datasette_finds(served, query) == expected


def test_a_query_with_nothing_to_match_finds_no_row_and_the_page_still_answers(served: Running) -> None:
    assert served.json(f"/archive/versions.json?_search={quote('-deadline')}&_shape=array") == []
    status, page = served.get(f"/archive/versions?_search={quote('ward -deadline')}")
    assert status == 200 and 'value="ward -deadline"' in page  # the box shows what was typed
