"""Decompression bombs read back from WARCs (issue 35): no reader goes past the archive's size limit.

A WARC keeps a body as it came over the wire, so a few KB of gzip can decode
to gigabytes. The WARCs here are written with warcio the way another tool (or
an attacker) would; the limit is set low through ``NEWSARCHIVE_DOWNLOAD_MAXSIZE``
so the bombs stay small: a page that decodes to 4 MiB against a limit of 1 MiB.
The crawl refuses such a body (``DOWNLOAD_MAXSIZE``), so ingest and reindex
make no capture of it; ``show --raw`` and ``reextract`` refuse it in one line.
"""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storage.archive import Archive
from storage.db.errors import NoSuchPage
from storage.warc.capped import LIMIT_ENV
from tests.helpers.cli import newsarchive
from tests.storage.ingest.test_hostile_warcs import DATE, article_body

LIMIT = 1024 * 1024
BOMB_BYTES = 4 * LIMIT  # what the bomb decodes to
SMALL = {LIMIT_ENV: str(LIMIT)}
GOOD = "http://bombs.test/2026/11/20/a-story-of-ordinary-size/"
BOMB = "http://bombs.test/2026/11/20/a-story-that-inflates-to-megabytes/"


def bomb_body(url: str) -> bytes:
    """An article page padded, in a comment, to BOMB_BYTES: it gzips to a few KB."""
    page = article_body(url)
    return page.replace(b"</body>", b"<!--" + b" " * (BOMB_BYTES - len(page)) + b"--></body>")


def gzip_response(writer: WARCWriter, url: str, body: bytes):
    """A 200 whose body is stored gzip-encoded, as sent."""
    wire = gzip.compress(body, compresslevel=9)
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip"),
                                       ("Content-Length", str(len(wire)))], protocol="HTTP/1.1")
    return writer.create_warc_record(url, "response", payload=io.BytesIO(wire), length=len(wire), http_headers=http,
                                     warc_headers_dict={"WARC-Date": DATE})


def revisit_of(writer: WARCWriter, original, url: str):
    """A 200 whose payload is ``original``'s (identical-payload-digest), a day later."""
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip")],
                            protocol="HTTP/1.1")
    headers = original.rec_headers
    return writer.create_revisit_record(url, headers.get_header("WARC-Payload-Digest"), url,
                                        headers.get_header("WARC-Date"), http_headers=http,
                                        warc_headers_dict={"WARC-Date": "2026-11-21T10:00:00.000000Z",
                                                           "WARC-Refers-To": headers.get_header("WARC-Record-ID")})


def bomb_warc(path: Path) -> Path:
    """One ordinary page, one bomb, and a revisit of the bomb."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True, warc_version="1.1")
        writer.write_record(gzip_response(writer, GOOD, article_body(GOOD)))
        bomb = gzip_response(writer, BOMB, bomb_body(BOMB))
        writer.write_record(bomb)
        writer.write_record(revisit_of(writer, bomb, BOMB))
    assert path.stat().st_size < 32 * 1024
    return path


def run(archive_dir: Path, db_url: str, *args: str, env: dict[str, str] | None = None):
    return newsarchive("--archive-dir", str(archive_dir), "--db", db_url, *args, env=env)


def captured(archive_dir: Path, db_url: str, url: str) -> int:
    with Archive(archive_dir=archive_dir, db_url=db_url) as archive:
        try:
            return len(archive.captures(url))
        except NoSuchPage:
            return 0


@pytest.mark.parametrize("workers", ["1", "2"])
def test_ingest_makes_no_capture_of_a_payload_past_the_limit_nor_of_its_revisit(tmp_path, db_url, workers) -> None:
    archive_dir = tmp_path / "archive"
    warc = bomb_warc(tmp_path / "bombs.warc.gz")
    result = run(archive_dir, db_url, "ingest", str(warc), "--auto-outlets", "--workers", workers, "--json", env=SMALL)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["new"] == 1 and summary["skipped_too_large"] == 2, summary
    assert captured(archive_dir, db_url, GOOD) == 1
    assert captured(archive_dir, db_url, BOMB) == 0
    [line] = [line for line in result.stderr.splitlines() if "more than" in line]
    assert str(warc) in line and f"more than {LIMIT} bytes" in line


def test_reindex_reaches_the_same_verdict_as_ingest(tmp_path, db_url) -> None:
    archive_dir = tmp_path / "archive"
    bomb_warc(archive_dir / "warcs" / "bombs.warc.gz")
    assert run(archive_dir, db_url, "ingest", str(archive_dir / "warcs"), "--auto-outlets", env=SMALL).exit_code == 0
    result = run(archive_dir, db_url, "reindex", "--yes", "--auto-outlets", "--json", env=SMALL)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.strip().splitlines()[-1])["skipped_too_large"] == 2
    assert (captured(archive_dir, db_url, GOOD), captured(archive_dir, db_url, BOMB)) == (1, 0)


def test_show_raw_and_reextract_refuse_an_indexed_payload_past_a_lower_limit(tmp_path, db_url) -> None:
    """An archive indexed under a higher limit (the default, 32 MiB) read under a lower one."""
    archive_dir = tmp_path / "archive"
    warc = bomb_warc(tmp_path / "bombs.warc.gz")
    assert run(archive_dir, db_url, "ingest", str(warc), "--auto-outlets", "--workers", "1").exit_code == 0
    assert captured(archive_dir, db_url, BOMB) == 2  # the response and its revisit
    shown = run(archive_dir, db_url, "show", BOMB, "--raw", env=SMALL)
    assert shown.exit_code != 0 and len(shown.output) < 1000, shown.output[:300]
    assert f"more than {LIMIT} bytes" in shown.output and str(warc) in shown.output
    assert "Traceback" not in shown.output
    result = run(archive_dir, db_url, "reextract", "--json", env=SMALL)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.strip().splitlines()[-1])["unreadable"] == 1
