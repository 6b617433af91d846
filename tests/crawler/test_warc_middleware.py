"""WarcMiddleware settings, and crawls with Scrapy's stock download handler and HTTP cache."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from crawler.middlewares.warc import WarcMiddleware, warcinfo_fields
from tests.helpers.crawl import run_probe_crawl
from tests.newsweb.probe import CHUNKS, serve
from tests.helpers.warcs import read_file


def test_warc_enabled_false_turns_the_middleware_off(tmp_path: Path) -> None:
    with pytest.raises(NotConfigured):
        WarcMiddleware.from_crawler(get_crawler(settings_dict={"WARC_ENABLED": False, "ARCHIVE_DIR": str(tmp_path)}))
    middleware = WarcMiddleware.from_crawler(get_crawler(settings_dict={"ARCHIVE_DIR": str(tmp_path), "WARC_PREFIX": "x/y"}))
    assert middleware.warcs_dir == tmp_path / "warcs"
    assert middleware.writer.prefix == "x_y"
    assert middleware.writer.max_size == 1_000_000_000


def test_warcinfo_robots_field_uses_the_specs_values() -> None:
    """WARC 1.1 names the robots policy ``classic`` (obeyed) or ``ignore``."""
    obeying = warcinfo_fields(get_crawler(settings_dict={"ROBOTSTXT_OBEY": True}).settings)
    ignoring = warcinfo_fields(get_crawler(settings_dict={"ROBOTSTXT_OBEY": False}).settings)
    assert (obeying["robots"], ignoring["robots"]) == ("classic", "ignore")


def test_stock_handler_gets_standard_phrase_and_plain_dechunked_body(tmp_path: Path) -> None:
    with serve() as base:
        result = run_probe_crawl(tmp_path, base, pages="reason,chunked", revisits="0", settings={"DOWNLOAD_HANDLERS": "{}"})
    responses = {
        r.warc.get_header("WARC-Target-URI").rsplit("/", 1)[1]: r
        for path in result.warcs_dir.iterdir()
        for r in read_file(path)
        if r.type == "response"
    }
    assert responses["reason"].http.statusline == "200 OK"
    assert responses["chunked"].payload == b"".join(CHUNKS)
    assert responses["chunked"].http_values("Transfer-Encoding") == []
    assert responses["chunked"].http_values("Content-Length") == []
    assert all(line["warc"] for line in result.lines)


def test_cache_hits_are_not_archived_again(tmp_path: Path) -> None:
    cache = {"HTTPCACHE_ENABLED": "True", "HTTPCACHE_DIR": str(tmp_path / "cache")}
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    with serve() as base:
        first = run_probe_crawl(tmp_path / "one", base, pages="search?q=a", revisits="0", settings=cache)
        second = run_probe_crawl(tmp_path / "two", base, pages="search?q=a", revisits="0", settings=cache)
    assert first.closed["stats"]["warc/records"] == 2
    assert first.lines[0]["warc"] is not None
    assert "warc/records" not in second.closed["stats"]
    assert second.closed["stats"]["warc/skipped"] == 1
    assert second.lines[0]["warc"] is None


@contextmanager
def raw_status_server(status_line: bytes, body: bytes) -> Iterator[str]:
    """A raw-socket HTTP server answering every request with ``status_line`` (bytes as given); yields its base URL."""
    listener = socket.create_server(("127.0.0.1", 0))
    stopping = threading.Event()

    def answer(connection: socket.socket) -> None:
        with connection:
            request = b""
            while b"\r\n\r\n" not in request:
                chunk = connection.recv(4096)
                if not chunk:
                    return
                request += chunk
            connection.sendall(status_line + b"\r\nContent-Type: text/html\r\nContent-Length: "
                               + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)

    def serve_forever() -> None:
        listener.settimeout(0.2)
        while not stopping.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=answer, args=(connection,), daemon=True).start()

    thread = threading.Thread(target=serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stopping.set()
        thread.join()
        listener.close()


def test_a_non_ascii_reason_phrase_is_archived_escaped(tmp_path: Path) -> None:
    body = b"<html><body><p>Page behind an odd reason phrase.</p></body></html>"
    with raw_status_server("HTTP/1.1 200 Não".encode(), body) as base:
        result = run_probe_crawl(tmp_path, base, pages="nao", revisits="0")
    assert "unicodeencodeerror" not in result.log.lower()
    responses = [r for path in result.warcs_dir.iterdir() for r in read_file(path) if r.type == "response"]
    assert len(responses) == 1
    assert responses[0].http.statusline == "200 N%C3%A3o"
    assert responses[0].payload == body
