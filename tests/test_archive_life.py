"""A life of an archive: weeks of crawls of the simulated web under a fake clock, on SQLite and PostgreSQL.

The module-scoped ``life`` fixture lives it once per database, through the
real spider (``scrapy crawl news`` subprocesses whose clock libfaketime sets,
tests/helpers/clock.py): a first crawl, a re-check run cut short by a page
limit while one host answers 503, a host down for a day and back, two
articles whose canonical URL is their outlet's home page (a CMS bug), an
article whose bytes change but not its text (then 304s), an article moved to a
new URL and edited there, edits made to articles on the simulated web between
crawls, weeks of ordinary crawls after (one of them by two processes writing
side by side through a Redis frontier), a ``reindex`` racing a crawl, and at
the end an ``ingest`` of an older capture. Each test then checks one property of the archive it leaves.

To add a case: add a step to :func:`live` that does it between crawls, note what
it did on the :class:`Life` (``life.edit`` for edits the archive must show,
``life.note`` for figures), and add a test for its property below.
"""

from __future__ import annotations

import io
import json
import re
import uuid
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import aliased
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storage.archive import Archive
from storage.db.models import Capture, Page, PageSchedule, Version
from storage.db.errors import ArchiveError
from storage.db.times import aware
from storage.ingest.reindex import reindex
from storage.outlets.domains import load_outlet_map
from storage.versions.fetch_runs import Fetch, every_fetch
from tests.helpers.captures import scratch_schema
from tests.helpers.cli import newsarchive
from tests.helpers.clock import FakeClock
from tests.helpers.crawl import run_crawl, start_crawl
from tests.newsweb import NewsWeb
from tests.newsweb.model import LoggedRequest

DAY0 = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)  # the first crawl's (fake) time
NEWSWEB = {"seed": 5, "articles_per_outlet": 2}
YEAR = timedelta(days=365)


@dataclass(frozen=True)
class Edit:
    url: str
    marker: str  # a sentence only this edit added
    day: float


@dataclass
class Life:
    """The archive being lived in, and what happened to it."""

    web: NewsWeb
    clock: FakeClock
    archive_dir: Path
    db_url: str | None
    seeds: Path
    redis_url: str | None = None  # the shared frontier of the day two crawl processes write side by side
    day: float = 0.0
    edits: list[Edit] = field(default_factory=list)
    fetched: list[LoggedRequest] = field(default_factory=list)  # every request the web answered
    notes: dict[str, Any] = field(default_factory=dict)

    def now(self) -> datetime:
        return DAY0 + timedelta(days=self.day)

    def crawl(self, day: float, *, settings: dict[str, str] | None = None, **args: str) -> str:
        """Crawl at ``day`` (days after DAY0, on the crawl's clock); its stderr."""
        self.day = day
        self.web.clear_log()
        result = run_crawl(self.archive_dir, self.seeds, self.web.proxy_url, db_url=self.db_url, settings=settings,
                           args=args, env=self.clock.env(self.now()), check=False)
        self.fetched += self.web.request_log
        assert "newsarchive crawl finished" in result.stderr, result.stderr[-4000:]
        return result.stderr

    def crawl_together(self, day: float, processes: int = 2) -> list[str]:
        """Crawl at ``day`` with ``processes`` crawls side by side on one Redis frontier, as the README's
        "Scaling out" runs them: every page due now, each process claiming a share; their stderr."""
        self.day = day
        self.web.clear_log()
        settings = {"REDIS_URL": self.redis_url, "REDIS_KEY_PREFIX": f"natest-life-{uuid.uuid4().hex[:10]}",
                    "MAX_IDLE_TIME_BEFORE_CLOSE": "3", "RECHECK_MAX": "6", "DOWNLOAD_DELAY": "0.2"}
        running = [start_crawl(self.archive_dir, self.seeds, self.web.proxy_url, db_url=self.db_url,
                               settings=settings, args={"recheck": "all"}, env=self.clock.env(self.now()))
                   for _ in range(processes)]
        stderrs = [process.communicate(timeout=300)[1] for process in running]
        self.fetched += self.web.request_log
        for stderr in stderrs:
            assert "newsarchive crawl finished" in stderr, stderr[-4000:]
        return stderrs

    def edit(self, url: str) -> None:
        """Edit the article at ``url`` on the simulated web: a version the archive must come to hold."""
        marker = (f"Correction, day {self.day:g}: an earlier version of this article gave the wrong figure "
                  f"for item {len(self.edits) + 1} of the council's budget.")
        self.web.edit_article(url, append_paragraph=marker)
        self.edits.append(Edit(url, marker, self.day))

    def note(self, name: str, value: Any) -> None:
        self.notes[name] = value

    def archive(self) -> Archive:
        return Archive(self.db_url, self.archive_dir)

    def read(self, query: Any) -> Any:
        with self.archive() as archive:
            return archive.read(query)


def schedule_times(session) -> list[datetime | None]:
    return [aware(at) if at is not None else None for at in session.scalars(select(PageSchedule.next_check_at))]


def far_ahead(life: Life) -> int:
    """Pages scheduled more than a year after the life's current time."""
    limit = life.now() + YEAR
    return sum(1 for at in life.read(schedule_times) if at is not None and at > limit)


def failing(life: Life, urls: list[str]) -> dict[str, int]:
    rows = life.read(lambda session: list(session.execute(
        select(Page.url, PageSchedule.failures).join(PageSchedule, PageSchedule.page_id == Page.id)
        .where(Page.url.in_(urls)))))
    return dict(rows)


def live(life: Life) -> None:
    """Five weeks of an archive's life."""
    web = life.web
    flaky, fragile, steady, wire = web.outlets[0], web.outlets[1], web.outlets[2], web.outlets[3]
    flaky_urls, fragile_urls = web.article_urls(flaky.name), web.article_urls(fragile.name)
    steady_urls, wire_urls = web.article_urls(steady.name), web.article_urls(wire.name)

    # A CMS bug: two of the wire's articles name its home page as their canonical URL and og:url.
    misdeclared = wire_urls[:2]
    for url in misdeclared:
        web.declare_url(url, wire.home)
    life.note("articles declaring the home page", misdeclared)

    life.crawl(0)
    life.note("pages after the first crawl", len(life.read(schedule_times)))

    # A re-check of everything, cut short by a page limit, while one host answers 503.
    life.edit(flaky_urls[0])
    life.edit(steady_urls[0])
    web.outages.begin(flaky.host, "503")
    life.crawl(0.25, recheck="all", settings={"CLOSESPIDER_PAGECOUNT": "5"})
    web.outages.end(flaky.host)
    life.note("pages scheduled over a year ahead after the bounded run", far_ahead(life))

    # A host down for a day (connections reset), edited meanwhile, then back.
    web.outages.begin(fragile.host, "reset")
    life.edit(fragile_urls[0])
    life.crawl(1)
    life.note("failing pages of the host that is down", failing(life, fragile_urls))
    # A new ETag for the same article: the next fetch differs in bytes (the ad line), not in text; then 304s.
    web.edit_article(misdeclared[1])
    life.note("page answering 304 after changed bytes", misdeclared[1])
    life.crawl(1.5)
    web.outages.end(fragile.host)
    # An article moves (a slug change, linked by nothing); it is edited at its new URL a day later.
    moved_to = web.move_article(steady_urls[0], listed=False)
    life.note("moved article", (steady_urls[0], moved_to))
    life.crawl(2)

    # Ordinary weeks, with edits between crawls.
    life.edit(moved_to)
    life.edit(flaky_urls[1])
    life.edit(fragile_urls[1])
    life.crawl(3)
    life.edit(steady_urls[1])
    life.edit(wire_urls[-1])
    stderrs = life.crawl_together(7)  # two writers side by side
    life.note("responses fetched by each of two processes", [fetched_responses(err) for err in stderrs])
    life.crawl(14)
    life.crawl(21)
    life.note("failing pages of the host at the end", failing(life, fragile_urls))
    life.edit(flaky_urls[0])
    reindex_racing_a_crawl(life, 22)
    ingest_older_capture(life, fragile_urls[1])


def fetched_responses(stderr: str) -> int:
    """The responses a crawl's summary says it fetched."""
    match = re.search(r"fetched\s+(\d+) responses", stderr)
    return int(match.group(1)) if match else 0


def reindex_racing_a_crawl(life: Life, day: float) -> None:
    """``reindex`` while a crawl without the archive lock (as distributed crawls run) re-checks every page:
    the crawl runs, start to end, while the rebuild reads the archive's WARCs."""
    raced: list[int] = []

    def crawl_meanwhile(*_: int) -> None:
        if not raced:
            raced.append(len(life.fetched))
            life.crawl(day, recheck="all", settings={"ARCHIVE_LOCK_ENABLED": "0"})

    outlets = load_outlet_map([str(life.seeds)], None, False)
    try:
        reindex(life.db_url, life.archive_dir, outlets, confirm=lambda before, after: True, workers=1,
                progress=crawl_meanwhile)
        outcome = "swapped in"
    except ArchiveError as refused:
        outcome = str(refused)
    life.note("reindex racing a crawl", (outcome, life.fetched[raced[0]:] if raced else []))


def ingest_older_capture(life: Life, url: str) -> None:
    """An out-of-order ``ingest``: a WARC holding a capture of ``url`` dated between its first two versions
    (after the first one's last sighting), with a text the archive never saw, ingested after all the crawls."""
    with life.archive() as archive:
        first, second = archive.versions(url)[:2]
    between = (first.last_seen + (second.first_seen - first.last_seen) / 2).replace(microsecond=0)
    [marker] = [edit.marker for edit in life.edits if edit.url == url]
    older = OLDER_TEXT.format(day=(between - DAY0).total_seconds() / 86400)
    body = fetch(life.web, url).replace(marker.encode(), older.encode())
    warc = write_response_warc(life.archive_dir.parent / "older.warc.gz", url, body, between)
    db = ("--db", life.db_url) if life.db_url else ()
    result = newsarchive(*db, "--archive-dir", str(life.archive_dir), "ingest", str(warc), "--seeds",
                         str(life.seeds), "--workers", "1", "--json")
    assert result.exit_code == 0, result.output
    life.note("ingested older capture", (url, between, older, marker))


OLDER_TEXT = "Update, day {day:.2f}: the council's budget figures were briefly given here as a draft."


def fetch(web: NewsWeb, url: str) -> bytes:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": web.proxy_url}))
    with opener.open(url) as response:
        return response.read()


def write_response_warc(path: Path, url: str, body: bytes, when: datetime) -> Path:
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True, warc_version="1.1")
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                           ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), length=len(body), http_headers=http,
            warc_headers_dict={"WARC-Date": when.strftime("%Y-%m-%dT%H:%M:%SZ")}))
    return path


@contextmanager
def database(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """None: the archive's own SQLite file; else a scratch PostgreSQL schema."""
    if request.param == "sqlite":
        yield None
        return
    with scratch_schema(request.getfixturevalue("pg_url")) as url:
        yield url


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def life(request: pytest.FixtureRequest, fake_clock: FakeClock, tmp_path_factory) -> Iterator[Life]:
    root = tmp_path_factory.mktemp(f"life-{request.param}")
    with NewsWeb(**NEWSWEB) as web, database(request) as db_url:
        seeds = root / "seeds.toml"
        seeds.write_text(web.seed_toml(), encoding="utf-8")
        lived = Life(web, fake_clock, root / "archive", db_url, seeds, request.getfixturevalue("redis_url"))
        live(lived)
        yield lived


# -- what the archive must be after its life --------------------------------------


def test_the_crawls_ran_on_the_fake_clock(life: Life) -> None:
    latest = life.read(lambda session: aware(session.scalar(select(Capture.fetched_at).order_by(
        Capture.fetched_at.desc()).limit(1))))
    assert life.now() <= latest < life.now() + timedelta(hours=1)


def test_every_real_edit_is_a_version(life: Life) -> None:
    def texts(session) -> dict[str, list[str]]:
        rows = session.execute(select(Page.url, Version.text).join(Version, Version.page_id == Page.id))
        found: dict[str, list[str]] = {}
        for url, text in rows:
            found.setdefault(url, []).append(text)
        return found

    held = life.read(texts)
    missing = [edit for edit in life.edits if not any(edit.marker in text for text in held.get(edit.url, []))]
    assert missing == []


def test_no_page_is_scheduled_more_than_a_year_ahead(life: Life) -> None:
    assert life.notes["pages scheduled over a year ahead after the bounded run"] == 0
    assert far_ahead(life) == 0


def test_a_failing_host_backs_off_and_is_rechecked_once_back(life: Life) -> None:
    down = life.notes["failing pages of the host that is down"]
    assert down and all(failures >= 1 for failures in down.values()), down
    assert set(life.notes["failing pages of the host at the end"].values()) == {0}
    back = DAY0 + timedelta(days=2)
    urls = life.read(lambda session: dict(session.execute(
        select(Page.id, Page.url).where(Page.url.in_(list(down)))).tuples().all()))
    rechecked = {urls[fetch.page_id] for fetch in fetches_of(life, Capture.page_id.in_(list(urls)))
                 if aware(fetch.fetched_at) > back}
    assert rechecked == set(down)


def fetches_of(life: Life, where: Any) -> list[Fetch]:
    """Every fetch of the captures ``where`` selects: a row's own and those of its run of unchanged re-checks."""
    return life.read(lambda session: every_fetch(session, list(session.scalars(select(Capture).where(where)))))


def test_nothing_fetched_is_missing_from_the_index(life: Life) -> None:
    articles = set(life.web.article_urls())
    answered = Counter(entry.url for entry in life.fetched
                       if entry.method == "GET" and entry.url in articles and entry.status in (200, 304))
    indexed = Counter(fetch.fetched_url for fetch in fetches_of(life, Capture.fetched_url.in_(articles)))
    assert {url: (count, indexed[url]) for url, count in answered.items() if indexed[url] < count} == {}


def test_a_moved_article_edited_at_its_new_url_keeps_its_history_there(life: Life) -> None:
    old, new = life.notes["moved article"]
    [edit] = [edit for edit in life.edits if edit.url == new]
    with life.archive() as archive:
        texts = [version.text for version in archive.versions(new)]
    assert len(texts) >= 2 and edit.marker not in texts[0] and edit.marker in texts[-1], texts
    target = aliased(Page)
    links = life.read(lambda session: list(session.execute(
        select(Page.url, target.url).join(target, target.id == Page.moved_to_id))))
    assert (old, new) in links


def test_a_304_after_a_refetch_whose_bytes_changed_extends_the_version(life: Life) -> None:
    url = life.notes["page answering 304 after changed bytes"]
    with life.archive() as archive:
        captures = archive.captures(url)
        [version] = archive.versions(url)
    responses = [capture for capture in captures if capture.record_type == "response"]
    assert len(responses) >= 2 and responses[0].payload_digest != responses[-1].payload_digest  # the ad line
    not_modified = [capture for capture in captures if (capture.record_type, capture.status) == ("revisit", 304)
                    and capture.fetched_at > responses[-1].fetched_at]
    assert not_modified and version.last_seen == not_modified[-1].fetched_at == captures[-1].fetched_at


def test_a_canonical_naming_the_home_page_does_not_merge_articles(life: Life) -> None:
    urls = life.notes["articles declaring the home page"]
    home = life.web.outlet(life.web.article(urls[0]).outlet).home
    with life.archive() as archive:
        texts = {url: [version.text for version in archive.versions(url)] for url in urls}
    at_home = life.read(lambda session: session.scalar(select(func.count(Version.id)).join(
        Page, Page.id == Version.page_id).where(Page.url == home)))
    assert at_home == 0
    for url in urls:
        assert texts[url] and all(life.web.article(url).paragraphs[0] in text for text in texts[url]), url


def test_an_out_of_order_ingest_keeps_versions_in_time_order(life: Life) -> None:
    url, between, older, marker = life.notes["ingested older capture"]
    with life.archive() as archive:
        versions = archive.versions(url)
    assert [(older in v.text, marker in v.text) for v in versions[:3]] == [(False, False), (True, False),
                                                                            (False, True)]
    assert versions[1].first_seen == between
    seen = life.read(lambda session: list(session.execute(
        select(Version.page_id, Version.first_seen).order_by(Version.page_id, Version.seq))))
    by_page: dict[int, list[datetime]] = {}
    for page_id, first_seen in seen:
        by_page.setdefault(page_id, []).append(aware(first_seen))
    assert [page for page, times in by_page.items() if times != sorted(times)] == []
    db = ("--db", life.db_url) if life.db_url else ()
    for at, expected in ((between + timedelta(minutes=1), older), (versions[2].first_seen, marker)):
        result = newsarchive(*db, "--archive-dir", str(life.archive_dir), "show", url, "--at", at.isoformat(),
                             "--json")
        assert result.exit_code == 0, result.output
        assert expected in json.loads(result.stdout)["text"], at


def test_a_reindex_racing_a_crawl_loses_nothing_the_crawl_fetched(life: Life) -> None:
    outcome, fetched = life.notes["reindex racing a crawl"]
    assert outcome == "swapped in" or "written during the rebuild" in outcome, outcome
    articles = set(life.web.article_urls())
    answered = Counter(entry.url for entry in fetched
                       if entry.method == "GET" and entry.url in articles and entry.status in (200, 304))
    raced = DAY0 + timedelta(days=22)
    indexed = Counter(fetch.fetched_url for fetch in fetches_of(life, Capture.fetched_url.in_(articles))
                      if aware(fetch.fetched_at) >= raced)
    assert answered and indexed == answered


def test_two_crawl_processes_writing_side_by_side_both_worked(life: Life) -> None:
    """Day 7 ran as two processes on one frontier; every edit made before it is a version (the test above)."""
    first, second = life.notes["responses fetched by each of two processes"]
    assert first > 0 and second > 0
