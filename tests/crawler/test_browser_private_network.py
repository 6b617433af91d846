"""A rendered page cannot lead the browser to a private address (issue 38), as static fetches cannot.

The crawl runs with ``ARCHIVE_ALLOW_PRIVATE_NETWORKS`` off and no proxy. The
outlet's page, ``leaky.rebind.test``, is not in any DNS: the guard's own lookup
finds nothing and lets the navigation through, and Chromium (started by a
wrapper that adds ``--host-resolver-rules``, as a rebinding DNS answer would)
reaches it on 127.0.0.1. The page's script and image point at a second loopback
address, 127.0.0.2, where a :class:`tests.newsweb.scripted.Listener` counts
every request that arrives. The browser's request handler must abort both
before Chromium connects: the listener sees nothing, the WARC names neither,
and each refusal is one log line. (The page itself is then refused by the
private-network guard, which sees the response came from 127.0.0.1.)
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.helpers.crawl import run_crawl, warc_files
from tests.newsweb.scripted import Listener, ScriptedWeb

HOST = "leaky.rebind.test"


@dataclass
class Crawled:
    web: ScriptedWeb
    listener: Listener
    archive_dir: Path
    result: subprocess.CompletedProcess[str]


def wrapper(chromium: str, directory: Path) -> Path:
    """Chromium that resolves ``*.rebind.test`` to 127.0.0.1 (every other name as before)."""
    script = directory / "chromium-rebinding"
    script.write_text(f'#!/bin/sh\nexec "{chromium}" --host-resolver-rules="MAP *.rebind.test 127.0.0.1" "$@"\n',
                      encoding="utf-8")
    script.chmod(0o755)
    return script


@pytest.fixture(scope="module")
def crawled(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    root = tmp_path_factory.mktemp("browser-private")
    with Listener("127.0.0.2") as listener, ScriptedWeb(leak_to=listener.url) as web:
        port = int(web.proxy_url.rsplit(":", 1)[1])
        seeds = root / "seeds.toml"
        seeds.write_text(f'[[outlet]]\nname = "leaky"\ndomains = ["{HOST}"]\n'
                         f'start_urls = ["http://{HOST}:{port}/"]\nrender = "browser"\n', encoding="utf-8")
        settings = {"BROWSER_EXECUTABLE": str(wrapper(chromium, root)), "BROWSER_SETTLE_TIMEOUT": "1.5",
                    "ARCHIVE_ALLOW_PRIVATE_NETWORKS": "0", "ROBOTSTXT_OBEY": "0"}
        result = run_crawl(root / "archive", seeds, None, settings=settings, timeout=180, check=False)
        yield Crawled(web, listener, root / "archive", result)


def test_the_browser_rendered_the_page(crawled: Crawled) -> None:
    assert f"http://{HOST}/" in crawled.web.hits, (crawled.web.hits, crawled.result.stderr[-3000:])
    assert "'browser/pages': 1" in crawled.result.stderr


def test_the_browser_never_reached_the_private_address(crawled: Crawled) -> None:
    assert crawled.listener.hits == []
    assert re.search(r"'private_network/blocked': [2-9]", crawled.result.stderr), crawled.result.stderr[-3000:]


def test_each_refused_request_is_one_log_line(crawled: Crawled) -> None:
    for path in ("/track.js", "/pixel.png"):
        url = crawled.listener.url + path
        lines = [line for line in crawled.result.stderr.splitlines() if url in line]
        assert len(lines) == 1, lines
        assert f"the browser was refused {url}: 127.0.0.2 resolves to non-public address 127.0.0.2" in lines[0]
    assert "Traceback" not in crawled.result.stderr


def test_the_warc_holds_nothing_from_the_private_address(crawled: Crawled) -> None:
    for path in warc_files(crawled.archive_dir):
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                target = record.rec_headers.get_header("WARC-Target-URI") or ""
                assert "127.0.0.2" not in target, (path, record.rec_type, target)
                assert b"127.0.0.2" not in record.content_stream().read() or record.rec_type == "metadata"
