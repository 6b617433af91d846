"""Home pages that change from crawl to crawl: ``NewsWeb(front_pages=True)``, ``python -m tests.newsweb --front-pages``.

In round ``r`` (1 for the first crawl) each outlet's home page shows its
:data:`FRONT_ITEMS` newest live articles rotated by ``r - 1`` places: the
first is the lead (in an ``h2`` under ``aria-label="Lead story"``), the next
two are "Top stories" (``h3`` teasers), the rest "More news". Two articles
carry a front-page headline of their own, keyed by their place among the
outlet's newest articles:

* the second newest (:data:`CHANGED`): its title in round 1, then the title
  with :data:`CHANGED_SUFFIX` for good (a headline changed once);
* the third newest (:data:`ALTERNATING`): its title in odd rounds and
  :func:`alternate_wording` in even ones (A → B → A: a likely A/B test).

The article pages keep their titles. Rounds move on when a test says so
(:meth:`FrontPageRounds.advance`), with every ``--evolve`` round, or, run by
hand without ``--evolve``, at the first request after a quiet spell.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime
from html import escape

from tests.newsweb.evolution import QuietGap
from tests.newsweb.model import Article, Outlet

FRONT_ITEMS = 5
CHANGED, ALTERNATING = 1, 2  # places among the outlet's newest articles
CHANGED_SUFFIX = " — live updates"
LEAD_SECTION, TOP_SECTION, MORE_SECTION = "Lead story", "Top stories", "More news"


@dataclass(frozen=True, slots=True)
class FrontItem:
    """One article as the home page shows it in a round."""

    url: str
    headline: str
    section: str
    rank: int
    lead: bool


def alternate_wording(title: str) -> str:
    """The B side of the A/B-tested headline."""
    return f"What we know: {title}"


def front_items(articles: list[Article], round_number: int) -> list[FrontItem]:
    """The home page's articles in round ``round_number``, from the outlet's live articles newest first."""
    newest = articles[:FRONT_ITEMS]
    headlines = [_headline(article, place, round_number) for place, article in enumerate(newest)]
    shift = (round_number - 1) % len(newest) if newest else 0
    order = list(range(len(newest)))[shift:] + list(range(len(newest)))[:shift]
    return [FrontItem(newest[i].url, headlines[i], _section(rank), rank + 1, rank == 0) for rank, i in enumerate(order)]


def _headline(article: Article, place: int, round_number: int) -> str:
    if place == CHANGED and round_number > 1:
        return article.title + CHANGED_SUFFIX
    if place == ALTERNATING and round_number % 2 == 0:
        return alternate_wording(article.title)
    return article.title


def _section(rank: int) -> str:
    return LEAD_SECTION if rank == 0 else TOP_SECTION if rank < 3 else MORE_SECTION


def home_main(items: list[FrontItem], descriptions: dict[str, str]) -> str:
    """The ``<main>`` of a round's home page."""
    lead = [item for item in items if item.section == LEAD_SECTION]
    top = [item for item in items if item.section == TOP_SECTION]
    more = [item for item in items if item.section == MORE_SECTION]
    lead_html = "".join(
        f'<section class="lead" aria-label="{LEAD_SECTION}"><h2><a href="{item.url}">{escape(item.headline)}</a></h2>'
        f'<p>{escape(descriptions.get(item.url, ""))}</p><a class="comment-count" href="{item.url}#comments">Comments</a>'
        "</section>" for item in lead)
    top_html = "".join(f'<li class="teaser"><h3><a href="{item.url}">{escape(item.headline)}</a></h3></li>' for item in top)
    more_html = "".join(f'<li><a href="{item.url}">{escape(item.headline)}</a></li>' for item in more)
    return (f"<main>{lead_html}<section class=\"top-stories\"><h2>{TOP_SECTION}</h2><ul>{top_html}</ul></section>"
            f"<section class=\"more\"><h2>{MORE_SECTION}</h2><ul>{more_html}</ul></section></main>")


def home_page(outlet: Outlet, articles: list[Article], round_number: int, request_number: int, now: datetime) -> str:
    """A round's home page: the usual header, ads and footer around :func:`home_main`."""
    from tests.newsweb import pages

    main = home_main(front_items(articles, round_number), {a.url: a.description for a in articles})
    return pages.home_page(outlet, articles, request_number, now, main=main)


class FrontPageRounds:
    """Which round the home pages are in; with ``quiet_seconds``, a quiet spell begins the next one."""

    def __init__(self, quiet_seconds: float | None = None) -> None:
        self.round = 1
        self.gap = QuietGap(quiet_seconds) if quiet_seconds else None
        self._started = False
        self._lock = threading.Lock()

    def advance(self, to: int | None = None) -> int:
        """Move to round ``to`` (default the next one); returns it."""
        with self._lock:
            self.round = self.round + 1 if to is None else to
            return self.round

    def request_started(self) -> None:
        if self.gap is None:
            return
        with self._lock:
            if self.gap.request_started(time.monotonic()):
                self.round += 1 if self._started else 0
                self._started = True

    def request_finished(self) -> None:
        if self.gap is not None:
            with self._lock:
                self.gap.request_finished(time.monotonic())
