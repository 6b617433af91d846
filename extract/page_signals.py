"""Is this URL or page an article? And which URL is the page's identity?

Used when a seed gives no ``article_pattern``: links found on section pages are
followed when their URL has an article's shape, and a fetched page counts as an
article when it says so (``og:type=article``, JSON-LD ``NewsArticle``) or came
from a feed or sitemap.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

from parsel import Selector

_DATE_PATH = re.compile(r"/(19|20)\d{2}/\d{1,2}(/\d{1,2})?/")
_LONG_ID = re.compile(r"\d{5,}")
_NOT_ARTICLE = re.compile(
    r"/(tag|tags|topic|topics|category|categories|section|sections|author|authors|page|search|feed|rss"
    r"|login|signin|subscribe|account|about|contact|privacy|terms|newsletter|video|videos|gallery|live-tv)(/|$)",
    re.IGNORECASE,
)
_ARTICLE_TYPES = {
    "article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle", "opinionnewsarticle",
    "reviewnewsarticle", "backgroundnewsarticle", "blogposting", "liveblogposting", "report",
}
_BINARY_SUFFIX = re.compile(r"\.(jpe?g|png|gif|webp|svg|pdf|mp[34]|zip|css|js|ico|xml|rss|json)$", re.IGNORECASE)


def url_looks_like_article(url: str) -> bool:
    """True for URLs shaped like article pages: dated paths, long slugs, numeric ids."""
    path = urlsplit(url).path
    if _NOT_ARTICLE.search(path) or _BINARY_SUFFIX.search(path):
        return False
    if _DATE_PATH.search(path):
        return True
    last = [segment for segment in path.split("/") if segment]
    slug = last[-1] if last else ""
    slug = re.sub(r"\.(s?html?|php|aspx?)$", "", slug)
    words = [w for w in re.split(r"[-_]", slug) if w]
    return len(words) >= 4 or (len(words) >= 2 and bool(_LONG_ID.search(slug)))


def page_declares_article(selector: Selector) -> bool:
    """True when the page's metadata says it is an article (Open Graph or JSON-LD)."""
    og_type = selector.xpath("//meta[@property='og:type']/@content").get("")
    if og_type.strip().lower() == "article":
        return True
    return any(t.lower() in _ARTICLE_TYPES for t in jsonld_types(selector))


# Article text shorter than this (its reading_length), on a page that declares an article and runs scripts,
# is taken for a teaser.
TEASER_CHARS = 400
# A Chinese or Japanese character says about what three Latin letters do (an English rendering of such a text
# runs to about three times its characters), a Hangul syllable block about two: a complete brief in these
# scripts is a third or half as long as its English version, and must not read as a teaser.
_THREE_LETTERS = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_TWO_LETTERS = re.compile("[\uac00-\ud7af]")


def reading_length(text: str) -> int:
    """How long ``text`` is for a reader, in Latin letters: its characters, a CJK character counting as several."""
    if text.isascii():
        return len(text)
    return len(text) + 2 * len(_THREE_LETTERS.findall(text)) + len(_TWO_LETTERS.findall(text))


def page_needs_scripts(selector: Selector) -> bool:
    """A page that declares itself an article and runs scripts (the caller has found little text without them)."""
    scripts = selector.xpath("//script[@src or (not(@type) or @type='module' or @type='text/javascript')]"
                             "[not(@type='application/ld+json')]")
    return bool(scripts) and page_declares_article(selector)


def jsonld_types(selector: Selector) -> list[str]:
    """Every ``@type`` declared in the page's JSON-LD blocks (broken blocks are skipped)."""
    found: list[str] = []
    for block in selector.xpath("//script[@type='application/ld+json']/text()").getall():
        try:
            _collect_types(json.loads(block), found)
        except (ValueError, RecursionError):
            continue
    return found


def _collect_types(node: object, found: list[str]) -> None:
    if isinstance(node, list):
        for item in node:
            _collect_types(item, found)
    elif isinstance(node, dict):
        kind = node.get("@type")
        if isinstance(kind, str):
            found.append(kind)
        elif isinstance(kind, list):
            found.extend(k for k in kind if isinstance(k, str))
        if "@graph" in node:
            _collect_types(node["@graph"], found)


def declared_identity(selector: Selector) -> str | None:
    """The URL the page names as its own: ``rel=canonical``, else ``og:url``."""
    for xpath in ("//link[@rel='canonical']/@href", "//meta[@property='og:url']/@content"):
        value = selector.xpath(xpath).get()
        if value and value.strip():
            return value.strip()
    return None


def is_html_type(content_type: str | None) -> bool:
    """True for HTML and XHTML media types; a missing Content-Type counts as HTML."""
    lowered = (content_type or "text/html").lower()
    return "html" in lowered or "xml" in lowered and "xhtml" in lowered
