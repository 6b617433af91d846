"""``newsarchive wacz --frontpages``: the front pages' captures in the package, validated and replayed (issue 36).

The archive is the one ``make demo`` builds (the session's ``demo_site``): two
crawls of the simulated web, whose home pages reorder and reword their links
between crawls, so each front page has two captures that differ.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.archive import Archive
from storage.db.models import FrontPage, FrontPageCapture, Outlet
from tests.crawler.test_replay import replayed, timestamp_of
from tests.helpers.pywb import serving
from tests.helpers.cli import newsarchive
from tests.storage.export.test_wacz import package_records, validate

OUTLET = "daily-courier"


def front_captures(archive_dir: Path, outlet: str) -> list[tuple[str, str, int, datetime]]:
    """(front page URL, WARC file, offset, fetch time) of every capture of ``outlet``'s front pages."""
    query = (select(FrontPage.url, FrontPageCapture.warc_file, FrontPageCapture.warc_offset,
                    FrontPageCapture.fetched_at)
             .join(FrontPage, FrontPage.id == FrontPageCapture.frontpage_id)
             .join(Outlet, Outlet.id == FrontPage.outlet_id).where(Outlet.name == outlet))
    with Archive(archive_dir=archive_dir, read_only=True) as archive:
        return [tuple(row) for row in archive.read(lambda session: session.execute(query).all())]


@pytest.fixture(scope="module")
def packages(demo_site: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("wacz-frontpages")
    made = {}
    for name, extra in {"articles": [], "frontpages": ["--frontpages"]}.items():
        made[name] = out / f"{name}.wacz"
        result = newsarchive("--archive-dir", str(demo_site / "archive"), "wacz", "--outlet", OUTLET, *extra,
                             "-o", str(made[name]))
        assert result.exit_code == 0, result.output
    return made


def indexed_urls(package: Path) -> list[str]:
    with zipfile.ZipFile(package) as opened:
        lines = opened.read("indexes/index.cdx").decode().splitlines()
    return [json.loads(line.split(" ", 2)[2])["url"] for line in lines]


def listed_pages(package: Path) -> list[dict]:
    with zipfile.ZipFile(package) as opened:
        return [json.loads(line) for line in opened.read("pages/pages.jsonl").decode().splitlines()[1:]]


def test_front_pages_are_in_the_package_only_when_asked(demo_site: Path, packages: dict[str, Path]) -> None:
    captures = front_captures(demo_site / "archive", OUTLET)
    fronts = sorted(url for url, *_ in captures)
    assert len(fronts) == 6 and len(set(fronts)) == 3  # home and two sections, each crawled twice
    for package in packages.values():
        checked = validate(package)
        assert checked.returncode == 0 and "Validation succeeded" in checked.stdout, checked.stdout + checked.stderr
    asked = packages["frontpages"]
    responses = [url for kind, url in package_records(asked) if kind == "response"]
    assert sorted(url for url in responses if url in fronts) == fronts
    assert sorted(url for url in indexed_urls(asked) if url in fronts) == fronts
    assert sorted(page["url"] for page in listed_pages(asked) if page["title"].startswith("front page: ")) == fronts
    plain = packages["articles"]
    assert not set(fronts) & {url for _, url in package_records(plain)}
    assert not set(fronts) & set(indexed_urls(plain))
    articles = [url for url in responses if url not in fronts]
    assert sorted(articles) == sorted(url for kind, url in package_records(plain) if kind == "response")


@pytest.fixture(scope="module")
def pywb(packages: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """pywb serving the --frontpages package, unpacked as the README says."""
    with serving(tmp_path_factory.mktemp("pywb-frontpages"),
                 {"news": ["add", "--unpack-wacz", str(packages["frontpages"])]}) as root:
        yield root


def test_each_front_page_capture_replays_as_it_was(demo_site: Path, pywb: str) -> None:
    archive_dir = demo_site / "archive"
    home = f"http://www.{OUTLET}.test/"
    captures = sorted((timestamp_of(archive_dir, warc, offset), url, fetched_at) for url, warc, offset, fetched_at in
                      front_captures(archive_dir, OUTLET) if url == home)
    assert len(captures) == 2
    leads = []
    for timestamp, url, fetched_at in captures:
        content_type, body = replayed(pywb, "news", timestamp, url)
        assert content_type.startswith("text/html"), (timestamp, content_type)
        shown = newsarchive("--archive-dir", str(archive_dir), "frontpage", OUTLET, "--json", "--at",
                            fetched_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"))  # stored in UTC
        assert shown.exit_code == 0, shown.output
        [lead] = [json.loads(line) for line in shown.stdout.splitlines() if json.loads(line)["lead"]]
        assert lead["headline"].encode() in body, (timestamp, lead["headline"])
        leads.append(lead["headline"])
    assert leads[0] != leads[1]  # the two captures differ, and each replays as its own
