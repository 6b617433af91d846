"""Is this capture the article, or a wall standing in front of it?

A fetch can answer with something other than the page: a cookie-consent wall
served with 200, a challenge or captcha (Cloudflare, AWS WAF, DataDome), a
block ("Access Denied"), a login wall, a maintenance page or a rate limit.
Such a capture says nothing about the article, so the archive records it as
*blocked* with its kind (:mod:`storage.versions.recorder`): neither a version
nor a removal.

The judgement reads what the response says of itself, not a list of sites:

* headers a challenge is served with (``cf-mitigated: challenge``,
  ``x-amzn-waf-action``), and 429 for a rate limit;
* the page's shape: how much *prose* it has (text blocks of a sentence or
  more that say nothing a wall says), its forms, buttons and password fields,
  and the markup of captcha widgets;
* the phrases of each kind of wall (:mod:`extract.wall_phrases`), found only
  in a page whose prose is short, or far shorter than the article's known
  text. An article with a cookie banner keeps its prose, so it is no wall.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from extract.wall_phrases import CHALLENGE_MARKUP, PHRASES

KINDS = ("consent", "challenge", "denied", "login", "maintenance", "rate-limit")
# Statuses a wall answers with besides 200: a challenge (202, 403), a block, a login, a rate limit, maintenance.
WALL_STATUSES = frozenset({202, 401, 403, 429, 503})
THIN_PROSE = 400  # characters of prose: a page with less is no article (when its known length is unknown)
# ...but on a page never archived, a short article beside a cookie banner is an article: walls carry
# next to no prose of their own (0-140 characters on the walls in tests/data/walls), briefs a few hundred
FIRST_CAPTURE_PROSE = THIN_PROSE // 2
CONSENT_PHRASES = 3  # consent phrases a wall on a first capture says; a cookie banner on an article says one or two
FAR_SHORTER = 0.4  # ...or prose under this share of the article's known length
PROSE_BLOCK = 80  # a text block of a sentence or more
_BLOCKS = frozenset({"p", "div", "li", "td", "th", "dd", "blockquote", "section", "article", "main", "h1", "h2",
                     "h3", "h4", "form", "body", "header", "footer", "aside", "figcaption", "pre"})
_INVISIBLE = frozenset({"script", "style", "noscript", "template", "svg", "head"})
_SPACES = re.compile(r"\s+")


@dataclass(slots=True)
class PageShape:
    """What a page shows a reader: its prose, the wall phrases it says, its controls."""

    title: str = ""
    prose_chars: int = 0  # text in blocks of a sentence or more that carry no wall phrase
    phrases: dict[str, set[str]] = field(default_factory=dict)  # kind → phrases found
    buttons: int = 0
    forms: int = 0
    password_fields: int = 0
    captcha_markup: bool = False


def judge_wall(status: int, headers: Mapping[str, str] | None, body: bytes, known_size: int = 0) -> str | None:
    """The kind of wall this response is (one of :data:`KINDS`), or None when it may be the page.

    ``headers`` are the response's (any case); ``known_size`` the length of the
    article's last text when the page is archived (0: unknown).
    """
    if not body or wall_from_headers(status, headers) is not None or not judged_by_shape(status):
        return judge_response(status, headers)
    from extract.extractor import parse_page  # here: judging headers alone never loads the extractor

    parsed = parse_page(body)
    return judge_response(status, headers, parsed.tree, parsed.text, known_size=known_size)


def judge_response(status: int, headers: Mapping[str, str] | None, tree: object | None = None, html: str = "",
                   text: str | None = None, known_size: int = 0) -> str | None:
    """The one wall rule, for a response already parsed (``tree``, ``html``; none: its headers alone).

    Crawl and ``ingest`` judge every capture with it (:func:`judge_wall`, and
    :func:`extract.page.analyse_page` with the article ``text`` it extracted).
    """
    kind = wall_from_headers(status, headers)
    if kind is not None or not judged_by_shape(status):
        return kind  # a 404's page says the article is gone, whatever else it says
    kind = judge_parsed(tree, html, text, known_size)
    if kind is None and status == 503:
        kind = "maintenance"  # Service Unavailable says it itself: overloaded or down for maintenance
    return kind


def judged_by_shape(status: int) -> bool:
    """Whether a response of ``status`` may be a wall by its page's shape: a success or a wall's status."""
    return 200 <= status < 300 or status in WALL_STATUSES


def judge_parsed(tree: object | None, html: str, text: str | None = None, known_size: int = 0) -> str | None:
    """:func:`judge_wall`'s page rule on a parsed page (an lxml tree, not changed; ``html`` its source).

    ``text``, the article text extracted from it, spares measuring a page
    whose text is long and says nothing a wall says: an article.
    """
    if tree is None:
        return None
    if text is not None and len(text) >= 4 * THIN_PROSE and not says_a_wall(text):
        return None
    return wall_of_shape(page_shape(tree, html), known_size)


def says_a_wall(text: str) -> bool:
    """Whether ``text`` says any wall's phrase."""
    lowered = _clean(text).lower()
    return any(phrase in lowered for phrases in PHRASES.values() for phrase in phrases)


def wall_from_headers(status: int, headers: Mapping[str, str] | None) -> str | None:
    """A wall the status and headers declare on their own."""
    lowered = {name.lower(): value.strip().lower() for name, value in (headers or {}).items()}
    if lowered.get("cf-mitigated") == "challenge":
        return "challenge"
    if lowered.get("x-amzn-waf-action") in ("captcha", "challenge"):
        return "challenge"
    if status == 429:
        return "rate-limit"
    return None


def wall_of_shape(shape: PageShape, known_size: int = 0) -> str | None:
    """The wall a page of this shape is, or None when it has the prose of an article."""
    if shape.prose_chars >= _prose_limit(known_size):
        return None
    found = shape.phrases
    if shape.captcha_markup or found.get("challenge"):
        return "challenge"
    if found.get("denied"):
        return "denied"
    if found.get("maintenance"):
        return "maintenance"
    if shape.password_fields or (found.get("login") and shape.forms and shape.prose_chars < PROSE_BLOCK):
        return "login"
    # with the article's length unknown (a first capture), a cookie banner must not pass for a wall
    needed = CONSENT_PHRASES if known_size <= 0 else 1
    if len(found.get("consent", ())) >= needed and (shape.buttons or shape.forms):
        return "consent"
    return None


def page_shape(tree: object, html: str = "") -> PageShape:
    """Measure a parsed page (an lxml tree, not changed); ``html`` is its source, for captcha markup."""
    shape = PageShape(title=_clean(tree.findtext(".//title") or ""))
    blocks: list[list[str]] = []
    _walk(tree, blocks, shape)
    texts = [_clean(" ".join(parts)) for parts in blocks if parts]
    _measure(shape, [shape.title, *texts])
    shape.captcha_markup = any(marker in html for marker in CHALLENGE_MARKUP)
    return shape


def text_wall(text: str, known_size: int) -> str | None:
    """:func:`wall_of_shape` for extracted text alone (paragraphs; no markup, no controls)."""
    if len(text) >= _prose_limit(known_size):
        return None  # more text than a wall's prose may be, whatever it says (the common case: spared a search)
    shape = PageShape(buttons=1)  # a wall's text without its page: its buttons went with the markup
    _measure(shape, [_clean(p) for p in text.split("\n") if p.strip()])
    return wall_of_shape(shape, known_size) if shape.phrases else None


def _prose_limit(known_size: int) -> float:
    """Prose an article has at least: :data:`THIN_PROSE`, or a share of its known length (within bounds)."""
    if known_size <= 0:  # a first capture: a short real article (a brief, a stub) must not pass for a wall
        return FIRST_CAPTURE_PROSE
    return max(THIN_PROSE // 2, min(FAR_SHORTER * known_size, 4 * THIN_PROSE))


def _measure(shape: PageShape, texts: list[str]) -> None:
    """The wall phrases ``texts`` say, and their prose: blocks of a sentence or more that say none."""
    lowered = [text.lower() for text in texts]
    joined = "\n".join(lowered)  # one search per phrase; no phrase spans a line
    said: list[str] = []
    for kind, phrases in PHRASES.items():
        found = {phrase for phrase in phrases if phrase in joined}
        if found:
            shape.phrases[kind] = found
            said.extend(found)
    shape.prose_chars = sum(len(text) for text in lowered
                            if len(text) >= PROSE_BLOCK and not any(phrase in text for phrase in said))


def _walk(root: object, blocks: list[list[str]], shape: PageShape) -> None:
    """Gather visible text by the block it stands in; count forms, buttons and password fields."""
    top: list[str] = []
    blocks.append(top)
    stack: list[tuple[object, list[str]]] = [(root, top)]  # an element, or a tail's text, and the block it joins
    while stack:
        item, outer = stack.pop()
        if isinstance(item, str):
            outer.append(item)
            continue
        tag = item.tag
        if not isinstance(tag, str) or tag in _INVISIBLE:  # comments and processing instructions too
            continue
        _count_control(item, tag, shape)
        own = outer
        if tag in _BLOCKS:
            own = []
            blocks.append(own)
        if item.text:
            own.append(item.text)
        for child in reversed(item):  # popped in document order, each child's subtree before its tail
            if child.tail:
                stack.append((child.tail, own))
            stack.append((child, own))


def _count_control(element: object, tag: str, shape: PageShape) -> None:
    if tag == "form":
        shape.forms += 1
    elif tag == "button" or (tag == "input" and (element.get("type") or "").lower() in ("submit", "button")):
        shape.buttons += 1
    elif tag == "input" and (element.get("type") or "").lower() == "password":
        shape.password_fields += 1


def _clean(text: str) -> str:
    return _SPACES.sub(" ", text.replace("\u2019", "'")).strip()
