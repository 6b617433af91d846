"""Re-extract archived versions from their WARC records with the current extractor.

``newsarchive reextract [--outlet NAME]`` reads, for every version, the WARC
record of the capture it came from (``warc_file`` at ``warc_offset``) and runs
the current extractor on it, then strips the outlet's saved boilerplate model
(applied only: re-extraction teaches the model nothing). The rule:

* **Same text** (title and text hash equal to the stored ones): the row keeps
  its text and ``extractor_version``; only its language is brought up to date
  (detected from the text, the page's declaration beside it) when the current
  extractor says otherwise — counted as ``languages_updated``.
* **Different text**: the record's bytes are the ones the version was made
  from, so the difference is the extractor's alone. The version row is updated
  in place (title, text, metadata, ``text_hash``, ``extractor_version``) and its
  ``change_summary`` keeps ``"reextracted": {"from", "previous_hash", "at"}``.
  Version numbers and times never change.
  Its fingerprint, band keys and story place are rebuilt from the new text
  (:func:`storage.stories.matcher.reindex_rewritten`), as for a new version.
* **Re-classified versions**: then every later version is compared with its
  predecessor. One whose text is now the same as the version before it only
  ever existed because an older extractor let something through (an ad line
  that differed on every fetch, say): it is marked ``state = "extractor-change"``
  with ``change_summary["cause"] = "extractor"`` and is not an article change
  (``Archive.stats`` does not count it), and it leaves its story. Any other later version gets
  ``cause = "article"`` and its paragraph counts recomputed against the new text.

Title and publication date come from the page; when a re-extraction finds
none, the stored ones (which may have come from a feed) are kept.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from extract import EXTRACTOR_VERSION, extract_page
from extract.article import Article
from extract.boilerplate import OutletBoilerplate
from storage.db.models import Capture, Outlet, Version
from storage.db.times import iso, now
from storage.outlets.clutter_models import load_models
from storage.outlets.names import require_outlet
from storage.stories import matcher
from storage.versions.normalize import text_hash
from storage.versions.removals import REMOVAL_STATES
from storage.versions.rules import change_summary
from storage.warc.errors import WarcUnreadable
from storage.warc.payload import read_payload

logger = logging.getLogger(__name__)

EXTRACTOR_CHANGE = "extractor-change"
PAGE_BATCH = 200


@dataclass(slots=True)
class ReextractSummary:
    """What a re-extraction run did."""

    pages: int = 0
    reextracted: int = 0  # versions whose WARC record was read and extracted again
    changed_by_extractor: int = 0  # version rows whose text the current extractor changed (updated in place)
    extractor_only_versions: int = 0  # versions newly marked: they differ from their predecessor only by extraction
    unchanged: int = 0
    languages_updated: int = 0  # unchanged texts whose detected or declared language the extractor now reads otherwise
    rematched: int = 0  # versions fingerprinted and matched to stories again (their text or state changed)
    unreadable: int = 0
    errors: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "pages": self.pages,
            "reextracted": self.reextracted,
            "languages_updated": self.languages_updated,
            "changed_by_extractor": self.changed_by_extractor,
            "extractor_only_versions": self.extractor_only_versions,
            "unchanged": self.unchanged,
            "rematched": self.rematched,
            "unreadable": self.unreadable,
            "extractor_version": EXTRACTOR_VERSION,
        }


@dataclass(slots=True)
class _Fresh:
    """One version's re-extraction, or ``None`` when its record could not be read."""

    version_id: int
    article: Article | None


def reextract(archive: Any, outlet: str | None = None) -> ReextractSummary:
    """Re-extract every version (of one outlet, or all) of ``archive``, a :class:`storage.archive.Archive`."""
    summary = ReextractSummary()
    models = archive.read(lambda session: _models(session, outlet))
    page_ids = archive.read(lambda session: _page_ids(session, outlet))
    for start in range(0, len(page_ids), PAGE_BATCH):
        batch = page_ids[start : start + PAGE_BATCH]
        rows = archive.read(lambda session: _versions(session, batch))
        fresh = {page_id: [_fresh(archive, row, models, summary) for row in versions] for page_id, versions in rows.items()}
        archive.write(lambda session: _apply(session, fresh, summary))
    summary.pages = len(page_ids)
    return summary


def _models(session: Session, outlet: str | None) -> dict[str, OutletBoilerplate]:
    if outlet is not None:
        require_outlet(session, outlet)
    return load_models(session, None if outlet is None else [outlet])


def _page_ids(session: Session, outlet: str | None) -> list[int]:
    query = select(Version.page_id).distinct().order_by(Version.page_id)
    if outlet is not None:
        query = query.join(Outlet, Outlet.id == Version.outlet_id).where(Outlet.name == outlet)
    return list(session.scalars(query))


def _versions(session: Session, page_ids: list[int]) -> dict[int, list[tuple[Any, ...]]]:
    query = (
        select(Version.id, Version.page_id, Outlet.name, Capture.fetched_url, Capture.warc_file, Capture.warc_offset)
        .join(Capture, Capture.id == Version.capture_id)
        .join(Outlet, Outlet.id == Version.outlet_id)
        .where(Version.page_id.in_(page_ids), Version.state.not_in(REMOVAL_STATES))  # no text to re-extract
        .order_by(Version.page_id, Version.seq)
    )
    grouped: dict[int, list[tuple[Any, ...]]] = {}
    for row in session.execute(query):
        grouped.setdefault(row.page_id, []).append(tuple(row))
    return grouped


def _fresh(archive: Any, row: tuple[Any, ...], models: dict[str, OutletBoilerplate], summary: ReextractSummary) -> _Fresh:
    version_id, _, outlet, url, warc_file, offset = row
    try:
        payload = read_payload(archive.warc_path(warc_file), offset)
    except WarcUnreadable as error:
        summary.unreadable += 1
        summary.errors.append(str(error))
        return _Fresh(version_id, None)
    summary.reextracted += 1
    page = extract_page(payload, url)
    model = models.get(outlet)
    article = model.apply(page.article, page.raw_text, url, learn=False) if model else page.article
    return _Fresh(version_id, article)


def _apply(session: Session, fresh: dict[int, list[_Fresh]], summary: ReextractSummary) -> None:
    matcher.lock_stories(session)  # before the version rows it updates, in the order every writer takes them
    for entries in fresh.values():
        previous: Version | None = None
        previous_changed = False
        touched: list[Version] = []  # text or state changed: their story places were found with the old text
        for entry in entries:
            version = session.get(Version, entry.version_id)
            state = version.state
            changed = entry.article is not None and not entry.article.is_empty and _update(version, entry.article)
            if changed:
                summary.changed_by_extractor += 1
            elif entry.article is not None:
                summary.unchanged += 1
                summary.languages_updated += _update_language(version, entry.article)
            if previous is not None and (changed or previous_changed):
                summary.extractor_only_versions += _classify(version, previous)
            if changed or version.state != state:
                touched.append(version)
            previous, previous_changed = version, changed
        for version in touched:  # once the page's states are settled: an extractor change joins no story
            summary.rematched += 1
            matcher.reindex_rewritten(session, version)


def _update(version: Version, article: Article) -> bool:
    """Put the re-extraction into ``version``; False (and nothing written) when the text is the same."""
    title = article.title or version.title
    digest = text_hash(title, article.text)
    if digest == version.text_hash:
        return False
    note = {"from": version.extractor_version, "previous_hash": version.text_hash, "at": iso(now())}
    version.title, version.text, version.text_hash = title, article.text, digest
    version.authors, version.tags = list(article.authors), list(article.tags)
    version.published = article.published or version.published
    version.modified = article.modified
    version.language, version.sitename, version.description = article.language, article.sitename, article.description
    version.declared_language = article.declared_language
    version.extractor_version = EXTRACTOR_VERSION
    version.change_summary = {**(version.change_summary or {}), "reextracted": note}
    return True


def _update_language(version: Version, article: Article) -> int:
    """The language fields of a version whose text is unchanged, as the current extractor reads them; 1 if changed."""
    found = (article.language, article.declared_language)
    if article.is_empty or found == (version.language, version.declared_language):
        return 0
    version.language, version.declared_language = found
    return 1


def _classify(version: Version, previous: Version) -> int:
    """Mark ``version`` as an extractor change when it now equals ``previous``; 1 if newly marked."""
    summary = dict(version.change_summary or {})
    if version.text_hash == previous.text_hash:
        newly = version.state != EXTRACTOR_CHANGE
        version.state = EXTRACTOR_CHANGE
        version.change_summary = {**summary, "cause": "extractor"}
        return int(newly)
    stored = Article(text=version.text, title=version.title)
    version.change_summary = {**summary, **change_summary(previous, stored), "cause": "article"}
    if version.state == EXTRACTOR_CHANGE:
        version.state = "ok"
    return 0
