"""Value types of the simulated news web: outlets, articles, logged requests."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Callable, NamedTuple

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Outlet:
    """One simulated outlet, described the way a seed file describes it.

    ``host`` is where pages are served; ``domains`` is what a crawl should stay
    inside. ``article_pattern`` is None for the outlet whose article URLs a
    crawler must recognise by heuristics.
    """

    name: str
    site_name: str
    host: str
    domains: list[str]
    feeds: list[str]
    sitemaps: list[str]
    start_urls: list[str]
    article_pattern: str | None
    feed_format: str  # "rss" or "atom"
    sections: list[tuple[str, str]]  # (path, label)
    gzip: bool
    charset: str
    json_ld: bool
    article_path: Callable[[str, datetime, int], str] = field(repr=False, compare=False)
    # False: articles carry neither og:type nor JSON-LD, so only a listing in a feed or sitemap says what they are
    declares_articles: bool = True

    @property
    def home(self) -> str:
        return f"http://{self.host}/"

    def url(self, path: str) -> str:
        return f"http://{self.host}{path}"


@dataclass(slots=True)
class Article:
    """An article as the outlet's CMS holds it: the ground truth for tests.

    ``text`` is what a correct extractor returns: the paragraphs, joined by a
    blank line, and nothing else.
    """

    url: str
    outlet: str
    title: str
    paragraphs: list[str]
    authors: list[str]
    published: datetime
    modified: datetime
    section: str
    description: str
    revision: int = 1
    status: int = 200  # 200 live, 404/410 deleted, 301 moved
    location: str | None = None  # redirect target when status is 301
    listed: bool = True  # False: in no feed, sitemap, home, section or related list (reached only by its URL)
    unsafe_html: str = ""  # markup put in the page unescaped (only the hostile article has any)
    wall: str | None = None  # a wall it answers with instead (tests/newsweb/walls.py), None: itself
    declared_url: str | None = None  # the URL its canonical link and og:url name (a CMS bug), None: its own
    bomb_bytes: int = 0  # deleted: its answer is a gzip bomb of this many bytes decoded (not a page)

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def live(self) -> bool:
        return self.status == 200

    @property
    def path(self) -> str:
        return "/" + self.url.split("/", 3)[3]

    @property
    def identity(self) -> str:
        """The URL the page declares as its own (canonical, og:url, JSON-LD)."""
        return self.declared_url or self.url

    def etag(self) -> str:
        digest = hashlib.sha1(f"{self.url}#{self.revision}".encode()).hexdigest()[:16]
        return f'"{digest}-r{self.revision}"'

    def snapshot(self) -> Article:
        return replace(self, paragraphs=list(self.paragraphs), authors=list(self.authors))


class LoggedRequest(NamedTuple):
    """One request the server answered; ``url`` is absolute, headers as sent."""

    method: str
    url: str
    status: int
    headers: dict[str, str]


class SyndicatedCopy(NamedTuple):
    """One outlet's copy of the syndicated wire story."""

    url: str
    outlet: str
    relation: str  # "original", "verbatim", "edited", "rewritten"
    published: datetime
