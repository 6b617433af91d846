"""Pages served brotli- or zstd-encoded are read back from the WARCs as the crawl read them.

Scrapy decodes ``br`` and ``zstd`` for extraction, while the WARC keeps the
body as sent. The crawl asks only for ``gzip, deflate`` (pywb replays neither
of the others), so a server that honours Accept-Encoding sends gzip; one that
sends ``br`` (or ``zstd``) regardless still gets versions in the crawl, and
``reindex`` and ``show --raw`` must read the same page from the WARC.
"""

from __future__ import annotations

import gzip
import shutil
import sys
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import brotli
import pytest
from warcio.archiveiterator import ArchiveIterator

from storage.archive import Archive
from tests.helpers.cli import newsarchive
from tests.helpers.crawl import run_crawl, warc_files
from tests.helpers.pywb import serving
from tests.newsweb import NewsWeb

if sys.version_info >= (3, 14):
    from compression import zstd
else:
    from backports import zstd

DECODE = {"gzip": gzip.decompress, "br": brotli.decompress, "zstd": zstd.decompress}


@dataclass(frozen=True)
class Crawled:
    coding: str
    archive_dir: Path
    encoded: list[str]  # article URLs the server sent in ``coding``
    titles: dict[str, str]


def crawl(root: Path, coding: str, force: bool) -> Crawled:
    with NewsWeb(seed=21, articles_per_outlet=2, content_coding=coding, force_coding=force) as web:
        seeds = root / "seeds.toml"
        seeds.write_text(web.seed_toml(), encoding="utf-8")
        run_crawl(root / "archive", seeds, web.proxy_url)
        titles = {url: web.lookup(url).title for url in web.article_urls()}
    encoded = sorted(url for url, coding_sent in sent_codings(root / "archive").items() if coding_sent == coding
                     and url in titles)
    return Crawled(coding, root / "archive", encoded, titles)


@pytest.fixture(scope="module", params=["br", "zstd"])
def crawled(request, tmp_path_factory) -> Crawled:
    """A crawl of a news web whose compressing outlets send ``br`` (or ``zstd``) whatever the crawl asks for."""
    found = crawl(tmp_path_factory.mktemp(f"encoded-{request.param}"), request.param, force=True)
    assert found.encoded, "the news web sent no page in " + request.param
    return found


def sent_codings(archive_dir: Path) -> dict[str, str]:
    """Each response's URL → its Content-Encoding, as the WARC keeps it."""
    found = {}
    for path in warc_files(archive_dir):
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type == "response" and record.http_headers is not None:
                    found[record.rec_headers.get_header("WARC-Target-URI")] = \
                        record.http_headers.get_header("Content-Encoding") or ""
    return found


def versions(archive_dir: Path, urls: list[str]) -> dict[str, list[tuple[int, str, str]]]:
    with Archive(archive_dir=archive_dir) as archive:
        return {url: [(v.version, v.title, v.text) for v in archive.versions(url)] for url in urls}


def test_the_crawl_makes_versions_of_encoded_pages(crawled: Crawled) -> None:
    found = versions(crawled.archive_dir, crawled.encoded)
    for url in crawled.encoded:
        assert [(number, title) for number, title, _ in found[url]] == [(1, crawled.titles[url])], url


def test_reindex_reads_the_encoded_pages_to_the_same_versions(crawled: Crawled, tmp_path: Path) -> None:
    copy = tmp_path / "archive"
    shutil.copytree(crawled.archive_dir, copy)
    result = newsarchive("--archive-dir", str(copy), "reindex", "--yes", "--workers", "1")
    assert result.exit_code == 0, result.output
    assert versions(copy, crawled.encoded) == versions(crawled.archive_dir, crawled.encoded)


def test_show_raw_prints_the_decoded_page(crawled: Crawled) -> None:
    url = crawled.encoded[0]
    result = newsarchive("--archive-dir", str(crawled.archive_dir), "show", url, "--raw")
    assert result.exit_code == 0, result.output[:500]
    assert "<html" in result.output.lower() and crawled.titles[url] in result.output


def test_the_crawl_asks_for_codings_pywb_replays(tmp_path: Path) -> None:
    """A server that would send br to a client asking for it sends gzip: the WARC replays in pywb.

    pywb 2.10 (through warcio 1.8) decodes only gzip and deflate: a br page came back with its Content-Encoding
    header dropped and its bytes still brotli, which no browser can read.
    """
    (tmp_path / "asked").mkdir()
    found = crawl(tmp_path / "asked", "br", force=False)
    sent = sent_codings(found.archive_dir)
    assert "br" not in sent.values() and "gzip" in sent.values(), sent
    url = next(url for url in found.titles if sent.get(url) == "gzip")
    with serving(tmp_path, {"warcs": ["add", *map(str, warc_files(found.archive_dir))]}) as root:
        request = urllib.request.Request(f"{root}/warcs/2099mp_/{url}", headers={"Accept-Encoding": "gzip, br, zstd"})
        with urllib.request.urlopen(request, timeout=60) as reply:
            assert reply.status == 200
            body = DECODE.get(reply.headers.get("Content-Encoding") or "", bytes)(reply.read())
    assert found.titles[url] in body.decode("utf-8", "replace")
