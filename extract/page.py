"""One fetched page → its identity in the archive and whether it is an article.

The crawler's ``news`` spider and ``newsarchive ingest`` both decide here, so a
page indexed from a WARC gets the URL and the article verdict a live crawl
would have given it:

* **Identity**: the page's declared URL (``rel=canonical``, else ``og:url``)
  when the outlet owns it, else the fetched URL; canonicalised either way. A
  declared URL that cannot be parsed, or that names the home page or a listing
  while the fetched URL looks like an article (a common CMS bug), is ignored:
  it would merge unrelated articles into one page.
* **Article**: the page says so (Open Graph / JSON-LD), or it was listed in a
  feed or sitemap, or its URL matches the outlet's ``article_pattern``. When
  nobody knows whether a feed listed it (WARC ingest), an outlet without an
  ``article_pattern`` falls back to the URL heuristics.

An article page of more than ``max_elements`` HTML elements
(:data:`extract.limits.MAX_ELEMENTS`) is judged but not extracted; its analysis
says so (``unread``: ``oversized``), and the archive records an *unread* capture.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from parsel import Selector
from w3lib.encoding import html_to_unicode
from w3lib.html import get_base_url

from extract.extractor import ExtractedPage, extract_parsed, parse_page
from extract.limits import MAX_ELEMENTS, OVERSIZED, element_count
from extract.page_signals import (
    TEASER_CHARS,
    declared_identity,
    is_html_type,
    page_declares_article,
    page_needs_scripts,
    reading_length,
    url_looks_like_article,
)
from extract.urls import canonicalize_url
from extract.walls import judge_response, wall_from_headers

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PageVerdict:
    """What :func:`judge_page` decided about one fetched page."""

    url: str  # the archive's identity for the page (canonical URL)
    is_html: bool
    is_article: bool


def judge_page(
    fetched_url: str,
    body: bytes,
    content_type: str | None,
    *,
    owns: Callable[[str], bool],
    article_pattern: re.Pattern[str] | None = None,
    listed: bool | None = None,
) -> PageVerdict:
    """Identity and article verdict for the page ``body`` fetched from ``fetched_url``.

    ``owns`` says whether a URL belongs to the page's outlet; ``listed`` is
    whether a feed or sitemap listed the page (``None``: unknown).
    """
    if not is_html_type(content_type):
        return _not_html(fetched_url)
    _, text = html_to_unicode(content_type, body)
    return _verdict(fetched_url, text, Selector(text=text, base_url=fetched_url), owns, article_pattern, listed)


def _not_html(fetched_url: str) -> PageVerdict:
    return PageVerdict(canonicalize_url(fetched_url), is_html=False, is_article=False)


def _verdict(fetched_url: str, text: str, selector: Selector, owns: Callable[[str], bool],
             article_pattern: re.Pattern[str] | None, listed: bool | None) -> PageVerdict:
    identity = _identity(fetched_url, text, selector, owns, article_pattern)
    if article_pattern is not None:
        by_url = bool(article_pattern.search(fetched_url))
    else:
        by_url = url_looks_like_article(fetched_url) if listed is None else False
    is_article = bool(listed) or by_url or page_declares_article(selector)
    return PageVerdict(identity, is_html=True, is_article=is_article)


def _identity(fetched_url: str, text: str, selector: Selector, owns: Callable[[str], bool],
              article_pattern: re.Pattern[str] | None) -> str:
    """The declared URL when the outlet owns it and it can name this page, else the fetched URL; canonicalised."""
    declared = declared_identity(selector)
    if declared:
        try:
            declared = canonicalize_url(urljoin(get_base_url(text, fetched_url), declared))
        except ValueError:  # a port out of range, a broken IPv6 host: no URL at all
            declared = None
    if (declared and owns(declared)
            and not (_names_an_article(fetched_url, article_pattern) and _names_no_article(declared, article_pattern))):
        return declared
    return canonicalize_url(fetched_url)


def _names_an_article(url: str, article_pattern: re.Pattern[str] | None) -> bool:
    return bool(article_pattern.search(url)) if article_pattern is not None else url_looks_like_article(url)


def _names_no_article(url: str, article_pattern: re.Pattern[str] | None) -> bool:
    """The home page, or (a CMS's or consent wall's canonical bug) a listing: never one article's identity.

    Without a pattern a URL counts as a listing when it has neither an article's
    shape nor a digit (short ids such as ``/a/12345`` or ``?p=123`` name articles).
    """
    parts = urlsplit(url)
    if parts.path in ("", "/") and not parts.query:
        return True
    if article_pattern is not None:
        return not article_pattern.search(url)
    return not url_looks_like_article(url) and not any(ch.isdigit() for ch in parts.path + parts.query)


@dataclass(frozen=True, slots=True)
class PageAnalysis:
    """A page judged and, when it is an article, extracted: one worker call's result."""

    verdict: PageVerdict
    extracted: ExtractedPage | None = None  # None: not an article, or asked not to extract
    wall: str | None = None  # the kind of wall the page is instead of itself (extract.walls), else None
    # it declares itself an article (JSON-LD, og:type) and has scripts, but shows no text or only a teaser
    # without them: a browser would (storage.outlets.rendering)
    needs_scripts: bool = False
    unread: str | None = None  # why an article page was not extracted (OVERSIZED), else None
    elements: int = 0  # the page's HTML elements, counted when an article page is extracted or refused


def analyse_page(
    fetched_url: str,
    body: bytes,
    content_type: str | None,
    *,
    owns: Callable[[str], bool],
    article_pattern: re.Pattern[str] | None = None,
    listed: bool | None = None,
    extract: bool = True,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
    max_elements: int = MAX_ELEMENTS,
) -> PageAnalysis:
    """:func:`judge_page`'s rule, then :func:`extract.extractor.extract_page` for articles, on one parse.

    The CPU-heavy half of archiving a page, run in worker processes by the
    crawler's pipeline and by ``newsarchive ingest`` alike. An article page is
    also judged as a possible wall (:mod:`extract.walls`, from ``status``,
    ``headers`` and its shape): a wall's ``extracted`` is None. An article page
    of more than ``max_elements`` elements (0: no cap) is not extracted (``unread``).
    """
    if not is_html_type(content_type):
        return PageAnalysis(_not_html(fetched_url), wall=wall_from_headers(status, headers))
    parsed = parse_page(body)  # once: the verdict reads the tree extraction then cleans copies of
    selector = (Selector(root=parsed.tree, type="html", base_url=fetched_url) if parsed.tree is not None
                else Selector(text=parsed.text, base_url=fetched_url))
    verdict = _verdict(fetched_url, parsed.text, selector, owns, article_pattern, listed)
    if not (extract and verdict.is_article and body):
        return PageAnalysis(verdict, wall=wall_from_headers(status, headers))
    wall = wall_from_headers(status, headers)
    elements = element_count(parsed.tree)
    if wall is None and 0 < max_elements < elements:
        return PageAnalysis(verdict, unread=OVERSIZED, elements=elements)
    extracted = extract_parsed(parsed, fetched_url) if wall is None else None
    if wall is None:  # after extraction, whose text spares measuring an article's page (the tree is unchanged)
        wall = judge_response(status, headers, parsed.tree, parsed.text, extracted.article.text)
    needs = (wall is None and reading_length(extracted.article.text) < TEASER_CHARS
             and page_needs_scripts(selector))
    return PageAnalysis(verdict, None if wall else extracted, wall, needs_scripts=needs, elements=elements)
