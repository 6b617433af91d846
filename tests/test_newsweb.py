"""The simulated news web answers like real outlets: proxy routing, feeds, sitemaps, robots, HTTP details."""

from __future__ import annotations

import gzip
import html
import http.client
import itertools
import json
import re
import socket
import subprocess
import sys
import tomllib
import urllib.error
import urllib.request
import urllib.robotparser
import xml.etree.ElementTree as ET
import zlib
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.newsweb import NewsWeb

ROOT = Path(__file__).resolve().parent.parent
ATOM = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(web: NewsWeb, url: str, headers: dict[str, str] | None = None, *, follow: bool = True):
    """GET ``url`` through the web as an HTTP proxy; returns (status, headers, body bytes)."""
    handlers = [urllib.request.ProxyHandler({"http": web.proxy_url})]
    if not follow:
        handlers.append(NoRedirect())
    opener = urllib.request.build_opener(*handlers)
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def page_text(web: NewsWeb, url: str) -> str:
    status, headers, body = fetch(web, url)
    assert status == 200, url
    return html.unescape(body.decode(headers.get_content_charset()))


def shingles(text: str, size: int = 5) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


def jaccard(a: str, b: str) -> float:
    sa, sb = shingles(a), shingles(b)
    return len(sa & sb) / len(sa | sb)


NEWSWEB = {"seed": 0}  # options of the `web` fixture (conftest.py)


@pytest.fixture
def fresh_web():
    """A web of its own for tests that change content."""
    with NewsWeb(seed=3, articles_per_outlet=2) as running:
        yield running


def test_outlets_are_distinct_test_hosts_with_their_own_templates(web):
    assert len(web.outlets) >= 4
    hosts = [o.host for o in web.outlets]
    assert len(set(hosts)) == len(hosts)
    assert all(host.endswith(".test") for host in hosts)
    class_sets = []
    for outlet in web.outlets:
        page = page_text(web, web.article_urls(outlet.name)[0])
        class_sets.append(frozenset(re.findall(r'class="([^"]+)"', page)))
    for a, b in itertools.combinations(class_sets, 2):
        assert a != b


def test_home_page_through_proxy_links_sections_articles_and_private_area(web):
    for outlet in web.outlets:
        page = page_text(web, outlet.home)
        for start_url in outlet.start_urls[1:]:
            assert f'href="{start_url}"' in page
        assert sum(url in page for url in web.article_urls(outlet.name)) >= 2
        assert "#comments" in page
        assert all(url in page for url in web.disallowed_urls(outlet.name))


def test_origin_form_request_with_host_header_reaches_the_outlet(web):
    connection = http.client.HTTPConnection("127.0.0.1", web.port, timeout=10)
    connection.request("GET", "/robots.txt", headers={"Host": "metro-tribune.test"})
    response = connection.getresponse()
    body = response.read().decode()
    connection.close()
    assert response.status == 200
    assert response.getheader("Content-Type") == "text/plain; charset=utf-8"
    assert "Disallow: /private/" in body
    assert "Sitemap: http://metro-tribune.test/sitemap_index.xml" in body


def test_unknown_host_is_a_bad_gateway(web):
    status, _, body = fetch(web, "http://no-such-outlet.test/")
    assert status == 502
    assert b"no-such-outlet.test" in body


def test_bare_domain_redirects_to_the_www_host(web):
    status, headers, _ = fetch(web, "http://daily-courier.test/local/", follow=False)
    assert status == 301
    assert headers["Location"] == "http://www.daily-courier.test/local/"


def _feed_links(web: NewsWeb, outlet) -> tuple[str, list[str]]:
    status, headers, body = fetch(web, outlet.feeds[0])
    assert status == 200
    root = ET.fromstring(body)
    if root.tag == f"{ATOM}feed":
        assert headers["Content-Type"].startswith("application/atom+xml")
        return "atom", [entry.find(f"{ATOM}link").get("href") for entry in root.iter(f"{ATOM}entry")]
    assert root.tag == "rss" and root.get("version") == "2.0"
    assert headers["Content-Type"].startswith("application/rss+xml")
    for item in root.iter("item"):
        parsedate_to_datetime(item.findtext("pubDate"))  # RFC 822 dates that parse
    return "rss", [item.findtext("link") for item in root.iter("item")]


def test_feeds_parse_and_list_every_live_article(web):
    formats, tracked = set(), 0
    for outlet in web.outlets:
        kind, links = _feed_links(web, outlet)
        formats.add(kind)
        tracked += sum("utm_source=rss" in link for link in links)
        canonical = [link.split("?")[0] for link in links]
        assert sorted(canonical) == sorted(web.article_urls(outlet.name))
    assert formats == {"rss", "atom"}
    assert tracked > 0


def test_sitemap_index_leads_to_news_and_plain_sitemaps(web):
    for outlet in web.outlets:
        _, _, body = fetch(web, outlet.sitemaps[0])
        index = ET.fromstring(body)
        assert index.tag == f"{SM}sitemapindex"
        children = [loc.text for loc in index.iter(f"{SM}loc")]
        assert len(children) == 2
        news = ET.fromstring(fetch(web, children[0])[2])
        entries = news.findall(f"{SM}url")
        assert sorted(e.findtext(f"{SM}loc") for e in entries) == sorted(web.article_urls(outlet.name))
        for entry in entries:
            article = web.article(entry.findtext(f"{SM}loc"))
            assert entry.findtext(f"{NEWS}news/{NEWS}title") == article.title
            published = datetime.fromisoformat(entry.findtext(f"{NEWS}news/{NEWS}publication_date"))
            assert published == article.published
        plain = ET.fromstring(fetch(web, children[1])[2])
        plain_locs = {loc.text for loc in plain.iter(f"{SM}loc")}
        assert set(web.article_urls(outlet.name)) <= plain_locs
        assert set(outlet.start_urls) <= plain_locs


def test_robots_txt_forbids_the_linked_private_urls(web):
    for outlet in web.outlets:
        parser = urllib.robotparser.RobotFileParser()
        parser.parse(page_text(web, outlet.url("/robots.txt")).splitlines())
        for url in web.disallowed_urls(outlet.name):
            assert not parser.can_fetch("newsarchive", url), url
        for url in web.article_urls(outlet.name) + outlet.start_urls:
            assert parser.can_fetch("newsarchive", url), url


def test_gzip_and_repeated_set_cookie_arrive_over_absolute_form_request(web):
    url = web.article_urls("daily-courier")[0]
    connection = http.client.HTTPConnection("127.0.0.1", web.port, timeout=10)
    connection.request("GET", url, headers={"Accept-Encoding": "gzip, deflate", "Host": "www.daily-courier.test"})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    assert response.status == 200
    assert response.getheader("Content-Encoding") == "gzip"
    assert response.getheader("Content-Type") == "text/html; charset=utf-8"
    assert len(response.headers.get_all("Set-Cookie")) == 2
    assert web.article(url).paragraphs[0] in html.unescape(gzip.decompress(body).decode("utf-8"))


def test_pages_are_not_gzipped_when_the_client_does_not_ask(web):
    status, headers, body = fetch(web, web.article_urls("daily-courier")[0])
    assert status == 200 and headers["Content-Encoding"] is None
    assert body.startswith(b"<!DOCTYPE html>")


def test_conditional_requests_get_304(web):
    url = web.article_urls("metro-tribune")[0]
    _, headers, _ = fetch(web, url)
    etag, last_modified = headers["ETag"], headers["Last-Modified"]
    assert etag and last_modified
    assert fetch(web, url, {"If-None-Match": etag})[0] == 304
    assert fetch(web, url, {"If-Modified-Since": last_modified})[0] == 304
    assert fetch(web, url, {"If-None-Match": '"something-else"'})[0] == 200
    earlier = format_datetime(parsedate_to_datetime(last_modified).replace(year=2020), usegmt=True)
    assert fetch(web, url, {"If-Modified-Since": earlier})[0] == 200


def test_article_pages_carry_canonical_open_graph_and_json_ld(web):
    for outlet in web.outlets:
        url = web.article_urls(outlet.name)[0]
        article = web.article(url)
        page = page_text(web, url + "?utm_source=rss")
        assert f'<link rel="canonical" href="{url}">' in page
        assert f'<meta property="og:url" content="{url}">' in page
        assert '<meta property="og:type" content="article">' in page
        title = re.search(r"<title>(.*?)</title>", page).group(1)
        assert title.startswith(article.title) and outlet.site_name.replace("The ", "") in title
        blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
        if outlet.json_ld:
            data = json.loads(blocks[0])
            assert data["@type"] == "NewsArticle"
            assert [a["name"] for a in data["author"]] == article.authors
            assert datetime.fromisoformat(data["datePublished"]) == article.published
        else:
            assert not blocks


def test_article_page_contains_its_paragraphs_and_the_outlet_clutter(web):
    for url in web.article_urls():
        article = web.article(url)
        page = page_text(web, url)
        for paragraph in article.paragraphs:
            assert paragraph in page
        assert article.authors[0] in page
        clutter = web.clutter_strings(article.outlet, url)
        for string in clutter:
            assert string in page, (url, string)
            assert string not in article.text, (url, string)


def test_windows_1252_outlet_declares_and_uses_its_charset(web):
    url = web.article_urls("harbour-gazette")[0]
    _, headers, body = fetch(web, url)
    assert headers["Content-Type"] == "text/html; charset=windows-1252"
    assert b'<meta charset="windows-1252">' in body
    decoded = html.unescape(body.decode("cp1252"))
    assert all(p in decoded for p in web.article(url).paragraphs)
    assert "“" in web.article(url).text and "“".encode("cp1252") in body


def test_every_request_changes_the_ad_but_not_the_article(web):
    url = web.article_urls("example-press")[1]
    first, second = fetch(web, url), fetch(web, url)
    assert first[2] != second[2]
    assert first[1]["ETag"] == second[1]["ETag"]
    sponsored = [re.search(rb"Sponsored: [^<]*", body).group(0) for body in (first[2], second[2])]
    assert sponsored[0] != sponsored[1]


def test_tracking_parameters_serve_the_same_article_and_hits_count_them_together(web):
    url = web.article_urls("harbour-gazette")[1]
    before = web.hits(url)
    fetch(web, url + "?utm_source=rss&utm_medium=feed")
    fetch(web, url)
    assert web.hits(url) == before + 2
    assert web.hits(url, exact=True) >= 1
    logged = web.request_log[-1]
    assert (logged.method, logged.url, logged.status) == ("GET", url, 200)
    assert logged.headers["Host"] == urlsplit(url).hostname


def test_clear_log_empties_the_request_log():
    with NewsWeb(articles_per_outlet=1) as own:
        fetch(own, own.outlets[0].home)
        assert len(own.request_log) == 1
        own.clear_log()
        assert own.request_log == [] and own.hits(own.outlets[0].home) == 0


def test_articles_look_like_news_prose(web):
    for url in web.article_urls():
        article = web.article(url)
        assert 5 <= len(article.paragraphs) <= 12
        assert any(len(p) < 80 and "“" not in p and p.count(". ") == 0 for p in article.paragraphs), url
        assert any(re.search(r"“[^”]+,” .+", p) for p in article.paragraphs), url
        assert article.published.tzinfo is not None and article.published.utcoffset().total_seconds() == 0
        assert article.text == "\n\n".join(article.paragraphs)


def test_content_is_deterministic_per_seed():
    texts = [[w.article(u).text for u in w.article_urls()] for w in (NewsWeb(seed=5), NewsWeb(seed=5))]
    assert texts[0] == texts[1]
    other = NewsWeb(seed=6)
    assert [other.article(u).text for u in other.article_urls()] != texts[0]


def test_only_syndicated_copies_are_near_duplicates(web):
    copies = {c.url for c in web.syndicated}
    own = [web.article(u).text for u in web.article_urls() if u not in copies]
    assert max(jaccard(a, b) for a, b in itertools.combinations(own, 2)) < 0.3


def test_syndicated_story_has_wire_origin_and_three_copies(web):
    by_relation = {c.relation: c for c in web.syndicated}
    assert set(by_relation) == {"original", "verbatim", "edited", "rewritten"}
    origin = by_relation["original"]
    assert web.syndicated[0] == origin and origin.url.startswith("http://wire.")
    assert len({c.outlet for c in web.syndicated}) == 4
    assert all(c.published > origin.published for c in web.syndicated[1:])
    text = {relation: web.article(c.url).text for relation, c in by_relation.items()}
    assert text["verbatim"] == text["original"]
    assert 0.6 < jaccard(text["edited"], text["original"]) < 1
    assert jaccard(text["rewritten"], text["original"]) < 0.2
    assert all(c.url in web.article_urls() for c in web.syndicated)


def test_edit_article_changes_text_and_validators(fresh_web):
    url = fresh_web.article_urls("daily-courier")[0]
    _, old_headers, _ = fetch(fresh_web, url)
    edited = fresh_web.edit_article(
        url, append_paragraph="The council later issued a correction.", new_title="Corrected: a new headline"
    )
    assert edited.text.endswith("The council later issued a correction.")
    status, headers, body = fetch(fresh_web, url, {"If-None-Match": old_headers["ETag"]})
    assert status == 200 and headers["ETag"] != old_headers["ETag"]
    assert parsedate_to_datetime(headers["Last-Modified"]) > parsedate_to_datetime(old_headers["Last-Modified"])
    page = html.unescape(body.decode())
    assert "The council later issued a correction." in page and "Corrected: a new headline" in page
    modified = json.loads(re.search(r'ld\+json">(.*?)</script>', page).group(1))["dateModified"]
    assert datetime.fromisoformat(modified) == fresh_web.article(url).modified > edited.published
    fresh_web.edit_article(url, new_paragraphs=["Only one paragraph now.", "And a second one."])
    assert fresh_web.article(url).text == "Only one paragraph now.\n\nAnd a second one."


def test_deleted_article_answers_404_or_410_and_leaves_the_listings(fresh_web):
    gone, removed = fresh_web.article_urls("metro-tribune")[:2]
    fresh_web.delete_article(gone)
    fresh_web.delete_article(removed, status=410)
    assert fetch(fresh_web, gone)[0] == 404
    assert fetch(fresh_web, removed)[0] == 410
    assert gone not in fresh_web.article_urls() and removed not in fresh_web.article_urls()
    _, links = _feed_links(fresh_web, fresh_web.outlet("metro-tribune"))
    assert gone not in links and removed not in links


def test_redirected_article_moves_to_its_new_url(fresh_web):
    url = fresh_web.article_urls("example-press")[0]
    new_url = "http://wire.example-press.test/stories/2026-11-21/moved-story-abc"
    paragraphs = fresh_web.article(url).paragraphs
    fresh_web.redirect_article(url, new_url)
    status, headers, _ = fetch(fresh_web, url, follow=False)
    assert status == 301 and headers["Location"] == new_url
    page = page_text(fresh_web, url)  # urllib follows the redirect
    assert f'<link rel="canonical" href="{new_url}">' in page and paragraphs[0] in page
    assert new_url in fresh_web.article_urls() and url not in fresh_web.article_urls()


def test_padding_brings_article_pages_to_about_the_asked_size():
    with NewsWeb(articles_per_outlet=1, page_padding_kb=120) as padded:
        for outlet in padded.outlets:
            url = padded.article_urls(outlet.name)[0]
            size = len(fetch(padded, url)[2])
            assert 100 * 1024 < size < 140 * 1024, (outlet.name, size)
            assert padded.article(url).paragraphs[-1] in page_text(padded, url)


def test_seed_toml_describes_every_outlet(web):
    seeds = tomllib.loads(web.seed_toml())["outlet"]
    assert [s["name"] for s in seeds] == [o.name for o in web.outlets]
    for seed, outlet in zip(seeds, web.outlets):
        assert seed["domains"] == outlet.domains and seed["feeds"] == outlet.feeds
        assert seed["sitemaps"] == outlet.sitemaps and seed["start_urls"] == outlet.start_urls
        assert seed.get("article_pattern") == outlet.article_pattern
        for url in web.article_urls(outlet.name):
            assert any(urlsplit(url).hostname.endswith(d) for d in seed["domains"])
            if outlet.article_pattern:
                assert re.search(seed["article_pattern"], url)
        for url in outlet.start_urls:
            if outlet.article_pattern:
                assert not re.search(outlet.article_pattern, url)


def test_module_entry_point_writes_the_seed_file(tmp_path):
    seeds_out = tmp_path / "seeds.toml"
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.newsweb", "--port", "0", "--articles", "2", "--seeds-out", str(seeds_out)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        lines = []
        for line in process.stdout:
            lines.append(line)
            if "Ctrl-C" in line:
                break
    finally:
        process.terminate()
        process.wait(timeout=10)
    output = "".join(lines)
    assert "scrapy crawl news -a seeds=" + str(seeds_out) in output
    assert "ARCHIVE_ALLOW_PRIVATE_NETWORKS=1" in output
    assert tomllib.loads(seeds_out.read_text())["outlet"][0]["name"] == "daily-courier"


SCRAPY_SCRIPT = """
import json, sys
import scrapy
from scrapy.crawler import CrawlerProcess

seen = []

class Probe(scrapy.Spider):
    name = "probe"
    start_urls = sys.argv[1:]

    def parse(self, response):
        seen.append([response.url, response.status, response.text])

process = CrawlerProcess({"ROBOTSTXT_OBEY": True, "LOG_LEVEL": "ERROR", "TELNETCONSOLE_ENABLED": False})
process.crawl(Probe)
process.start()
print(json.dumps(seen))
"""


def test_scrapy_fetches_through_http_proxy_env_and_obeys_robots(web):
    article_url = web.article_urls("harbour-gazette")[0]
    private = web.disallowed_urls("harbour-gazette")[0]
    robots = "http://news.harbour-gazette.test/robots.txt"
    robots_before = web.hits(robots)
    env = {"http_proxy": web.proxy_url, "PATH": "", "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", SCRAPY_SCRIPT, article_url, private],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert [(url, status) for url, status, _ in seen] == [(article_url, 200)]
    assert web.article(article_url).paragraphs[0] in html.unescape(seen[0][2])
    assert web.hits(private) == 0
    assert web.hits(robots) == robots_before + 1


# -- faults ----------------------------------------------------------------


@pytest.fixture(scope="module")
def faulty():
    with NewsWeb(articles_per_outlet=1, faults=True, hang_seconds=2) as running:
        yield running


def test_fault_paths_are_listed_with_expectations(faulty, web):
    assert web.fault_paths == []
    paths = {urlsplit(p.url).path: p for p in faulty.fault_paths}
    assert len(paths) >= 15 and all(p.expect and p.fault for p in paths.values())
    assert "faulty" in [s["name"] for s in tomllib.loads(faulty.seed_toml())["outlet"]]
    assert "faulty" not in [s["name"] for s in tomllib.loads(faulty.seed_toml(faults=False))["outlet"]]


def test_error_faults_answer_with_status_and_retry_after(faulty):
    assert fetch(faulty, "http://faulty.test/error/500")[0] == 500
    status, headers, _ = fetch(faulty, "http://faulty.test/error/503")
    assert status == 503 and headers["Retry-After"] == "2"
    status, headers, _ = fetch(faulty, "http://faulty.test/error/429")
    assert status == 429 and headers["Retry-After"] == "1"


def test_redirect_loop_never_ends(faulty):
    status, headers, _ = fetch(faulty, "http://faulty.test/redirect-loop/a", follow=False)
    assert status == 302 and headers["Location"].endswith("/redirect-loop/b")
    with pytest.raises(urllib.error.HTTPError, match="infinite loop"):
        urllib.request.build_opener(urllib.request.ProxyHandler({"http": faulty.proxy_url})).open(
            "http://faulty.test/redirect-loop/a", timeout=10
        )


def test_reset_and_hang_faults_fail_the_client(faulty):
    with pytest.raises((ConnectionError, http.client.RemoteDisconnected, urllib.error.URLError)):
        fetch(faulty, "http://faulty.test/reset")
    with pytest.raises((TimeoutError, socket.timeout, urllib.error.URLError)):
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": faulty.proxy_url}))
        opener.open("http://faulty.test/hang", timeout=0.5)


def test_gzip_bomb_inflates_far_beyond_its_size(faulty):
    _, headers, body = fetch(faulty, "http://faulty.test/gzip-bomb")
    assert headers["Content-Encoding"] == "gzip" and len(body) < 1024 * 1024
    inflater = zlib.decompressobj(31)
    assert len(inflater.decompress(body, 64 * 1024 * 1024)) == 64 * 1024 * 1024


def test_endless_body_keeps_coming(faulty):
    connection = http.client.HTTPConnection("127.0.0.1", faulty.port, timeout=10)
    connection.request("GET", "http://faulty.test/endless")
    response = connection.getresponse()
    assert response.getheader("Content-Length") is None
    assert len(response.read(4 * 1024 * 1024)) == 4 * 1024 * 1024
    connection.close()


def test_content_faults_serve_bad_bytes(faulty):
    assert fetch(faulty, "http://faulty.test/binary.html")[2].startswith(b"\x89PNG")
    _, headers, body = fetch(faulty, "http://faulty.test/charset/wrong")
    assert headers.get_content_charset() == "utf-8"
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    with pytest.raises(ET.ParseError):
        ET.fromstring(fetch(faulty, "http://faulty.test/feed/broken.xml")[2])
    with pytest.raises(ET.ParseError):
        ET.fromstring(fetch(faulty, "http://faulty.test/sitemap-malformed.xml")[2])
    assert len(ET.fromstring(fetch(faulty, "http://faulty.test/feed/huge.xml")[2]).findall("channel/item")) >= 10_000


def test_sitemap_indexes_point_at_each_other(faulty):
    a = ET.fromstring(fetch(faulty, "http://faulty.test/sitemap-loop-a.xml")[2]).findtext(f"{SM}sitemap/{SM}loc")
    b = ET.fromstring(fetch(faulty, a)[2]).findtext(f"{SM}sitemap/{SM}loc")
    assert a.endswith("/sitemap-loop-b.xml") and b.endswith("/sitemap-loop-a.xml")
