"""Sitemaps, sitemap indexes and Google News sitemaps.

Scrapy's own sitemap parser keeps only the direct text children of ``<url>``,
so the ``<news:news>`` block (publication date, title) is lost; this parser
keeps it. Gzipped sitemaps are inflated with a size cap, so a compressed
bomb cannot exhaust memory.
"""

from __future__ import annotations

import gzip
import io
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from lxml import etree

from extract.metadata import parse_datetime
from extract.urls import resolve_link

MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemaps.org limit for one uncompressed file


class SitemapError(ValueError):
    """A sitemap that cannot be read; the message names what is wrong."""


@dataclass(frozen=True, slots=True)
class SitemapEntry:
    url: str
    lastmod: datetime | None = None
    news_title: str | None = None
    news_published: datetime | None = None


@dataclass(slots=True)
class Sitemap:
    kind: str  # "urlset" or "sitemapindex"
    entries: list[SitemapEntry] = field(default_factory=list)
    bad_urls: int = 0  # <loc> values skipped because they are no usable URL


def parse_sitemap(body: bytes, base_url: str, max_bytes: int = MAX_SITEMAP_BYTES) -> Sitemap:
    """Parse a sitemap or sitemap index; entries keep news metadata when present."""
    body = _inflate(body, max_bytes)
    try:
        events = etree.iterparse(io.BytesIO(body), events=("start", "end"), recover=True,
                                 resolve_entities=False, no_network=True, huge_tree=False)
        _, root = next(events)
    except (etree.XMLSyntaxError, StopIteration) as exc:
        raise SitemapError(f"not XML ({exc or 'empty document'})") from None
    kind = etree.QName(root).localname
    if kind not in ("urlset", "sitemapindex"):
        raise SitemapError(f"root element is <{kind}>, expected <urlset> or <sitemapindex>")
    sitemap = Sitemap(kind=kind)
    try:
        for event, element in events:
            if event == "end" and etree.QName(element).localname in ("url", "sitemap"):
                entry = _entry(element, base_url)
                if entry and entry.url:
                    sitemap.entries.append(entry)
                elif entry:
                    sitemap.bad_urls += 1
                element.clear()
    except etree.XMLSyntaxError:
        pass  # keep the entries read before the damage
    return sitemap


def _entry(element: etree._Element, base_url: str) -> SitemapEntry | None:
    values: dict[str, str] = {}
    for child in element.iter():
        if child is element or not isinstance(child.tag, str):
            continue
        qname = etree.QName(child)
        name = qname.localname
        if "sitemap-news" in (qname.namespace or ""):
            name = "news:" + name  # image:title and friends must not pass for the news title
        if child.text and child.text.strip():
            values.setdefault(name, child.text.strip())
    loc = values.get("loc")
    if not loc:
        return None
    return SitemapEntry(
        url=resolve_link(base_url, loc) or "",  # empty: no usable URL, counted by the caller
        lastmod=parse_datetime(values.get("lastmod")),
        news_title=values.get("news:title"),
        news_published=parse_datetime(values.get("news:publication_date")),
    )


def _inflate(body: bytes, max_bytes: int) -> bytes:
    if body[:2] != b"\x1f\x8b":
        return body
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(body)) as stream:
            data = stream.read(max_bytes + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise SitemapError(f"broken gzip ({exc})") from None
    if len(data) > max_bytes:
        raise SitemapError(f"inflates to more than {max_bytes} bytes; refusing it")
    return data
