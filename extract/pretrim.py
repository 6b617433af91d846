"""Empty, ahead of trafilatura, the page regions its cleaning deletes whole.

trafilatura's first cleaning step deletes every ``<nav>``, ``<footer>``,
``<aside>``, ``<head>``, ``<svg>``… with its whole subtree, yet the XPath
searches and tree copies that come before it walk those subtrees, and on news
pages (mega-menus, footers with hundreds of links) they are most of the tree.
:func:`trimmed` returns a copy of the page with such elements emptied, which
gives trafilatura's *fast precision* pass the same text for less work.

What that pass reads from inside a region before deleting it, and so what
keeps a region whole here:

* an ``<h1>`` (a raw-tree pruning rule asks whether a container holds one);
* an element nested in one of its own kind (``<nav>`` in ``<nav>``): deleting
  the outer one ends lxml's iteration early, so later elements of that kind
  survive the cleaning; a region where that can happen is left as it is;
* JSON-LD naming a forum thread (pages that are forums are not trimmed at all).

The full passes read the raw page again (baseline, readability, jusText, the
page's text length), so they must be given the whole page. The fast balanced
pass reads it only in its rescue steps (a baseline under 250 characters, a
recall retry when the text is a small share of the page); it is used only to
check a short precise text against, and given the trimmed copy it decides the
same on every page of both dev sets (587 pages, same final text) for a sixth
of the CPU on pages with big menus.
"""

from __future__ import annotations

import copy

from lxml import html as lxml_html
from trafilatura.settings import MANUALLY_CLEANED

# Regions that hold big subtrees and that cleaning deletes whole. Not <form> (kept when it wraps the
# article), <figure> (becomes a <div> when it holds a table) or <math> (its formula is kept as text).
REGIONS = ("aside", "footer", "head", "menu", "nav", "noscript", "select", "svg")
_CLEANED = tuple(sorted(set(MANUALLY_CLEANED) | {"form", "figure", "math"}))
_GUARDED = (*_CLEANED, "h1")
_JSON_LD = './/script[@type="application/ld+json"]'


def trimmed(tree: lxml_html.HtmlElement) -> lxml_html.HtmlElement:
    """A copy of ``tree`` whose deleted-anyway regions are emptied (tails kept); ``tree`` is left as it was.

    The regions' children are lifted out of ``tree`` while it is copied and
    then put back: copying the menus only to empty them cost more than the rest.
    """
    if any("DiscussionForumPosting" in (script.text or "") for script in tree.iterfind(_JSON_LD)):
        return copy.deepcopy(tree)
    regions = [element for element in tree.iter(*REGIONS) if _emptiable(element)]
    lifted = [(region, list(region)) for region in _outermost(regions)]
    try:
        for region, _ in lifted:
            del region[:]
        return copy.deepcopy(tree)
    finally:
        for region, children in lifted:
            region.extend(children)


def _outermost(regions: list[lxml_html.HtmlElement]) -> list[lxml_html.HtmlElement]:
    """The regions not inside another of them (emptying those empties the rest)."""
    chosen = set(regions)
    return [region for region in regions if not any(above in chosen for above in region.iterancestors(*REGIONS))]


def _emptiable(region: lxml_html.HtmlElement) -> bool:
    if any(True for _ in region.iterancestors(region.tag)):
        return False
    for element in region.iterdescendants(*_GUARDED):
        if element.tag == "h1" or any(True for _ in element.iterancestors(element.tag)):
            return False
    return True
