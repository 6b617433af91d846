"""Which outlet a WARC record belongs to, by the host of its URL.

Outlets come from the WARC files' own run records (:mod:`storage.warc.context`)
and from seed files (the same ones a crawl reads): a host belongs to the outlet
whose domain it is or is under, the longest such domain winning.
With ``auto=True`` a host no seed owns gets an outlet of its own, named after
its registered domain (``www.example.co.uk`` → ``example.co.uk``), using the
Public Suffix List snapshot bundled with tldextract (no network); hosts under
an unlisted suffix (``.test``) keep their last two labels.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import tldextract

from storage.db.errors import ArchiveError
from storage.outlets.seeds import DEFAULT_SEEDS_DIR, OutletSeed, SeedError, load_seeds

logger = logging.getLogger(__name__)

_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
_NAME_UNSAFE = re.compile(r"[^a-z0-9._-]+")


class OutletMap:
    """Maps a URL to the :class:`OutletSeed` that owns it, or ``None`` when none does.

    Outlets named by the WARC files' run records are learned as they are read
    (:meth:`learn`) and take precedence over seed files for their name; seed
    files add outlets, never take away what the WARCs say.
    """

    def __init__(self, seeds: list[OutletSeed], auto: bool = False) -> None:
        self.by_name: dict[str, OutletSeed] = {seed.name: seed for seed in seeds}
        self.auto = auto
        self._auto: dict[str, OutletSeed] = {}
        self._index()

    @property
    def seeds(self) -> list[OutletSeed]:
        return list(self.by_name.values())

    def learn(self, seed: OutletSeed) -> bool:
        """Take ``seed`` (from a WARC run record) as that outlet's entry; whether anything changed."""
        if self.by_name.get(seed.name) == seed:
            return False
        self.by_name[seed.name] = seed
        self._index()
        return True

    def outlet_for(self, url: str) -> OutletSeed | None:
        host = (urlsplit(url).hostname or "").lower().rstrip(".")
        return self._cached(host)

    def named(self, name: str) -> OutletSeed | None:
        return self.by_name.get(name)

    def owner(self, requested: OutletSeed, url: str, role: str) -> OutletSeed:
        """The outlet a fetch for ``requested`` that ended at ``url`` is filed under (crawl and ingest alike).

        An article found on one outlet that redirects to another outlet's
        article is that outlet's, judged by its rules: an article belongs to
        the outlet that owns its final URL. A re-check stays with its page,
        wherever it now redirects (:mod:`storage.versions.removals`), and so
        do feeds, sitemaps and start pages.
        """
        return (self._other_owner(requested, url) if role == "article" else None) or requested

    def also_filed_under(self, requested: OutletSeed, url: str, role: str) -> OutletSeed | None:
        """The other outlet a re-check for ``requested`` that ended at ``url`` is also filed under, if any.

        A re-check stays with its page, which is marked ``redirected``; the page
        it reached is another outlet's, and a capture of that outlet's page too,
        judged by its rules, so an article no one else links is not lost. The
        crawl writes it as a record of its own (a revisit of the same payload,
        :mod:`crawler.middlewares.warc`) that ``ingest`` files by :meth:`owner`.
        """
        return self._other_owner(requested, url) if role == "recheck" else None

    def _other_owner(self, requested: OutletSeed, url: str) -> OutletSeed | None:
        """The outlet owning ``url`` when ``requested`` does not."""
        return None if requested.owns(url) else self.outlet_for(url)

    def _index(self) -> None:
        pairs = ((d, seed) for seed in self.by_name.values() for d in seed.domains)
        self._by_domain = sorted(pairs, key=lambda pair: -len(pair[0]))
        self._cached.cache_clear()

    @lru_cache(maxsize=4096)  # noqa: B019 - one map per run, hosts repeat
    def _cached(self, host: str) -> OutletSeed | None:
        if not host:
            return None
        for domain, seed in self._by_domain:
            if host == domain or host.endswith("." + domain):
                return seed
        if not self.auto:
            return None
        domain = registered_domain(host)
        return self._auto.setdefault(domain, OutletSeed(outlet_name(domain), (domain,)))


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

    Without seed files (none given, none in ``seeds/``) the map starts empty:
    the WARCs' own run records name the outlets of a crawl by this project, and
    with ``auto`` every other host gets an outlet of its own.
    """
    if not seed_paths and not sorted(DEFAULT_SEEDS_DIR.glob("*.toml")) and outlet is None:
        return OutletMap([], auto=auto)
    try:
        seeds = load_seeds(list(seed_paths) if seed_paths else None, outlet)
    except SeedError as error:
        raise ArchiveError(str(error)) from None
    return OutletMap(seeds, auto=auto)
