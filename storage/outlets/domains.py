"""Which outlet a WARC record belongs to, by the host of its URL.

Outlets come from the seed files (the same ones a crawl reads): a host belongs
to the outlet whose domain it is or is under, the longest such domain winning.
With ``auto=True`` a host no seed owns gets an outlet of its own, named after
its registered domain (``www.example.co.uk`` → ``example.co.uk``), using the
Public Suffix List snapshot bundled with tldextract (no network); hosts under
an unlisted suffix (``.test``) keep their last two labels.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import tldextract

from storage.db.errors import ArchiveError

logger = logging.getLogger(__name__)

_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
_NAME_UNSAFE = re.compile(r"[^a-z0-9._-]+")


@dataclass(frozen=True, slots=True)
class OutletRule:
    """An outlet as ingest needs it: name, domains and optional article pattern."""

    name: str
    domains: tuple[str, ...]
    article_pattern: re.Pattern[str] | None = None

    def owns(self, url: str) -> bool:
        return host_matches(urlsplit(url).hostname or "", self.domains)


def host_matches(host: str, domains: tuple[str, ...]) -> bool:
    host = host.lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in domains)


class OutletMap:
    """Maps a URL to its :class:`OutletRule`, or ``None`` when no outlet owns it."""

    def __init__(self, rules: list[OutletRule], auto: bool = False) -> None:
        self.rules = list(rules)
        self.auto = auto
        self._by_domain = sorted(((d, r) for r in rules for d in r.domains), key=lambda pair: -len(pair[0]))
        self._auto: dict[str, OutletRule] = {}

    def outlet_for(self, url: str) -> OutletRule | None:
        host = (urlsplit(url).hostname or "").lower().rstrip(".")
        return self._cached(host)

    @lru_cache(maxsize=4096)  # noqa: B019 - one map per run, hosts repeat
    def _cached(self, host: str) -> OutletRule | None:
        if not host:
            return None
        for domain, rule in self._by_domain:
            if host == domain or host.endswith("." + domain):
                return rule
        if not self.auto:
            return None
        domain = registered_domain(host)
        return self._auto.setdefault(domain, OutletRule(outlet_name(domain), (domain,)))


def registered_domain(host: str) -> str:
    """The registrable domain of ``host`` (``news.bbc.co.uk`` → ``bbc.co.uk``); the host itself for IPs."""
    parts = _EXTRACT(host)
    if parts.top_domain_under_public_suffix:
        return parts.top_domain_under_public_suffix
    labels = host.split(".")
    if labels[-1].isdigit() or ":" in host:  # an IP address
        return host
    return ".".join(labels[-2:])  # an unlisted suffix (.test, .internal): its last two labels


def outlet_name(domain: str) -> str:
    return _NAME_UNSAFE.sub("-", domain.lower()).strip("-._")[:64] or "unknown"


def load_outlet_map(seed_paths: list[str | Path] | None, outlet: str | None, auto: bool) -> OutletMap:
    """Outlets from seed files (default ``seeds/*.toml``), one ``outlet`` only if given.

    With ``auto`` and no seed files, every host gets an automatic outlet.
    """
    from storage.outlets.seeds import (  # crawler imports storage
        DEFAULT_SEEDS_DIR,
        SeedError,
        load_seeds,
    )

    if auto and not seed_paths and not sorted(DEFAULT_SEEDS_DIR.glob("*.toml")):
        return OutletMap([], auto=True)
    try:
        seeds = load_seeds(list(seed_paths) if seed_paths else None, outlet)
    except SeedError as error:
        raise ArchiveError(str(error)) from None
    rules = [OutletRule(s.name, tuple(s.domains), s.article_pattern) for s in seeds]
    return OutletMap(rules, auto=auto)
