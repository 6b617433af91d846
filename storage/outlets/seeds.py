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
_KNOWN_KEYS = {"name", "article_pattern", "warc_credentials", "render", "screenshots", *_LIST_KEYS}
RENDER_MODES = ("auto", "browser", "static")  # how pages are fetched: found out, always a browser, never
# Which captures have a screenshot: those the browser renders anyway, or every new version (a static page's
# rendered once more, crawler/browser/screenshots.py).
SCREENSHOT_MODES = ("rendered", "versions")
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
    render: str = "auto"  # "browser": pages rendered by Chromium; "auto": when they turn out to need it
    screenshots: str = "rendered"  # "versions": every new version has a screenshot, a static page's rendered again

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
                           self.warc_credentials, self.render, self.screenshots)

    @classmethod
    def stored(cls, entry: OutletEntry) -> OutletSeed:
        """The seed the archive holds for an outlet: checked when it came in (seed file or run record), or
        an outlet known by its domains alone (``ingest --auto-outlets``, the Python API), with no discovery."""
        try:
            pattern = _compile_pattern("", entry.article_pattern) if entry.article_pattern else None
        except SeedError:
            pattern = None  # stored before patterns were checked: the URL heuristics decide instead
        return cls(entry.name, tuple(d.lower().strip(".") for d in entry.domains), tuple(entry.feeds),
                   tuple(entry.sitemaps), tuple(entry.start_urls), pattern, "", entry.warc_credentials,
                   entry.render if entry.render in RENDER_MODES else "auto",
                   entry.screenshots if entry.screenshots in SCREENSHOT_MODES else "rendered")

    @classmethod
    def from_entry(cls, entry: OutletEntry, source: str = "") -> OutletSeed:
        """The seed a WARC run record names, checked as a seed file's outlet is (:class:`SeedError` if it fails)."""
        table = {"name": entry.name, "domains": entry.domains, "feeds": entry.feeds, "sitemaps": entry.sitemaps,
                 "start_urls": entry.start_urls, "warc_credentials": entry.warc_credentials, "render": entry.render,
                 "screenshots": entry.screenshots}
        if entry.article_pattern is not None:
            table["article_pattern"] = entry.article_pattern
        return _parse_outlet(source, 0, table)


def handed_to_browser(render: str, needs_scripts: bool, rendered: bool) -> bool:
    """Whether a capture goes unindexed because the crawl fetched the page again with the browser.

    The one rule for crawl and ``reindex``/``ingest`` alike: a page of an ``auto`` outlet,
    fetched without the browser, that needs scripts for its text.
    """
    return render == "auto" and needs_scripts and not rendered


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


def _parse_outlet(path: Path | str, index: int, table: object) -> OutletSeed:
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
        render=_one_of(where, "render", table.get("render", "auto"), RENDER_MODES),
        screenshots=_one_of(where, "screenshots", table.get("screenshots", "rendered"), SCREENSHOT_MODES),
    )


def _one_of(where: str, key: str, value: object, modes: tuple[str, ...]) -> str:
    if value not in modes:
        raise SeedError(f"{where}: {key!r} is {value!r}; use one of {', '.join(map(repr, modes))}")
    return str(value)


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
        compiled = re.compile(pattern)
    except (re.error, RecursionError, OverflowError) as exc:
        raise SeedError(f"{where}: article_pattern {pattern!r} is not a valid regular expression ({exc})") from None
    if len(pattern) > MAX_PATTERN_CHARS or _nested_repeat(pattern):
        raise SeedError(f"{where}: article_pattern {pattern!r} repeats a group that itself repeats or has "
                        f"alternatives (nested repeats can take forever on one URL); write it without "
                        f"(at most {MAX_PATTERN_CHARS} characters)")
    return compiled


MAX_PATTERN_CHARS = 500


def _nested_repeat(pattern: str) -> bool:
    """Whether a group that repeats (``*``, ``+``, ``{n,}``) holds a repeat or an alternation: ``(a|a)*``, ``(a+)+``.

    Python's regex engine backtracks, and such nested repeats are what make
    it take exponential time on one hostile URL; patterns in seeds and (the
    same rule) in foreign WARCs' run records are refused instead of bounded.
    Patterns without them match a URL in time polynomial in its length.
    """
    groups: list[bool] = []  # per open group: does it hold a repeat or an alternation?
    index, in_class = 0, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            index += 1 if pattern[index + 1:index + 2] != "]" else 2  # a ']' first in a class is literal
            continue
        elif char == "(":
            groups.append(False)
        elif char == ")" and groups:
            risky = groups.pop()
            if risky and _repeats(pattern, index + 1):
                return True
            if groups:
                groups[-1] = groups[-1] or risky or _repeats(pattern, index + 1)
        elif char == "|" and groups:
            groups[-1] = True
        elif char in "*+{" and groups and _repeats(pattern, index):
            groups[-1] = True
        index += 1
    return False


def _repeats(pattern: str, index: int) -> bool:
    """Whether a quantifier that repeats without a small bound stands at ``index``: ``*``, ``+`` or ``{n,}``/``{n,m}``."""
    if pattern[index:index + 1] in ("*", "+"):
        return True
    found = re.match(r"\{(\d*),(\d*)\}", pattern[index:])
    return found is not None and (found.group(2) == "" or int(found.group(2)) > 1)
