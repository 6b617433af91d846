"""What the archive knows about a fetch beyond its bytes, kept in the WARC files as ``metadata`` records.

The WARC files are the archive's source of truth, so everything the database
needs to be rebuilt from them alone is written next to the captures, as
standard WARC ``metadata`` records with a JSON body (``Content-Type:
application/json``) marked ``"newsarchive": 1``:

* a **run** record (``kind: run``), at the start of every WARC file a crawl
  writes (after its ``warcinfo``): the run's id, start, host, process, spider
  arguments and every outlet's seed entry as crawled (name, domains, feeds,
  sitemaps, start URLs, article pattern, whether its credentials are
  archived). ``WARC-Target-URI`` is ``urn:newsarchive:run:ID``.
* a **capture** record (``kind: capture``) right after each fetch's records,
  ``WARC-Refers-To`` and ``WARC-Concurrent-To`` the response (or revisit) it
  describes: the outlet, what the fetch was for (``role``: an ``article`` found
  by discovery, a ``recheck`` of an archived page, or a ``start_page``,
  ``feed``, ``sitemap``, ``robots`` fetch that is not itself archived as a
  page), whether a feed or sitemap listed it, the listing's title and date
  hints, a re-check's page identity and, for a 304, the status line and
  headers its revisit record leaves out (``not_modified``). ``WARC-Target-URI`` is
  ``urn:newsarchive:capture:UUID`` (the response's record id), never the page's
  URL: replay indexers (pywb, cdxj-indexer) file every ``metadata`` record that
  is not ``application/warc-fields`` under its target URI, and a JSON record
  under the page's URL would be replayed in place of the page.
* a **run-end** record (``kind: run_end``) in the run's last file: how it
  ended, its counts, errors, per-outlet figures and the WARC files it wrote.

Crawls before 2026-12 wrote capture records under the page's own URL; they
are read the same way (a capture record is matched to its response by the
``record_id`` in its body, whatever its target URI), and ``newsarchive warcs
fix-replay`` writes copies of such files that replay tools read right.
WARCs written without these records (older crawls, other tools) are read as
before: outlets from seed files, every HTML response judged on its own.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from typing import Any

MARK = "newsarchive"
VERSION = 1
CONTENT_TYPE = "application/json"
RUN_URI = "urn:newsarchive:run:"
CAPTURE_URI = "urn:newsarchive:capture:"

ARCHIVED_ROLES = ("article", "recheck")  # fetches the crawl indexes as pages; the others it only archives
ROLES = ARCHIVED_ROLES + ("start_page", "feed", "sitemap", "robots", "other")


@dataclass(frozen=True, slots=True)
class OutletEntry:
    """One outlet's seed entry as a crawl read it."""

    name: str
    domains: list[str]
    feeds: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    start_urls: list[str] = field(default_factory=list)
    article_pattern: str | None = None
    warc_credentials: bool = False
    render: str = "auto"  # "auto", "browser" or "static" (issue 38)
    screenshots: str = "rendered"  # "rendered" or "versions": a screenshot of every new version (issue 38)


# A run's arguments carry the limits its crawl applied, so ingest and reindex apply the same to its files.
MAX_ELEMENTS_ARGUMENT = "extract_max_elements"  # the crawl's EXTRACT_MAX_ELEMENTS (extract.limits)
MAX_SIZE_ARGUMENT = "download_maxsize"  # the crawl's DOWNLOAD_MAXSIZE: no reader decodes a payload further


@dataclass(frozen=True, slots=True)
class RunStart:
    """A crawl run as it began: written at the start of each of its WARC files."""

    run_id: str
    started_at: datetime
    host: str
    pid: int
    arguments: dict[str, Any]
    outlets: list[OutletEntry]
    crawl_id: str | None = None  # shared by the processes of one distributed crawl (one Redis frontier)

    def limit(self, argument: str) -> int | None:
        """A limit the crawl applied (``MAX_ELEMENTS_ARGUMENT``, ``MAX_SIZE_ARGUMENT``; 0: none), or ``None`` when
        its record does not say (an older crawl) or says something that is no count of bytes or elements."""
        value = self.arguments.get(argument)
        return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


@dataclass(frozen=True, slots=True)
class RunEnd:
    """How a crawl run ended: written in its last WARC file."""

    run_id: str
    finished_at: datetime
    finish_reason: str | None
    counts: dict[str, Any]
    errors: dict[str, Any]
    outlets: dict[str, Any]
    warc_files: list[str]
    exit_status: int | None = None  # what `scrapy crawl` returned (crawler/exitcodes.py)


@dataclass(frozen=True, slots=True)
class CaptureContext:
    """Why a fetch was made, for the response or revisit record it describes (``record_id``)."""

    record_id: str
    outlet: str
    role: str
    listed: bool = False
    hints: dict[str, Any] = field(default_factory=dict)  # title / published a feed or news sitemap gave
    page_url: str | None = None  # a re-check: the archived page's identity, wherever it now redirects
    run_id: str | None = None
    not_modified: dict[str, Any] | None = None  # a 304's "status" line and "headers", not in its revisit record

    @property
    def archived_as_page(self) -> bool:
        return self.role in ARCHIVED_ROLES


def capture_uri(record_id: str) -> str:
    """The ``WARC-Target-URI`` of the capture record describing the record ``record_id`` (``<urn:uuid:…>``)."""
    return CAPTURE_URI + record_id.strip("<>").removeprefix("urn:uuid:")


Context = RunStart | RunEnd | CaptureContext
_KINDS = {"run": RunStart, "run_end": RunEnd, "capture": CaptureContext}
_KIND_OF = {cls: kind for kind, cls in _KINDS.items()}
_TIMES = {"started_at", "finished_at"}
_OMITTED_WHEN_NONE = {"crawl_id", "exit_status"}


def to_json(context: Context) -> bytes:
    """The JSON body of a context's ``metadata`` record."""
    data = {MARK: VERSION, "kind": _KIND_OF[type(context)], **asdict(context)}
    for name in _OMITTED_WHEN_NONE & data.keys():
        if data[name] is None:
            del data[name]  # a single-process run's records read as they did before these fields
    return json.dumps(data, default=_jsonable, ensure_ascii=False).encode("utf-8")


class ContextError(ValueError):
    """A record marked as ours whose body does not hold what its kind needs (forged or damaged)."""


# The fields each kind must have, with their JSON types: a forged record fails here, not deep in the database.
_REQUIRED: dict[type, dict[str, type | tuple[type, ...]]] = {
    RunStart: {"run_id": str, "started_at": str, "host": str, "pid": int, "arguments": dict, "outlets": list},
    RunEnd: {"run_id": str, "finished_at": str, "counts": dict, "errors": dict, "outlets": dict, "warc_files": list,
             "exit_status": (int, type(None))},  # optional (older files have none), as RunStart's crawl_id
    CaptureContext: {"record_id": str, "outlet": str, "role": str, "hints": (dict, type(None))},
}


def from_json(body: bytes) -> Context | None:
    """The context a ``metadata`` record's body holds, or ``None`` when it is not one of ours.

    Raises :class:`ContextError` for a record marked as ours that cannot be
    one: the reader skips that record alone.
    """
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict) or data.get(MARK) != VERSION or data.get("kind") not in _KINDS:
        return None
    kind = _KINDS[data.pop("kind")]
    data.pop(MARK)
    if data.keys() - {f.name for f in fields(kind)}:
        return None  # fields of a newer format this version does not know
    _check_fields(kind, data)
    try:
        for name in _TIMES & data.keys():
            data[name] = datetime.fromisoformat(data[name])
        if kind is RunStart:
            data["outlets"] = [OutletEntry(**entry) for entry in data["outlets"]]
        if kind is CaptureContext and isinstance((data.get("hints") or {}).get("published"), str):
            data["hints"]["published"] = datetime.fromisoformat(data["hints"]["published"])
        return kind(**data)
    except (TypeError, ValueError) as error:
        raise ContextError(f"{_KIND_OF[kind]} record: {error}") from None


def _check_fields(kind: type, data: dict[str, Any]) -> None:
    for name, expected in _REQUIRED[kind].items():
        if name not in data and name in ("hints", "exit_status"):
            continue
        if name not in data:
            raise ContextError(f"{_KIND_OF[kind]} record without {name!r}")
        if not isinstance(data[name], expected) or isinstance(data[name], bool) and expected is int:
            raise ContextError(f"{_KIND_OF[kind]} record: {name!r} is not a {getattr(expected, '__name__', 'value')}")
    if kind is RunStart and not all(isinstance(entry, dict) for entry in data["outlets"]):
        raise ContextError("run record: 'outlets' must list tables")
    if kind is RunStart and not isinstance(data.get("crawl_id", ""), str | None):
        raise ContextError("run record: 'crawl_id' is not a str")


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"not JSON: {type(value).__name__}")
