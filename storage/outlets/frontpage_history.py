"""Front pages read back: a front page as of a time, an article's life on them, and every headline it carried.

Reads the rows :mod:`storage.outlets.frontpages` writes. A capture's links are
the runs that cover its number (``first_seq <= seq <= last_seq``), so "the
front page at T" is its latest capture at or before T and those runs.

Headlines are compared per timeline (each front page, and the article's own
versions: a home page and a section front may word one article differently): consecutive identical headlines collapse into one stretch, and
wording A → B → A with the return within :data:`ALTERNATION_WINDOW` of A's
last showing marks A and B as a likely A/B test; a headline followed by
another that never gives way back is a change.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.db.errors import NoSuchCapture, NoSuchPage
from storage.db.models import Capture, FrontPage, FrontPageCapture, FrontPageLink, FrontPageRun, Outlet, Page, Version
from storage.db.results import Result
from storage.db.times import iso, utc
from storage.outlets.names import require_outlet
from storage.versions.lookup import find_page, url_variants

ALTERNATION_WINDOW = timedelta(hours=12)
SOURCES = ("front_page", "article")


# -- results -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FrontPageEntry(Result):
    """One article as a front-page capture showed it."""

    rank: int
    url: str
    headline: str
    section: str
    lead: bool


@dataclass(frozen=True, slots=True)
class FrontPageView(Result):
    """A front page as one capture showed it: its ranked article links."""

    outlet: str
    page: str
    captured_at: datetime
    capture: int  # the capture's number on this front page (1, 2, …)
    captures: int  # how many captures the front page has
    warc_file: str
    warc_offset: int
    entries: list[FrontPageEntry]

    def rows(self) -> list[dict[str, Any]]:
        """One JSON object per ranked link, each saying which capture it is of (``frontpage --json``)."""
        where = {"outlet": self.outlet, "page": self.page, "captured_at": iso(self.captured_at)}
        return [{**where, **entry.to_json()} for entry in self.entries]


@dataclass(frozen=True, slots=True)
class Sighting(Result):
    """The article on one capture of a front page."""

    captured_at: datetime
    rank: int
    headline: str
    section: str
    lead: bool


@dataclass(frozen=True, slots=True)
class Prominence(Result):
    """An article's life on one front page."""

    url: str
    outlet: str
    page: str
    entered: datetime
    left: datetime | None  # the first capture without it after its last showing; None: still there
    best_rank: int
    worst_rank: int
    captures: int  # captures that showed it
    sightings: list[Sighting]


@dataclass(frozen=True, slots=True)
class Headline(Result):
    """One wording an article carried, where and when.

    ``status``: ``ab-test`` (it alternated with ``alternates_with`` between
    captures close together), ``replaced`` (a later wording took its place for
    good) or ``current`` (the last seen there).
    """

    url: str
    headline: str
    source: str  # "front_page" or "article" (a version's title; og:title when the page had one)
    first_seen: datetime
    last_seen: datetime
    seen: int  # captures (front page) or versions (article) that carried it
    page: str | None  # the front page that showed it (None for the article's own title)
    status: str
    alternates_with: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class FrontPageRow(Result):
    """One article on one front-page capture: a row of ``export --frontpages``."""

    outlet: str
    page: str
    captured_at: datetime
    capture: int
    rank: int
    url: str
    headline: str
    section: str
    lead: bool
    warc_file: str
    warc_offset: int


# -- a front page as of a time -------------------------------------------------


def front_page_at(session: Session, outlet: str, page_url: str | None, at: datetime | None) -> FrontPageView:
    """The outlet's front page (``page_url``, default its home) as its last capture at or before ``at`` showed it."""
    outlet_id = require_outlet(session, outlet)
    page = _pick_front_page(session, outlet, outlet_id, page_url)
    query = select(FrontPageCapture).where(FrontPageCapture.frontpage_id == page.id)
    if at is not None:
        query = query.where(FrontPageCapture.fetched_at <= utc(at))
    capture = session.scalar(query.order_by(FrontPageCapture.fetched_at.desc(), FrontPageCapture.seq.desc()).limit(1))
    if capture is None:
        first = session.scalar(select(func.min(FrontPageCapture.fetched_at))
                               .where(FrontPageCapture.frontpage_id == page.id))
        raise NoSuchCapture(f"no capture of {page.url} at or before {iso(at)} (first captured {iso(first)})")
    total = session.scalar(select(func.count()).where(FrontPageCapture.frontpage_id == page.id))
    return FrontPageView(outlet, page.url, capture.fetched_at, capture.seq, total, capture.warc_file,
                         capture.warc_offset, _entries(session, page.id, capture.seq))


def front_page_times(session: Session, outlet: str, page_url: str | None) -> tuple[str, list[datetime]]:
    """The front page chosen as :func:`front_page_at` chooses it, and when each of its captures was made."""
    page = _pick_front_page(session, outlet, require_outlet(session, outlet), page_url)
    times = session.scalars(select(FrontPageCapture.fetched_at).where(FrontPageCapture.frontpage_id == page.id)
                            .order_by(FrontPageCapture.fetched_at))
    return page.url, list(times)


def front_page_urls(session: Session, outlet: str) -> list[str]:
    """The URLs of the outlet's recorded front pages."""
    query = select(FrontPage.url).where(FrontPage.outlet_id == require_outlet(session, outlet)).order_by(FrontPage.url)
    return list(session.scalars(query))


def _entries(session: Session, frontpage_id: int, seq: int) -> list[FrontPageEntry]:
    return [FrontPageEntry(run.rank, link.url, link.headline, link.section, run.lead)
            for run, link in _runs_between(session, frontpage_id, seq, seq)]


def _runs_between(session: Session, frontpage_id: int, first_seq: int,
                  last_seq: int) -> list[tuple[FrontPageRun, FrontPageLink]]:
    """The runs (with their links) that cover any capture from ``first_seq`` to ``last_seq``, by rank."""
    query = (select(FrontPageRun, FrontPageLink).join(FrontPageLink, FrontPageLink.id == FrontPageRun.link_id)
             .where(FrontPageLink.frontpage_id == frontpage_id, FrontPageRun.last_seq >= first_seq,
                    FrontPageRun.first_seq <= last_seq)
             .order_by(FrontPageRun.rank))
    return session.execute(query).all()  # type: ignore[return-value]  # rows unpack as (run, link)


def _pick_front_page(session: Session, outlet: str, outlet_id: int, page_url: str | None) -> FrontPage:
    pages = list(session.scalars(select(FrontPage).where(FrontPage.outlet_id == outlet_id).order_by(FrontPage.url)))
    if not pages:
        raise NoSuchPage(f"no front page of {outlet} recorded yet (its start pages are recorded by each crawl)")
    by_url = {page.url: page for page in pages}
    wanted = url_variants(page_url) if page_url else _home_candidates(session, outlet_id)
    for variant in wanted:
        if variant in by_url:
            return by_url[variant]
    if page_url:
        raise NoSuchPage(f"no front page {page_url} of {outlet} (its front pages: {', '.join(by_url)})")
    return min(pages, key=lambda page: (len(page.url), page.url))


def _home_candidates(session: Session, outlet_id: int) -> list[str]:
    """The outlet's first start URL as its seed entry lists it: its home page."""
    seed = session.scalar(select(Outlet.seed).where(Outlet.id == outlet_id)) or {}
    starts = seed.get("start_urls") or []
    return url_variants(starts[0]) if starts else []


def observations(session: Session, outlet: str | None = None, since: datetime | None = None,
                 until: datetime | None = None) -> Iterator[FrontPageRow]:
    """Every article on every front-page capture (fetched between ``since`` and ``until``), page by page."""
    pages = select(FrontPage.id, FrontPage.url, Outlet.name).join(Outlet, Outlet.id == FrontPage.outlet_id)
    if outlet is not None:
        pages = pages.where(FrontPage.outlet_id == require_outlet(session, outlet))
    for frontpage_id, page_url, outlet_name in session.execute(pages.order_by(Outlet.name, FrontPage.url)).all():
        captures = select(FrontPageCapture).where(FrontPageCapture.frontpage_id == frontpage_id)
        if since is not None:
            captures = captures.where(FrontPageCapture.fetched_at >= utc(since))
        if until is not None:
            captures = captures.where(FrontPageCapture.fetched_at <= utc(until))
        found = list(session.scalars(captures.order_by(FrontPageCapture.fetched_at, FrontPageCapture.seq)))
        if found:
            yield from _rows(session, outlet_name, page_url, frontpage_id, found)


def _rows(session: Session, outlet: str, page_url: str, frontpage_id: int,
          captures: list[FrontPageCapture]) -> Iterator[FrontPageRow]:
    seqs = [capture.seq for capture in captures]
    runs = _runs_between(session, frontpage_id, min(seqs), max(seqs))
    for capture in captures:
        for run, link in runs:
            if run.first_seq <= capture.seq <= run.last_seq:
                yield FrontPageRow(outlet, page_url, capture.fetched_at, capture.seq, run.rank, link.url,
                                   link.headline, link.section, run.lead, capture.warc_file, capture.warc_offset)


# -- an article's life on its outlet's front pages -----------------------------


def prominence(session: Session, url: str) -> list[Prominence]:
    """Where the article at ``url`` stood on each front page that showed it, first shown first."""
    urls = article_urls(session, url)
    found = [_prominence_on(session, page, links) for page, links in _links_by_page(session, urls).items()]
    return sorted(found, key=lambda item: (item.entered, item.page))


def _prominence_on(session: Session, page: tuple[int, str, str], links: dict[int, FrontPageLink]) -> Prominence:
    frontpage_id, page_url, outlet = page
    runs = list(session.scalars(select(FrontPageRun).where(FrontPageRun.link_id.in_(links))
                                .order_by(FrontPageRun.first_seq)))
    last = max(run.last_seq for run in runs)
    times = _capture_times(session, frontpage_id, runs[0].first_seq, last + 1)
    sightings = [Sighting(times[seq], run.rank, links[run.link_id].headline, links[run.link_id].section, run.lead)
                 for run in runs for seq in range(run.first_seq, run.last_seq + 1) if seq in times]
    sightings.sort(key=lambda s: s.captured_at)
    ranks = [run.rank for run in runs]
    return Prominence(links[runs[0].link_id].url, outlet, page_url, sightings[0].captured_at, times.get(last + 1),
                      min(ranks), max(ranks), len(sightings), sightings)


def _capture_times(session: Session, frontpage_id: int, first: int, last: int) -> dict[int, datetime]:
    query = select(FrontPageCapture.seq, FrontPageCapture.fetched_at).where(
        FrontPageCapture.frontpage_id == frontpage_id, FrontPageCapture.seq.between(first, last))
    return dict(session.execute(query).all())


def _links_by_page(session: Session, urls: list[str]) -> dict[tuple[int, str, str], dict[int, FrontPageLink]]:
    query = (select(FrontPageLink, FrontPage.url, Outlet.name)
             .join(FrontPage, FrontPage.id == FrontPageLink.frontpage_id)
             .join(Outlet, Outlet.id == FrontPage.outlet_id)
             .where(FrontPageLink.url.in_(urls)))
    grouped: dict[tuple[int, str, str], dict[int, FrontPageLink]] = {}
    for link, page_url, outlet in session.execute(query):
        grouped.setdefault((link.frontpage_id, page_url, outlet), {})[link.id] = link
    return grouped


def article_urls(session: Session, url: str) -> list[str]:
    """The URLs front pages may have linked the article at ``url`` as; raises :class:`NoSuchPage` for none.

    The archived page (found as forgivingly as :func:`storage.versions.lookup.find_page`)
    with every URL it was fetched as; else whatever variant of ``url`` a front page linked.
    """
    variants = url_variants(url)
    try:
        page = find_page(session, url)
    except NoSuchPage:
        linked = list(session.scalars(select(FrontPageLink.url).where(FrontPageLink.url.in_(variants)).distinct()))
        if not linked:
            raise
        return linked
    fetched = session.scalars(select(Capture.fetched_url).where(Capture.page_id == page.id).distinct())
    return list(dict.fromkeys([page.url, *fetched, *variants]))


# -- every headline an article carried -----------------------------------------


@dataclass(slots=True)
class _Stretch:
    """Consecutive showings of one wording on one timeline."""

    headline: str
    start: datetime
    end: datetime
    seen: int


def headlines(session: Session, url: str, window: timedelta = ALTERNATION_WINDOW) -> list[Headline]:
    """Every headline of the article at ``url``: on front pages and as its versions' title, first seen first."""
    urls = article_urls(session, url)
    canonical = _canonical(session, urls)
    found: list[Headline] = []
    for (frontpage_id, page_url, _), links in _links_by_page(session, urls).items():
        found += _front_page_headlines(session, canonical, frontpage_id, page_url, links, window)
    found += _article_headlines(session, canonical, urls, window)
    return sorted(found, key=lambda h: (h.first_seen, SOURCES.index(h.source), h.page or "", h.headline))


def _canonical(session: Session, urls: list[str]) -> str:
    page = session.scalar(select(Page.url).where(Page.url.in_(urls)).limit(1))
    return page or urls[0]


def _front_page_headlines(session: Session, url: str, frontpage_id: int, page_url: str,
                          links: dict[int, FrontPageLink], window: timedelta) -> list[Headline]:
    runs = list(session.scalars(select(FrontPageRun).where(FrontPageRun.link_id.in_(links))
                                .order_by(FrontPageRun.first_seq)))
    times = _capture_times(session, frontpage_id, runs[0].first_seq, max(run.last_seq for run in runs))
    timeline = [(links[run.link_id].headline, times[run.first_seq], times[run.last_seq],
                 run.last_seq - run.first_seq + 1) for run in runs]
    return _judge(url, "front_page", page_url, _stretches(timeline), window)


def _article_headlines(session: Session, url: str, urls: list[str], window: timedelta) -> list[Headline]:
    query = (select(Version.title, Version.first_seen, Version.last_seen).join(Page, Page.id == Version.page_id)
             .where(Page.url.in_(urls), Version.title.is_not(None), Version.state == "ok").order_by(Version.seq))
    timeline = [(title, first, last, 1) for title, first, last in session.execute(query)]
    return _judge(url, "article", None, _stretches(timeline), window)


def _stretches(timeline: list[tuple[str, datetime, datetime, int]]) -> list[_Stretch]:
    stretches: list[_Stretch] = []
    for headline, start, end, seen in timeline:
        if stretches and stretches[-1].headline == headline:
            stretches[-1].end, stretches[-1].seen = max(stretches[-1].end, end), stretches[-1].seen + seen
        else:
            stretches.append(_Stretch(headline, start, end, seen))
    return stretches


def alternations(stretches: list[_Stretch], window: timedelta) -> dict[str, set[str]]:
    """Wordings that went A → B → A with A back within ``window`` of its last showing: each with its partners."""
    partners: dict[str, set[str]] = {}
    for before, between, after in zip(stretches, stretches[1:], stretches[2:]):
        if before.headline == after.headline and after.start - before.end <= window:
            partners.setdefault(before.headline, set()).add(between.headline)
            partners.setdefault(between.headline, set()).add(before.headline)
    return partners


def _judge(url: str, source: str, page: str | None, stretches: list[_Stretch], window: timedelta) -> list[Headline]:
    partners = alternations(stretches, window)
    last = stretches[-1].headline if stretches else None
    found: dict[str, Headline] = {}
    for stretch in stretches:
        known = found.get(stretch.headline)
        first = stretch.start if known is None else known.first_seen
        seen = stretch.seen + (0 if known is None else known.seen)
        status = "ab-test" if stretch.headline in partners else "current" if stretch.headline == last else "replaced"
        found[stretch.headline] = Headline(url, stretch.headline, source, first, stretch.end, seen, page,
                                           status, sorted(partners.get(stretch.headline, ())))
    return list(found.values())
