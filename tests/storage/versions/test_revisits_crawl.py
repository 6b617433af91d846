"""End to end: re-checks answered ``304 Not Modified`` extend the page's version (issue 32).

Real crawls of the simulated news web, whose article pages carry a rotating ad
line (so two full fetches of one article differ in bytes, not in text), an
``ETag`` per revision, and answer ``If-None-Match`` with 304.
"""

from __future__ import annotations

import json
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from storage.archive import Archive
from tests.helpers.captures import scalars_of
from tests.helpers.cli import newsarchive
from tests.helpers.crawl import run_crawl
from tests.helpers.warcs import write_arc

NEWSWEB = {"seed": 23, "articles_per_outlet": 2}  # options of the `web` fixture (conftest.py)


@pytest.fixture
def seeds(web, tmp_path) -> Path:
    path = tmp_path / "seeds.toml"
    path.write_text(web.seed_toml(), encoding="utf-8")
    return path


def own_articles(web) -> list[str]:
    syndicated = {copy.url for copy in web.syndicated}
    return [url for url in web.article_urls() if url not in syndicated]


def checks_of(archive_dir: Path, url: str) -> int:
    db_url = f"sqlite:///{archive_dir / 'archive.sqlite3'}"
    sql = "SELECT s.checks FROM page_schedule s JOIN pages p ON p.id = s.page_id WHERE p.url = :url"
    [checks] = scalars_of(db_url, sql, url=url)
    return int(checks)


def test_a_304_after_a_refetch_whose_bytes_changed_extends_the_version(web, seeds, tmp_path) -> None:
    """Full fetch; the ETag changes but not the text (a full fetch with other ad bytes); then 304 to the new ETag."""
    url = own_articles(web)[0]
    outlet = web.article(url).outlet
    archive_dir = tmp_path / "archive"
    run_crawl(archive_dir, seeds, web.proxy_url, args={"outlet": outlet})
    web.edit_article(url)  # a new revision and ETag, the same article
    for _ in range(2):
        run_crawl(archive_dir, seeds, web.proxy_url, args={"outlet": outlet, "recheck": "all"})
    with Archive(archive_dir=archive_dir) as archive:
        captures = archive.captures(url)
        [version] = archive.versions(url)
    assert [(c.record_type, c.status) for c in captures] == [("response", 200), ("response", 200), ("revisit", 304)]
    assert captures[0].payload_digest != captures[1].payload_digest  # the rotating ad line
    assert version.last_seen == captures[-1].fetched_at
    assert checks_of(archive_dir, url) == 2  # both re-checks counted; the 304 is no "not an article"


def arc_capture_of(web, url: str, when: datetime) -> tuple[str, str, bytes]:
    """``url`` fetched for real, as an ARC file's capture dated ``when``: no payload digest anywhere."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": web.proxy_url}))
    with opener.open(url) as response:
        body = response.read()
        headers = [(k, v) for k, v in response.headers.items() if k.lower() != "content-length"]
    head = "".join(f"{k}: {v}\r\n" for k, v in [*headers, ("Content-Length", str(len(body)))])
    return url, when.strftime("%Y%m%d%H%M%S"), f"HTTP/1.1 200 OK\r\n{head}\r\n".encode("latin-1") + body


def test_a_304_of_a_page_ingested_from_an_arc_file_is_a_revisit(web, seeds, tmp_path) -> None:
    url = own_articles(web)[1]
    archive_dir = tmp_path / "archive"
    yesterday = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)
    arc = write_arc(tmp_path / "old.arc", [arc_capture_of(web, url, yesterday)])
    ingested = newsarchive("--archive-dir", str(archive_dir), "ingest", str(arc), "--seeds", str(seeds), "--json")
    assert ingested.exit_code == 0 and json.loads(ingested.stdout)["new"] == 1, ingested.output
    # ingested yesterday, so scheduled from now (issue 32.6): `all` re-checks it now
    result = run_crawl(archive_dir, seeds, web.proxy_url, args={"recheck": "all"}, check=False)
    assert "Digest can not be empty" not in result.stderr
    assert result.returncode == 0, result.stderr[-3000:]
    with Archive(archive_dir=archive_dir) as archive:
        captures = archive.captures(url)
        [version] = archive.versions(url)
    assert [(c.record_type, c.status, c.payload_digest) for c in captures] == [("response", 200, None),
                                                                               ("revisit", 304, None)]
    assert version.first_seen == yesterday and version.last_seen == captures[-1].fetched_at
