"""``newsarchive wacz``: selected captures packaged as a WACZ that ``wacz validate`` accepts."""

from __future__ import annotations

import io
import json
import subprocess
import urllib.request
import zipfile
from datetime import timedelta

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.helpers.cli import newsarchive
from tests.helpers.crawl import tool
from tests.newsweb import NewsWeb
from tests.storage.ingest.test_ingest import T0, Fetched, fetch_pair, revisit_of, write_warc


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """An archive ingested from two warcio-made WARCs (one gzip, one plain), with a revisit."""
    root = tmp_path_factory.mktemp("wacz")
    with NewsWeb(seed=13, articles_per_outlet=2) as web:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": web.proxy_url}))
        pages = []
        for url in web.article_urls():
            with opener.open(url) as response:
                pages.append(Fetched(url, response.status, list(response.headers.items()), response.read()))
        seeds = root / "seeds.toml"
        seeds.write_text(web.seed_toml(), encoding="utf-8")
        outlets = {o.name: web.article_urls(o.name) for o in web.outlets}
    made: list = []

    def first(writer):
        records = fetch_pair(pages[0], T0)(writer)
        made.append(records[0])
        return records

    half = len(pages) // 2
    write_warc(root / "one.warc.gz", [first, *(fetch_pair(p, T0 + timedelta(minutes=i)) for i, p in enumerate(pages[1:half], 1))])
    write_warc(root / "two.warc", [fetch_pair(p, T0 + timedelta(days=1, minutes=i)) for i, p in enumerate(pages[half:])]
               + [lambda w: revisit_of(pages[0], made[0], T0 + timedelta(days=1, hours=1))(w)], gzip=False)
    result = newsarchive("--archive-dir", str(root / "archive"), "ingest", str(root / "one.warc.gz"),
                                       str(root / "two.warc"), "--seeds", str(seeds), "--workers", "1")
    assert result.exit_code == 0, result.output
    return root, pages, outlets


def make_wacz(root, *args: str):
    output = root / f"out-{len(list(root.glob('*.wacz')))}.wacz"
    result = newsarchive("--archive-dir", str(root / "archive"), "wacz", *args, "-o", str(output))
    assert result.exit_code == 0, result.output
    return output


def validate(path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([tool("wacz"), "validate", "-f", str(path)], capture_output=True, text=True, timeout=120)


def package_records(path) -> list:
    with zipfile.ZipFile(path) as package:
        data = package.read("archive/data.warc.gz")
    return [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI"))
            for r in ArchiveIterator(io.BytesIO(data))]


def test_whole_archive_wacz_passes_wacz_validate(archive) -> None:
    root, pages, _ = archive
    output = make_wacz(root)
    checked = validate(output)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Validation succeeded" in checked.stdout
    records = package_records(output)
    responses = [url for kind, url in records if kind == "response"]
    assert sorted(responses) == sorted(p.url for p in pages)
    assert sorted(url for kind, url in records if kind == "request") == sorted(p.url for p in pages)
    assert [url for kind, url in records if kind == "revisit"] == [pages[0].url]


def test_pages_list_the_article_pages_with_titles_and_the_index_covers_them(archive) -> None:
    root, pages, _ = archive
    output = make_wacz(root)
    with zipfile.ZipFile(output) as package:
        lines = [json.loads(line) for line in package.read("pages/pages.jsonl").decode().splitlines()]
        index = package.read("indexes/index.cdx").decode()
        datapackage = json.loads(package.read("datapackage.json"))
    assert lines[0]["format"] == "json-pages-1.0"
    assert sorted(line["url"] for line in lines[1:]) == sorted(p.url for p in pages)
    assert all(line["title"] and line["ts"].endswith("Z") for line in lines[1:])
    indexed = {json.loads(line.split(" ", 2)[2])["url"] for line in index.splitlines()}
    assert {p.url for p in pages} <= indexed
    assert {r["path"] for r in datapackage["resources"]} == {"archive/data.warc.gz", "indexes/index.cdx",
                                                             "pages/pages.jsonl"}


def test_outlet_and_time_select_the_captures(archive) -> None:
    root, pages, outlets = archive
    name, urls = next((n, u) for n, u in outlets.items() if pages[0].url not in u)
    output = make_wacz(root, "--outlet", name)
    assert validate(output).returncode == 0
    assert sorted(url for kind, url in package_records(output) if kind == "response") == sorted(urls)
    later = make_wacz(root, "--since", (T0 + timedelta(hours=12)).isoformat())
    kinds = package_records(later)
    # the revisit of pages[0] is selected, and the response it stands for comes along for replay
    assert [url for kind, url in kinds if kind == "revisit"] == [pages[0].url]
    assert sorted(url for kind, url in kinds if kind == "response") == sorted(
        [pages[0].url] + [p.url for p in pages[len(pages) // 2:]])
    assert validate(later).returncode == 0


def test_an_empty_selection_is_one_clear_line(archive) -> None:
    root, _, _ = archive
    result = newsarchive("--archive-dir", str(root / "archive"), "wacz", "--since", "2999-01-01",
                         "-o", str(root / "empty.wacz"))
    assert result.exit_code != 0
    assert result.output.strip().splitlines() == [
        "Error: no captures match: check --outlet / --since / --until (newsarchive outlets lists them)"]
    assert not (root / "empty.wacz").exists()
