"""Recognise an article that went away: removed, redirected, or walled off.

A re-check of an archived article can find it gone (404, 410, 451), moved
(the fetch ended on another URL: the outlet's home page, a section page, another
outlet; an article of its own outlet is a move, :mod:`storage.versions.moves`),
or replaced by a paywall (short text with the paywall's phrases, or text far
shorter than before with them). The recorder stores such an outcome as a
version *state*, never as an empty article version. A consent wall, a
challenge or a block is no removal but a blocked capture (:mod:`extract.walls`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from extract.article import Article
from extract.urls import canonicalize_url
from storage.versions.changes import stable_paragraphs

logger = logging.getLogger(__name__)

OK, REMOVED, PAYWALLED, REDIRECTED = "ok", "removed", "paywalled", "redirected"
MOVED = "moved"  # the article lives on at a new address of its outlet (storage.versions.moves)
REMOVAL_STATES = frozenset({REMOVED, PAYWALLED, REDIRECTED, MOVED})  # states without article text
GONE_STATUSES = frozenset({404, 410, 451})
SHORT_TEXT = 800  # characters: a wall's teaser is shorter than this
FAR_SHORTER = 0.4  # ...or shorter than this share of the last text

_PAYWALL = re.compile(
    r"subscribe (?:now |today )?to (?:continue|keep) reading|subscribe to read|"
    r"(?:this|the) (?:content|article|story) is (?:only )?(?:available|reserved) (?:to|for|exclusively for) "
    r"(?:our )?(?:paying )?(?:subscribers|members)|"
    r"(?:already a subscriber|subscribers only|for subscribers only)|"
    r"(?:you(?:'|’)ve|you have) (?:reached|used) (?:your|all your) (?:free|monthly) (?:article|limit|articles)|"
    r"(?:to continue reading|to read (?:the full|this) (?:article|story)),? (?:please )?(?:subscribe|sign in|log in|register)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Removal:
    """What happened to the page: a state and what to record about it."""

    state: str
    detail: dict[str, Any] = field(default_factory=dict)

    def same_as(self, state: str, summary: dict[str, Any] | None) -> bool:
        """True when the latest version already records this removal (a repeated check)."""
        summary = summary or {}
        return state == self.state and all(summary.get(k) == v for k, v in self._key().items())

    def state_hash(self) -> str:
        """The ``text_hash`` of a version in this state: the same removal hashes the same."""
        key = json.dumps({"state": self.state, **self.detail}, sort_keys=True)
        return hashlib.sha256(key.encode("utf-8")).hexdigest()

    def _key(self) -> dict[str, Any]:
        if self.state == REDIRECTED:
            return {"target": self.detail.get("target")}
        if self.state == PAYWALLED:
            return {"wall": self.detail.get("wall")}
        return {}


def classify(
    page_url: str,
    status: int,
    fetched_url: str,
    article: Article | None,
    known_urls: set[str],
    last_size: int,
) -> Removal | None:
    """The removal this fetch shows, or None when the article is (still) there.

    ``known_urls`` are the URLs the page's text versions were fetched as;
    ``last_size`` is the reader-visible size of its last text.
    """
    if status in GONE_STATUSES:
        return Removal(REMOVED, {"status": status})
    if 300 <= status < 400 and status != 304:
        return Removal(REDIRECTED, {"status": status, "target": None, "to_home": False})
    if status == 200 and not same_page(fetched_url, {page_url, *known_urls}) and not claims(article, page_url):
        target = canonicalize_url(fetched_url)
        return Removal(REDIRECTED, {"target": target, "to_home": is_home(target)})
    if article is not None and not article.is_empty:
        wall = wall_kind(article.text, last_size)
        if wall is not None:
            return Removal(PAYWALLED, {"wall": wall})
    return None


def wall_kind(text: str, last_size: int) -> str | None:
    """"paywall" when ``text`` is a paywall's teaser rather than the article."""
    paragraphs = stable_paragraphs(text)
    size = sum(len(p) for p in paragraphs)
    if last_size > 0 and size >= last_size:
        return None  # a wall replaces the text; it never makes it longer
    if size >= SHORT_TEXT and (last_size <= 0 or size >= FAR_SHORTER * last_size):
        return None
    joined = "\n".join(paragraphs)
    if _PAYWALL.search(joined):
        return "paywall"
    return None


def same_page(url: str, known: set[str]) -> bool:
    """Whether ``url`` is one of ``known`` up to scheme, ``www.``, tracking and a trailing slash."""
    if url in known:  # the usual fetch, without parsing URLs
        return True
    key = _loose(url)
    return any(_loose(other) == key for other in known)


def claims(article: Article | None, page_url: str) -> bool:
    """The fetched page names this page as its canonical URL (an AMP or mobile variant, say)."""
    return article is not None and bool(article.canonical_url) and same_page(article.canonical_url, {page_url})


def is_home(url: str) -> bool:
    """An outlet's home page: an empty path or "/" (a query does not make it an article)."""
    return urlsplit(url).path in ("", "/")


def _loose(url: str) -> str:
    parts = urlsplit(canonicalize_url(url))
    host = (parts.hostname or "").removeprefix("www.")
    path = parts.path.rstrip("/") or "/"
    return f"{host}{':' + str(parts.port) if parts.port else ''}{path}?{parts.query}"
