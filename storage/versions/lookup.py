"""Find a page by the URL a person pasted: as forgiving as a browser's address bar.

The URL is tried as given, then as the crawler canonicalises it (tracking
parameters and fragment dropped), then with the other scheme, with or without
``www.`` and with or without a trailing slash — as a page's identity or as any
URL it was fetched as. When nothing matches, the error names the closest
archived URLs of that host.
"""

from __future__ import annotations

import difflib
import re
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from extract.urls import canonicalize_url, strip_tracking
from storage.db.errors import NoSuchPage
from storage.db.models import Capture, Page

SUGGESTIONS = 3
_OTHER_SCHEME = re.compile(r"^(?!https?:)[a-z][a-z0-9+.-]*:(?!//|\d)", re.IGNORECASE)
_CANDIDATES = 5000  # archived URLs of the host compared for suggestions


def url_variants(url: str) -> list[str]:
    """The URLs ``url`` may be archived as, most faithful first."""
    given = url.strip()
    if _OTHER_SCHEME.match(given):
        return [given]  # javascript:, data:, mailto: … are no web page's address
    if "://" not in given:
        given = "https://" + given
    try:
        faithful = [given, strip_tracking(given), canonicalize_url(given)]
    except ValueError:  # not a URL at all (a bad port, a broken IPv6 host)
        return [url.strip()]
    found = list(faithful)
    for base in faithful[1:]:
        parts = urlsplit(base)
        bare = parts.netloc.lower().removeprefix("www.")
        for scheme in ("https", "http"):
            for netloc in (bare, "www." + bare):
                found += [urlunsplit((scheme, netloc, path, parts.query, "")) for path in _paths(parts.path)]
    return list(dict.fromkeys(found))


def _paths(path: str) -> list[str]:
    """``path`` and the same path with its trailing slash added or taken away."""
    path = path or "/"
    if len(path) == 1:
        return [path]
    return [path, path[:-1] if path.endswith("/") else path + "/"]


def find_page(session: Session, url: str) -> Page:
    """The page ``url`` names (see the module docstring); raises :class:`NoSuchPage` with suggestions."""
    variants = url_variants(url)
    pages = {page.url: page for page in session.scalars(select(Page).where(Page.url.in_(variants)))}
    for variant in variants:
        if variant in pages:
            return pages[variant]
    fetched = dict(session.execute(select(Capture.fetched_url, Capture.page_id)
                                   .where(Capture.fetched_url.in_(variants))).all())
    for variant in variants:
        if variant in fetched:
            return session.get(Page, fetched[variant])
    raise NoSuchPage(_missing(session, url, variants))


def _missing(session: Session, url: str, variants: list[str]) -> str:
    try:
        host = (urlsplit(variants[-1]).hostname or "").removeprefix("www.")
        wanted = canonicalize_url(variants[0])
    except ValueError:
        host, wanted = "", variants[0]
    known = list(session.scalars(select(Page.url).where(Page.url.contains(host)).limit(_CANDIDATES))) if host else []
    close = difflib.get_close_matches(wanted, known, n=SUGGESTIONS, cutoff=0.6)
    hint = f"closest archived: {', '.join(close)}" if close else "newsarchive search can find pages by text"
    return f"no page {url} in the archive ({hint})"
