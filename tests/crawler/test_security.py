"""Security: the crawler stays on the seed outlets, off private networks and inside its archive.

One hostile crawl for most tests: an article redirects off-site, the WARC
prefix tries to climb out of the archive directory, and an article's text
carries terminal escape sequences. The private-network guard gets its own
crawl, made without the proxy and with ``ARCHIVE_ALLOW_PRIVATE_NETWORKS`` off.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.exitcodes import BAD_INPUT
from extract.article import Article
from storage.archive import Archive
from storage.outlets.seeds import SeedError, host_in_domains, load_seed_file
from storage.versions.captures import CaptureInput, WarcPointer
from tests.helpers.cli import newsarchive
from tests.helpers.crawl import run_crawl, warc_files
from tests.newsweb import NewsWeb

EVIL = "http://evil.test/x"
TITLE_ESCAPE = "\x1b]0;pwned\x07"
CLEAR_SCREEN = "\x1b[2J"
HOSTILE_PARAGRAPH = (f"The council published its figures on Monday.{TITLE_ESCAPE} Officials declined to comment "
                     f"further.{CLEAR_SCREEN} The vote is expected next week.")


def stat_value(stderr: str, key: str) -> int:
    found = re.search(rf"'{re.escape(key)}': (\d+)", stderr)
    return int(found.group(1)) if found else 0


def with_start_url(seed_toml: str, outlet: str, url: str) -> str:
    """The seed file with ``url`` added to ``outlet``'s start URLs (a moved article is linked from nowhere)."""
    blocks = seed_toml.split("[[outlet]]")
    for index, block in enumerate(blocks):
        if f'name = "{outlet}"' in block:
            blocks[index] = block.replace("start_urls = [", f'start_urls = ["{url}", ', 1)
    return "[[outlet]]".join(blocks)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """(web, root dir, archive dir, finished crawl, redirected URL, edited URL)."""
    root = tmp_path_factory.mktemp("hostile")
    with NewsWeb(seed=13, articles_per_outlet=3) as web:
        redirected, edited = web.article_urls()[0], web.article_urls()[1]
        web.redirect_article(redirected, EVIL)
        paragraphs = web.article(edited).paragraphs
        web.edit_article(edited, new_paragraphs=[paragraphs[0], HOSTILE_PARAGRAPH, *paragraphs[1:]])
        seeds = root / "seeds.toml"
        seeds.write_text(with_start_url(web.seed_toml(), web.article(redirected).outlet, redirected), encoding="utf-8")
        # Nested, so that whatever "../../x" could reach is still inside this test's own directory.
        archive_dir = root / "one" / "two" / "archive"
        result = run_crawl(archive_dir, seeds, web.proxy_url, settings={"WARC_PREFIX": "../../x"})
        yield web, root, archive_dir, result, redirected, edited


def test_crawl_never_leaves_the_seed_domains_even_through_redirects(hostile) -> None:
    web, _, _, result, redirected, _ = hostile
    assert web.hits(redirected) == 1  # the redirect was met…
    hosts = {urlsplit(entry.url).hostname for entry in web.request_log}
    assert "evil.test" not in hosts  # …and not followed
    domains = [d for outlet in web.outlets for d in outlet.domains]
    assert all(host_in_domains(host or "", domains) for host in hosts), hosts
    assert stat_value(result.stderr, "offsite/filtered") >= 1


def test_warc_prefix_cannot_write_outside_the_archive(hostile) -> None:
    _, root, archive_dir, _, _, _ = hostile
    files = warc_files(archive_dir)
    assert files
    assert all(path.parent == archive_dir / "warcs" and ".." not in path.name for path in files)
    strays = [p for p in root.rglob("*") if p.is_file() and archive_dir not in p.parents and p.name != "seeds.toml"]
    assert not strays


def test_show_prints_archived_text_without_terminal_control_sequences(hostile) -> None:
    _, _, archive_dir, _, _, edited = hostile
    with Archive(archive_dir=archive_dir) as archive:
        [version] = archive.versions(edited)
    assert "Officials declined to comment" in version.text
    result = newsarchive("--archive-dir", str(archive_dir), "show", edited)
    assert result.exit_code == 0, result.stderr[-2000:]
    shown = result.stdout
    assert "Officials declined to comment further." in shown
    assert "The vote is expected next week." in shown
    assert "\x1b" not in shown and "\x07" not in shown and "\x9b" not in shown


def test_hostile_escape_sequences_reached_the_archive(hostile) -> None:
    """Guards the test above: the WARC holds the escape bytes, so ``show`` had something to strip."""
    _, _, archive_dir, _, _, _ = hostile
    assert any(TITLE_ESCAPE.encode() in payload for payload in response_payloads(archive_dir))


def response_payloads(archive_dir: Path) -> list[bytes]:
    found = []
    for path in warc_files(archive_dir):
        with open(path, "rb") as handle:
            for record in ArchiveIterator(handle):
                if record.rec_type == "response":
                    found.append(record.content_stream().read())
    return found


@pytest.mark.parametrize("name", ["../x", "../../etc", "a/b", ".hidden", "UPPER"])
def test_seed_names_that_could_become_paths_are_rejected(tmp_path, name: str) -> None:
    seeds = tmp_path / "seeds.toml"
    seeds.write_text(f'[[outlet]]\nname = "{name}"\ndomains = ["example.org"]\n'
                     'start_urls = ["https://example.org/"]\n', encoding="utf-8")
    with pytest.raises(SeedError, match="name must be"):
        load_seed_file(seeds)


def test_crawl_with_a_path_like_outlet_name_exits_with_one_line(tmp_path) -> None:
    seeds = tmp_path / "seeds.toml"
    seeds.write_text('[[outlet]]\nname = "../x"\ndomains = ["example.org"]\nstart_urls = ["https://example.org/"]\n',
                     encoding="utf-8")
    result = run_crawl(tmp_path / "archive", seeds, None, check=False, timeout=60)
    assert result.returncode == BAD_INPUT
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and str(seeds) in lines[0], result.stderr
    assert not (tmp_path / "x").exists() and not (tmp_path / "archive").exists()


@pytest.fixture(scope="module")
def loopback(tmp_path_factory):
    """A crawl, without the proxy and with the guard on, of a seed at 127.0.0.1: (web, start URL, crawl)."""
    root = tmp_path_factory.mktemp("loopback")
    with NewsWeb(seed=2, articles_per_outlet=1) as web:
        start = f"http://127.0.0.1:{web.port}/"
        seeds = root / "seeds.toml"
        seeds.write_text(f'[[outlet]]\nname = "loopback"\ndomains = ["127.0.0.1"]\nstart_urls = ["{start}"]\n',
                         encoding="utf-8")
        result = run_crawl(root / "archive", seeds, None, settings={"ARCHIVE_ALLOW_PRIVATE_NETWORKS": "0"},
                           timeout=120)
        yield web, start, result


def test_private_network_seed_is_refused_and_counted_without_a_request(loopback) -> None:
    web, start, result = loopback
    assert web.request_log == []
    assert stat_value(result.stderr, "private_network/blocked") >= 1
    assert any(re.search(rf"refused {re.escape(start)}(\s|:)", line) for line in result.stderr.splitlines())
    assert "Traceback" not in result.stderr


def test_private_network_refusal_is_one_log_line(loopback) -> None:
    _, start, result = loopback
    about_start = [line for line in result.stderr.splitlines()
                   if re.search(rf"{re.escape(start)}(\s|:|$)", line) and "] " in line]
    assert len(about_start) == 1, about_start


def test_show_strips_control_sequences_that_reached_the_database(tmp_path) -> None:
    """Extraction drops control characters today; ``show`` must not depend on that (ingest, other tools)."""
    url = "https://example.org/2026/11/20/a-hostile-story/"
    archive_dir = tmp_path / "archive"
    with Archive(archive_dir=archive_dir, create=True) as archive:
        archive.ensure_outlet("example", ["example.org"])
        capture = CaptureInput(outlet="example", url=url, fetched_url=url, fetched_at=datetime(2026, 11, 20, tzinfo=UTC),
                               status=200, warc=WarcPointer("x.warc.gz", 0, 100, "<urn:uuid:hostile>"))
        title = f"Hostile{TITLE_ESCAPE} title"
        archive.record_capture(capture, Article(text=HOSTILE_PARAGRAPH, title=title, authors=[f"A{CLEAR_SCREEN}B"]))
        assert TITLE_ESCAPE in archive.versions(url)[0].text  # the hostile bytes are really stored
    result = newsarchive("--archive-dir", str(archive_dir), "show", url)
    assert result.exit_code == 0, result.stderr[-2000:]
    assert "Officials declined to comment further. The vote is expected next week." in result.stdout
    assert "Hostile title" in result.stdout
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout


@pytest.fixture(scope="module")
def rebound(tmp_path_factory):
    """A crawl, with the guard on, of a host whose name the guard cannot resolve but whose connection lands on 127.0.0.1."""
    root = tmp_path_factory.mktemp("rebound")
    with NewsWeb(seed=2, articles_per_outlet=1) as web:
        start = f"http://www.rebind.test:{web.port}/"
        seeds = root / "seeds.toml"
        seeds.write_text(f'[[outlet]]\nname = "rebound"\ndomains = ["rebind.test"]\nstart_urls = ["{start}"]\n',
                         encoding="utf-8")
        settings = {"ARCHIVE_ALLOW_PRIVATE_NETWORKS": "0",
                    "DNS_RESOLVER": "tests.helpers.rebinding_resolver.RebindingResolver"}
        result = run_crawl(root / "archive", seeds, None, settings=settings, timeout=120, check=False)
        yield web, root / "archive", result


def test_a_connection_that_lands_on_a_private_address_is_refused_before_anything_is_written(rebound) -> None:
    web, archive_dir, result = rebound
    assert web.request_log, "the fetch really reached the loopback server (the request-time check could not see it)"
    assert stat_value(result.stderr, "private_network/blocked") >= 1
    assert "connected to non-public address 127.0.0.1" in result.stderr
    written = []
    for path in warc_files(archive_dir):
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                target = record.rec_headers.get_header("WARC-Target-URI") or ""
                body = record.content_stream().read()
                if "rebind.test" in target or (record.rec_type == "metadata" and b"rebind.test/" in body
                                                and b'"capture"' in body):
                    written.append((record.rec_type, target))
    assert written == []

