"""The reading room over HTTP: every page, its JSON twin, errors, hostile input, read-only, feeds.

One archive crawled from the simulated news web (with its hostile article on)
serves every test: crawl, edit one article and take another down, crawl
again. The real app runs under uvicorn on 127.0.0.1; requests are real HTTP.
The browser tests (``test_web_browser.py``) reuse the same archive and server
helpers; the PostgreSQL twin is in ``test_web_pg.py``.
"""

from __future__ import annotations

import functools
import hashlib
import json
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urlencode

import feedparser
import pytest
import uvicorn

from storage.archive import Archive
from storage.web.app import create_app
from tests.helpers.captures import T0, article, capture
from tests.helpers.cli import newsarchive
from tests.helpers.crawl import run_crawl
from tests.helpers.frontpages import hostile_front_pages
from tests.newsweb import NewsWeb

CORRECTION = "Correction: an earlier version of this article gave the wrong day for the harbour vote."
NEW_TITLE = "Council delays its harbour vote after a late objection"


# -- the crawled archive and a running app (shared with the browser and PostgreSQL tests) --------


@dataclass(frozen=True, slots=True)
class Crawled:
    """An archive crawled twice from the simulated web, and what changed between the crawls."""

    archive_dir: Path
    edited: str  # URL of the article edited between the crawls
    removed: str  # URL of the article taken down (404) between the crawls
    hostile: str  # URL of the hostile article
    reworded: str  # the edited article's reworded first paragraph
    outlet: str  # outlet of the edited article


@functools.cache
def crawled_archive(root: Path) -> Crawled:
    """Crawl the simulated web into ``root/archive`` twice (once per test session, whichever module asks first)."""
    with NewsWeb(seed=5, articles_per_outlet=2, hostile=True) as web:
        syndicated = {copy.url for copy in web.syndicated}
        own = [url for url in web.article_urls("daily-courier") if url not in syndicated]
        edited, removed = own[0], own[1]
        root.mkdir(parents=True, exist_ok=True)
        seeds = root / "seeds.toml"
        seeds.write_text(web.seed_toml(), encoding="utf-8")
        archive_dir = root / "archive"
        run_crawl(archive_dir, seeds, web.proxy_url)
        original = web.article(edited)
        reworded = original.paragraphs[0].replace(" the ", " the whole ", 1)
        assert reworded != original.paragraphs[0]
        web.edit_article(edited, new_title=NEW_TITLE,
                         new_paragraphs=[reworded, *original.paragraphs[1:], CORRECTION])
        web.delete_article(removed)
        run_crawl(archive_dir, seeds, web.proxy_url, args={"recheck": "all"})
        return Crawled(archive_dir, edited, removed, web.hostile_url, reworded, "daily-courier")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_app(archive: Archive, base_path: str = "", base_url: str | None = None) -> Iterator[str]:
    """The reading room under a real uvicorn on 127.0.0.1; yields its base URL."""
    port = free_port()
    app = create_app(archive, base_path) if base_url is None else create_app(archive, base_path, base_url)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                            lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="reading-room", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the reading room did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}{base_path}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self):
        return json.loads(self.body)


def get(url: str) -> Answer:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "identity"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return Answer(response.status, {k.lower(): v for k, v in response.headers.items()}, response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, {k.lower(): v for k, v in error.headers.items()}, error.read())


def q(**params) -> str:
    return urlencode(params)


def every_page(crawled: Crawled, story_id: int | None, capture_id: int) -> list[str]:
    """A path of every kind of page over the crawled archive."""
    paths = [
        "/",
        f"/outlet/{crawled.outlet}",
        f"/page?{q(url=crawled.edited)}",
        f"/page?{q(url=crawled.edited, v=1)}",
        f"/page?{q(url=crawled.removed)}",
        f"/page?{q(url=crawled.hostile)}",
        f"/diff?{q(url=crawled.edited)}",
        f"/diff?{q(url=crawled.edited, view='side')}",
        f"/diff?{q(url=crawled.removed)}",
        f"/search?{q(q='harbour')}",
        f"/search?{q(q='harbour', outlet='harbour-gazette', since='2020-01-01', until='2099-01-01')}",
        "/stories",
        "/changes.atom",
        f"/changes.atom?{q(outlet=crawled.outlet)}",
        f"/changes.atom?{q(url=crawled.edited)}",
        f"/changes.atom?{q(q='harbour')}",
        f"/capture/{capture_id}",
        "/frontpage/harbour-gazette",
        f"/frontpage/{crawled.outlet}?{q(at='2099-01-01')}",
    ]
    if story_id is not None:
        paths.append(f"/story/{story_id}")
    return paths


# -- fixtures -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def crawled(tmp_path_factory) -> Crawled:
    return crawled_archive(tmp_path_factory.getbasetemp() / "web-archive")


@pytest.fixture(scope="module")
def reader(crawled: Crawled) -> Iterator[Archive]:
    with Archive(archive_dir=crawled.archive_dir, read_only=True) as archive:
        yield archive


@pytest.fixture(scope="module")
def app(reader: Archive) -> Iterator[str]:
    with running_app(reader) as base:
        yield base


@pytest.fixture(scope="module")
def ids(reader: Archive, crawled: Crawled) -> dict[str, int | None]:
    stories = reader.story_page(limit=1)
    captures = reader.page_captures(crawled.edited)
    hostile = reader.page_captures(crawled.hostile)
    return {"story": stories[0].id if stories else None, "capture": captures[-1].id, "hostile_capture": hostile[0].id}


def cli_json(archive_dir: Path, *args: str) -> list[dict]:
    result = newsarchive("--archive-dir", str(archive_dir), *args, "--json")
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


# -- tags and attributes of a page, for the hostile-content checks ---------------------------------


class Markup(HTMLParser):
    """Every tag and attribute of a document (text is ignored: escaped hostile text is only text)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def markup(html: str) -> Markup:
    parser = Markup()
    parser.feed(html)
    parser.close()
    return parser


def assert_inert(html: str) -> None:
    """No script element, no event-handler attribute, no javascript: URL anywhere in the markup."""
    found = markup(html)
    for tag, attrs in found.tags:
        assert tag not in ("script", "iframe") or (tag == "iframe" and ("sandbox", "") in attrs), (tag, attrs)
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name, value)
            assert not (value or "").strip().lower().startswith(("javascript:", "data:text/html")), (tag, name, value)


# -- every page, and its JSON twin -----------------------------------------------------------------


def test_every_page_answers_html_and_json(app: str, crawled: Crawled, ids) -> None:
    for path in every_page(crawled, ids["story"], ids["capture"]):
        page = get(app + path)
        assert page.status == 200, (path, page.text[:300])
        twin = get(app + path + ("&" if "?" in path else "?") + "format=json")
        assert twin.status == 200 and twin.headers["content-type"].startswith("application/json"), path
        assert isinstance(twin.json(), dict), path


def test_home_lists_outlets_changes_and_a_chart(app: str, crawled: Crawled, reader: Archive) -> None:
    page = get(app + "/")
    assert "daily-courier" in page.text and "harbour-gazette" in page.text
    assert "<svg" in page.text and 'class="bar"' in page.text
    assert f"/diff?{q(url=crawled.edited)}" in page.text.replace("&amp;", "&")
    data = get(app + "/?format=json").json()
    assert data["outlets"] == cli_json(crawled.archive_dir, "outlets")
    assert any(c["url"] == crawled.edited and c["version"] == 2 for c in data["changes"])
    assert sum(day["captures"] for day in data["activity"]) == reader.stats().captures


def test_outlet_lists_its_articles_newest_first_with_recent_changes(app: str, crawled: Crawled) -> None:
    data = get(app + f"/outlet/{crawled.outlet}?format=json").json()
    firsts = [a["first_seen"] for a in data["articles"]]
    assert firsts == sorted(firsts, reverse=True) and len(firsts) == data["outlet"]["pages"]
    assert {a["url"] for a in data["articles"]} >= {crawled.edited, crawled.removed}
    assert [c["url"] for c in data["changes"]].count(crawled.edited) == 1
    assert sum(bar["articles"] for bar in data["histogram"]) == len([a for a in data["articles"] if a["versions"]])
    edited = next(a for a in data["articles"] if a["url"] == crawled.edited)
    assert edited["versions"] == 2 and edited["title"] == NEW_TITLE


def test_outlet_pages_are_paged(reader: Archive, crawled: Crawled) -> None:
    everything = reader.outlet_pages(crawled.outlet, limit=100).articles
    first, second = reader.outlet_pages(crawled.outlet, 0, 2).articles, reader.outlet_pages(crawled.outlet, 2, 2).articles
    assert [a.url for a in first + second] == [a.url for a in everything[:4]]


def test_page_shows_versions_text_captures_and_citation(app: str, crawled: Crawled) -> None:
    page = get(app + f"/page?{q(url=crawled.edited)}")
    assert NEW_TITLE in page.text and crawled.reworded in page.text
    assert "Cite this version" in page.text and "version 2" in page.text
    data = get(app + f"/page?{q(url=crawled.edited)}&format=json").json()
    assert data["versions"] == cli_json(crawled.archive_dir, "versions", crawled.edited)
    assert data["version"]["version"] == 2 and data["version"]["title"] == NEW_TITLE
    assert [c["warc_record_id"] for c in data["captures"]] == [
        c["warc_record_id"] for c in cli_json(crawled.archive_dir, "captures", crawled.edited)]
    assert data["permalink"].endswith(f"/page?{q(url=crawled.edited, v=2)}")
    first = get(app + f"/page?{q(url=crawled.edited, v=1)}&format=json").json()["version"]
    assert first["version"] == 1 and first["title"] != NEW_TITLE


def test_page_lookup_is_the_archives(app: str, crawled: Crawled) -> None:
    fetched = cli_json(crawled.archive_dir, "captures", crawled.edited)[0]["fetched_url"]
    data = get(app + f"/page?{q(url=fetched)}&format=json").json()
    assert data["url"] == crawled.edited


def test_removed_article_shows_its_state(app: str, crawled: Crawled) -> None:
    data = get(app + f"/page?{q(url=crawled.removed)}&format=json").json()
    assert [v["state"] for v in data["versions"]] == ["ok", "removed"]
    assert "removed (HTTP 404)" in get(app + f"/page?{q(url=crawled.removed)}").text


def test_diff_shows_the_edit_inline_and_side_by_side(app: str, crawled: Crawled) -> None:
    inline = get(app + f"/diff?{q(url=crawled.edited)}").text
    assert "<ins>" in inline and "<del>" in inline and "whole" in inline
    assert "Correction note" in inline and "Title:" in inline
    side = get(app + f"/diff?{q(url=crawled.edited, view='side')}").text
    assert 'class="diff side"' in side and CORRECTION in side
    data = get(app + f"/diff?{q(url=crawled.edited)}&format=json").json()
    [cli] = cli_json(crawled.archive_dir, "diff", crawled.edited)
    assert {k: v for k, v in data.items() if k not in ("summary", "removal", "screenshots")} == cli
    assert data["removal"] is None
    assert data["screenshots"] is None  # a page fetched without the browser has none
    assert data["summary"]["title"] == {"before": cli["title"]["before"], "after": NEW_TITLE}
    assert data["summary"]["notes"][0]["kind"] == "correction"
    assert data["summary"]["paragraphs_added"] >= 1 and data["summary"]["paragraphs_edited"] >= 1


def test_diff_of_a_removal_shows_the_removal_not_a_struck_out_text(app: str, crawled: Crawled) -> None:
    page = get(app + f"/diff?{q(url=crawled.removed)}").text
    assert "None" not in page and "<del>" not in page
    assert "Removed (HTTP 404)</strong> at" in page and "the last text is" in page
    assert f'href="/page?{q(url=crawled.removed, v=1)}">version 1</a>' in page.replace("&amp;", "&")
    data = get(app + f"/diff?{q(url=crawled.removed)}&format=json").json()
    assert (data["removal"]["state"], data["removal"]["last_text_version"]) == ("removed", 1)


def test_diff_takes_explicit_versions(app: str, crawled: Crawled) -> None:
    data = get(app + f"/diff?{q(url=crawled.edited, **{'from': 2, 'to': 1})}&format=json").json()
    assert (data["from"]["version"], data["to"]["version"]) == (2, 1)


def test_search_highlights_and_filters(app: str, crawled: Crawled) -> None:
    page = get(app + f"/search?{q(q='harbour')}")
    assert "<mark>" in page.text.lower() or "<mark>" in page.text
    data = get(app + f"/search?{q(q='harbour')}&format=json").json()
    cli = cli_json(crawled.archive_dir, "search", "harbour")
    assert [(h["url"], h["version"]) for h in data["hits"]] == [(h["url"], h["version"]) for h in cli]
    only = get(app + f"/search?{q(q='harbour', outlet='metro-tribune')}&format=json").json()
    assert {h["outlet"] for h in only["hits"]} <= {"metro-tribune"}
    none = get(app + f"/search?{q(q='harbour', until='2000-01-01')}&format=json").json()
    assert none["hits"] == []


def test_stories_list_origin_first_with_relations(app: str, reader: Archive, ids) -> None:
    data = get(app + "/stories?format=json").json()
    assert data["stories"], "the simulated web syndicates a wire story to every outlet"
    story = data["stories"][0]
    assert story["outlets"] >= 2 and story["members"][0]["relation"] == "origin"
    detail = get(app + f"/story/{story['id']}?format=json").json()
    assert detail == reader.story(story["id"]).to_json()
    html = get(app + f"/story/{story['id']}").text
    assert all(m["outlet"] in html for m in story["members"]) and "Who published when" in html


def test_capture_is_framed_sandboxed_with_its_warc_location(app: str, crawled: Crawled, reader: Archive, ids) -> None:
    entry = reader.capture(ids["capture"])
    page = get(app + f"/capture/{entry.id}").text
    assert entry.warc_file in page and str(entry.warc_offset) in page and entry.warc_record_id.strip("<>") in page
    frames = [attrs for tag, attrs in markup(page).tags if tag == "iframe"]
    assert frames and all(("sandbox", "") in attrs for attrs in frames)
    raw = get(app + f"/capture/{entry.id}/raw")
    assert raw.status == 200 and raw.headers["content-type"].startswith("text/html")
    policy = raw.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "sandbox" in policy and "script-src" not in policy
    source = reader.payload_capture(entry.id)
    assert reader.page_captures(crawled.edited)  # the payload is the WARC record's, byte for byte:
    from storage.warc.payload import read_payload

    assert raw.body == read_payload(reader.warc_path(source.warc_file), source.warc_offset)


# -- feeds -----------------------------------------------------------------------------------------


def test_atom_feed_of_changes_links_each_entry_to_its_diff(app: str, crawled: Crawled) -> None:
    feed = feedparser.parse(get(app + "/changes.atom").body)
    assert not feed.bozo, feed.bozo_exception
    links = [entry.link for entry in feed.entries]
    assert any("/diff?" in link and quote(crawled.edited, safe="") in link for link in links)
    assert any(quote(crawled.removed, safe="") in link for link in links)
    assert all(entry.id and entry.updated for entry in feed.entries)


def test_atom_feeds_follow_an_outlet_an_article_and_a_search(app: str, crawled: Crawled) -> None:
    outlet = feedparser.parse(get(app + f"/changes.atom?{q(outlet='metro-tribune')}").body)
    assert not outlet.bozo and all(e.tags[0].term == "metro-tribune" for e in outlet.entries)
    one = feedparser.parse(get(app + f"/changes.atom?{q(url=crawled.edited)}").body)
    assert len(one.entries) == 1 and NEW_TITLE in one.entries[0].title
    assert one.entries[0].link.endswith(f"/diff?{q(url=crawled.edited, **{'from': 1, 'to': 2})}")
    search = feedparser.parse(get(app + f"/changes.atom?{q(q='objection')}").body)
    assert search.entries and all(quote(crawled.edited, safe="") in e.link for e in search.entries)


def test_atom_feed_escapes_hostile_titles(app: str, crawled: Crawled) -> None:
    feed = feedparser.parse(get(app + f"/changes.atom?{q(q='minutes meeting quoted')}").body)
    assert not feed.bozo
    [entry] = [e for e in feed.entries if quote(crawled.hostile, safe="") in e.link]
    assert "<script>" in entry.title_detail.value or "&lt;script" in entry.title_detail.value


# -- security --------------------------------------------------------------------------------------


def test_hostile_article_reached_the_archive_verbatim(reader: Archive, crawled: Crawled) -> None:
    latest = reader.versions(crawled.hostile)[-1]
    assert "<script>" in (latest.title or "") and "onerror=" in latest.text and "javascript:" in latest.text
    assert "javascript:" in crawled.hostile and "%3Cscript%3E" in crawled.hostile


def test_hostile_text_is_escaped_on_every_page(app: str, crawled: Crawled, ids) -> None:
    hostile = [f"/page?{q(url=crawled.hostile)}", f"/search?{q(q='minutes meeting quoted')}",
               "/outlet/harbour-gazette", "/", f"/capture/{ids['hostile_capture']}"]
    for path in hostile + every_page(crawled, ids["story"], ids["capture"]):
        page = get(app + path)
        if "atom" in path:
            continue
        assert_inert(page.text)
    article = get(app + f"/page?{q(url=crawled.hostile)}").text
    assert "&lt;script&gt;window.__pwned=" in article and "onerror=" in article  # shown, as text


def test_frontpage_view_shows_each_capture_and_links_the_others(app: str, reader: Archive) -> None:
    times = reader.frontpage_times("harbour-gazette")[1]
    assert len(times) == 2  # both crawls fetched the start pages (`-a recheck=all` discovers too)
    first = get(app + f"/frontpage/harbour-gazette?{q(at=times[0].isoformat())}")
    assert first.status == 200 and "capture 1 of 2" in first.text and 'rel="next"' in first.text
    last = get(app + f"/frontpage/harbour-gazette?{q(at=times[1].isoformat())}")
    assert last.status == 200 and "capture 2 of 2" in last.text and 'rel="next"' not in last.text
    twin = get(app + "/frontpage/harbour-gazette?format=json").json()
    assert [e["rank"] for e in twin["entries"]] == list(range(1, len(twin["entries"]) + 1))
    assert twin["entries"] == [e.to_json() for e in reader.frontpage("harbour-gazette").entries]
    others = markup(get(app + "/frontpage/harbour-gazette").text).tags
    assert any(tag == "a" and ("href", "/frontpage/harbour-gazette?page=" + quote(p, safe="")) in attrs
               for tag, attrs in others for p in reader.frontpage_urls("harbour-gazette")[1:])
    assert get(app + "/frontpage/harbour-gazette?at=2001-01-01").status == 404
    assert get(app + "/frontpage/no-such-outlet").status == 404
    assert get(app + f"/frontpage/harbour-gazette?{q(at='soon')}").status == 400


def test_hostile_front_page_headlines_are_text(tmp_path: Path) -> None:
    url = hostile_front_pages(tmp_path / "archive")
    with Archive(archive_dir=tmp_path / "archive", read_only=True) as reader, running_app(reader) as base:
        first = get(base + f"/frontpage/daily?{q(at='2024-05-01T09:30Z')}")
        later = get(base + f"/frontpage/daily?{q(at='2024-05-01T10:30Z')}")
        article_page = get(base + f"/page?{q(url=url)}")
    for answer in (first, later, article_page):
        assert answer.status == 200
        assert_inert(answer.text)
        assert "Harbour vote &lt;script&gt;window.__pwned=" in answer.text
    assert "capture 1 of 2" in first.text and 'rel="next"' in first.text and "capture 2 of 2" in later.text
    assert "Top &lt;b&gt;stories&lt;/b&gt;" in first.text
    assert article_page.text.count('class="bar rank"') == 2


def test_article_page_charts_its_rank_on_each_front_page(app: str, reader: Archive) -> None:
    lead = reader.frontpage("harbour-gazette").entries[0]
    page = get(app + f"/page?{q(url=lead.url)}").text
    lives = reader.prominence(lead.url)
    assert page.count('<figure class="chart prominence">') == len(lives) > 0
    bars = markup(page.split('class="prominence"', 1)[1].split("</section>", 1)[0]).tags
    assert sum(1 for tag, attrs in bars if tag == "rect") == sum(life.captures for life in lives)
    assert "On the front pages" in page and 'class="list headlines"' in page


@pytest.mark.parametrize("url", ["javascript:alert(1)", "<script>alert(1)</script>",
                                 "\"><img src=x onerror=alert(1)>", "data:text/html,<script>alert(1)</script>"])
def test_hostile_urls_give_escaped_404s(app: str, url: str) -> None:
    for path in (f"/page?{q(url=url)}", f"/diff?{q(url=url)}", f"/changes.atom?{q(url=url)}"):
        answer = get(app + path)
        assert answer.status == 404, path
        assert_inert(answer.text)
        assert "<script>alert" not in answer.text and "<img" not in answer.text


def test_links_to_archived_urls_are_only_http(app: str, crawled: Crawled) -> None:
    page = get(app + f"/page?{q(url=crawled.hostile)}").text
    hrefs = [value for tag, attrs in markup(page).tags for name, value in attrs if name in ("href", "src")]
    assert all(not (h or "").lower().startswith("javascript:") for h in hrefs)
    assert crawled.hostile in hrefs  # the original link is there: http, with rel=noreferrer


TRAVERSALS = ["../../../../etc/passwd", "..%2F..%2F..%2Fetc%2Fpasswd", "/etc/passwd", "....//....//etc/passwd",
              "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "file:///etc/passwd", "..\\..\\windows\\win.ini"]


@pytest.mark.parametrize("evil", TRAVERSALS)
def test_path_traversal_in_every_parameter_is_refused(app: str, crawled: Crawled, evil: str) -> None:
    quoted = quote(evil, safe="")
    paths = [f"/capture/{quoted}", f"/capture/{quoted}/raw", f"/capture/1/{quoted}", f"/story/{quoted}",
             f"/outlet/{quoted}", f"/static/{quoted}", f"/static/{evil}", f"/{evil}",
             f"/page?{q(url=evil)}", f"/page?{q(url=crawled.edited, v=evil)}",
             f"/diff?{q(url=crawled.edited, **{'from': evil})}", f"/diff?{q(url=crawled.edited, to=evil)}",
             f"/diff?{q(url=crawled.edited, view=evil)}", f"/search?{q(q='harbour', outlet=evil)}",
             f"/search?{q(q='harbour', since=evil)}", f"/search?{q(q='harbour', as_of=evil)}",
             f"/search?{q(q='harbour', page=evil)}", f"/search?{q(q=evil)}", f"/stories?{q(page=evil)}",
             f"/outlet/daily-courier?{q(page=evil)}", f"/changes.atom?{q(outlet=evil)}",
             f"/changes.atom?{q(url=evil)}", f"/?{q(format=evil)}"]
    for path in paths:
        answer = get(app + path)
        assert answer.status in (200, 400, 404), (path, answer.status)
        assert "root:" not in answer.text and "[fonts]" not in answer.text, path
        assert "Traceback" not in answer.text, path
        if path == f"/search?{q(q=evil)}":
            assert answer.status in (200, 400)  # a query is text to search for, never a path
        elif answer.status == 200:
            pytest.fail(f"{path} answered 200")


def test_warc_name_climbing_out_of_warcs_is_not_read(tmp_path: Path) -> None:
    """A database row naming ``../secret`` (never written by newsarchive) still cannot reach the file."""
    secret = tmp_path / "secret.warc.gz"
    secret.write_bytes(b"not for the web")
    url = "https://daily.example/a"
    with Archive(archive_dir=tmp_path / "archive", create=True) as writer:
        writer.ensure_outlet("daily", ["daily.example"])
        writer.record_capture(capture(url, T0, warc_file="../../secret.warc.gz"), article("Some text here."))
    with Archive(archive_dir=tmp_path / "archive", read_only=True) as reader, running_app(reader) as base:
        [entry] = reader.page_captures(url)
        answer = get(base + f"/capture/{entry.id}/raw")
        assert answer.status == 404 and b"not for the web" not in answer.body


@pytest.mark.parametrize("path,status,words", [
    ("/diff?url=URL&from=abc", 400, "parameter from must be a whole number"),
    ("/diff?url=URL&from=0", 400, "parameter from must be a whole number"),
    ("/diff?url=URL&from=1&to=9", 404, "has no version 9"),
    ("/page?url=URL&v=99999999999999999999", 400, "parameter v must be a whole number"),
    ("/page?url=URL&v=7", 404, "has no version 7"),
    ("/page", 400, "parameter url is required"),
    ("/page?url=URL&url=URL", 400, "given twice"),
    ("/page?url=URL&debug=1", 400, "unknown parameter 'debug'"),
    ("/page?url=URL%00", 400, "NUL"),
    ("/search?q=harbour&since=soon", 400, "bad since 'soon'"),
    ("/search?q=harbour&as_of=2026-13-45", 400, "bad as_of"),
    ("/search?q=%22%22", 400, "nothing to search for"),
    ("/search?q=-", 400, "nothing to search for"),
    ("/search?q=DEEP", 400, "nests parentheses more than"),
    ("/changes.atom?q=DEEP", 400, "nests parentheses more than"),
    ("/search?q=harbour&since=999999999999d", 400, "bad since '999999999999d': that reaches back before the year 1"),
    ("/search?q=harbour&until=999999999999d", 400, "bad until '999999999999d'"),
    ("/search?q=harbour&as_of=999999999999d", 400, "bad as_of '999999999999d'"),
    ("/search?q=harbour&outlet=nowhere", 404, "no outlet 'nowhere'"),
    ("/stories?page=-1", 400, "parameter page must be a whole number"),
    ("/story/99999", 404, "no story 99999"),
    ("/story/abc", 404, "no story 'abc'"),
    ("/capture/99999", 404, "no capture 99999"),
    ("/outlet/nowhere", 404, "no outlet 'nowhere'"),
    ("/changes.atom?outlet=nowhere", 404, "no outlet 'nowhere'"),
    ("/changes.atom?url=URL&q=harbour", 400, "not both"),
    ("/?format=xml", 400, "format must be html or json"),
    ("/no/such/page", 404, "no such page"),
])
def test_bad_requests_get_one_line_errors_in_html_and_json(app: str, crawled: Crawled, path: str, status: int,
                                                           words: str) -> None:
    path = path.replace("URL", quote(crawled.edited, safe="")).replace("DEEP", quote("(" * 500 + "harbour" + ")" * 500))
    page = get(app + path)
    assert page.status == status, (path, page.text[-500:])
    assert "Traceback" not in page.text
    [message] = [value for value in _error_lines(page.text)]
    assert words in message, message
    twin = get(app + path + ("&" if "?" in path else "?") + "format=json")
    if path.startswith("/?format"):
        return
    assert twin.status == status and words in twin.json()["error"]


def _error_lines(html: str) -> list[str]:
    import html as html_module
    import re

    return [html_module.unescape(m) for m in re.findall(r'<p class="error-message">(.*?)</p>', html, re.S)]


def test_only_get_is_answered(app: str) -> None:
    request = urllib.request.Request(app + "/", data=b"x=1", method="POST")
    try:
        urllib.request.urlopen(request, timeout=10)
        status = 200
    except urllib.error.HTTPError as error:
        status = error.code
    assert status == 405


def test_every_answer_carries_the_security_headers(app: str, crawled: Crawled, ids) -> None:
    paths = every_page(crawled, ids["story"], ids["capture"]) + ["/nope", "/page?url=x", "/static/style.css",
                                                                  "/diff?url=x&from=y"]
    for path in paths:
        headers = get(app + path).headers
        policy = headers["content-security-policy"]
        assert "default-src 'none'" in policy and "script-src" not in policy, path
        assert "frame-ancestors 'none'" in policy, path
        assert headers["x-content-type-options"] == "nosniff" and headers["referrer-policy"] == "no-referrer", path
    raw = get(app + f"/capture/{ids['capture']}/raw").headers
    assert "frame-ancestors 'self'" in raw["content-security-policy"] and raw["x-frame-options"] == "SAMEORIGIN"


# -- read-only -------------------------------------------------------------------------------------


def _fingerprint(archive_dir: Path) -> dict[str, str]:
    files = [archive_dir / "archive.sqlite3", *sorted((archive_dir / "warcs").iterdir())]
    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in files}


def test_serving_never_writes_and_does_not_block_a_writer(crawled: Crawled, ids) -> None:
    before = _fingerprint(crawled.archive_dir)
    with Archive(archive_dir=crawled.archive_dir, read_only=True) as reader, running_app(reader) as base:
        for path in every_page(crawled, ids["story"], ids["capture"]):
            assert get(base + path).status == 200
        with pytest.raises(Exception, match="readonly|read-only"):
            reader.write(lambda session: session.execute(__import__("sqlalchemy").text("DELETE FROM outlets")))
        after = _fingerprint(crawled.archive_dir)
    assert after == before


def test_a_crawl_can_write_while_the_room_reads(tmp_path: Path) -> None:
    url = "https://daily.example/a"
    with Archive(archive_dir=tmp_path, create=True) as writer:
        writer.ensure_outlet("daily", ["daily.example"])
        writer.record_capture(capture(url, T0), article("First text of the article."))
        with Archive(archive_dir=tmp_path, read_only=True) as reader:
            session_work = threading.Event()
            release = threading.Event()

            def long_read(session):
                reader_versions = session.execute(__import__("sqlalchemy").text("SELECT count(*) FROM versions"))
                reader_versions.scalar()
                session_work.set()
                release.wait(10)

            thread = threading.Thread(target=lambda: reader.read(long_read))
            thread.start()
            assert session_work.wait(10)
            started = time.monotonic()
            writer.record_capture(capture(url, T0.replace(hour=12)), article("Second text of the article, edited."))
            waited = time.monotonic() - started
            release.set()
            thread.join()
            assert waited < 5, "a reader in the middle of a transaction blocked the writer"
            assert [v.version for v in reader.versions(url)] == [1, 2]


def test_read_only_open_refuses_a_missing_archive(tmp_path: Path) -> None:
    from storage.db.errors import ArchiveMissing

    with pytest.raises(ArchiveMissing):
        Archive(archive_dir=tmp_path / "none", read_only=True)
    assert not (tmp_path / "none").exists()


# -- base path and the command ---------------------------------------------------------------------


def test_base_path_prefixes_every_link(reader: Archive, crawled: Crawled) -> None:
    with running_app(reader, "/news") as base:
        home = get(base + "/")
        assert home.status == 200
        links = [value for tag, attrs in markup(home.text).tags for name, value in attrs if name in ("href", "src", "action")]
        assert links and all(link.startswith("/news/") for link in links), links
        assert get(base.removesuffix("/news") + "/").status == 404
        assert get(base + "/static/style.css").status == 200
        assert get(base + f"/diff?{q(url=crawled.edited)}").status == 200


def test_serve_command_binds_loopback_and_warns_on_every_interface(crawled: Crawled) -> None:
    import subprocess
    import sys

    port = free_port()
    command = [sys.executable, "-m", "storage.cli", "--archive-dir", str(crawled.archive_dir), "serve", "--port", str(port)]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                assert get(f"http://127.0.0.1:{port}/").status == 200
                break
            except urllib.error.URLError:
                time.sleep(0.2)
        else:
            pytest.fail("newsarchive serve did not answer")
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=10)
    assert "warning" not in stderr.lower() and f"127.0.0.1:{port}" in stderr
    wide = subprocess.Popen([*command[:-1], str(free_port()), "--host", "0.0.0.0"], stderr=subprocess.PIPE, text=True)
    try:
        first = wide.stderr.readline()
    finally:
        wide.terminate()
        wide.communicate(timeout=10)
    assert first.startswith("warning:") and "no authentication" in first


def test_serve_help_starts_with_a_sentence_and_ends_with_an_example() -> None:
    result = newsarchive("serve", "--help")
    description = result.stdout.split("\n\n")[1].strip()
    assert result.exit_code == 0 and description.endswith(".") and "\n" not in description
    before_options = result.stdout.split("Options:")[0].rstrip().splitlines()
    assert before_options[-2].strip() == "Example:" and before_options[-1].strip().startswith("newsarchive ")


def test_memo_serves_the_old_value_while_one_refresh_runs() -> None:
    from storage.web.app import Memo

    memo, calls, release = Memo(0.05), [], threading.Event()

    def count() -> int:
        calls.append(1)
        if len(calls) > 1:
            release.wait(5)
        return len(calls)

    assert memo.get("k", count) == 1
    time.sleep(0.1)
    started = time.monotonic()
    assert [memo.get("k", count) for _ in range(5)] == [1] * 5  # stale: answered at once, refreshed once
    assert time.monotonic() - started < 1 and len(calls) == 2
    release.set()
    deadline = time.monotonic() + 5
    while memo.get("k", count) != 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert memo.get("k", count) == 2 and len(calls) == 2
