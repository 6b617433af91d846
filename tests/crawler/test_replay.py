"""Every archived article and version replays in pywb as the article, from the WARCs and from a WACZ (issue 33).

The simulated web is crawled three times through the real spider, with edits
between the crawls, so the archive holds new versions, re-checks and
identical-payload revisits; it is reached through an authenticating proxy
(``http_proxy=http://alice:SECRET@…``). The WARCs, a ``newsarchive wacz``
export, and copies of the WARCs in the older form (capture records under the
page's URL) made right by ``newsarchive warcs fix-replay`` — with a WACZ exported
from an archive indexed from that older form — are loaded into one pywb; every
version is asked for at its capture's timestamp and every article at its
latest capture. cdxj-indexer must list nothing but HTTP captures under page URLs.
"""

from __future__ import annotations

import base64
import gzip
import json
import subprocess
import urllib.request
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from extract import extract_article
from storage.archive import Archive
from storage.warc.context import CAPTURE_URI
from tests.helpers.pywb import serving
from tests.helpers.cli import newsarchive
from tests.helpers.crawl import run_crawl, tool, warc_files
from tests.helpers.warcs import record_at, write_old_form

SECRET = "s3cret-token"
CREDENTIALS = f"alice:{SECRET}"
COOKIES = {"COOKIES_ENABLED": "1"}  # so requests carry the Cookie header the outlets set
ENCODED = base64.b64encode(CREDENTIALS.encode()).decode()
NEWSWEB = {"seed": 33, "articles_per_outlet": 2, "proxy_auth": CREDENTIALS}  # the `web` fixture's options


@dataclass(frozen=True)
class Crawled:
    archive_dir: Path
    kept_outlet: str  # the outlet whose seed entry says warc_credentials = true
    kept_domains: tuple[str, ...]


@pytest.fixture(scope="module")
def crawled(web, tmp_path_factory: pytest.TempPathFactory) -> Crawled:
    root = tmp_path_factory.mktemp("replay")
    kept = web.outlets[0]
    seeds = root / "seeds.toml"
    named = f'name = "{kept.name}"\n'
    seeds.write_text(web.seed_toml().replace(named, named + "warc_credentials = true\n", 1), encoding="utf-8")
    archive_dir = root / "archive"
    run_crawl(archive_dir, seeds, web.proxy_url, settings=COOKIES)
    articles = [url for url in web.article_urls() if url not in {copy.url for copy in web.syndicated}]
    web.edit_article(articles[0], append_paragraph="Correction: the council meets on Tuesday, not Monday.")
    web.edit_article(articles[1], new_title="Harbour plan approved after a late amendment")
    run_crawl(archive_dir, seeds, web.proxy_url, settings=COOKIES, args={"recheck": "all"})
    web.edit_article(articles[0], append_paragraph="Update: the meeting was moved to the town hall.")
    run_crawl(archive_dir, seeds, web.proxy_url, settings=COOKIES, args={"recheck": "all"})
    return Crawled(archive_dir, kept.name, tuple(kept.domains))


@pytest.fixture(scope="module")
def older(crawled: Crawled) -> Path:
    """The crawl's WARCs as crawls before issue 33 wrote them, indexed into an archive of their own."""
    archive_dir = crawled.archive_dir.parent / "older"
    (archive_dir / "warcs").mkdir(parents=True)
    for path in warc_files(crawled.archive_dir):
        write_old_form(path, archive_dir / "warcs" / path.name, proxy_authorization=f"Basic {ENCODED}")
    result = newsarchive("--archive-dir", str(archive_dir), "reindex", "--yes", "--workers", "1")
    assert result.exit_code == 0, result.output
    return archive_dir


@pytest.fixture(scope="module")
def fixed(older: Path) -> list[Path]:
    """What ``newsarchive warcs fix-replay`` lists for replay of the older files."""
    result = newsarchive("--archive-dir", str(older), "warcs", "fix-replay")
    assert result.exit_code == 0, result.output
    return [Path(line) for line in result.stdout.splitlines() if line.strip()]


def export_wacz(archive_dir: Path) -> Path:
    output = archive_dir.parent / f"{archive_dir.name}.wacz"
    result = newsarchive("--archive-dir", str(archive_dir), "wacz", "-o", str(output))
    assert result.exit_code == 0, result.output
    return output


@pytest.fixture(scope="module")
def waczs(crawled: Crawled, older: Path) -> dict[str, Path]:
    return {"wacz": export_wacz(crawled.archive_dir), "olderwacz": export_wacz(older)}


@pytest.fixture(scope="module")
def pywb(crawled: Crawled, fixed: list[Path], waczs: dict[str, Path],
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One pywb serving four collections: the WARCs, their WACZ, the fixed older WARCs, the older archive's WACZ."""
    sources = {"warcs": ["add", *map(str, warc_files(crawled.archive_dir))], "fixed": ["add", *map(str, fixed)],
               **{name: ["add", "--unpack-wacz", str(path)] for name, path in waczs.items()}}
    with serving(tmp_path_factory.mktemp("pywb"), sources) as root:
        yield root


def replayed(root: str, collection: str, timestamp: str, url: str) -> tuple[str, bytes]:
    with urllib.request.urlopen(f"{root}/{collection}/{timestamp}id_/{url}", timeout=60) as reply:
        body = reply.read()
        if reply.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        return reply.headers.get("Content-Type") or "", body


def timestamp_of(archive_dir: Path, warc_file: str, offset: int) -> str:
    date = record_at(archive_dir / "warcs" / warc_file, offset).warc.get_header("WARC-Date")
    return "".join(ch for ch in date if ch.isdigit())[:14]


@pytest.mark.parametrize("collection", ["warcs", "wacz", "fixed", "olderwacz"])
def test_every_version_replays_at_its_time_and_every_article_at_its_latest(
        crawled: Crawled, pywb: str, collection: str) -> None:
    checked = edited = 0
    with Archive(archive_dir=crawled.archive_dir) as archive:
        for url in sorted(archive.known_urls()):
            versions = archive.versions(url)
            if not versions:
                continue
            edited += len(versions) > 1
            moments = [(timestamp_of(crawled.archive_dir, v.warc_file, v.warc_offset), v) for v in versions]
            for timestamp, version in [*moments, ("2099", versions[-1])]:
                content_type, body = replayed(pywb, collection, timestamp, version.fetched_url)
                assert content_type.startswith("text/html"), (collection, timestamp, url, content_type, body[:200])
                assert extract_article(body, version.fetched_url).text == version.text, (collection, timestamp, url)
                checked += 1
    assert edited >= 2 and checked >= 10, (edited, checked)


def cdxj_entries(files: list[Path]) -> list[dict]:
    done = subprocess.run([tool("cdxj-indexer"), *map(str, files)], capture_output=True, text=True, check=True)
    return [json.loads(line.split(" ", 2)[2]) for line in done.stdout.splitlines()]


def misfiled(files: list[Path]) -> list[tuple[str, str, str]]:
    """cdxj-indexer's lines under an http(s) URL whose record is not an HTTP response or revisit."""
    by_name = {path.name: path for path in files}
    wrong = []
    for entry in cdxj_entries(files):
        if entry["url"].startswith(("http://", "https://")):
            kind = record_at(by_name[entry["filename"]], int(entry["offset"])).type
            if kind not in ("response", "revisit"):
                wrong.append((entry["url"], kind, entry.get("mime", "")))
    return wrong


def test_cdxj_indexer_files_only_http_captures_under_page_urls(crawled: Crawled, fixed: list[Path],
                                                              older: Path) -> None:
    files = warc_files(crawled.archive_dir)
    assert misfiled(files) == []
    assert misfiled(fixed) == []
    capture_records = [entry for entry in cdxj_entries(files) if entry["url"].startswith(CAPTURE_URI)]
    assert len(misfiled(warc_files(older))) == len(capture_records) > 0  # the older form: what issue 33 saw


def test_the_wacz_index_lists_only_http_captures(waczs: dict[str, Path], tmp_path: Path) -> None:
    for name, path in waczs.items():
        with zipfile.ZipFile(path) as package:
            package.extractall(tmp_path / name)
        warc = tmp_path / name / "archive" / "data.warc.gz"
        lines = (tmp_path / name / "indexes" / "index.cdx").read_text().splitlines()
        for line in lines:
            entry = json.loads(line.split(" ", 2)[2])
            assert record_at(warc, int(entry["offset"])).type in ("response", "revisit"), (name, entry)


def test_fix_replay_never_overwrites_and_lists_the_same_copies_again(older: Path, fixed: list[Path]) -> None:
    copies = [path for path in fixed if path.parent.name == "replay-warcs"]
    assert copies and all(path.parent.parent == older for path in copies)
    originals = {path: path.read_bytes() for path in warc_files(older)}
    stamps = {path: path.stat().st_mtime_ns for path in copies}
    again = newsarchive("--archive-dir", str(older), "warcs", "fix-replay")
    assert again.exit_code == 0, again.output
    assert [Path(line) for line in again.stdout.splitlines()] == fixed
    assert {path: path.stat().st_mtime_ns for path in copies} == stamps
    assert {path: path.read_bytes() for path in warc_files(older)} == originals


def decompressed(path: Path) -> bytes:
    if path.suffix == ".wacz":
        with zipfile.ZipFile(path) as package:
            return b"".join(decompressed_bytes(name, package.read(name)) for name in package.namelist())
    return decompressed_bytes(path.name, path.read_bytes())


def decompressed_bytes(name: str, data: bytes) -> bytes:
    return gzip.decompress(data) if name.endswith(".gz") else data


def test_no_proxy_credentials_in_any_warc_or_wacz(web, crawled: Crawled, older: Path, fixed: list[Path],
                                                  waczs: dict[str, Path]) -> None:
    """Nor in fix-replay's copies and the WACZ of older files that held them (the originals keep them)."""
    assert any("Proxy-Authorization" in logged.headers for logged in web.request_log), "the crawl used the proxy"
    assert all(ENCODED.encode() in decompressed(path) for path in warc_files(older))
    for path in [*warc_files(crawled.archive_dir), *fixed, *waczs.values()]:
        data = decompressed(path)
        assert SECRET.encode() not in data and ENCODED.encode() not in data, path
        assert b"Proxy-Authorization" not in data and b"WARC-IP-Address" not in data, path  # proxied: no peer address


def test_cookies_are_archived_only_for_the_outlet_whose_seed_says_so(crawled: Crawled) -> None:
    sent_cookie: dict[bool, int] = {True: 0, False: 0}
    for path in warc_files(crawled.archive_dir):
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type == "request" and record.http_headers.get_header("Cookie"):
                    host = record.rec_headers.get_header("WARC-Target-URI").split("/")[2]
                    sent_cookie[any(host == d or host.endswith("." + d) for d in crawled.kept_domains)] += 1
    assert sent_cookie[True] > 0 and sent_cookie[False] == 0, sent_cookie


def test_fix_replay_into_the_originals_folder_is_refused_in_one_line(older: Path) -> None:
    originals = {path: path.read_bytes() for path in warc_files(older)}
    result = newsarchive("--archive-dir", str(older), "warcs", "fix-replay", "--to", str(older / "warcs"))
    assert result.exit_code != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "would replace the original" in lines[0] and "Traceback" not in result.output
    assert {path: path.read_bytes() for path in warc_files(older)} == originals
