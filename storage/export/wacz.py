"""Package selected captures as a WACZ file (``newsarchive wacz``) for replay tools.

The package holds one new WARC (``archive/data.warc.gz``) with just the chosen
captures' records, the request records that go with them and the responses
their revisits stand for (so replay can serve them), copied from the archive's WARCs (gzip members byte for
byte; records of uncompressed WARCs recompressed by warcio; an older crawl's 304 revisit without the
block replay tools misread and its request records without ``Proxy-*`` headers, as ``newsarchive warcs
fix-replay`` writes them). With ``frontpages``, the front pages' fetches of
the time and outlet come along (their response and request records, listed
in the pages as "front page: URL"). Our capture records are not copied,
so the index lists HTTP captures only. Beside it: a
sorted CDXJ index made by cdxj-indexer (``indexes/index.cdx``), the article
pages with their titles (``pages/pages.jsonl``) and ``datapackage.json`` with
the size and SHA-256 of every file, as WACZ 1.1.1 asks.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import tempfile
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from cdxj_indexer.main import write_cdx_index
from sqlalchemy import select
from sqlalchemy.orm import Session
from warcio.archiveiterator import ArchiveIterator
from warcio.warcwriter import WARCWriter

from storage.archive import Archive
from storage.db.engine import make_engine
from storage.db.errors import ArchiveError
from storage.db.models import Capture, FrontPage, FrontPageCapture, Outlet, Page, Version
from storage.db.times import iso, utc
from storage.export.output import replacing
from storage.outlets.names import require_outlet
from storage.versions.fetch_runs import Fetch, every_fetch, last_fetched
from storage.warc.errors import WarcUnreadable
from storage.warc.replay_fix import fixed_bytes, located_records, needs_fix

logger = logging.getLogger(__name__)

WACZ_VERSION = "1.1.1"
WARC_NAME = "data.warc.gz"


@dataclass(frozen=True, slots=True)
class WaczSummary:
    path: Path
    captures: int
    records: int
    pages: int
    bytes: int
    frontpages: int = 0  # front-page captures among ``captures``


@dataclass(frozen=True, slots=True)
class _Selected:
    warc_file: str
    offset: int
    length: int
    record_id: str


@dataclass(frozen=True, slots=True)
class _Scanned:
    offset: int
    length: int
    record_id: str
    rec_type: str
    concurrent_to: tuple[str, ...]
    refers_to: str | None
    replay_form: bytes | None = None  # the record as replay tools read it right, when the file's is not (older crawls)


def write_wacz(
    archive: Archive,
    output: str | Path,
    *,
    outlet: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    frontpages: bool = False,
) -> WaczSummary:
    """Write the captures of ``outlet`` fetched between ``since`` and ``until`` to ``output`` (front pages too)."""
    captures, pages = _select(archive, outlet, since, until)
    fronts: list[_Selected] = []
    if frontpages:
        fronts, front_pages = _select_frontpages(archive, outlet, since, until)
        captures, pages = list(dict.fromkeys(captures + fronts)), pages + front_pages
    if not captures:
        raise ArchiveError("no captures match: check --outlet / --since / --until (newsarchive outlets lists them)")
    output = Path(output)
    with replacing(output) as partial, tempfile.TemporaryDirectory() as scratch:
        warc = Path(scratch) / WARC_NAME
        records = _write_warc(archive, captures, warc)
        index = Path(scratch) / "index.cdx"
        with index.open("w", encoding="utf-8") as out:
            write_cdx_index(out, [str(warc)], {"sort": True, "fields": "referrer"})
        _zip(partial, warc, index, _pages_jsonl(pages))
    return WaczSummary(output, len(captures), records, len(pages), output.stat().st_size, len(fronts))


def _select(
    archive: Archive, outlet: str | None, since: datetime | None, until: datetime | None
) -> tuple[list[_Selected], list[dict[str, str]]]:
    query = (
        select(Capture, Version.title)
        .join(Page, Page.id == Capture.page_id)
        .join(Outlet, Outlet.id == Page.outlet_id)
        .outerjoin(Version, Version.capture_id == Capture.id)
        .order_by(Capture.fetched_at, Capture.id)
    )
    # a run of unchanged re-checks is chosen when any of its fetches falls inside the window
    query = _within(query, archive, Page.outlet_id, Capture.fetched_at, outlet, None, until)
    if since is not None:
        query = query.where(last_fetched() >= utc(since))
    engine = make_engine(archive.url, create=False)
    captures: list[_Selected] = []
    pages: list[dict[str, str]] = []
    try:
        with Session(engine) as session:
            rows = session.execute(query).all()
            titles: dict[int, list[str]] = defaultdict(list)
            for capture, title in rows:
                if title is not None:
                    titles[capture.id].append(title)
            for fetch in every_fetch(session, list(dict.fromkeys(capture for capture, _ in rows))):
                if not _inside(fetch.fetched_at, since, until):
                    continue
                captures.append(_selected(fetch))
                if fetch.record_type == "revisit":
                    original = _revisited(session, fetch)
                    if original is not None:
                        captures.append(_selected(original))
                for title in titles[fetch.id] if fetch.fetch == 0 else ():
                    pages.append({"url": fetch.fetched_url, "ts": iso(utc(fetch.fetched_at)), "title": title})
    finally:
        engine.dispose()
    return list(dict.fromkeys(captures)), pages


def _inside(moment: datetime, since: datetime | None, until: datetime | None) -> bool:
    return (since is None or utc(moment) >= utc(since)) and (until is None or utc(moment) <= utc(until))


def _select_frontpages(
    archive: Archive, outlet: str | None, since: datetime | None, until: datetime | None
) -> tuple[list[_Selected], list[dict[str, str]]]:
    """The front pages' fetches, as :func:`_select` chooses captures, and their entries in the pages list."""
    query = (
        select(FrontPageCapture, FrontPage.url)
        .join(FrontPage, FrontPage.id == FrontPageCapture.frontpage_id)
        .order_by(FrontPageCapture.fetched_at, FrontPageCapture.id)
    )
    query = _within(query, archive, FrontPage.outlet_id, FrontPageCapture.fetched_at, outlet, since, until)
    rows = archive.read(lambda session: session.execute(query).all())
    captures = [_Selected(c.warc_file, c.warc_offset, c.warc_length, c.warc_record_id) for c, _ in rows]
    pages = [{"url": url, "ts": iso(utc(c.fetched_at)), "title": f"front page: {url}"} for c, url in rows]
    return captures, pages


def _within(query: Any, archive: Archive, outlet_column: Any, time_column: Any, outlet: str | None,
            since: datetime | None, until: datetime | None) -> Any:
    """``query`` narrowed to one outlet's rows and a time window (each bound optional)."""
    if outlet is not None:
        query = query.where(outlet_column == archive.read(lambda session: require_outlet(session, outlet)))
    if since is not None:
        query = query.where(time_column >= utc(since))
    if until is not None:
        query = query.where(time_column <= utc(until))
    return query


def _selected(capture: Capture | Fetch) -> _Selected:
    return _Selected(capture.warc_file, capture.warc_offset, capture.warc_length, capture.warc_record_id)


def _revisited(session: Session, revisit: Capture | Fetch) -> Capture | None:
    """The full capture a revisit stands for: same page and payload, fetched before it."""
    query = (
        select(Capture)
        .where(Capture.page_id == revisit.page_id, Capture.record_type == "response",
               Capture.payload_digest == revisit.payload_digest, Capture.fetched_at <= revisit.fetched_at)
        .order_by(Capture.fetched_at.desc())
        .limit(1)
    )
    return session.scalar(query)


def _write_warc(archive: Archive, captures: list[_Selected], target: Path) -> int:
    by_file: dict[str, set[str]] = defaultdict(set)
    for capture in captures:
        by_file[capture.warc_file].add(capture.record_id)
    writer_out = target.open("wb")
    written = 0
    with writer_out:
        writer = WARCWriter(writer_out, gzip=True, warc_version="1.1")
        info = {"software": f"newsarchive/{_version('newsarchive')} (warcio/{_version('warcio')})",
                "format": "WARC File Format 1.1", "description": "records selected by newsarchive wacz"}
        writer.write_record(writer.create_warcinfo_record(WARC_NAME, info))
        for warc_file in sorted(by_file):
            path = archive.warc_path(warc_file)
            wanted = _records_to_copy(path, by_file[warc_file])
            written += _copy_records(path, wanted, writer, writer_out)
    return written


def _records_to_copy(path: Path, chosen: set[str]) -> list[_Scanned]:
    """The chosen records of ``path``, the revisited responses and their request records, in file order."""
    scanned = _scan(path)
    by_id = {record.record_id: record for record in scanned}
    missing = chosen - by_id.keys()
    if missing:
        raise WarcUnreadable(f"{path}: {len(missing)} indexed records are not in the file; was it replaced? "
                             "run newsarchive reindex")
    wanted = set(chosen)
    wanted |= {by_id[r].refers_to for r in chosen if by_id[r].refers_to in by_id}  # type: ignore[misc]
    for record in scanned:
        if record.rec_type != "request":
            continue
        partners = set(record.concurrent_to) | {r for r in wanted if record.record_id in by_id[r].concurrent_to}
        if partners & wanted:
            wanted.add(record.record_id)
    return [record for record in scanned if record.record_id in wanted]


def _scan(path: Path) -> list[_Scanned]:
    found: list[_Scanned] = []
    try:
        with path.open("rb") as stream:
            for record, body, offset, length in located_records(stream):
                headers = record.rec_headers
                found.append(_Scanned(
                    offset,
                    length,
                    headers.get_header("WARC-Record-ID") or "",
                    record.rec_type,
                    tuple(v for k, v in headers.headers if k.lower() == "warc-concurrent-to"),
                    headers.get_header("WARC-Refers-To"),
                    fixed_bytes(record, body) if needs_fix(record, body) else None,
                ))
    except FileNotFoundError:
        raise WarcUnreadable(f"WARC file {path} is missing: restore it or pass the right --archive-dir") from None
    except Exception as error:  # warcio reports damage in many ways
        logger.warning("%s: stopped reading at a damaged record (%s)", path, error)
    return found


def _copy_records(path: Path, records: list[_Scanned], writer: WARCWriter, out: io.BufferedWriter) -> int:
    gzipped = path.name.endswith(".gz")
    with path.open("rb") as source:
        for record in records:
            source.seek(record.offset)
            if record.replay_form is not None:
                out.write(record.replay_form)
            elif gzipped:
                out.write(source.read(record.length))  # a whole gzip member: copy it as it is
            else:
                writer.write_record(next(iter(ArchiveIterator(source))))
    return len(records)


def _pages_jsonl(pages: list[dict[str, str]]) -> bytes:
    header = {"format": "json-pages-1.0", "id": "pages", "title": "Article pages"}
    lines = [header] + [{"id": f"p{n}", **page} for n, page in enumerate(pages, 1)]
    return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines).encode("utf-8")


def _zip(output: Path, warc: Path, index: Path, pages: bytes) -> None:
    resources = []
    with zipfile.ZipFile(output, "w") as package:
        # WARCs go in stored (not deflated), so replay tools can seek inside them.
        package.write(warc, f"archive/{WARC_NAME}", compress_type=zipfile.ZIP_STORED)
        resources.append(_resource(f"archive/{WARC_NAME}", warc))
        package.write(index, "indexes/index.cdx", compress_type=zipfile.ZIP_DEFLATED)
        resources.append(_resource("indexes/index.cdx", index))
        package.writestr("pages/pages.jsonl", pages, compress_type=zipfile.ZIP_DEFLATED)
        resources.append(_resource("pages/pages.jsonl", pages))
        datapackage = {
            "profile": "data-package",
            "resources": resources,
            "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "wacz_version": WACZ_VERSION,
            "software": f"newsarchive {_version('newsarchive')}",
            "title": "newsarchive selection",
        }
        body = json.dumps(datapackage, indent=2).encode("utf-8")
        package.writestr("datapackage.json", body, compress_type=zipfile.ZIP_DEFLATED)
        digest = {"path": "datapackage.json", "hash": "sha256:" + hashlib.sha256(body).hexdigest()}
        package.writestr("datapackage-digest.json", json.dumps(digest, indent=2), compress_type=zipfile.ZIP_DEFLATED)


def _resource(path: str, data: bytes | Path) -> dict[str, object]:
    hasher = hashlib.sha256()
    size = 0
    if isinstance(data, Path):
        with data.open("rb") as stream:
            while chunk := stream.read(1 << 20):
                hasher.update(chunk)
                size += len(chunk)
    else:
        hasher.update(data)
        size = len(data)
    return {"name": Path(path).name.lower(), "path": path, "hash": "sha256:" + hasher.hexdigest(), "bytes": size}


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "unknown"
