"""A screenshot of every new version of a page fetched without the browser (issue 38, ``screenshots = "versions"``).

The scripted web's plain outlet (its text in its HTML: never rendered for its
text) asks for a screenshot of every version. It is crawled twice, one story
gaining a paragraph between: the first crawl makes two versions, the second one
more (the edit) and an unchanged re-check. Each version's capture stays the
static fetch; its screenshot comes from a rendered fetch made after the writer
said "new version", written as ``resource`` records naming that capture. Shared
by the module: the two crawls.
"""

from __future__ import annotations

import json
import subprocess
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from storage.archive import Archive
from storage.warc.rendered import DOM_URI, LAYOUT_URI, SCREENSHOT_URI
from tests.helpers.cli import newsarchive
from tests.helpers.crawl import run_crawl, tool, warc_files
from tests.helpers.pywb import serving
from tests.newsweb.scripted import ScriptedWeb
from tests.storage.web.test_pages import get, q, running_app

HOST = "plain.example"
EDITED = "plain-story-1"
CORRECTION = "Correction: the harbour bridge vote was moved to Thursday evening, at the town hall."


@dataclass
class Crawled:
    web: ScriptedWeb
    archive_dir: Path
    first: subprocess.CompletedProcess[str]
    second: subprocess.CompletedProcess[str]


@pytest.fixture(scope="module")
def crawled(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    root = tmp_path_factory.mktemp("version-shots")
    settings = {"BROWSER_EXECUTABLE": chromium, "BROWSER_SETTLE_TIMEOUT": "1.5"}
    with ScriptedWeb() as web:
        seeds = root / "seeds.toml"
        seeds.write_text(web.seed_toml(only=("plain",), screenshots={"plain": "versions"}), encoding="utf-8")
        archive_dir = root / "archive"
        first = run_crawl(archive_dir, seeds, web.proxy_url, settings=settings)
        web.edit(HOST, EDITED, CORRECTION)
        second = run_crawl(archive_dir, seeds, web.proxy_url, settings=settings, args={"recheck": "all"})
        yield Crawled(web, archive_dir, first, second)


def resources(archive_dir: Path) -> list[tuple[str, str, str]]:
    """(file name, target URI, WARC-Concurrent-To) of every resource record, in file order."""
    found = []
    for path in warc_files(archive_dir):
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type == "resource":
                    found.append((path.name, record.rec_headers.get_header("WARC-Target-URI"),
                                  record.rec_headers.get_header("WARC-Concurrent-To")))
    return found


def versions_of(archive_dir: Path, web: ScriptedWeb) -> dict[str, list]:
    with Archive(archive_dir=archive_dir) as archive:
        return {slug: archive.versions(web.url(HOST, slug)) for slug in web.stories[HOST]}


def check_every_version_has_its_screenshot(archive_dir: Path, web: ScriptedWeb) -> None:
    with Archive(archive_dir=archive_dir) as archive:
        for slug in web.stories[HOST]:
            for version in archive.versions(web.url(HOST, slug)):
                found = archive.renditions(version.warc_file, version.warc_offset, version.warc_record_id)
                assert found.screenshot is not None and found.screenshot[:3] == b"\xff\xd8\xff", (slug, version.version)
                last = version.text.split("\n\n")[-1]
                assert any(block["text"] == last for block in found.layout["blocks"]), (slug, version.version)
                assert found.dom is not None and last in found.dom


def test_each_version_has_a_screenshot_linked_to_its_capture(crawled: Crawled) -> None:
    versions = versions_of(crawled.archive_dir, crawled.web)
    assert [len(versions[slug]) for slug in sorted(versions)] == [2, 1]
    assert CORRECTION in versions[EDITED][1].text
    check_every_version_has_its_screenshot(crawled.archive_dir, crawled.web)
    shots = [(name, target, about) for name, target, about in resources(crawled.archive_dir)
             if target.startswith(SCREENSHOT_URI)]
    # one screenshot per version, each naming the version's own capture (its static response record)
    assert sorted(about for _, _, about in shots) == sorted(
        v.warc_record_id for vs in versions.values() for v in vs)
    assert all(target.startswith(SCREENSHOT_URI + f"http://{HOST}/story/") for _, target, _ in shots)


def test_the_screenshot_fetch_is_no_capture_and_unchanged_rechecks_add_none(crawled: Crawled) -> None:
    with Archive(archive_dir=crawled.archive_dir) as archive:
        for slug in crawled.web.stories[HOST]:
            captures = archive.captures(crawled.web.url(HOST, slug))
            assert len(captures) == 2, [(c.record_type, c.fetched_at) for c in captures]  # one a crawl, no more
    shots = [target for _, target, _ in resources(crawled.archive_dir) if target.startswith(SCREENSHOT_URI)]
    assert len(shots) == 3
    assert "'browser/version_screenshots': 2" in crawled.first.stderr
    assert "'browser/version_screenshots': 1" in crawled.second.stderr  # the edit only; the unchanged page none
    assert "'archive/unchanged': 1" in crawled.second.stderr
    # no response, request or capture record for a rendered fetch: every response is one of the static captures
    targets = [t for _, t, _ in resources(crawled.archive_dir)]
    assert all(t.startswith((DOM_URI, SCREENSHOT_URI, LAYOUT_URI)) for t in targets)
    assert "Traceback" not in crawled.first.stderr + crawled.second.stderr


def test_the_reading_room_shows_each_versions_screenshot(crawled: Crawled) -> None:
    url = crawled.web.url(HOST, EDITED)
    with Archive(archive_dir=crawled.archive_dir, read_only=True) as reader, running_app(reader) as base:
        for number in (1, 2):
            data = get(base + f"/page?{q(url=url, v=number)}&format=json").json()
            assert data["screenshot"], number
            picture = get(base + data["screenshot"])  # the room runs at the root: links are paths
            assert picture.status == 200 and picture.body[:3] == b"\xff\xd8\xff", number
            page = get(base + f"/page?{q(url=url, v=number)}").text
            assert f'alt="Version {number} as the browser showed it"' in page
        diff = get(base + f"/diff?{q(url=url)}&format=json").json()
        assert diff["screenshots"] is not None
        assert diff["screenshots"]["after"]["marks"], diff["screenshots"]  # the new paragraph marked


def test_reindex_keeps_each_screenshot_with_its_version(crawled: Crawled, tmp_path: Path) -> None:
    copy = tmp_path / "archive"
    subprocess.run(["cp", "-a", str(crawled.archive_dir), str(copy)], check=True)
    before = {slug: [(v.warc_record_id, v.text) for v in vs] for slug, vs in versions_of(copy, crawled.web).items()}
    result = newsarchive("--archive-dir", str(copy), "reindex", "--yes", "--workers", "1")
    assert result.exit_code == 0, result.output
    assert "screenshots of versions taken after their capture, linked to it: 3" in result.output
    after = {slug: [(v.warc_record_id, v.text) for v in vs] for slug, vs in versions_of(copy, crawled.web).items()}
    assert after == before
    check_every_version_has_its_screenshot(copy, crawled.web)


def test_warcio_and_pywb_accept_the_warcs(crawled: Crawled, tmp_path_factory: pytest.TempPathFactory) -> None:
    files = [str(path) for path in warc_files(crawled.archive_dir)]
    checked = subprocess.run([tool("warcio"), "check", *files], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    url = crawled.web.url(HOST, EDITED)
    with serving(tmp_path_factory.mktemp("pywb"), {"warcs": ["add", *files]}) as root:
        with urllib.request.urlopen(f"{root}/warcs/2099id_/{url}", timeout=60) as reply:
            body = reply.read().decode()
    assert CORRECTION in body  # the page replays from its static capture, not from a screenshot's record
    indexed = subprocess.run([tool("cdxj-indexer"), *files], capture_output=True, text=True, check=True).stdout
    keys = [json.loads(line.split(" ", 2)[2])["url"] for line in indexed.splitlines()]
    assert not [key for key in keys if key.startswith("http") and "screenshot" in key]


@pytest.fixture(scope="module")
def timed_out(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    """The same outlet, every outlet asked by the setting, with no time for any render: each fails alone."""
    root = tmp_path_factory.mktemp("version-shots-timeout")
    settings = {"BROWSER_EXECUTABLE": chromium, "BROWSER_VERSION_SCREENSHOTS": "1", "BROWSER_PAGE_TIMEOUT": "0.01"}
    with ScriptedWeb() as web:
        seeds = root / "seeds.toml"
        seeds.write_text(web.seed_toml(only=("plain",)), encoding="utf-8")
        result = run_crawl(root / "archive", seeds, web.proxy_url, settings=settings)
        yield Crawled(web, root / "archive", result, result)


def test_a_screenshot_render_that_fails_costs_one_line_and_keeps_the_version(timed_out: Crawled) -> None:
    versions = versions_of(timed_out.archive_dir, timed_out.web)
    assert [len(versions[slug]) for slug in sorted(versions)] == [1, 1]
    assert resources(timed_out.archive_dir) == []
    log = timed_out.first.stderr
    for slug in timed_out.web.stories[HOST]:
        url = timed_out.web.url(HOST, slug)
        lines = [line for line in log.splitlines() if url in line and "] " in line and "screenshot" in line]
        assert len(lines) == 1 and "no screenshot of the new version of" in lines[0], lines
    assert "'browser/version_screenshot_failed': 2" in log
    assert "Traceback" not in log
