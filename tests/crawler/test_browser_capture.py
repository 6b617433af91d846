"""Pages that need JavaScript, rendered by Debian's Chromium through scrapy-playwright (issue 38).

One module crawl, twice, of the scripted outlets (``tests/newsweb/scripted.py``),
all with ``render = "browser"``: an article whose text a script fetches from an
API, a single-page app with client-side routing, and pages whose scripts never
finish (one polls for ever, one never returns) or outgrow the memory a tab may take. Between the crawls one story of
each app gains a paragraph. The tests check the stored text and versions, that
every exchange the browser made is in the WARC, that every version has its DOM
and screenshot records, that ``reindex`` rebuilds the same versions from the
rendered DOM, and that pywb replays the rendered page from the WARC in a browser.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from storage.archive import Archive
from storage.warc.rendered import DOM_URI, LAYOUT_URI, SCREENSHOT_URI, renditions_after
from tests.helpers.pywb import serving
from tests.helpers.cli import newsarchive
from tests.helpers.crawl import run_crawl, warc_files
from tests.newsweb.scripted import ScriptedWeb

RENDERED = {"apitext": "browser", "spa": "browser", "hang": "browser"}
CORRECTION = "Correction: the vote on the harbour bridge was moved to Thursday evening at the town hall."
EDITED = [("apitext.example", "api-story-1"), ("spa.example", "spa-story-1")]


@dataclass
class Crawled:
    web: ScriptedWeb
    archive_dir: Path
    first: subprocess.CompletedProcess[str]
    second: subprocess.CompletedProcess[str]
    first_text: dict[str, str]  # each story's text as the first crawl saw it


@pytest.fixture(scope="module")
def crawled(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    root = tmp_path_factory.mktemp("browser")
    settings = {"BROWSER_EXECUTABLE": chromium, "BROWSER_PAGE_TIMEOUT": "8", "BROWSER_SETTLE_TIMEOUT": "1.5"}
    with ScriptedWeb() as web:
        seeds = root / "seeds.toml"
        seeds.write_text(web.seed_toml(RENDERED, only=tuple(RENDERED)), encoding="utf-8")
        archive_dir = root / "archive"
        first = run_crawl(archive_dir, seeds, web.proxy_url, settings=settings)
        first_text = {host + slug: "\n\n".join(web.story(host, slug).paragraphs)
                      for host in ("apitext.example", "spa.example") for slug in web.stories[host]}
        for host, slug in EDITED:
            web.edit(host, slug, CORRECTION)
        again = root / "again.toml"  # the apps alone: the hanging pages have had their test
        again.write_text(web.seed_toml(RENDERED, only=("apitext", "spa")), encoding="utf-8")
        second = run_crawl(archive_dir, again, web.proxy_url, settings=settings, args={"recheck": "all"})
        yield Crawled(web, archive_dir, first, second, first_text)


def all_records(archive_dir: Path) -> list[tuple[Path, int, object, bytes]]:
    found = []
    for path in warc_files(archive_dir):
        with path.open("rb") as stream:
            iterator = ArchiveIterator(stream)
            for record in iterator:
                body = record.content_stream().read()
                found.append((path, iterator.get_record_offset(), record, body))
    return found


def test_script_fetched_text_is_archived_and_an_edit_makes_a_second_version(crawled: Crawled) -> None:
    web = crawled.web
    with Archive(archive_dir=crawled.archive_dir) as archive:
        for host in ("apitext.example", "spa.example"):
            for slug, story in web.stories[host].items():
                versions = archive.versions(web.url(host, slug))
                edited = (host, slug) in EDITED
                assert len(versions) == (2 if edited else 1), (host, slug, [v.text[:80] for v in versions])
                for paragraph in crawled.first_text[host + slug].split("\n\n"):
                    assert paragraph in versions[0].text, (host, slug, paragraph)
                assert versions[0].title == story.title
                assert CORRECTION not in versions[0].text
                assert (CORRECTION in versions[-1].text) == edited


def test_the_spa_front_page_links_drawn_by_script_were_followed(crawled: Crawled) -> None:
    with Archive(archive_dir=crawled.archive_dir) as archive:
        known = archive.known_urls()
    assert {crawled.web.url("spa.example", slug) for slug in crawled.web.stories["spa.example"]} <= set(known)


def test_every_exchange_the_browser_made_is_a_response_and_request_pair(crawled: Crawled) -> None:
    records = all_records(crawled.archive_dir)
    responses = {str(r.rec_headers.get_header("WARC-Target-URI")): (r, body) for _, _, r, body in records
                 if r.rec_type == "response"}
    requests = {r.rec_headers.get_header("WARC-Concurrent-To") for _, _, r, _ in records if r.rec_type == "request"}
    # what only the browser asks for, of the outlets whose pages settle (a poll still in flight at close has no answer)
    browser_only = [hit for hit in crawled.web.hits if ("/api/" in hit or "/static/" in hit)
                    and "hang.example" not in hit]
    assert browser_only
    for url in browser_only:
        assert url in responses, url
        record, _ = responses[url]
        assert record.rec_headers.get_header("WARC-Record-ID") in requests, url
    api, body = responses["http://apitext.example/api/story/api-story-2.json"]
    # the browser gets gzip; the record holds the body it decoded, and says how it came
    assert api.http_headers.get_header("X-Orig-Content-Encoding") == "gzip"
    assert api.http_headers.get_header("Content-Encoding") is None
    assert json.loads(body)["paragraphs"] == crawled.web.story("apitext.example", "api-story-2").paragraphs


def test_every_version_has_its_rendered_dom_and_a_screenshot(crawled: Crawled, capsys) -> None:
    sizes = []
    with Archive(archive_dir=crawled.archive_dir) as archive:
        for url in archive.known_urls():
            for version in archive.versions(url):
                found = renditions_after(archive.warc_path(version.warc_file), version.warc_offset,
                                         version.warc_record_id)
                assert found.screenshot is not None and found.screenshot[:3] == b"\xff\xd8\xff", url  # a JPEG
                assert found.dom is not None and version.text.split("\n\n")[-1] in found.dom, url
                assert any(block["text"] == version.text.split("\n\n")[-1] for block in found.layout["blocks"])
                sizes.append(len(found.screenshot))
    targets = [str(r.rec_headers.get_header("WARC-Target-URI")) for _, _, r, _ in all_records(crawled.archive_dir)
               if r.rec_type == "resource"]
    assert all(target.startswith((DOM_URI, SCREENSHOT_URI, LAYOUT_URI)) for target in targets)
    with capsys.disabled():
        print(f"\n  {len(sizes)} screenshots, {sum(sizes) / len(sizes) / 1024:.1f} KB each on average")


def test_the_summary_prints_ms_per_render_and_bytes_per_screenshot(crawled: Crawled) -> None:
    line = next(line for line in crawled.second.stderr.splitlines() if line.startswith("  browser "))
    assert re.fullmatch(r"  browser    \d+ pages rendered, \d+ ms each, \d+ screenshots of [\d.]+ KB each", line), line


def test_a_page_whose_scripts_poll_for_ever_is_taken_as_it_stands(crawled: Crawled) -> None:
    with Archive(archive_dir=crawled.archive_dir) as archive:
        versions = archive.versions("http://hang.example/story/poll")
    assert versions and crawled.web.story("hang.example", "poll").paragraphs[0] in versions[0].text


def test_a_script_that_never_returns_costs_that_page_and_one_line(crawled: Crawled) -> None:
    stderr = crawled.first.stderr
    lines = [line for line in stderr.splitlines() if "story/loop" in line]
    assert len(lines) == 1 and "fetch failed (browser_timeout)" in lines[0], lines
    assert "Traceback" not in stderr
    assert "browser_timeout 1" in next(line for line in stderr.splitlines() if line.startswith("  errors "))
    with Archive(archive_dir=crawled.archive_dir) as archive:
        assert "http://hang.example/story/loop" not in archive.known_urls()


def test_a_page_that_outgrows_its_memory_bound_crashes_its_tab_alone(crawled: Crawled) -> None:
    stderr = crawled.first.stderr
    lines = [line for line in stderr.splitlines() if "story/oom" in line]
    assert len(lines) == 1 and "fetch failed (browser_crash)" in lines[0], lines
    assert "browser_crash 1" in next(line for line in stderr.splitlines() if line.startswith("  errors "))
    with Archive(archive_dir=crawled.archive_dir) as archive:  # the browser went on with the other pages
        assert "http://hang.example/story/oom" not in archive.known_urls()
        assert archive.versions("http://hang.example/story/poll")


def test_reindex_rebuilds_the_versions_from_the_rendered_dom(crawled: Crawled, tmp_path: Path) -> None:
    copy = tmp_path / "archive"
    shutil.copytree(crawled.archive_dir / "warcs", copy / "warcs")
    result = newsarchive("--archive-dir", str(copy), "reindex", "--yes", "--workers", "1")
    assert result.exit_code == 0, result.output
    with Archive(archive_dir=crawled.archive_dir) as before, Archive(archive_dir=copy) as after:
        urls = sorted(before.known_urls())
        assert sorted(after.known_urls()) == urls
        for url in urls:
            old, new = before.versions(url), after.versions(url)
            assert [v.text for v in new] == [v.text for v in old], url
            assert [(v.warc_file, v.warc_offset) for v in new] == [(v.warc_file, v.warc_offset) for v in old]


@pytest.fixture(scope="module")
def pywb(crawled: Crawled, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(tmp_path_factory.mktemp("pywb"), {"warcs": ["add", *map(str, warc_files(crawled.archive_dir))]}) as root:
        yield root


def replayed_raw(root: str, url: str) -> bytes:
    with urllib.request.urlopen(f"{root}/warcs/2099id_/{url}", timeout=60) as reply:
        body = reply.read()
        return gzip.decompress(body) if reply.headers.get("Content-Encoding") == "gzip" else body


def test_pywb_replays_the_rendered_page_with_the_text_its_script_fetched(crawled: Crawled, pywb: str,
                                                                         browser) -> None:
    web = crawled.web
    for host, slug in [("apitext.example", "api-story-2"), ("spa.example", "spa-story-2")]:
        url = web.url(host, slug)
        shell = replayed_raw(pywb, url).decode()
        paragraphs = web.story(host, slug).paragraphs
        assert paragraphs[-1] not in shell  # the page alone has no text: replay must run its script
        page = browser.new_page()
        try:
            # pywb's framed replay: its banner on top, the archived page in an iframe (mode mp_)
            page.goto(f"{pywb}/warcs/2099/{url}", wait_until="networkidle", timeout=30_000)
            frames = [frame for frame in page.frames if "mp_/" in frame.url]
            assert len(frames) == 1, [frame.url for frame in page.frames]
            frames[0].wait_for_load_state("networkidle")
            text = frames[0].inner_text("body")
        finally:
            page.close()
        for paragraph in paragraphs:
            assert paragraph in text, (url, paragraph)


def test_the_reading_room_shows_each_version_beside_its_screenshot(crawled: Crawled) -> None:
    from tests.storage.web.test_pages import get, q, running_app

    url = crawled.web.url("apitext.example", "api-story-1")
    with Archive(archive_dir=crawled.archive_dir) as archive, running_app(archive) as base:
        shots = set()
        for number in (1, 2):
            page = get(f"{base}/page?{q(url=url, v=number, format='json')}").json()
            assert page["screenshot"], number
            shot = get(base + page["screenshot"])
            assert shot.status == 200 and shot.headers["content-type"] == "image/jpeg"
            assert shot.body[:3] == b"\xff\xd8\xff"
            shots.add(shot.body)
            html = get(f"{base}/page?{q(url=url, v=number)}").text
            assert f'<img src="{page["screenshot"]}"' in html and 'class="beside-screenshot"' in html
        assert len(shots) == 2  # each version its own
        assert get(f"{base}/capture/999999/screenshot").status == 404


def test_the_diff_shows_both_screenshots_with_the_changed_region_marked(crawled: Crawled) -> None:
    from tests.storage.web.test_pages import get, q, running_app

    url = crawled.web.url("spa.example", "spa-story-1")
    with Archive(archive_dir=crawled.archive_dir) as archive, running_app(archive) as base:
        answer = get(f"{base}/diff?{q(url=url, format='json')}").json()
        html = get(f"{base}/diff?{q(url=url)}").text
    shots = answer["screenshots"]
    assert shots["before"]["src"] != shots["after"]["src"]
    assert shots["before"]["marks"] == []  # a paragraph was added: nothing of the old page changed
    assert len(shots["after"]["marks"]) == 1  # the added correction, one block
    x, y, w, h = shots["after"]["marks"][0]
    assert 0 < y and y + h <= shots["after"]["height"] and w > 0
    assert html.count("<image href=") == 2 and html.count('<rect class="changed"') == 1
