"""Seed files: the default one loads, and every kind of mistake is one clear line."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage.outlets.seeds import SeedError, load_seed_file, load_seeds
from tests.helpers.crawl import ROOT, run_crawl

GOOD = """
[[outlet]]
name = "daily"
domains = ["daily.test"]
feeds = ["https://www.daily.test/feed.xml"]
article_pattern = '/news/'
"""


def write(tmp_path: Path, text: str, name: str = "seeds.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_default_seed_file_loads_real_outlets() -> None:
    outlets = load_seed_file(ROOT / "seeds" / "news.toml")
    assert len(outlets) >= 5
    for outlet in outlets:
        assert outlet.feeds or outlet.sitemaps or outlet.start_urls
        for url in (*outlet.feeds, *outlet.sitemaps, *outlet.start_urls):
            assert outlet.owns(url)


def test_good_seed_file(tmp_path: Path) -> None:
    [outlet] = load_seed_file(write(tmp_path, GOOD))
    assert outlet.name == "daily"
    assert outlet.article_pattern.search("https://www.daily.test/news/x")
    assert outlet.owns("https://sub.daily.test/a") and not outlet.owns("https://evildaily.test/a")
    assert outlet.render == "auto"  # pages that turn out to need scripts are rendered (issue 38)
    [rendered] = load_seed_file(write(tmp_path, GOOD + 'render = "browser"\n', "rendered.toml"))
    assert rendered.render == "browser" and rendered.entry().render == "browser"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[[outlet]\nname = 'x'", "not valid TOML"),
        ("[[outlet]]\ndomains = ['a.test']\nfeeds = ['https://a.test/f']", "missing 'name'"),
        (GOOD.replace("article_pattern = '/news/'", "article_pattern = '(unclosed'"), "not a valid regular expression"),
        (GOOD.replace("feeds =", "feed ="), "unknown key 'feed'"),
        (GOOD.replace('domains = ["daily.test"]', "domains = []"), "'domains' must list"),
        (GOOD.replace("https://www.daily.test/feed.xml", "https://elsewhere.test/feed.xml"), "outside the outlet's domains"),
        (GOOD.replace('name = "daily"', 'name = "../etc"'), "name must be"),
        (GOOD + GOOD, "already used"),
        (GOOD + 'render = "javascript"\n', "'render' is 'javascript'; use one of 'auto', 'browser', 'static'"),
        (GOOD + 'screenshots = "all"\n', "'screenshots' is 'all'; use one of 'rendered', 'versions'"),
    ],
)
def test_bad_seed_file_names_file_outlet_and_problem(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(SeedError) as caught:
        load_seeds([path])
    message = str(caught.value)
    assert expected in message
    assert str(path) in message
    assert "\n" not in message


def test_unknown_outlet_is_reported(tmp_path: Path) -> None:
    with pytest.raises(SeedError, match="no outlet named 'nope'"):
        load_seeds([write(tmp_path, GOOD)], outlet="nope")


def test_bad_seed_file_stops_scrapy_crawl_before_it_starts(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("feeds =", "feedz ="))
    result = run_crawl(tmp_path / "a", path, None, check=False)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == [f"error: {path}: outlet 'daily': unknown key 'feedz' (known: article_pattern, domains, feeds, name, render, screenshots, sitemaps, start_urls, warc_credentials)"]
    assert not (tmp_path / "a").exists()
