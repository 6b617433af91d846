"""``ingest`` and ``reindex`` of hostile or foreign WARCs: one bad record costs only itself.

The WARCs are written with warcio the way another tool (or an attacker) would:
NUL bytes in header values and in ``WARC-Target-URI`` (which PostgreSQL text
cannot hold), a record on port 99999, forged newsarchive run metadata.
"""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storage.archive import Archive
from tests.helpers.cli import newsarchive
from tests.newsweb.prose import generate_story

DATE = "2026-11-20T10:00:00.000000Z"


def article_body(slug: str) -> bytes:
    story = generate_story(random.Random(slug))
    paragraphs = "".join(f"<p>{text}</p>" for text in story.paragraphs)
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{story.title}</title>"
            f"<meta property='og:type' content='article'></head><body><article><h1>{story.title}</h1>"
            f"{paragraphs}</article></body></html>").encode()


def response(writer: WARCWriter, url: str, headers: list[tuple[str, str]] | None = None):
    body = article_body(url)
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"), *(headers or []),
                                       ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
    return writer.create_warc_record(url, "response", payload=io.BytesIO(body), length=len(body), http_headers=http,
                                     warc_headers_dict={"WARC-Date": DATE})


def write_warc(path: Path, records: list) -> Path:
    """``records``: callables of the writer, each returning one record."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True, warc_version="1.1")
        for make in records:
            writer.write_record(make(writer))
    return path


def run(archive_dir: Path, db_url: str, *args: str):
    return newsarchive("--archive-dir", str(archive_dir), "--db", db_url, *args)


def urls(archive_dir: Path, db_url: str) -> set[str]:
    with Archive(archive_dir=archive_dir, db_url=db_url) as archive:
        return archive.known_urls()


NUL_HEADERS = [("ETag", '"v1\x00x"'), ("Last-Modified", "Fri, 20 Nov 2026 08:00:00 GMT\x00"),
               ("Content-Type", "text/html\x00; charset=utf-8")]
NUL_URL = "http://nul.test/2026/11/20/a-story-with-a-nul\x00-in-its-address/"


def test_nul_bytes_in_headers_and_target_uri_are_ingested_and_reindexed(tmp_path, db_url) -> None:
    archive_dir = tmp_path / "archive"
    good = "http://nul.test/2026/11/20/a-story-whose-headers-carry-nul-bytes/"
    write_warc(archive_dir / "warcs" / "foreign.warc.gz",
               [lambda w: response(w, good, NUL_HEADERS), lambda w: response(w, NUL_URL)])
    result = run(archive_dir, db_url, "ingest", str(archive_dir / "warcs"), "--auto-outlets", "--workers", "1", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.strip().splitlines()[-1])["new"] == 2, result.output
    before = urls(archive_dir, db_url)
    assert len(before) == 2 and good in before
    result = run(archive_dir, db_url, "reindex", "--yes", "--auto-outlets", "--workers", "1")
    assert result.exit_code == 0, result.output
    assert urls(archive_dir, db_url) == before
    with Archive(archive_dir=archive_dir, db_url=db_url) as archive:
        [version] = archive.versions(good)
    assert version.text  # the article is indexed; the WARC keeps the NUL bytes as sent
