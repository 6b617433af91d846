"""Seed lists: which outlets to crawl, read from ``seeds/*.toml``.

A seed file holds ``[[outlet]]`` tables (format in DESIGN.md). Loading checks
every outlet before a crawl starts, so a typo costs one clear line naming the
file, the outlet and the problem, not a half-run crawl.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from extract.page_signals import url_looks_like_article
from storage.warc.context import OutletEntry

DEFAULT_SEEDS_DIR = Path("seeds")

_LIST_KEYS = ("domains", "feeds", "sitemaps", "start_urls")
_KNOWN_KEYS = {"name", "article_pattern", "warc_credentials", *_LIST_KEYS}
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


class SeedError(ValueError):
    """A seed file that cannot be used; the message is one line for the user."""


@dataclass(frozen=True, slots=True)
class OutletSeed:
    """One outlet to archive: where to discover its articles, which domains are its own."""

    name: str
    domains: tuple[str, ...]
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    start_urls: tuple[str, ...] = ()
    article_pattern: re.Pattern[str] | None = None
    source: str = ""
    warc_credentials: bool = False  # archive the Authorization and Cookie headers the crawl sent

    def owns(self, url: str) -> bool:
        """True when ``url``'s host is one of the outlet's domains or a subdomain."""
        return host_in_domains(urlsplit(url).hostname or "", self.domains)

    def links_to_article(self, url: str) -> bool:
        """Whether a link on one of the outlet's pages leads to an article: its own URL, by pattern or shape."""
        if not self.owns(url):
            return False
        return bool(self.article_pattern.search(url)) if self.article_pattern else url_looks_like_article(url)


    def entry(self) -> OutletEntry:
        """The seed entry as a crawl records it in its WARC files."""
        return OutletEntry(self.name, list(self.domains), list(self.feeds), list(self.sitemaps),
                           list(self.start_urls), self.article_pattern.pattern if self.article_pattern else None,
                           self.warc_credentials)

    @classmethod
    def from_entry(cls, entry: OutletEntry, source: str = "") -> OutletSeed:
        """The seed a WARC run record names (its pattern compiled)."""
        pattern = re.compile(entry.article_pattern) if entry.article_pattern else None
        return cls(entry.name, tuple(entry.domains), tuple(entry.feeds), tuple(entry.sitemaps),
                   tuple(entry.start_urls), pattern, source, entry.warc_credentials)


def host_in_domains(host: str, domains: tuple[str, ...] | list[str]) -> bool:
    host = host.lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in domains)


def load_seed_file(path: str | Path) -> list[OutletSeed]:
    """Read and check one seed file; raise :class:`SeedError` on the first problem."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SeedError(f"{path}: no such seed file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SeedError(f"{path}: cannot read seed file ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise SeedError(f"{path}: not valid TOML ({exc}); fix the syntax and rerun") from None

    unknown_top = set(data) - {"outlet"}
    if unknown_top:
        raise SeedError(f"{path}: unknown top-level key {sorted(unknown_top)[0]!r}; a seed file holds [[outlet]] tables")
    tables = data.get("outlet", [])
    if not isinstance(tables, list) or not tables:
        raise SeedError(f"{path}: no [[outlet]] tables found")
    return [_parse_outlet(path, index, table) for index, table in enumerate(tables, start=1)]


def load_seeds(paths: list[str | Path] | None = None, outlet: str | None = None) -> list[OutletSeed]:
    """Load several seed files (default: every ``seeds/*.toml``), optionally one outlet.

    Outlet names must be unique across all files: they are the archive's keys.
    """
    if not paths:
        paths = sorted(DEFAULT_SEEDS_DIR.glob("*.toml"))
        if not paths:
            raise SeedError(f"{DEFAULT_SEEDS_DIR}/: no seed files (*.toml); add one or pass -a seeds=FILE")
    seen: dict[str, str] = {}
    outlets: list[OutletSeed] = []
    for path in paths:
        for seed in load_seed_file(path):
            if seed.name in seen:
                raise SeedError(f"{path}: outlet {seed.name!r}: name already used in {seen[seed.name]}; names must be unique")
            seen[seed.name] = str(path)
            outlets.append(seed)
    if outlet is not None:
        outlets = [seed for seed in outlets if seed.name == outlet]
        if not outlets:
            raise SeedError(f"no outlet named {outlet!r} in {', '.join(map(str, paths))}; see the names there")
    return outlets


def _parse_outlet(path: Path, index: int, table: object) -> OutletSeed:
    where = f"{path}: outlet #{index}"
    if not isinstance(table, dict):
        raise SeedError(f"{where}: expected a table of keys")
    name = table.get("name")
    if not isinstance(name, str) or not name:
        raise SeedError(f"{where}: missing 'name' (a short unique key such as \"politico-eu\")")
    where = f"{path}: outlet {name!r}"
    if not _NAME_RE.match(name):
        raise SeedError(f"{where}: name must be lowercase letters, digits, '.', '_' or '-' (at most 64)")
    unknown = set(table) - _KNOWN_KEYS
    if unknown:
        raise SeedError(f"{where}: unknown key {sorted(unknown)[0]!r} (known: {', '.join(sorted(_KNOWN_KEYS))})")
    lists = {key: _string_list(where, key, table.get(key, [])) for key in _LIST_KEYS}
    domains = tuple(d.lower().strip(".") for d in lists["domains"])
    if not domains:
        raise SeedError(f"{where}: 'domains' must list at least one domain, such as [\"example.com\"]")
    if not (lists["feeds"] or lists["sitemaps"] or lists["start_urls"]):
        raise SeedError(f"{where}: give at least one of 'feeds', 'sitemaps' or 'start_urls'")
    for key in ("feeds", "sitemaps", "start_urls"):
        for url in lists[key]:
            _check_url(where, key, url, domains)
    return OutletSeed(
        name=name,
        domains=domains,
        feeds=tuple(lists["feeds"]),
        sitemaps=tuple(lists["sitemaps"]),
        start_urls=tuple(lists["start_urls"]),
        article_pattern=_compile_pattern(where, table.get("article_pattern")),
        source=str(path),
        warc_credentials=_flag(where, "warc_credentials", table.get("warc_credentials", False)),
    )


def _flag(where: str, key: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise SeedError(f"{where}: {key!r} must be true or false")
    return value


def _string_list(where: str, key: str, value: object) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise SeedError(f"{where}: '{key}' must be a list of strings")
    return value


def _check_url(where: str, key: str, url: str, domains: tuple[str, ...]) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SeedError(f"{where}: '{key}' has {url!r}, which is not an http(s) URL")
    if not host_in_domains(parts.hostname, domains):
        raise SeedError(f"{where}: '{key}' has {url!r}, outside the outlet's domains {list(domains)}")


def _compile_pattern(where: str, pattern: object) -> re.Pattern[str] | None:
    if pattern is None:
        return None
    if not isinstance(pattern, str):
        raise SeedError(f"{where}: 'article_pattern' must be a string (a regular expression)")
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise SeedError(f"{where}: article_pattern {pattern!r} is not a valid regular expression ({exc})") from None
