"""``newsarchive ingest`` on WARCs written by GNU wget (``--warc-file``), compressed or not.

wget fetches the simulated news web through its proxy; its WARC/1.0 files hold
request records before responses, a metadata record with its log, and (with
``--no-warc-compression``) one uncompressed file.
"""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from storage.archive import Archive
from tests.helpers.cli import newsarchive

pytestmark = pytest.mark.skipif(shutil.which("wget") is None, reason="GNU wget is not installed")


NEWSWEB = {"seed": 9, "articles_per_outlet": 2}  # options of the `web` fixture (conftest.py)


def wget_warc(web, directory, urls, compress: bool):
    stem = directory / "wget"
    command = ["wget", "--quiet", "--tries=1", "--timeout=20", "-e", "robots=off", "-e", "use_proxy=yes",
               "-e", f"http_proxy={web.proxy_url}", f"--warc-file={stem}", "--delete-after", *urls]
    if not compress:
        command.insert(1, "--no-warc-compression")
    subprocess.run(command, cwd=directory, check=True, timeout=120, capture_output=True)
    return directory / ("wget.warc.gz" if compress else "wget.warc")


@pytest.mark.parametrize("compress", [True, False])
def test_wget_warc_is_indexed_like_a_crawl(web, tmp_path, compress) -> None:
    urls = web.article_urls()
    extra = "http://www.daily-courier.test/"  # a section page: captured, not an article
    warc = wget_warc(web, tmp_path, [*urls, extra], compress)
    seeds = tmp_path / "seeds.toml"
    seeds.write_text(web.seed_toml(), encoding="utf-8")
    result = newsarchive("--archive-dir", str(tmp_path / "archive"), "ingest", str(warc),
                                       "--seeds", str(seeds), "--workers", "2", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["new"] == len(urls)
    assert summary["not_article"] == 1
    assert summary["damaged"] == []
    with Archive(archive_dir=tmp_path / "archive", create=False) as archive:
        for url in urls:
            [version] = archive.versions(url)
            squashed = " ".join(version.text.split())
            for paragraph in web.article(url).paragraphs:
                assert " ".join(paragraph.split()) in squashed
            assert version.warc_file == str(warc.resolve())


def test_all_pages_makes_every_html_page_of_a_wget_warc_a_version(web, tmp_path) -> None:
    urls = web.article_urls()
    section = "http://www.daily-courier.test/"  # no article signal: a capture, unless every page is an article
    warc = wget_warc(web, tmp_path, [*urls, section], compress=True)
    run = lambda *extra: json.loads(newsarchive(  # noqa: E731
        "--archive-dir", str(tmp_path / "archive"), "ingest", str(warc), "--auto-outlets", "--workers", "1",
        "--json", *extra).stdout)
    summary = run("--all-pages")
    assert summary["new"] == len(urls) + 1 and summary["not_article"] == 0
    with Archive(archive_dir=tmp_path / "archive") as archive:
        assert archive.versions(section)[0].text
    again = run("--all-pages")
    assert again["captures_added"] == 0 and again["new"] == 0
