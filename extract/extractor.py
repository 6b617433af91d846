"""HTML → :class:`Article`: trafilatura for the main text, page markup for the metadata.

The text is trafilatura's precision-leaning extraction without comments
(falling back to its balanced mode when precision loses most of the page; its
fast mode first, the full mode only where the two modes disagree; the fast
passes on a copy without the regions trafilatura deletes anyway,
:mod:`extract.pretrim`), minus the title line, generic clutter lines
(:mod:`extract.clutter`) and, when an :class:`~extract.boilerplate.OutletBoilerplate`
is given, the lines that outlet repeats on every page. Extraction never raises: a page it cannot read
gives an ``Article`` with empty text.

:func:`extract_page` is the model-free half, for worker processes: it also
returns the lines before the clutter rules, which the caller's outlet model
learns from (``OutletBoilerplate.apply``). Metadata trafilatura would add is
read only for the fields the page's markup lacks (:mod:`extract.fallback_metadata`).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import trafilatura
from lxml import html as lxml_html

from extract import metadata
from extract.article import Article
from extract.clutter import strip_clutter, tidy_paragraphs
from extract.decode import decode_html
from extract.fallback_metadata import FallbackMetadata
from extract.language import best_language
from extract.liveblog import live_posts, post_paragraph
from extract.markup_repair import close_runaway_elements
from extract.pretrim import trimmed

if TYPE_CHECKING:
    from extract.boilerplate import OutletBoilerplate

logger = logging.getLogger(__name__)


# Precision mode sometimes keeps only a fragment (a copyright notice, a
# teaser). A short result is checked against the balanced mode, and below
# this share of it the balanced text wins (measured on the dev set: it
# rescues such pages without undoing precision elsewhere).
_SHORT_TEXT = 1000
_PRECISION_MIN_SHARE = 0.5
# trafilatura's fast mode skips its own comparison with readability and jusText,
# which costs more than the extraction itself on pages with big menus. A long
# fast result, or a short one the balanced mode agrees with, is what the full
# mode would return (every such page of the dev set and the simulated web); only
# a short result the two modes disagree on gets the full treatment.
_MODES_AGREE = 0.9
# A precision result, long or short, can still be one block of a page whose main text is spread out (a guide
# with many sections, a product or recipe page, a magazine layout). When it holds under this share
# of the page's visible text (white space not counted), the balanced full mode is asked too, and
# wins where precision kept under _LONG_PRECISION_MIN_SHARE of what it found. The balanced full
# pass costs as much as the rest of the extraction, so the share is set low enough to ask on few
# pages (0.15: ~5% of the wide dev set, ~2% of the news set) while keeping most of the gain
# (bench/split_half.py: F1 per threshold pair, and each half tuned and scored on the other).
_PAGE_SHARE = 0.15
_LONG_PRECISION_MIN_SHARE = 0.3
_PRECISION_OPTIONS: dict[str, Any] = {"favor_precision": True, "include_comments": False, "include_tables": True}
_BALANCED_OPTIONS: dict[str, Any] = {"include_comments": False, "include_tables": True}


@dataclass(slots=True)
class ExtractedPage:
    """An extraction before outlet boilerplate: the article, and the lines it was cut from.

    ``raw_text`` is the main text before the generic clutter rules, one line per
    paragraph: what an outlet model learns from (it sees the outlet's recurring
    lines even where a generic rule already removes them).
    """

    article: Article
    raw_text: str = ""


def extract_article(
    html: str | bytes,
    url: str | None = None,
    boilerplate: OutletBoilerplate | None = None,
    *,
    learn: bool = True,
) -> Article:
    """Extract an article's text and metadata from one HTML page.

    With ``boilerplate``, the page's lines first teach the outlet model
    (unless ``learn`` is false) and then the outlet's learned clutter lines
    are removed from the text.
    """
    page = extract_page(html, url)
    if boilerplate is not None:
        return boilerplate.apply(page.article, page.raw_text, page=url, learn=learn)
    return page.article


@dataclass(frozen=True, slots=True)
class ParsedPage:
    """A page decoded and parsed once, so that judging it and extracting it share one tree.

    Extraction copies what it cleans, so the tree can be read before it.
    """

    text: str
    tree: lxml_html.HtmlElement | None  # None: an empty page, or binary data labelled HTML


def parse_page(html: str | bytes) -> ParsedPage:
    """Decode ``html`` and parse it as extraction does; never raises (unparseable input has no tree)."""
    text = close_runaway_elements(decode_html(html) if isinstance(html, bytes) else html)
    try:
        return ParsedPage(text, _load(text))
    except Exception as exc:  # lxml raises many kinds on hostile input
        logger.warning("cannot parse a page: %s: %s; it has no article text", type(exc).__name__, exc)
        return ParsedPage(text, None)


def extract_page(html: str | bytes, url: str | None = None) -> ExtractedPage:
    """Extract one page without any outlet model; never raises (bad input gives empty text)."""
    return extract_parsed(parse_page(html), url)


def extract_parsed(parsed: ParsedPage, url: str | None = None) -> ExtractedPage:
    """:func:`extract_page` for a page already through :func:`parse_page`."""
    try:
        return _extract(parsed, url)
    except Exception as exc:  # lxml and trafilatura raise many kinds on hostile input
        logger.warning("cannot extract %s: %s: %s; storing it with empty text", url or "page", type(exc).__name__, exc)
        return ExtractedPage(Article(text=""))


def _extract(parsed: ParsedPage, url: str | None) -> ExtractedPage:
    tree = parsed.tree
    if tree is None:
        return ExtractedPage(Article(text=""))
    meta = metadata.meta_values(tree)
    objects = list(metadata.json_ld_objects(tree))
    posts = live_posts(tree, objects)  # before trafilatura, which cleans the tree it reads
    document = _main_document(tree, url)
    article = _article(tree, meta, objects, document, FallbackMetadata(tree, url), url)
    if posts:  # a live blog: its text is its posts, one paragraph each
        article.posts = posts
        article.text = "\n\n".join(post_paragraph(post) for post in posts)
    raw = "\n".join(line.strip() for line in _nfc(document.text).splitlines() if line.strip()) if document else ""
    return ExtractedPage(article, raw)


def _load(text: str) -> lxml_html.HtmlElement | None:
    head = text[:4096]
    if not text.strip() or head.count("\x00") > len(head) // 100:
        return None  # binary data mislabelled as HTML
    return trafilatura.load_html(text.replace("\x00", ""))


def _main_document(tree: lxml_html.HtmlElement, url: str | None) -> Any:
    """trafilatura's main text, precision first; the balanced text where precision kept a fragment."""
    small = trimmed(tree)
    page_length = _visible_length(small)  # before trafilatura cleans the copy
    balanced_memo: dict[str, Any] = {}  # the balanced full pass, run once at most
    document = _precise_document(tree, small, url, balanced_memo)
    if _solid_length(document.text if document is not None else None) >= _PAGE_SHARE * page_length:
        return document
    return _spread_document(tree, url, document, balanced_memo)


def _precise_document(tree: lxml_html.HtmlElement, small: lxml_html.HtmlElement, url: str | None,
                      balanced_memo: dict[str, Any] | None = None) -> Any:
    """Fast passes when they are clear, the full comparison when not."""
    precise = _bare(small, url, _PRECISION_OPTIONS, fast=True)  # the same text from a smaller tree
    if _length(precise) >= _SHORT_TEXT:
        return precise
    if not _length(precise):
        return _careful_document(tree, url, balanced_memo)  # nothing to check the balanced mode against
    # Only a yardstick for the precise text, so the trimmed copy serves (see extract.pretrim).
    balanced = _bare(small, url, _BALANCED_OPTIONS, fast=True)
    if _length(precise) >= _MODES_AGREE * _length(balanced):
        return precise
    return _careful_document(tree, url, balanced_memo)


def _spread_document(tree: lxml_html.HtmlElement, url: str | None, precise: Any,
                     balanced_memo: dict[str, Any] | None = None) -> Any:
    """A precision text that covers little of the page, or the balanced text if precision kept a fragment of it."""
    balanced = _balanced_full(tree, url, balanced_memo)
    if balanced is not None and _length(precise) < _LONG_PRECISION_MIN_SHARE * _length(balanced):
        return balanced
    return precise


def _visible_length(tree: lxml_html.HtmlElement) -> int:
    """Characters other than white space that a reader could see in the page's body (scripts and styles left out)."""
    body = tree.find("body")
    body = body if body is not None else tree
    hidden = sum(_solid_length(element.text) for element in body.iter("script", "style"))
    return _solid_length(body.text_content()) - hidden


def _solid_length(text: str | None) -> int:
    return len("".join((text or "").split()))


def _careful_document(tree: lxml_html.HtmlElement, url: str | None,
                      balanced_memo: dict[str, Any] | None = None) -> Any:
    """Precision with trafilatura's fallbacks, and the balanced text where precision kept a fragment."""
    precise = _bare(tree, url, _PRECISION_OPTIONS, fast=False)
    if _length(precise) >= _SHORT_TEXT:
        return precise
    balanced = _balanced_full(tree, url, balanced_memo)
    if precise is None or (balanced is not None and _length(precise) < _PRECISION_MIN_SHARE * _length(balanced)):
        return balanced
    return precise


def _balanced_full(tree: lxml_html.HtmlElement, url: str | None, memo: dict[str, Any] | None) -> Any:
    """trafilatura's balanced mode with its fallbacks; kept in ``memo`` for a second asker on the same page."""
    if memo is None:
        return _bare(tree, url, _BALANCED_OPTIONS, fast=False)
    if "document" not in memo:
        memo["document"] = _bare(tree, url, _BALANCED_OPTIONS, fast=False)
    return memo["document"]


def _bare(tree: lxml_html.HtmlElement, url: str | None, options: dict[str, Any], *, fast: bool) -> Any:
    return trafilatura.bare_extraction(tree, url=url, with_metadata=False, fast=fast, **options)


def _length(document: Any) -> int:
    return len(document.text or "") if document is not None else 0


def _article(tree: Any, meta: dict[str, str], objects: list[dict[str, Any]], document: Any,
             fallback: FallbackMetadata, url: str | None) -> Article:
    hostname = urlsplit(url).hostname if url else None
    sitename = meta.get("og:site_name") or fallback.sitename
    title = meta.get("og:title") or fallback.title or _html_title(tree)
    host = hostname or fallback.hostname
    title = metadata.clean_title(title, sitename, host)
    title = _nfc(title) if title else title
    published, modified = metadata.page_dates(meta, objects)
    if published is None:
        published = metadata.parse_datetime(fallback.date)
    text = _clean_text(document.text if document is not None else "", _headlines(tree, meta, title))
    declared_language = metadata.page_language(tree, meta)
    authors = (
        metadata.clean_authors(metadata.json_ld_authors(objects), sitename, host)
        or metadata.clean_authors((fallback.author or "").split(";"), sitename, host)
        or metadata.clean_authors(meta.get("author"), sitename, host)
    )
    return Article(
        text=text,
        title=title,
        authors=authors,
        published=published,
        modified=modified,
        language=best_language(text, declared_language),
        sitename=sitename,
        description=meta.get("og:description") or meta.get("description") or fallback.description,
        canonical_url=metadata.canonical_url(tree, meta),
        tags=_tags(meta, fallback),
        declared_language=declared_language,
    )


def _html_title(tree: Any) -> str | None:
    node = tree.find(".//title")
    return node.text_content() if node is not None else None


def _headlines(tree: Any, meta: dict[str, str], title: str | None) -> set[tuple[str, ...]]:
    """Every form of the headline the page shows, as word tuples."""
    h1 = tree.find(".//h1")
    forms = [title, meta.get("og:title"), meta.get("twitter:title"), h1.text_content() if h1 is not None else None]
    return {words for words in map(_words, map(_nfc, forms)) if words}


def _clean_text(text: str | None, headlines: set[tuple[str, ...]]) -> str:
    """Clutter rules, the headline repeated at the top dropped, paragraphs separated by blank lines."""
    lines = [line.strip() for line in _nfc(text).splitlines()]
    lines = [line for line in lines if line]
    while lines and _words(lines[0]) in headlines:
        lines = lines[1:]
    return _as_paragraphs(strip_clutter("\n".join(lines)))


def _words(text: str | None) -> tuple[str, ...]:
    return tuple(re.findall(r"\w+", (text or "").lower()))


def _nfc(text: str | None) -> str:
    """``text`` in Unicode's composed form (NFC), as trafilatura's own ``extract`` returns it.

    Pages write one letter in different forms (a precomposed Bengali ``য়``,
    an ``e`` followed by a combining accent); without this a copy, a search or
    a stripped line would miss the same words written the other way.
    """
    if not text:
        return ""
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def _as_paragraphs(text: str) -> str:
    return tidy_paragraphs("\n\n".join(line for line in text.splitlines() if line.strip()).splitlines())


def _tags(meta: dict[str, str], fallback: FallbackMetadata) -> list[str]:
    """The page's keywords; trafilatura's tags and categories when it declares none."""
    tags = _split_tags([meta.get("keywords", ""), meta.get("news_keywords", "")])
    return tags or _split_tags(list(fallback.tags or []) + list(fallback.categories or []))


def _split_tags(sources: list[str]) -> list[str]:
    tags: list[str] = []
    for source in sources:
        for tag in re.split(r"\s*[,;]\s*", source or ""):
            tag = tag.strip()
            if tag and len(tag) <= 80 and tag.lower() not in {t.lower() for t in tags}:
                tags.append(tag)
    return tags
