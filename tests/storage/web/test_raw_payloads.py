"""``/capture/ID/raw`` over real HTTP: the payload is streamed, and one past the archive's limit is refused (issue 35).

The archive is a warcio-written WARC of an ordinary page and a gzip bomb
(4 MiB decoded), ingested under the default limit; the reading room then runs
under uvicorn with the limit lowered through ``NEWSARCHIVE_DOWNLOAD_MAXSIZE``,
as for an archive indexed before a lower limit was set.
"""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from storage.archive import Archive
from storage.warc.capped import LIMIT_ENV
from storage.warc.payload import read_payload
from tests.helpers.cli import newsarchive
from tests.storage.ingest.test_bombs import BOMB, GOOD, LIMIT, bomb_warc
from tests.storage.web.test_pages import running_app


@pytest.fixture(scope="module")
def archive_dir(tmp_path_factory) -> Path:
    archive_dir = tmp_path_factory.mktemp("raw") / "archive"
    warc = bomb_warc(archive_dir / "warcs" / "bombs.warc.gz")
    result = newsarchive("--archive-dir", str(archive_dir), "ingest", str(warc), "--auto-outlets", "--workers", "1")
    assert result.exit_code == 0, result.output
    return archive_dir


@pytest.fixture
def app(archive_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Archive]]:
    monkeypatch.setenv(LIMIT_ENV, str(LIMIT))
    with Archive(archive_dir=archive_dir, read_only=True) as reader, running_app(reader) as base:
        yield base, reader


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    """Status, headers (lower-case names) and body, as the wire had them (http.client keeps Transfer-Encoding)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request("GET", parts.path, headers={"Accept-Encoding": "identity"})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def capture_id(reader: Archive, url: str) -> int:
    return reader.page_captures(url)[0].id


def test_a_payload_within_the_limit_is_streamed_whole(app) -> None:
    base, reader = app
    status, headers, body = fetch(f"{base}/capture/{capture_id(reader, GOOD)}/raw")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert headers.get("transfer-encoding") == "chunked" and "content-length" not in headers
    assert "sandbox" in headers["content-security-policy"]
    source = reader.payload_capture(capture_id(reader, GOOD))
    with pytest.MonkeyPatch.context() as unlimited:
        unlimited.setenv(LIMIT_ENV, "0")
        assert body == read_payload(reader.warc_path(source.warc_file), source.warc_offset)


def test_a_payload_past_the_limit_is_refused_in_one_page(app) -> None:
    base, reader = app
    status, headers, body = fetch(f"{base}/capture/{capture_id(reader, BOMB)}/raw")
    assert status == 403 and headers["content-type"].startswith("text/html")
    assert len(body) < 20_000 and b"size limit" in body
    assert b"<!--   " not in body  # none of the payload


def test_the_revisit_of_a_payload_past_the_limit_is_refused_too(app) -> None:
    base, reader = app
    revisit = reader.page_captures(BOMB)[-1]
    assert revisit.record_type == "revisit"
    status, _, body = fetch(f"{base}/capture/{revisit.id}/raw")
    assert status == 403 and len(body) < 20_000
