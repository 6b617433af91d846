"""Front pages as records: each capture of a start page, and where every article stood on it.

A front page's captures are numbered 1, 2, … (``seq``) in the order they are
recorded. Each distinct (front page, article URL, headline, section) is one
``frontpage_links`` row; what a capture showed is stored as *runs*: a link
that keeps its rank and lead from one capture to the next extends its run's
``last_seq``, anything else (a new rank, a lost lead, a new headline or
section, which is a new link row) opens a new run. A front page that stood
still costs one capture row per fetch.

Called from :func:`storage.versions.recorder.record_batch`, the write path of
both the crawl and ``ingest``/``reindex``, with the WARC record's own date, so a
rebuild from the WARCs gives the same rows. A WARC record already recorded adds
nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from extract.frontpage import FrontPageLink as ShownLink
from storage.db.models import FrontPage, FrontPageCapture, FrontPageLink, FrontPageRun
from storage.db.times import utc
from storage.versions.captures import FrontPageInput

LinkKey = tuple[str, str, str]  # (url, headline, section)


def record(session: Session, capture: FrontPageInput, outlet_id: int) -> bool:
    """Add the front-page ``capture`` and its links' runs; False when its WARC record is already recorded."""
    known = select(FrontPageCapture.id).where(FrontPageCapture.warc_record_id == capture.warc.record_id)
    if session.scalar(known) is not None:
        return False
    page = _front_page(session, capture.url, outlet_id)
    previous = session.scalar(select(func.max(FrontPageCapture.seq)).where(FrontPageCapture.frontpage_id == page.id))
    seq = (previous or 0) + 1
    session.add(FrontPageCapture(
        frontpage_id=page.id, seq=seq, fetched_at=utc(capture.fetched_at), links=len(capture.links),
        warc_file=capture.warc.file, warc_offset=capture.warc.offset, warc_length=capture.warc.length,
        warc_record_id=capture.warc.record_id,
    ))
    open_runs = _runs_ending(session, page.id, previous) if previous else {}
    link_ids = _link_ids(session, page.id, capture.links)
    for link in capture.links:
        link_id = link_ids[_key(link)]
        run = open_runs.get(link_id)
        if run is not None and run.rank == link.rank and run.lead == link.lead:
            run.last_seq = seq
        else:
            session.add(FrontPageRun(link_id=link_id, rank=link.rank, lead=link.lead, first_seq=seq, last_seq=seq))
    session.flush()
    return True


def _front_page(session: Session, url: str, outlet_id: int) -> FrontPage:
    # FOR UPDATE serialises writers of one front page on PostgreSQL, so capture numbers cannot collide.
    page = session.scalar(select(FrontPage).where(FrontPage.url == url).with_for_update())
    if page is None:
        page = FrontPage(outlet_id=outlet_id, url=url)
        session.add(page)
        session.flush()
    return page


def _runs_ending(session: Session, frontpage_id: int, seq: int) -> dict[int, FrontPageRun]:
    """The runs that reached capture ``seq`` of the front page, by link."""
    query = (select(FrontPageRun).join(FrontPageLink, FrontPageLink.id == FrontPageRun.link_id)
             .where(FrontPageLink.frontpage_id == frontpage_id, FrontPageRun.last_seq == seq))
    return {run.link_id: run for run in session.scalars(query)}


def _link_ids(session: Session, frontpage_id: int, links: Sequence[ShownLink]) -> dict[LinkKey, int]:
    """The id of each link's row, created when the front page never showed it so."""
    wanted = {_key(link) for link in links}
    query = select(FrontPageLink).where(FrontPageLink.frontpage_id == frontpage_id,
                                        FrontPageLink.url.in_({url for url, _, _ in wanted}))
    found = {(row.url, row.headline, row.section): row for row in session.scalars(query)}
    added = [FrontPageLink(frontpage_id=frontpage_id, url=url, headline=headline, section=section)
             for url, headline, section in sorted(wanted - found.keys())]
    session.add_all(added)
    session.flush()
    found.update({(row.url, row.headline, row.section): row for row in added})
    return {key: row.id for key, row in found.items()}


def _key(link: ShownLink) -> LinkKey:
    return link.url, link.headline, link.section
