"""Markup shared by the outlets: document head, ads, timestamps, home and section pages.

The article page of each outlet is in ``templates.py``; this module has the
parts every outlet's pages are made of and the non-article pages.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from html import escape

from tests.newsweb.model import Article, Outlet

logger = logging.getLogger(__name__)

SPONSORS = [
    "Northside Motors winter tyres",
    "Bayview Dental implants",
    "Quayside Fitness memberships",
    "Harlow & Finch sofas",
    "SkyRoute city breaks",
    "Brightwell broadband",
    "Oakleaf Insurance quotes",
]


def rotating_ad(request_number: int) -> str:
    """Ad text that differs on every request, as ad servers' markup does."""
    sponsor = SPONSORS[request_number % len(SPONSORS)]
    return f"Sponsored: {sponsor} — {10 + request_number * 7 % 41}% off today only (ref {request_number:06d})"


def ad_slot(label: str, request_number: int, kind: str = "inline") -> str:
    return (
        f'<div class="ad-slot ad-{kind}" data-ad-unit="/2261/{kind}"><span class="ad-label">{label}</span>'
        f'<div class="ad-creative">{escape(rotating_ad(request_number))}</div></div>'
    )


def ago(moment: datetime, now: datetime) -> str:
    """'Updated 5 minutes ago' style stamp; it drifts with the clock."""
    minutes = max(0, int((now - moment).total_seconds() // 60))
    if minutes < 60:
        return f"Updated {minutes} minutes ago"
    if minutes < 48 * 60:
        return f"Updated {minutes // 60} hours ago"
    return f"Updated {minutes // 1440} days ago"


def long_date(moment: datetime) -> str:
    return f"{moment.day} {moment:%B %Y}, {moment:%H:%M} UTC"


def json_ld(outlet: Outlet, article: Article) -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": article.description,
        "datePublished": article.published.isoformat(),
        "dateModified": article.modified.isoformat(),
        "author": [{"@type": "Person", "name": name} for name in article.authors],
        "publisher": {"@type": "Organization", "name": outlet.site_name},
        "mainEntityOfPage": {"@type": "WebPage", "@id": article.identity},
        "articleSection": article.section,
        "inLanguage": "en-GB",
    }
    # "</" cannot appear inside a script element
    return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")


def head(outlet: Outlet, title: str, *, article: Article | None = None, extra: str = "", padding: str = "") -> str:
    """<head> with charset, title, canonical link, Open Graph and (if the outlet has it) JSON-LD."""
    parts = [
        f'<meta charset="{outlet.charset}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>",
        f'<link rel="alternate" type="application/{outlet.feed_format}+xml" title="{escape(outlet.site_name)}" '
        f'href="{outlet.feeds[0]}">',
        f'<meta property="og:site_name" content="{escape(outlet.site_name)}">',
    ]
    if article is not None:
        parts += [
            f'<link rel="canonical" href="{article.identity}">',
            f'<meta name="description" content="{escape(article.description)}">',
            '<meta property="og:type" content="article">' if outlet.declares_articles else "",
            f'<meta property="og:url" content="{article.identity}">',
            f'<meta property="og:title" content="{escape(article.title)}">',
            f'<meta property="article:published_time" content="{article.published.isoformat()}">',
            f'<meta property="article:modified_time" content="{article.modified.isoformat()}">',
        ]
        if outlet.json_ld and outlet.declares_articles:
            parts.append(f'<script type="application/ld+json">{json_ld(outlet, article)}</script>')
        else:
            parts.append(f'<meta name="author" content="{escape(", ".join(article.authors))}">')
    parts.append(extra)
    parts.append(padding)
    return "<head>\n" + "\n".join(part for part in parts if part) + "\n</head>"


def teaser(article: Article, *, suffix: str = "", comments_link: bool = False) -> str:
    comments = f' <a class="comment-count" href="{article.url}#comments">Comments</a>' if comments_link else ""
    return (
        f'<li class="teaser"><h3><a href="{article.url}{suffix}">{escape(article.title)}</a></h3>'
        f"<p>{escape(article.description)}</p>{comments}</li>"
    )


def document(outlet: Outlet, head_html: str, body: str) -> str:
    return f'<!DOCTYPE html>\n<html lang="en-GB">\n{head_html}\n<body>\n{body}\n</body>\n</html>\n'


def nav(outlet: Outlet) -> str:
    links = [f'<li><a href="{outlet.home}">Home</a></li>']
    links += [f'<li><a href="{outlet.url(path)}">{label}</a></li>' for path, label in outlet.sections]
    links.append(f'<li><a href="{outlet.url("/search?q=")}">Search</a></li>')
    return f'<nav class="main-nav" aria-label="Main"><ul>{"".join(links)}</ul></nav>'


def private_links(outlet: Outlet) -> list[str]:
    """Links the home page carries into the part robots.txt disallows."""
    return [outlet.url("/private/staff-only/"), outlet.url("/private/drafts/embargoed-story/")]


def home_page(outlet: Outlet, articles: list[Article], request_number: int, now: datetime,
              main: str | None = None) -> str:
    """Front page: navigation, the newest articles (with #comments links) and the staff links.

    ``main`` replaces the list of newest articles (tests/newsweb/frontpages.py: a round's home page).
    """
    top = "".join(teaser(article, comments_link=True) for article in articles[:3])
    main = main or f'<main><section class="top-stories"><h2>Top stories</h2><ul>{top}</ul></section></main>'
    staff = "".join(f'<li><a href="{url}">Staff area</a></li>' for url in private_links(outlet))
    body = (
        f'<header><a class="logo" href="{outlet.home}">{escape(outlet.site_name)}</a>{nav(outlet)}'
        f'<p class="today">{now:%A %d %B %Y}</p></header>\n'
        f"{ad_slot('Advertisement', request_number, 'leaderboard')}\n"
        f"{main}\n"
        f'<footer><ul class="staff">{staff}</ul><p>© {now.year} {escape(outlet.site_name)}</p></footer>'
    )
    return document(outlet, head(outlet, outlet.site_name), body)


def section_page(
    outlet: Outlet, label: str, articles: list[Article], request_number: int, now: datetime, link_suffix: str = ""
) -> str:
    """A section front listing its articles one hop deep."""
    items = "".join(teaser(article, suffix=link_suffix) for article in articles)
    body = (
        f'<header><a class="logo" href="{outlet.home}">{escape(outlet.site_name)}</a>{nav(outlet)}</header>\n'
        f'<main><h1>{escape(label)}</h1><ul class="river">{items}</ul>'
        f"{ad_slot('Advertisement', request_number, 'sidebar')}</main>\n"
        f"<footer><p>© {now.year} {escape(outlet.site_name)}</p></footer>"
    )
    return document(outlet, head(outlet, f"{label} | {outlet.site_name}"), body)


def private_page(outlet: Outlet, path: str) -> str:
    body = f"<h1>Staff only</h1><p>Internal page {escape(path)} of {escape(outlet.site_name)}. Do not crawl.</p>"
    return document(outlet, head(outlet, f"Staff only | {outlet.site_name}"), body)


def not_found_page(outlet_name: str, path: str, status: int) -> str:
    word = "Gone" if status == 410 else "Not Found"
    return (
        f"<!DOCTYPE html><html><head><title>{status} {word}</title></head><body><h1>{status} {word}</h1>"
        f"<p>{escape(path)} is not on {escape(outlet_name)}.</p></body></html>\n"
    )
