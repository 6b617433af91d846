"""A web that changes between crawls: ``NewsWeb(evolve=True)``, ``python -m tests.newsweb --evolve``.

The server cannot see a crawl begin or end, only requests. A new crawl is the
first request after a quiet spell: no request in flight for ``quiet_seconds``
(see :class:`QuietGap`). Each new crawl applies one :class:`Round` before that
first request is answered. Round 1 is the first crawl and changes nothing; each
later round edits three articles (a new paragraph, a changed headline, a
correction note), takes one down (404) and moves one to a new address (301),
all through ``NewsWeb.edit_article``, ``delete_article`` and
``redirect_article``. Which articles, and the words added, follow from the
web's seed and the round number alone, so the same seed gives the same rounds.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tests.newsweb.prose import DAYS, person

if TYPE_CHECKING:
    from tests.newsweb.web import NewsWeb

logger = logging.getLogger(__name__)

# A crawl of the simulated web pauses well under a second; a new `scrapy crawl` takes about two to start.
DEFAULT_QUIET_SECONDS = 2.0
EDIT_KINDS = ("paragraph", "headline", "correction")  # one article each, per round

NEW_PARAGRAPHS = [
    "Speaking later on {day}, {person} said the figures would be checked again before any final decision was "
    "taken.",
    "By {day} evening, {n} further objections had been lodged, according to {person}, who has followed the dispute "
    "from the start.",
    "{person} said on {day} that a fuller statement would follow once the remaining questions had been answered.",
    "A second meeting has been called for {day}, {person} confirmed, after {n} residents asked for more time to "
    "respond.",
]
HEADLINE_ENDINGS = [", officials confirm", " as pressure grows", " after a late objection", ", documents show"]
MISSTATED = [
    "the day of the vote",
    "the cost of the scheme",
    "the number of responses to the consultation",
    "the job title of a spokesperson",
]


@dataclass(frozen=True, slots=True)
class Edit:
    """One article edited in a round: ``kind`` is one of ``EDIT_KINDS``; ``text`` what it added."""

    url: str
    kind: str
    text: str


@dataclass(frozen=True, slots=True)
class Round:
    """The changes applied when crawl number ``number`` began (round 1: none)."""

    number: int
    edits: tuple[Edit, ...] = ()
    removed: tuple[str, ...] = ()
    redirected: tuple[tuple[str, str], ...] = ()  # (old URL, new URL)

    def summary(self) -> str:
        """One line, e.g. "round 2: edited 3 articles, removed 1, redirected 1"."""
        if self.number == 1:
            return "round 1: the original articles"
        edited = len(self.edits)
        return (f"round {self.number}: edited {edited} article{'' if edited == 1 else 's'}, "
                f"removed {len(self.removed)}, redirected {len(self.redirected)}")


class QuietGap:
    """Tells which request begins a crawl: the first one after ``seconds`` with no request in flight.

    Times are ``time.monotonic()`` seconds, passed in by the caller.
    """

    def __init__(self, seconds: float) -> None:
        if seconds <= 0:
            raise ValueError(f"the quiet gap must be positive, not {seconds}")
        self.seconds = seconds
        self._in_flight = 0
        self._quiet_since: float | None = None  # None until a first request has finished

    def request_started(self, now: float) -> bool:
        """Count a request in; True if it begins a new crawl."""
        begins = self._in_flight == 0 and (self._quiet_since is None or now - self._quiet_since >= self.seconds)
        self._in_flight += 1
        return begins

    def request_finished(self, now: float) -> None:
        """Count a request out; the quiet spell starts when none is left in flight."""
        self._in_flight = max(0, self._in_flight - 1)
        if self._in_flight == 0:
            self._quiet_since = now


class Evolution:
    """Applies a :class:`Round` to ``web`` at the start of every crawl the :class:`QuietGap` sees."""

    def __init__(self, web: NewsWeb, quiet_seconds: float = DEFAULT_QUIET_SECONDS,
                 on_round: Callable[[Round], None] | None = None) -> None:
        self.web = web
        self.gap = QuietGap(quiet_seconds)
        self.on_round = on_round
        self.rounds: list[Round] = []
        self._lock = threading.Lock()  # detection and the round's changes happen before any other request is let in

    def request_started(self, now: float | None = None) -> Round | None:
        """Note a request arriving; the round applied if it begins a crawl."""
        with self._lock:
            if not self.gap.request_started(time.monotonic() if now is None else now):
                return None
            return self.next_round()

    def request_finished(self, now: float | None = None) -> None:
        """Note a request answered."""
        with self._lock:
            self.gap.request_finished(time.monotonic() if now is None else now)

    def next_round(self) -> Round:
        """Apply the next round now, whatever the requests, and return it."""
        number = len(self.rounds) + 1
        applied = Round(1) if number == 1 else self._change(number)
        if self.web.front_rounds is not None:  # the home pages move on with the articles
            self.web.front_rounds.advance(number)
        self.rounds.append(applied)
        logger.info("%s", applied.summary())
        if self.on_round is not None:
            self.on_round(applied)
        return applied

    def _change(self, number: int) -> Round:
        rng = random.Random(f"{self.web.seed}:evolve:{number}")
        candidates = self._candidates()
        chosen = rng.sample(candidates, min(len(candidates), len(EDIT_KINDS) + 2))
        edits = tuple(self._edit(rng, url, kind) for url, kind in zip(chosen, EDIT_KINDS))
        rest = chosen[len(edits):]
        removed = tuple(rest[:1])
        for url in removed:
            self.web.delete_article(url)
        redirected = tuple((url, self._move(rng, url, number)) for url in rest[1:2])
        return Round(number, edits, removed, redirected)

    def _candidates(self) -> list[str]:
        """Live articles a round may change: not the syndicated copies (their story stays whole) or the hostile one."""
        kept_whole = {copy.url for copy in self.web.syndicated} | {self.web.hostile_url}
        return sorted(url for url in self.web.article_urls() if url not in kept_whole)

    def _edit(self, rng: random.Random, url: str, kind: str) -> Edit:
        if kind == "headline":
            title = self.web.article(url).title + rng.choice(HEADLINE_ENDINGS)
            self.web.edit_article(url, new_title=title)
            return Edit(url, kind, title)
        if kind == "correction":
            text = f"Correction: an earlier version of this article misstated {rng.choice(MISSTATED)}."
        else:
            text = rng.choice(NEW_PARAGRAPHS).format(day=rng.choice(DAYS), person=person(rng)[0],
                                                     n=rng.randint(12, 240))
        self.web.edit_article(url, append_paragraph=text)
        return Edit(url, kind, text)

    def _move(self, rng: random.Random, url: str, number: int) -> str:
        """Redirect ``url`` to a new address of its outlet, where the article now lives."""
        return self.web.move_article(url, f"r{number}", rng.randint(100000, 999999))
