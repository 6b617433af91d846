"""Article metadata from the page's own markup: meta tags, JSON-LD, <html lang>.

Trafilatura's metadata is the fallback; here we read what it leaves out
(times of day and time zones, modification times) and tidy what it returns
(titles with the site name appended, bylines with job titles).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time
from email.utils import parsedate_to_datetime
from typing import Any

from lxml import etree
from lxml import html as lxml_html

logger = logging.getLogger(__name__)

PUBLISHED_KEYS = (
    "article:published_time", "og:published_time", "datepublished", "date", "dc.date",
    "dc.date.issued", "dcterms.created", "pubdate", "publishdate", "publish-date",
    "sailthru.date", "parsely-pub-date", "cxenseparse:recs:publishtime",
)
MODIFIED_KEYS = (
    "article:modified_time", "og:updated_time", "datemodified", "dc.date.modified",
    "dcterms.modified", "last-modified", "lastmod",
)
_EARLIEST_YEAR = 1900
_JS_DATE_TAIL = re.compile(r"\s*GMT([+-]\d{4})\s*(?:\([^)]*\))?$")
_WITH_DATETIME = etree.XPath("//@datetime/..")  # elements with a datetime attribute, in document order
_DATED_ITEMPROPS = ("datePublished", "dateModified")
_TITLE_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|::|·|•|»|/)\s+")
_BYLINE_PREFIX = re.compile(r"^\s*(?:written\s+)?(?:by|von|par|por|di|door|av|af)\b[:\s]+", re.IGNORECASE)
_NAME_SPLIT = re.compile(r"\s*(?:;|,|\||/|&|\band\b|\bund\b|\bet\b|\by\b|\be\b|\ben\b)\s*")
_NOT_NAME = re.compile(
    r"@|https?:|www\.|\d|\b(?:staff|writer|reporter|correspondent|editor|editors|contributor|columnist|"
    r"news|desk|agency|associated press|reuters|afp|updated|published|posted|photographer|"
    r"senior|chief|team|admin|guest|the|sport|sports|media|magazine|online|daily|weekly|press)\b",
    re.IGNORECASE,
)


def meta_values(tree: lxml_html.HtmlElement) -> dict[str, str]:
    """First value of each <meta name|property|itemprop|http-equiv>, keys lower-cased."""
    values: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop") or meta.get("http-equiv")
        content = meta.get("content") or meta.get("datetime")
        if key and content and content.strip():
            values.setdefault(key.strip().lower(), content.strip())
    for node in _WITH_DATETIME(tree):  # a cheaper search than for the itemprop values, which are checked here
        if node.get("itemprop") in _DATED_ITEMPROPS:
            values.setdefault(node.get("itemprop").lower(), node.get("datetime").strip())
    return values


def json_ld_objects(tree: lxml_html.HtmlElement) -> Iterator[dict[str, Any]]:
    """Every JSON object in the page's JSON-LD blocks, @graph members included."""
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text_content() or "null")
        except ValueError:
            continue
        yield from _walk_json_ld(data)


def _walk_json_ld(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _walk_json_ld(item)
    elif isinstance(data, dict):
        yield data
        yield from _walk_json_ld(data.get("@graph"))


# JSON-LD types that describe the article itself (schema.org's Article and its kinds), not the
# website, the web page, a breadcrumb list, an image or a video embedded in the story.
ARTICLE_TYPES = frozenset({
    "article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle", "opinionnewsarticle",
    "reviewnewsarticle", "backgroundnewsarticle", "askpublicnewsarticle", "blogposting", "liveblogposting",
    "socialmediaposting", "scholarlyarticle", "techarticle", "report", "advertisercontentarticle",
    "satiricalarticle", "medicalscholarlyarticle", "discussionforumposting",
})


def article_objects(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The JSON-LD objects whose ``@type`` is a kind of article."""
    return [obj for obj in objects if ARTICLE_TYPES & {kind.lower() for kind in _types(obj)}]


def _types(obj: dict[str, Any]) -> list[str]:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return [k for k in kinds if isinstance(k, str)]


def parse_datetime(value: str | None) -> datetime | None:
    """An ISO 8601 or RFC 2822 time as an aware UTC datetime (naive times are taken as UTC)."""
    stamp = _parse_stamp(value)
    return stamp.moment.astimezone(UTC) if stamp is not None else None


@dataclass(frozen=True, slots=True)
class _Stamp:
    """A parsed time as the page wrote it: ``moment`` is naive when the page gave no offset."""

    moment: datetime
    date_only: bool

    @property
    def naive(self) -> bool:
        return self.moment.tzinfo is None

    def refined_by(self, other: _Stamp) -> bool:
        """True when ``other`` says the same thing more precisely: a time for a bare day, an offset for a naive time."""
        if self.date_only:
            return not other.date_only and other.moment.date() == self.moment.date()
        return self.naive and not other.naive and other.moment.replace(tzinfo=None) == self.moment

    def utc(self) -> datetime:
        moment = self.moment if self.moment.tzinfo is not None else self.moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)


def _parse_stamp(value: str | None) -> _Stamp | None:
    if not value or not isinstance(value, str):
        return None
    value = _JS_DATE_TAIL.sub(r"\1", value.strip())  # "… GMT+0100 (Central European Standard Time)"
    parsed = _parse_iso(value)
    if parsed is None:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    if parsed.year < _EARLIEST_YEAR:  # placeholders such as 0001-01-01
        return None
    date_only = len(value) <= 10 and parsed.time() == time()
    return _Stamp(parsed.replace(tzinfo=None) if date_only else parsed, date_only)


def _parse_iso(value: str) -> datetime | None:
    candidate = value.replace(" ", "T", 1) if re.match(r"^\d{4}-\d\d-\d\d \d", value) else value
    candidate = re.sub(r"(\.\d{6})\d+", r"\1", candidate)
    try:
        return datetime.fromisoformat(candidate)
    except ValueError:
        pass
    match = re.match(r"^(\d{4}-\d\d-\d\d)", value)
    if match and len(value) <= 10:
        return datetime.combine(datetime.fromisoformat(match.group(1)).date(), time())
    return None


def page_dates(meta: dict[str, str], objects: list[dict[str, Any]]) -> tuple[datetime | None, datetime | None]:
    """(published, modified) the page's markup states.

    Sources in order of trust: the JSON-LD of the article itself, the meta tags,
    then the JSON-LD of other objects (the web page, the website, an image). The
    first one that parses wins, unless a later one states the same more
    precisely: a time of day for a bare date, an offset for a time without one
    (bench/dates.py: bare ``"2014-09-15"`` beside a full timestamp, naive JSON-LD
    times beside an Open Graph time with its offset).
    """
    articles = article_objects(objects)
    others = [obj for obj in objects if not any(obj is article for article in articles)]
    published = _best_date([obj.get("datePublished") for obj in articles]
                           + [meta.get(key) for key in PUBLISHED_KEYS]
                           + [obj.get("datePublished") for obj in others])
    modified = _best_date([obj.get("dateModified") for obj in articles]
                          + [meta.get(key) for key in MODIFIED_KEYS]
                          + [obj.get("dateModified") for obj in others])
    return published, modified


def _best_date(values: list[Any]) -> datetime | None:
    stamps = [stamp for value in values if (stamp := _parse_stamp(value if isinstance(value, str) else None))]
    if not stamps:
        return None
    first = stamps[0]
    better = next((stamp for stamp in stamps[1:] if first.refined_by(stamp)), first)
    return better.utc()


def page_language(tree: lxml_html.HtmlElement, meta: dict[str, str]) -> str | None:
    """Primary language subtag from <html lang>, Content-Language or og:locale ('en-GB' → 'en')."""
    for value in (tree.get("lang"), tree.get("xml:lang"), meta.get("content-language"),
                  meta.get("language"), meta.get("og:locale")):
        if value:
            primary = re.split(r"[-_,;\s]", value.strip())[0].lower()
            if re.fullmatch(r"[a-z]{2,3}", primary):
                return primary
    return None


def canonical_url(tree: lxml_html.HtmlElement, meta: dict[str, str]) -> str | None:
    """The page's rel=canonical link, else og:url; absolute http(s) URLs only."""
    for link in tree.xpath('//link[@href][contains(concat(" ", normalize-space(@rel), " "), " canonical ")]'):
        href = link.get("href", "").strip()
        if href.startswith(("http://", "https://")):
            return href
    og = meta.get("og:url", "")
    return og if og.startswith(("http://", "https://")) else None


def clean_title(title: str | None, sitename: str | None = None, hostname: str | None = None) -> str | None:
    """The title without a site name before or after a separator ("Story | Courier" → "Story")."""
    if not title:
        return None
    title = " ".join(title.split())
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    for index in (-1, 0):
        if _is_site_name(parts[index], sitename, hostname):
            rest = parts[:-1] if index == -1 else parts[1:]
            return clean_title(_rejoin(title, rest), sitename, hostname)
    return title


def _rejoin(title: str, parts: list[str]) -> str:
    start = title.index(parts[0])
    end = title.rindex(parts[-1]) + len(parts[-1])
    return title[start:end]


def _is_site_name(part: str, sitename: str | None, hostname: str | None) -> bool:
    key = _squash(part)
    if not key:
        return False
    if sitename and (key == _squash(sitename) or _squash(sitename).startswith(key) or key.startswith(_squash(sitename))):
        return True
    if hostname:
        host = hostname.lower().removeprefix("www.")
        labels = host.split(".")
        domain = labels[-2] if len(labels) >= 2 else labels[0]
        return key in (_squash(host), _squash(domain), "the" + _squash(domain)) or _squash(domain) == key.removeprefix("the")
    return False


def _squash(text: str) -> str:
    return re.sub(r"\W+", "", text.lower())


def clean_authors(raw: Any, sitename: str | None = None, hostname: str | None = None) -> list[str]:
    """Person names from bylines: "By Jane Doe | Staff Writer; A and B" → ["Jane Doe", "A", "B"].

    A byline that is only the outlet's name ("RT", "AppleInsider") is not a person.
    """
    values = raw if isinstance(raw, list) else [raw]
    names: list[str] = []
    for value in values:
        if not isinstance(value, str):
            continue
        for part in _NAME_SPLIT.split(_BYLINE_PREFIX.sub("", value)):
            name = _BYLINE_PREFIX.sub("", " ".join(part.split())).strip(" .-–—:")
            if _looks_like_name(name) and name not in names and not _is_site_name(name, sitename, hostname):
                names.append(name)
    return names


def _looks_like_name(name: str) -> bool:
    words = name.split()
    if not 1 <= len(words) <= 5 or _NOT_NAME.search(name):
        return False
    return all(word[0].isupper() or word.lower() in {"de", "van", "von", "der", "da", "di", "le", "la", "bin", "al"}
               for word in words)


def json_ld_authors(objects: list[dict[str, Any]]) -> list[str]:
    """Author names of the first JSON-LD object that lists any."""
    for obj in objects:
        author = obj.get("author")
        entries = author if isinstance(author, list) else [author]
        names = [entry.get("name") if isinstance(entry, dict) else entry for entry in entries]
        names = [name for name in names if isinstance(name, str) and name.strip()]
        if names:
            return names
    return []
