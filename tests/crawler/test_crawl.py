"""End to end: crawl the simulated news web into WARCs and the archive database.

One web and one archive for the module; the tests run in file order, the later
ones re-crawling after the web changes.
"""

from __future__ import annotations

import io
import re
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from extract import extract_article
from storage.archive import Archive
from tests.helpers.crawl import run_crawl, tool, warc_files


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


NEWSWEB = {"seed": 7}  # options of the `web` fixture (conftest.py)
CONTACT = "desk@newsroom.example"


@pytest.fixture(scope="module")
def site(web, tmp_path_factory):
    """The web crawled once: (archive_dir, seeds file, first crawl's stderr)."""
    root = tmp_path_factory.mktemp("crawl")
    seeds = root / "seeds.toml"
    seeds.write_text(web.seed_toml(), encoding="utf-8")
    web.clear_log()
    result = run_crawl(root / "archive", seeds, web.proxy_url, settings={"NEWSARCHIVE_CONTACT": CONTACT})
    return root / "archive", seeds, result.stderr


def article_fetches(web) -> Counter:
    articles = set(web.article_urls())
    return Counter(entry.url.split("#")[0] for entry in web.request_log
                   if entry.method == "GET" and entry.url.split("?")[0] in articles)


def version_count(archive_dir: Path) -> int:
    with Archive(archive_dir=archive_dir) as archive:
        return archive.stats().versions


def test_every_article_fetched_exactly_once(web, site) -> None:
    fetches = article_fetches(web)
    expected = set(web.article_urls())
    assert set(fetches) == expected
    assert all(count == 1 for count in fetches.values()), fetches.most_common(3)


def test_every_request_names_the_contact_given_on_the_command_line(web, site) -> None:
    agents = {entry.headers.get("User-Agent") for entry in web.request_log}
    assert agents == {f"newsarchive/0.1 (news archiving crawler; +mailto:{CONTACT})"}


def test_robots_txt_disallowed_pages_are_never_fetched(web, site) -> None:
    fetched = {entry.url for entry in web.request_log}
    disallowed = set(web.disallowed_urls())
    assert disallowed, "the simulated web should disallow something"
    assert not fetched & disallowed


def test_summary_reports_the_crawl(web, site) -> None:
    _, _, stderr = site
    summary = stderr[stderr.index("newsarchive crawl finished"):]
    new = int(re.search(r"new (\d+)", summary).group(1))
    assert new == len(web.article_urls())
    assert re.search(r"WARC\s+\d+ files, [\d.]+ [KM]B written", summary)


def test_every_warc_passes_warcio_check(site) -> None:
    archive_dir, _, _ = site
    files = warc_files(archive_dir)
    assert files
    assert not list((archive_dir / "warcs").glob("*.open"))
    result = subprocess.run([tool("warcio"), "check", *map(str, files)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_cdxj_indexer_indexes_every_article_response(web, site) -> None:
    archive_dir, _, _ = site
    result = subprocess.run([tool("cdxj-indexer"), *map(str, warc_files(archive_dir))],
                            capture_output=True, text=True, check=True)
    indexed = set(re.findall(r'"url": "([^"]+)"', result.stdout))
    assert set(web.article_urls()) <= indexed


def test_stored_text_has_the_body_and_none_of_the_clutter(web, site) -> None:
    archive_dir, _, _ = site
    with Archive(archive_dir=archive_dir) as archive:
        for url in web.article_urls():
            [version] = archive.versions(url)
            stored = squash(version.text)
            for paragraph in web.article(url).paragraphs:
                assert squash(paragraph) in stored, (url, paragraph)
            for clutter in web.clutter_strings(version.outlet):
                assert squash(clutter) not in stored, (url, clutter)


def test_warc_record_at_stored_offset_is_what_the_extractor_saw(web, site) -> None:
    archive_dir, _, _ = site
    with Archive(archive_dir=archive_dir) as archive:
        for url in web.article_urls()[:6]:
            [version] = archive.versions(url)
            path = archive_dir / "warcs" / version.warc_file
            with open(path, "rb") as handle:
                handle.seek(version.warc_offset)
                member = io.BytesIO(handle.read(version.warc_length))
            record = next(iter(ArchiveIterator(member)))
            assert record.rec_headers.get_header("WARC-Record-ID") == version.warc_record_id
            html = record.content_stream().read()
            assert extract_article(html, version.fetched_url).text == version.text


def test_recrawl_leaves_archived_articles_to_their_schedule(web, site) -> None:
    archive_dir, seeds, _ = site
    before = version_count(archive_dir)
    web.clear_log()
    run_crawl(archive_dir, seeds, web.proxy_url)
    assert not article_fetches(web), "articles just archived are not due for a re-check yet"
    assert version_count(archive_dir) == before


def test_unchanged_recheck_adds_captures_not_versions(web, site) -> None:
    archive_dir, seeds, _ = site
    before = version_count(archive_dir)
    web.clear_log()
    run_crawl(archive_dir, seeds, web.proxy_url, args={"recheck": "all"})
    assert set(article_fetches(web)) == set(web.article_urls())
    assert version_count(archive_dir) == before
    with Archive(archive_dir=archive_dir) as archive:
        for url in web.article_urls():
            captures = archive.captures(url)
            assert len(captures) == 2
            assert captures[-1].record_type == "revisit"


def test_two_edited_articles_add_exactly_two_versions(web, site) -> None:
    archive_dir, seeds, _ = site
    before = version_count(archive_dir)
    first, second = web.article_urls()[1], web.article_urls()[5]
    web.edit_article(first, append_paragraph="Correction: an earlier version of this article misstated the date of the vote.")
    web.edit_article(second, new_title="Ministers soften their stance after the summit")
    run_crawl(archive_dir, seeds, web.proxy_url, args={"recheck": "all"})
    assert version_count(archive_dir) == before + 2
    with Archive(archive_dir=archive_dir) as archive:
        latest = archive.versions(first)[-1]
        assert latest.version == 2 and "misstated the date" in latest.text
        assert archive.versions(second)[-1].title == "Ministers soften their stance after the summit"
