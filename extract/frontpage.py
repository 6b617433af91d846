"""A front page (an outlet's home or section page) → its article links in reading order.

Each link to an article gets its rank (1, 2, … in document order, one per
article however often it is linked), the headline the front page gave it (the
link's text, else its image's ``alt``, ``aria-label`` or ``title``), the
section it sits in (the nearest preceding heading h1–h3 that is not itself a
headline, or the ``aria-label`` of the landmark that opens it: ``section``,
``nav``, ``aside``, …) and whether it is the lead: the first link set in an
``h1`` or ``h2``, else the first link of the page.

Which URLs are articles is the caller's rule (``links_to_article``), the one the
crawler follows. Pure: no I/O, no database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import urljoin

import lxml.html
from lxml import etree

from extract.decode import decode_html
from extract.limits import MAX_ELEMENTS, element_count
from extract.urls import canonicalize_url

HEADINGS = {"h1", "h2", "h3"}
LEAD_HEADINGS = {"h1", "h2"}
LANDMARKS = {"section", "nav", "aside", "main", "header", "footer", "article"}
SKIPPED = {"script", "style", "template", "noscript"}
MAX_HEADLINE = 500
MAX_SECTION = 200


@dataclass(frozen=True, slots=True)
class FrontPageLink:
    """One article as a front page showed it."""

    url: str  # canonical
    rank: int
    headline: str
    section: str  # "" when no heading or landmark precedes it
    lead: bool


@dataclass(slots=True)
class _Found:
    url: str
    headline: str
    section: str
    in_heading: str | None  # the h1–h3 the link sits in, if any


class FrontPageTooLarge(ValueError):
    """A front page of more HTML elements than the cap: its links are not ranked (``elements`` says how many)."""

    def __init__(self, elements: int, cap: int) -> None:
        super().__init__(f"{elements} HTML elements, over the cap of {cap}")
        self.elements, self.cap = elements, cap

    def __reduce__(self) -> tuple[type, tuple[int, int]]:  # comes back from a worker process whole
        return FrontPageTooLarge, (self.elements, self.cap)


def front_page_links(html: bytes | str, base_url: str, links_to_article: Callable[[str], bool],
                     max_elements: int = MAX_ELEMENTS) -> list[FrontPageLink]:
    """The article links of the front page ``html`` fetched from ``base_url``, ranked in reading order.

    A page of more than ``max_elements`` elements (0: no cap) raises :class:`FrontPageTooLarge` once parsed:
    the cap of article pages (:mod:`extract.limits`), as the walk below costs more per element than parsing.
    """
    root = _parse(html)
    if root is None:
        return []
    elements = element_count(root)
    if 0 < max_elements < elements:
        raise FrontPageTooLarge(elements, max_elements)
    base = _base(root, base_url)
    found: dict[str, _Found] = {}
    for item in _walk(root, base, links_to_article):
        known = found.get(item.url)
        if known is None:
            found[item.url] = item
        elif not known.headline and item.headline:  # an image link first, its headline link after
            known.headline = item.headline
    return _ranked(list(found.values()))


def _ranked(found: list[_Found]) -> list[FrontPageLink]:
    lead = next((n for n, item in enumerate(found) if item.in_heading in LEAD_HEADINGS), 0)
    return [FrontPageLink(item.url, n + 1, item.headline, item.section, n == lead) for n, item in enumerate(found)]


def _parse(html: bytes | str) -> etree._Element | None:
    text = decode_html(html) if isinstance(html, bytes) else html
    if not text.strip():
        return None
    try:
        return lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return None


def _base(root: etree._Element, fetched_url: str) -> str:
    declared = root.xpath("string(//head/base/@href)")
    return urljoin(fetched_url, declared.strip()) if declared else fetched_url


def _walk(root: etree._Element, base: str, links_to_article: Callable[[str], bool]) -> Iterator[_Found]:
    """Article links in document order, each with the section in force where it stands."""
    section = ""
    for element in root.iter(tag=etree.Element):
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in SKIPPED or _inside(element, SKIPPED):
            continue
        if tag in LANDMARKS and element.get("aria-label", "").strip():
            section = _clean(element.get("aria-label"), MAX_SECTION)
        elif tag in HEADINGS and not _has_article_link(element, base, links_to_article):
            section = _clean(_text(element), MAX_SECTION) or section
        elif tag == "a":
            url = _article_url(element, base, links_to_article)
            if url is not None:
                yield _Found(url, _headline(element), section, _heading_of(element))


def _article_url(link: etree._Element, base: str, links_to_article: Callable[[str], bool]) -> str | None:
    href = (link.get("href") or "").strip()
    if not href or href.startswith("#"):
        return None
    try:
        url = urljoin(base, href)
    except ValueError:
        return None
    if not url.startswith(("http://", "https://")) or not links_to_article(url):
        return None
    try:
        return canonicalize_url(url)
    except ValueError:
        return None


def _has_article_link(element: etree._Element, base: str, links_to_article: Callable[[str], bool]) -> bool:
    return any(_article_url(link, base, links_to_article) for link in element.iter("a"))


def _headline(link: etree._Element) -> str:
    text = _clean(_text(link), MAX_HEADLINE)
    if text:
        return text
    for source in (*link.iter("img"), link):
        for attribute in ("alt", "aria-label", "title"):
            value = _clean(source.get(attribute), MAX_HEADLINE)
            if value:
                return value
    return ""


def _heading_of(element: etree._Element) -> str | None:
    for ancestor in element.iterancestors():
        if ancestor.tag in HEADINGS:
            return ancestor.tag
    return None


def _inside(element: etree._Element, tags: set[str]) -> bool:
    return any(ancestor.tag in tags for ancestor in element.iterancestors())


def _text(element: etree._Element) -> str:
    """The element's text without that of scripts, styles and comments inside it."""
    parts = [element.text or ""] if isinstance(element.tag, str) else []
    for child in element:
        if isinstance(child.tag, str) and child.tag not in SKIPPED:
            parts.append(_text(child))
        parts.append(child.tail or "")
    return " ".join(parts)


def _clean(text: str | None, limit: int) -> str:
    return " ".join((text or "").split())[:limit]
