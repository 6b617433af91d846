"""An article that moved to a new address of its outlet: its history goes on there.

A CMS that renames an article's slug answers the old URL with a redirect to the
new one, whose page names itself as canonical, and often nothing else links the
new URL. A re-check of the old page then ends on an article of the same outlet
at another address. That fetch is not a removal: the capture belongs to the page
at the new address (its version 1 there, or its next one), the old page gets a
version in the state ``moved`` naming it, and ``pages.moved_to_id`` links the
two. The old page is re-checked no more; the new one is, on its own schedule.

The decision reads only the capture and its extracted article, the page's own
fetched URLs and the outlet's seed entry (which the WARC run records hold), so
``reindex`` makes the same move from the WARCs. A redirect to a non-article (the
home page, a section page, another outlet) stays a ``redirected`` state
(:mod:`storage.versions.removals`).
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urljoin, urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from extract.article import Article
from extract.urls import canonicalize_url
from storage.db.fastpath import insert_object
from storage.db.models import Capture, Outlet, Page, Version
from storage.outlets.seeds import OutletSeed
from storage.versions import recheck
from storage.versions.captures import CaptureInput
from storage.versions.removals import MOVED, Removal, claims, is_home, same_page
from storage.warc.context import OutletEntry

logger = logging.getLogger(__name__)


def ended_elsewhere(page_url: str, capture: CaptureInput, article: Article | None) -> bool:
    """Whether this capture of the page at ``page_url`` is an article fetched at another address."""
    if capture.status != 200 or article is None or article.is_empty:
        return False
    # the page itself, or a variant naming it as canonical (AMP, mobile): no move
    return not same_page(capture.fetched_url, {page_url}) and not claims(article, page_url)


def target_of(session: Session, page: Page, fetched_url: str, article: Article, text_urls: set[str]) -> str | None:
    """The URL of the article ``page`` moved to, fetched from ``fetched_url``; None when it is not one.

    ``text_urls`` are the URLs the page's article texts were fetched as: a page
    without text was no article to move, and one of those URLs is the page itself.
    """
    if not text_urls or same_page(fetched_url, text_urls):
        return None
    seed = _seed(session, page)
    target = canonicalize_url(_identity(article, fetched_url, seed))
    if is_home(target) or same_page(target, {page.url}) or not seed.links_to_article(target):
        return None
    return target


def record(session: Session, old: Page, new: Page, capture: Capture, latest: Version | None,
           last_text: Version | None, fetched_at: Any, extractor_version: str | None) -> None:
    """Note on ``old`` (latest version ``latest``) that its article now lives at ``new``, seen by ``capture``."""
    if latest is not None and latest.state == MOVED and (latest.change_summary or {}).get("target") == new.url:
        latest.last_seen = max(latest.last_seen, fetched_at)  # a later fetch through the same move
        return
    move = Removal(MOVED, {"target": new.url})
    summary = {**move.detail, "state": MOVED, "last_text_version": None if last_text is None else last_text.seq}
    insert_object(session, Version(
        page_id=old.id, outlet_id=old.outlet_id, seq=(latest.seq if latest is not None else 0) + 1, title=None,
        text="", authors=[], published=None, modified=None, language=None, sitename=None, description=None,
        tags=[], text_hash=move.state_hash(), first_seen=fetched_at, last_seen=fetched_at, capture_id=capture.id,
        extractor_version=extractor_version, change_summary=summary, state=MOVED, chars_added=0, chars_removed=0,
    ))
    old.state = MOVED
    old.moved_to_id = new.id
    recheck.retire(session, old.id)  # the new page's schedule re-checks the article from now on
    logger.info("%s moved to %s", old.url, new.url)


def moved_from(session: Session, page_ids: list[int] | None = None) -> dict[str, list[str]]:
    """The URLs of the pages whose articles moved to each page (of ``page_ids``, else every page), by its URL."""
    target = aliased(Page)
    query = select(target.url, Page.url).join(target, target.id == Page.moved_to_id).order_by(Page.url)
    if page_ids is not None:
        query = query.where(Page.moved_to_id.in_(page_ids))
    found: dict[str, list[str]] = {}
    for to_url, from_url in session.execute(query):
        found.setdefault(to_url, []).append(from_url)
    return found


def _identity(article: Article, fetched_url: str, seed: OutletSeed) -> str:
    """What the fetched page names as its own URL when its outlet owns it, as extract.page.judge_page decides."""
    declared = urljoin(fetched_url, article.canonical_url) if article.canonical_url else None
    return declared if declared and seed.owns(declared) else fetched_url


def _seed(session: Session, page: Page) -> OutletSeed:
    """The outlet's seed entry as crawled (its domains and article pattern); without one, its domains alone
    (the page's own host when none are known)."""
    name, domains, seed = session.execute(
        select(Outlet.name, Outlet.domains, Outlet.seed).where(Outlet.id == page.outlet_id)).one()
    entry = OutletEntry(**seed) if seed else OutletEntry(name, list(domains or []) or [urlsplit(page.url).hostname or ""])
    return OutletSeed.stored(entry)
