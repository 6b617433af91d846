"""The archive's write side: turn one capture (and its extraction) into rows.

A page gets a new version only when its normalised title or text differs from
its latest version; otherwise the latest version's ``last_seen`` moves and only
a capture row is added. A WARC record already indexed (same record id) adds
nothing, so crash recovery and ``reindex`` can replay WARCs freely.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from extract.article import Article
from storage import schedule, stories
from storage.models import Capture, Outlet, Page, Version
from storage.normalize import paragraphs, text_hash
from storage.records import CaptureInput, Outcome
from storage.times import now, utc

logger = logging.getLogger(__name__)


def record(
    session: Session,
    capture: CaptureInput,
    article: Article | None,
    extractor_version: str | None,
    unstripped_text: str | None = None,
) -> Outcome:
    """Add ``capture`` (and a version if its text is new) inside ``session``'s transaction.

    ``unstripped_text`` is the article's text before outlet boilerplate was
    stripped: a latest version that matches it is the same article, stored
    before the outlet's model learned those lines, so no version is added.
    """
    if _already_recorded(session, capture.warc.record_id):
        return Outcome.UNCHANGED
    fetched_at = utc(capture.fetched_at)
    outlet_id = outlet_id_for(session, capture.outlet)
    page = _page(session, capture.url, outlet_id, fetched_at)
    row = _capture_row(page.id, capture, fetched_at)
    session.add(row)
    session.flush()
    latest = _latest_version(session, page.id)
    if article is None or article.is_empty:
        if latest is not None and _is_revisit_of(session, capture, latest):
            _extend(latest, fetched_at)
            schedule.record_check(session, page, fetched_at, changed=False)
            return Outcome.UNCHANGED
        return Outcome.NOT_ARTICLE
    digest = text_hash(article.title, article.text)
    if latest is not None and latest.text_hash in (digest, _unstripped_hash(article, unstripped_text)):
        _extend(latest, fetched_at)
        schedule.record_check(session, page, fetched_at, changed=False)
        return Outcome.UNCHANGED
    version = _version_row(page, row, article, digest, latest, fetched_at, extractor_version)
    session.add(version)
    session.flush()
    stories.index_version(session, version)  # fingerprint and link copies in the same transaction
    schedule.record_check(session, page, fetched_at, changed=latest is not None)
    return Outcome.NEW if latest is None else Outcome.CHANGED


def _unstripped_hash(article: Article, unstripped_text: str | None) -> str | None:
    return None if unstripped_text is None else text_hash(article.title, unstripped_text)


def outlet_id_for(session: Session, name: str, domains: list[str] | None = None) -> int:
    """The id of outlet ``name``, created (with ``domains``) if it is new."""
    outlet = session.scalar(select(Outlet).where(Outlet.name == name))
    if outlet is None:
        outlet = Outlet(name=name, domains=list(domains or []), created_at=now())
        session.add(outlet)
        session.flush()
    elif domains is not None and sorted(domains) != sorted(outlet.domains):
        outlet.domains = list(domains)
    return outlet.id


def _already_recorded(session: Session, record_id: str) -> bool:
    return session.scalar(select(Capture.id).where(Capture.warc_record_id == record_id)) is not None


def _page(session: Session, url: str, outlet_id: int, fetched_at: Any) -> Page:
    # FOR UPDATE serialises concurrent writers of one page on PostgreSQL, so
    # version numbers cannot collide; SQLite's BEGIN IMMEDIATE already does.
    page = session.scalar(select(Page).where(Page.url == url).with_for_update())
    if page is None:
        page = Page(outlet_id=outlet_id, url=url, first_seen=fetched_at, last_seen=fetched_at)
        session.add(page)
        session.flush()
        return page
    page.first_seen = min(page.first_seen, fetched_at)
    page.last_seen = max(page.last_seen, fetched_at)
    return page


def _capture_row(page_id: int, capture: CaptureInput, fetched_at: Any) -> Capture:
    return Capture(
        page_id=page_id,
        fetched_url=capture.fetched_url,
        fetched_at=fetched_at,
        status=capture.status,
        record_type=capture.record_type,
        warc_file=capture.warc.file,
        warc_offset=capture.warc.offset,
        warc_length=capture.warc.length,
        warc_record_id=capture.warc.record_id,
        payload_digest=capture.payload_digest,
        content_type=capture.content_type,
        etag=capture.etag,
        last_modified=capture.last_modified,
    )


def _latest_version(session: Session, page_id: int) -> Version | None:
    query = select(Version).where(Version.page_id == page_id).order_by(Version.seq.desc()).limit(1)
    return session.scalar(query)


def _is_revisit_of(session: Session, capture: CaptureInput, latest: Version) -> bool:
    """A revisit record whose payload is the one the latest version came from."""
    if capture.record_type != "revisit":
        return False
    source_digest = session.scalar(select(Capture.payload_digest).where(Capture.id == latest.capture_id))
    return capture.payload_digest is None or capture.payload_digest == source_digest


def _extend(version: Version, fetched_at: Any) -> None:
    version.last_seen = max(version.last_seen, fetched_at)
    version.first_seen = min(version.first_seen, fetched_at)


def _version_row(
    page: Page,
    capture: Capture,
    article: Article,
    digest: str,
    previous: Version | None,
    fetched_at: Any,
    extractor_version: str | None,
) -> Version:
    return Version(
        page_id=page.id,
        outlet_id=page.outlet_id,
        seq=1 if previous is None else previous.seq + 1,
        title=article.title,
        text=article.text,
        authors=list(article.authors),
        published=article.published,
        modified=article.modified,
        language=article.language,
        sitename=article.sitename,
        description=article.description,
        tags=list(article.tags),
        text_hash=digest,
        first_seen=fetched_at,
        last_seen=fetched_at,
        capture_id=capture.id,
        extractor_version=extractor_version,
        change_summary=None if previous is None else change_summary(previous, article),
    )


def change_summary(previous: Version, article: Article) -> dict[str, Any]:
    """Paragraph counts added and removed, and whether the title changed."""
    before, after = paragraphs(previous.text), paragraphs(article.text)
    before_set, after_set = set(before), set(after)
    return {
        "title_changed": text_hash(previous.title, "") != text_hash(article.title, ""),
        "paragraphs_added": sum(1 for p in after if p not in before_set),
        "paragraphs_removed": sum(1 for p in before if p not in after_set),
        "chars_delta": len(article.text) - len(previous.text),
    }
