"""URL canonicalisation: one identity per article, whatever link led to it.

Fragments and tracking parameters (``utm_*``, ``fbclid``, …) are dropped, the
scheme and host lower-cased, default ports removed, and the rest normalised by
w3lib (percent-encoding, query order) before the crawler deduplicates requests
or the archive keys a page.
"""

from __future__ import annotations

import re
from urllib.parse import unquote_plus, urljoin, urlsplit, urlunsplit

from w3lib.url import canonicalize_url as _w3lib_canonicalize

_TRACKING_PARAM = re.compile(
    r"^(utm_[a-z_]+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|mc_cid|mc_eid|_ga|_gl|igshid|yclid"
    r"|cmpid|ocid|ito|smid|smtyp|taid|ncid|sr_share|at_medium|at_campaign|at_custom\d*|__twitter_impression"
    r"|xtor|share|ref_src|ref_url|rss|outputType)$",
    re.IGNORECASE,
)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def strip_tracking(url: str) -> str:
    """``url`` without its fragment and tracking parameters, otherwise untouched.

    The query is filtered as written, parameter by parameter (``&``-separated):
    a bare ``?12345``, a ``;`` inside a value and the query's own percent-encoding
    reach the server as they were, since some servers read them that way. The
    scheme and host are lower-cased and a default port dropped; an IPv6 host
    keeps its brackets.
    """
    parts = urlsplit(url.strip())
    query = "&".join(param for param in parts.query.split("&") if not _is_tracking(param))
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    netloc = host if port in (None, _DEFAULT_PORTS.get(parts.scheme.lower())) else f"{host}:{port}"
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", query, ""))


def _is_tracking(param: str) -> bool:
    """Whether one raw ``key=value`` of a query names a tracking parameter (the key read percent-decoded)."""
    return bool(_TRACKING_PARAM.match(unquote_plus(param.partition("=")[0])))


def canonicalize_url(url: str) -> str:
    """The archive's identity for ``url``: tracking-free and w3lib-normalised."""
    return _w3lib_canonicalize(strip_tracking(url), keep_fragments=False)


def resolve_link(base_url: str, href: str) -> str | None:
    """``href`` resolved against ``base_url``, or None when it is no usable URL (``http://[::1/bad``, port 99999)."""
    try:
        url = urljoin(base_url, href.strip())
    except ValueError:
        return None
    return url if usable_url(url) else None


def usable_url(url: str) -> bool:
    """Whether ``url`` can be split into its parts: not a broken IPv6 host nor a port out of range."""
    try:
        urlsplit(url).port  # raises for a port out of range, which urlsplit alone lets through
    except ValueError:
        return False
    return True
