"""trafilatura's page metadata, each field worked out only when the extractor asks for it.

The extractor reads titles, dates, bylines and descriptions from meta tags and
JSON-LD first (:mod:`extract.metadata`); trafilatura's metadata functions are
the fallback. ``trafilatura.extract_metadata`` computes every field at once,
including a licence found by reading the text of every footer link, which costs
more than extracting the article on pages with big footers and is never used
here. So each field is computed on first use, from the same trafilatura
functions and in the same order of preference, and most pages need only a few.

Tags and categories come from links whose target names them (``/tag/``,
``/category/``): trafilatura tries half a dozen XPath searches over the whole
page for such links, so they run only when the page has one at all.
"""

from __future__ import annotations

import re
from functools import cached_property
from html import unescape
from typing import Any

from courlan import extract_domain
from htmldate import find_date
from lxml import html as lxml_html
from trafilatura.metadata import (
    META_URL,
    examine_meta,
    extract_author,
    extract_catstags,
    extract_meta_json,
    extract_sitename,
    extract_title,
    extract_url,
)
from trafilatura.utils import line_processing

# htmldate's extensive search guesses from any year on the page ("© 2024" → 2024-01-01);
# a missing date is better than an invented one.
DATE_PARAMS: dict[str, Any] = {"extensive_search": False, "original_date": True}
_MAX_LENGTH = 10_000
# The link targets extract_catstags keeps, per kind (its "/tag(?:y|ies|s)?/" and "/categor(?:y|ies|s)?/").
_CATSTAGS_TARGET = {kind: re.compile("/" + kind.rstrip("y") + "(?:y|ies|s)?/") for kind in ("tag", "category")}
# extract_catstags' fallback for categories when no link names one.
_SECTION_META = './/head//meta[@property="article:section" or contains(@name, "subject")][@content]'


class FallbackMetadata:
    """A page's metadata as trafilatura reads it, computed field by field on first use."""

    def __init__(self, tree: lxml_html.HtmlElement, url: str | None) -> None:
        self._tree = tree
        self._url = url

    @cached_property
    def _declared(self) -> Any:
        """Meta tags, then JSON-LD over them; a one-word meta author is not a byline."""
        declared = examine_meta(self._tree)
        if declared.author and " " not in declared.author:
            declared.author = None
        try:
            return extract_meta_json(self._tree, declared)
        except Exception:  # trafilatura's JSON-LD reader fails on odd data; the meta tags stand
            return declared

    @cached_property
    def title(self) -> str | None:
        return _tidy(self._declared.title or extract_title(self._tree))

    @cached_property
    def author(self) -> str | None:
        return _tidy(self._declared.author or extract_author(self._tree))

    @cached_property
    def description(self) -> str | None:
        return _tidy(self._declared.description)

    @cached_property
    def page_url(self) -> str | None:
        return self._declared.url or extract_url(self._tree, self._url)

    @cached_property
    def hostname(self) -> str | None:
        return extract_domain(self.page_url, fast=True) if self.page_url else None

    @cached_property
    def date(self) -> str | None:
        return find_date(self._tree, url=self.page_url, **DATE_PARAMS)

    @cached_property
    def sitename(self) -> str | None:
        name = self._declared.sitename or extract_sitename(self._tree)
        if name:
            name = name.lstrip("@")
            if name and "." not in name and not name[0].isupper():
                name = name.title()
        elif self.page_url and (match := META_URL.match(self.page_url)):
            name = match[1]
        return _tidy(name)

    @cached_property
    def tags(self) -> list[str]:
        return self._declared.tags or self._catstags("tag")

    @cached_property
    def categories(self) -> list[str]:
        return self._declared.categories or self._catstags("category")

    @cached_property
    def _link_targets(self) -> list[str]:
        return [href for link in self._tree.iter("a") if (href := link.get("href"))]

    def _catstags(self, kind: str) -> list[str]:
        """``extract_catstags(kind, tree)``, without its link searches when no link could match."""
        if any(_CATSTAGS_TARGET[kind].search(href) for href in self._link_targets):
            return extract_catstags(kind, self._tree)
        if kind == "tag":
            return []
        sections = (element.attrib["content"] for element in self._tree.xpath(_SECTION_META))
        return [line for line in dict.fromkeys(line_processing(s) for s in sections if s) if line]


def _tidy(value: str | None) -> str | None:
    """What trafilatura does to every metadata string: cut to length, unescape, trim."""
    if not value:
        return value
    if len(value) > _MAX_LENGTH:
        value = value[: _MAX_LENGTH - 1] + "…"
    return line_processing(unescape(value))
