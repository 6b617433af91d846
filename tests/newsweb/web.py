"""``NewsWeb``: the simulated outlets' content, what tests ask of it, and the server's lifecycle.

Content is generated once from ``seed``; tests then change it between crawls
(``edit_article``, ``delete_article``, ``redirect_article``, ``move_article``) and read back what
the server answered (``request_log``, ``hits``). With ``evolve=True`` the web
makes such changes itself, a round at the start of each crawl
(tests/newsweb/evolution.py). All state sits behind one lock
because the server answers from several threads.
"""

from __future__ import annotations

import dataclasses
import heapq
import logging
import random
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from http.server import ThreadingHTTPServer
from urllib.parse import urlsplit

from tests.newsweb import notices, walls
from tests.newsweb.evolution import DEFAULT_QUIET_SECONDS, Evolution, Round
from tests.newsweb.frontpages import FrontItem, FrontPageRounds, front_items
from tests.newsweb.model import Article, LoggedRequest, Outlet, SyndicatedCopy
from tests.newsweb.outages import Outages
from tests.newsweb.outlets import SYNDICATION, build_outlets, slugify
from tests.newsweb.padding import build_padding
from tests.newsweb.pages import private_links
from tests.newsweb.prose import generate_story
from tests.newsweb.syndicated import COPIES
from tests.newsweb.templates import clutter_strings

logger = logging.getLogger(__name__)

BASE_TIME = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
TITLE_ATTEMPTS = 20  # fresh stories tried for an unused title before the title gets a number
WIRE_TIME = datetime(2026, 11, 19, 4, 30, tzinfo=UTC)


def strip_url(url: str) -> str:
    """URL without query and fragment: how the web keys its pages."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


class NewsWeb:
    """A local HTTP proxy server that imitates several news outlets.

    Use as a context manager (or ``start()``/``stop()``); point a client at
    ``proxy_url`` and request ``http://www.daily-courier.test/`` and friends.
    """

    def __init__(
        self,
        seed: int = 0,
        articles_per_outlet: int = 6,
        page_padding_kb: int = 0,
        faults: bool = False,
        hang_seconds: float = 30.0,
        templated_outlet: bool = False,
        hostile: bool = False,
        evolve: bool = False,
        quiet_seconds: float = DEFAULT_QUIET_SECONDS,
        on_round: Callable[[Round], None] | None = None,
        front_pages: bool = False,
        undeclared: bool = False,
        proxy_auth: str | None = None,
        content_coding: str = "gzip",
        force_coding: bool = False,
    ) -> None:
        """``templated_outlet`` adds ``river-notices``, whose reports share their paragraphs (tests/newsweb/notices.py).

        ``evolve`` changes some articles at the start of every crawl after the
        first, a crawl being the first request after ``quiet_seconds`` without
        any; ``on_round`` hears of each round (tests/newsweb/evolution.py).
        ``front_pages`` makes the home pages reorder and reword their links
        round by round (tests/newsweb/frontpages.py): the rounds follow
        ``evolve``'s, else ``front_rounds.advance()``. ``proxy_auth``
        (``"user:password"``) makes it an authenticating proxy: requests
        without those credentials in ``Proxy-Authorization`` get 407, and
        ``proxy_url`` carries them. ``content_coding`` (``gzip``, ``br``, ``zstd``) is how the outlets
        that compress do it, when the client accepts it (``force_coding``: whether it does or not).
        """
        self.proxy_auth = proxy_auth
        self.content_coding = content_coding
        self.force_coding = force_coding
        self.seed = seed
        self.articles_per_outlet = articles_per_outlet
        self.outlets: list[Outlet] = build_outlets() + ([notices.notices_outlet()] if templated_outlet else [])
        if undeclared:  # articles that only a feed or sitemap listing makes articles (tests/crawler/test_hints.py)
            self.outlets = [dataclasses.replace(o, declares_articles=False, article_pattern=None) for o in self.outlets]
        self.syndicated: list[SyndicatedCopy] = []
        self.port: int | None = None
        self._lock = threading.RLock()
        self._articles: dict[str, Article] = {}
        self._log: list[LoggedRequest] = []
        self._requests = 0
        self._padding = {o.name: build_padding(o.name, page_padding_kb) for o in self.outlets}
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.stopping = threading.Event()
        self._generate()
        self.hostile_url: str | None = None
        if hostile:  # an article that attacks archive viewers (tests/newsweb/hostile.py)
            from tests.newsweb.hostile import hostile_article

            gazette = self.outlet("harbour-gazette")
            article = hostile_article(gazette, BASE_TIME)
            self._add(article)
            self.hostile_url = article.url
        self.fault_outlet = None
        if faults:
            from tests.newsweb.faults import FaultOutlet

            self.fault_outlet = FaultOutlet(hang_seconds, self.stopping)
        self.evolution = Evolution(self, quiet_seconds, on_round) if evolve else None
        self.outages = Outages()  # hosts made to fail for a while (tests/newsweb/outages.py)
        self.front_rounds = FrontPageRounds() if front_pages else None

    # -- content -------------------------------------------------------------

    def _generate(self) -> None:
        titles: set[str] = set()
        for k, outlet in enumerate(self.outlets):
            if outlet.name == notices.NAME:
                for article in notices.reports(outlet, BASE_TIME):
                    self._add(article)
                continue
            for i in range(self.articles_per_outlet):
                attempt = 0
                while True:
                    rng = random.Random(f"{self.seed}:{outlet.name}:{i}:{attempt}")
                    story = generate_story(rng)
                    if attempt >= TITLE_ATTEMPTS:  # a big web has used most titles: number this one
                        story = dataclasses.replace(story, title=f"{story.title} ({i + 1})")
                    if story.title not in titles:
                        break
                    attempt += 1
                titles.add(story.title)
                published = BASE_TIME - timedelta(hours=i * 6 + k, minutes=rng.randint(0, 50))
                modified = published + timedelta(minutes=rng.choice([0, 0, 12, 45]))
                path = outlet.article_path(slugify(story.title), published, rng.randint(100000, 999999))
                section = outlet.sections[i % 2][1]
                self._add(
                    Article(
                        outlet.url(path),
                        outlet.name,
                        story.title,
                        list(story.paragraphs),
                        list(story.authors),
                        published,
                        modified,
                        section,
                        story.description,
                    )
                )
            self._add_syndicated(outlet)

    def _add_syndicated(self, outlet: Outlet) -> None:
        copy = COPIES[SYNDICATION[outlet.name]]
        published = WIRE_TIME + copy.delay
        path = outlet.article_path(slugify(copy.title), published, 0xB7E11 + len(outlet.name))
        url = outlet.url(path)
        description = copy.paragraphs[0].split(" — ", 1)[-1]
        self._add(
            Article(
                url,
                outlet.name,
                copy.title,
                list(copy.paragraphs),
                list(copy.authors),
                published,
                published,
                outlet.sections[0][1],
                description,
            )
        )
        entry = SyndicatedCopy(url, outlet.name, copy.relation, published)
        self.syndicated.append(entry)
        self.syndicated.sort(key=lambda c: c.published)

    def _add(self, article: Article) -> None:
        self._articles[article.url] = article

    def outlet(self, name: str) -> Outlet:
        for outlet in self.outlets:
            if outlet.name == name:
                return outlet
        raise KeyError(f"no outlet named {name!r}; known: {', '.join(o.name for o in self.outlets)}")

    def outlet_for_host(self, host: str) -> Outlet | None:
        return next((o for o in self.outlets if o.host == host), None)

    def live_articles(self, outlet: str) -> list[Article]:
        """Live articles of an outlet, newest first (snapshots)."""
        with self._lock:
            found = [a.snapshot() for a in self._articles.values() if a.outlet == outlet and a.live]
        return sorted(found, key=lambda a: a.published, reverse=True)

    def lookup(self, url: str) -> Article | None:
        """Snapshot of the article at ``url`` (query and fragment ignored), live or not."""
        with self._lock:
            article = self._articles.get(strip_url(url))
            return article.snapshot() if article else None

    def related(self, article: Article, count: int = 3) -> list[Article]:
        """The outlet's ``count`` newest other live articles (snapshots)."""
        with self._lock:  # every article page asks: snapshot only what it shows, not the whole outlet
            others = (a for a in self._articles.values()
                      if a.outlet == article.outlet and a.live and a.listed and a.url != article.url)
            newest = heapq.nlargest(count, others, key=lambda a: a.published)
            return [a.snapshot() for a in newest]

    def padding(self, outlet: str) -> tuple[str, str]:
        return self._padding[outlet]

    # -- queries -------------------------------------------------------------

    def article_urls(self, outlet: str | None = None) -> list[str]:
        """Canonical URLs of live articles, outlet by outlet, newest first."""
        names = [outlet] if outlet else [o.name for o in self.outlets]
        return [a.url for name in names for a in self.live_articles(name)]

    def article(self, url: str) -> Article:
        """The article at ``url`` as it is now (tracking query and fragment ignored)."""
        found = self.lookup(url)
        if found is None:
            raise KeyError(f"no article at {url}")
        return found

    def front_items(self, outlet: str) -> list[FrontItem]:
        """What the outlet's home page shows now, in order (``front_pages=True`` only)."""
        if self.front_rounds is None:
            raise RuntimeError("the home pages change only with NewsWeb(front_pages=True)")
        return front_items(self.live_articles(outlet), self.front_rounds.round)

    def clutter_strings(self, outlet: str, url: str | None = None) -> list[str]:
        """Strings on that outlet's article pages that extracted text must never contain.

        With ``url``, also the titles of the related stories shown on that page.
        """
        self.outlet(outlet)
        related = self.related(self.article(url)) if url else []
        return clutter_strings(outlet, related)

    def disallowed_urls(self, outlet: str | None = None) -> list[str]:
        """URLs the outlets link to but robots.txt forbids."""
        outlets = [self.outlet(outlet)] if outlet else self.outlets
        return [url for o in outlets for url in private_links(o) + [o.url("/search?q=")]]

    @property
    def request_log(self) -> list[LoggedRequest]:
        with self._lock:
            return list(self._log)

    def clear_log(self) -> None:
        with self._lock:
            self._log.clear()

    def hits(self, url: str, exact: bool = False) -> int:
        """Requests served for ``url``; by default any query string counts as the same URL."""
        key = url if exact else strip_url(url)
        with self._lock:
            return sum(1 for r in self._log if (r.url if exact else strip_url(r.url)) == key)

    def record(self, method: str, url: str, status: int, headers: dict[str, str]) -> None:
        with self._lock:
            self._log.append(LoggedRequest(method, url, status, headers))

    def next_request_number(self) -> int:
        with self._lock:
            self._requests += 1
            return self._requests

    def seed_toml(self, faults: bool | None = None) -> str:
        """A seed file (DESIGN.md format) for every outlet; the faulty one too when faults are on."""
        from tests.newsweb.seeds import seed_toml

        outlets = list(self.outlets)
        if self.fault_outlet is not None and faults is not False:
            outlets.append(self.fault_outlet.outlet)
        return seed_toml(outlets)

    @property
    def fault_paths(self) -> list:
        """Each fault URL with what a correct crawler does about it (empty without ``faults=True``)."""
        return self.fault_outlet.paths() if self.fault_outlet else []

    # -- changes between crawls ----------------------------------------------

    def request_started(self) -> None:
        """The server calls this before answering a request: with ``evolve``, a new crawl gets its round first."""
        if self.evolution is not None:
            self.evolution.request_started()
        if self.front_rounds is not None:
            self.front_rounds.request_started()

    def request_finished(self) -> None:
        """The server calls this once a request is answered."""
        if self.evolution is not None:
            self.evolution.request_finished()
        if self.front_rounds is not None:
            self.front_rounds.request_finished()

    def _live(self, url: str) -> Article:
        article = self._articles.get(strip_url(url))
        if article is None or not article.live:
            raise KeyError(f"no live article at {url}")
        return article

    def edit_article(
        self,
        url: str,
        new_paragraphs: list[str] | None = None,
        new_title: str | None = None,
        append_paragraph: str | None = None,
    ) -> Article:
        """Change an article; bumps its revision, ETag, Last-Modified and dateModified."""
        with self._lock:
            article = self._live(url)
            if new_paragraphs is not None:
                article.paragraphs = list(new_paragraphs)
                article.description = article.paragraphs[0].split(" — ", 1)[-1]
            if new_title is not None:
                article.title = new_title
            if append_paragraph is not None:
                article.paragraphs.append(append_paragraph)
            now = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=1)
            article.modified = max(now, article.modified + timedelta(seconds=1))
            article.revision += 1
            return article.snapshot()

    def delete_article(self, url: str, status: int = 404, bomb_bytes: int = 0) -> None:
        """Take an article down: it answers ``status`` (404 or 410) and leaves feeds and sitemaps.

        ``bomb_bytes``: its answer is no page but a gzip-encoded ``application/octet-stream`` body that
        decodes to that many bytes (a decompression bomb).
        """
        if status not in (404, 410):
            raise ValueError(f"delete_article status must be 404 or 410, not {status}")
        with self._lock:
            article = self._live(url)
            article.status, article.bomb_bytes = status, bomb_bytes

    def wall_article(self, url: str, wall: str | None) -> None:
        """Make ``url`` answer with a wall of tests/newsweb/walls.py (its name) instead of itself; None: itself again."""
        if wall is not None and wall not in walls.WALLS:
            raise ValueError(f"no wall {wall!r}; expected one of {', '.join(walls.WALLS)}")
        with self._lock:
            self._live(url).wall = wall

    def declare_url(self, url: str, declared: str | None) -> None:
        """Make the article at ``url`` name ``declared`` as its canonical URL and og:url (a CMS bug); None: itself."""
        with self._lock:
            self._live(url).declared_url = declared

    def redirect_article(self, url: str, to_url: str, moves: bool = True, listed: bool = True) -> None:
        """Make ``url`` answer 301 to ``to_url``; the article moves there unless ``to_url`` already is one
        (or ``moves=False``: the target, a section page say, stays what it is); with ``listed=False`` nothing
        links its new address."""
        with self._lock:
            article = self._live(url)
            target = strip_url(to_url)
            if moves and target not in self._articles and self.outlet_for_host(urlsplit(target).hostname or ""):
                moved = article.snapshot()
                moved.url = target
                moved.listed = listed
                self._articles[target] = moved
            article.status = 301
            article.location = to_url

    def move_article(self, url: str, suffix: str = "r2", item_id: int = 900001, listed: bool = True) -> str:
        """Move an article to a new address of its outlet (a CMS slug change): ``url`` answers 301 there.

        The new address is the outlet's article path for the title's slug plus
        ``-suffix``; with ``listed=False`` nothing links it (no feed, sitemap or
        page), so only the redirect leads there. Returns the new URL.
        """
        article = self.article(url)
        outlet = self.outlet(article.outlet)
        target = outlet.url(outlet.article_path(f"{slugify(article.title)}-{suffix}", article.published, item_id))
        self.redirect_article(url, target, listed=listed)
        return target

    # -- lifecycle -----------------------------------------------------------

    @property
    def proxy_url(self) -> str:
        if self.port is None:
            raise RuntimeError("NewsWeb is not started; call start() or use it as a context manager")
        credentials = f"{self.proxy_auth}@" if self.proxy_auth else ""
        return f"http://{credentials}127.0.0.1:{self.port}"

    def start(self, port: int = 0) -> NewsWeb:
        from tests.newsweb.server import NewsWebServer

        self.stopping.clear()
        self._server = NewsWebServer(("127.0.0.1", port), self)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name="newsweb", daemon=True)
        self._thread.start()
        logger.info("newsweb serving on %s", self.proxy_url)
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> NewsWeb:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()
