"""Find a page by the URL a person pasted: as forgiving as a browser's address bar.

The URL is tried as given, then as the crawler canonicalises it (tracking
parameters and fragment dropped), then with the other scheme, with or without
``www.`` and with or without a trailing slash — as a page's identity or as any
URL it was fetched as. When nothing matches, the error names the closest
archived URLs of that host. :func:`archived_among` answers, for a batch of
discovered links, which the archive already holds, by the same indexes.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from extract.urls import canonicalize_url, strip_tracking
from storage.db.errors import NoSuchPage
from storage.db.models import Capture, Page

SUGGESTIONS = 3
_OTHER_SCHEME = re.compile(r"^(?!https?:)[a-z][a-z0-9+.-]*:(?!//|\d)", re.IGNORECASE)
_NEIGHBOURS = 200  # archived URLs on each side of the one asked for, compared for suggestions
_SAMPLE = 600  # the host's first archived URLs, compared too
_BATCH = 300  # URLs per IN (...) of archived_among: well under every backend's bound-parameter limit


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
        wanted = canonicalize_url(variants[0])
    except ValueError:
        wanted = variants[0]
    close = difflib.get_close_matches(wanted, _host_urls(session, variants), n=SUGGESTIONS, cutoff=0.6)
    hint = f"closest archived: {', '.join(close)}" if close else "newsarchive search can find pages by text"
    return f"no page {url} in the archive ({hint})"


def _host_urls(session: Session, variants: list[str]) -> list[str]:
    """Archived URLs of the host ``variants`` name (either scheme, with or without ``www.``) worth comparing.

    For each variant, the ``_NEIGHBOURS`` archived URLs on either side of it in
    the unique index on ``pages.url`` (they share its longest prefix: a slip
    late in the path), and the host's first ``_SAMPLE`` (a slip early in it).
    Each ``scheme://host/`` prefix is a range of that index (contiguous in byte
    order: SQLite's, and PostgreSQL's under a C collation), so the cost is
    bounded whatever the host holds; the prefix test keeps other collations
    from naming another host.
    """
    found: dict[str, None] = {}
    prefixes: set[str] = set()
    for variant in sorted(set(variants)):
        parts = urlsplit(variant)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            continue
        prefix = f"{parts.scheme}://{parts.netloc}/"
        in_host = and_(Page.url >= prefix, Page.url < prefix[:-1] + "0")  # "0" follows "/"
        after = select(Page.url).where(in_host, Page.url >= variant).order_by(Page.url).limit(_NEIGHBOURS)
        before = select(Page.url).where(in_host, Page.url < variant).order_by(Page.url.desc()).limit(_NEIGHBOURS)
        for query in (after, before) if prefix in prefixes else (after, before, select(Page.url).where(
                in_host).order_by(Page.url).limit(_SAMPLE)):
            found.update(dict.fromkeys(session.scalars(query)))
        prefixes.add(prefix)
    return [known for known in found if known.startswith(tuple(prefixes))]


def archived_among(session: Session, urls: Iterable[str]) -> set[str]:
    """The canonical forms of ``urls`` the archive holds, as a page's identity or as a URL a capture was fetched as.

    A link is looked up as found, without tracking parameters and canonicalised
    (the crawler fetches the second and names pages by the third), in batches
    against the unique ``pages.url`` and the ``captures.fetched_url`` index:
    the cost grows with the links asked about, not with the archive.
    """
    forms: dict[str, str] = {}  # a form a link may be stored as -> the link's canonical URL
    for url in urls:
        try:
            canonical = canonicalize_url(url)
            forms.update(dict.fromkeys((url, strip_tracking(url), canonical), canonical))
        except ValueError:
            continue  # no URL the archive could hold
    found: set[str] = set()
    candidates = list(forms)
    for start in range(0, len(candidates), _BATCH):
        batch = candidates[start:start + _BATCH]
        found.update(session.scalars(select(Page.url).where(Page.url.in_(batch))))
        found.update(session.scalars(select(Capture.fetched_url).where(Capture.fetched_url.in_(batch)).distinct()))
    return {forms[form] for form in found}
