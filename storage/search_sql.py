"""The SQL behind :meth:`Archive.search`: FTS5 on SQLite, tsvector on PostgreSQL.

Both return the same columns, best match first (title matches weigh more than
body matches), newest first among equals, with a snippet whose matches are
wrapped in ``**``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, column, exists, func, literal_column, select, table
from sqlalchemy.orm import aliased

from storage.models import Capture, Outlet, Page, Version
from storage.search import parse, to_fts5, to_websearch
from storage.times import utc
from storage.views import SearchHit

MARK = "**"
ELLIPSIS = "…"
SNIPPET_TOKENS = 24
TITLE_WEIGHT = 5.0

_fts = table("versions_fts", column("rowid"))
_fts_self = literal_column("versions_fts")


def statement(
    backend: str,
    query: str,
    outlet: str | None,
    since: datetime | None,
    until: datetime | None,
    limit: int,
    as_of: datetime | None,
) -> Select[Any]:
    parsed = parse(query)
    if backend == "sqlite":
        base = _sqlite(to_fts5(parsed))
    elif backend == "postgresql":
        return _postgres(to_websearch(parsed), outlet, since, until, limit, as_of)
    else:
        raise NotImplementedError(f"full-text search is not available on {backend}")
    return _filters(base, outlet, since, until, as_of).order_by(literal_column("rank").desc(), Version.first_seen.desc()).limit(limit)


def hit(row: Any) -> SearchHit:
    return SearchHit(
        url=row.url,
        outlet=row.outlet,
        version=row.seq,
        first_seen=row.first_seen,
        last_seen=row.last_seen,
        title=row.title,
        snippet=row.snippet or "",
        rank=float(row.rank),
        published=row.published,
        language=row.language,
        warc_file=row.warc_file,
        warc_offset=row.warc_offset,
    )


def _columns() -> list[Any]:
    return [
        Page.url.label("url"),
        Outlet.name.label("outlet"),
        Version.seq,
        Version.first_seen,
        Version.last_seen,
        Version.title,
        Version.published,
        Version.language,
        Capture.warc_file,
        Capture.warc_offset,
    ]


def _joined(query: Select[Any]) -> Select[Any]:
    return (
        query.join(Page, Page.id == Version.page_id)
        .join(Outlet, Outlet.id == Version.outlet_id)
        .join(Capture, Capture.id == Version.capture_id)
    )


def _filters(
    query: Select[Any], outlet: str | None, since: datetime | None, until: datetime | None, as_of: datetime | None
) -> Select[Any]:
    if outlet is not None:
        query = query.where(Outlet.name == outlet)
    if since is not None:
        query = query.where(Version.first_seen >= utc(since))
    if until is not None:
        query = query.where(Version.first_seen <= utc(until))
    if as_of is not None:
        newer = aliased(Version)
        query = query.where(Version.first_seen <= utc(as_of)).where(
            ~exists().where(
                and_(newer.page_id == Version.page_id, newer.seq > Version.seq, newer.first_seen <= utc(as_of))
            )
        )
    return query


def _sqlite(match: str) -> Select[Any]:
    # bm25() is lower-is-better: negate it so rank is higher-is-better on both backends.
    rank = (-func.bm25(_fts_self, TITLE_WEIGHT, 1.0)).label("rank")
    snippet = func.snippet(_fts_self, 1, MARK, MARK, ELLIPSIS, SNIPPET_TOKENS).label("snippet")
    query = select(*_columns(), rank, snippet).select_from(_fts).join(Version, Version.id == _fts.c.rowid)
    return _joined(query).where(_fts_self.op("MATCH")(match))


def _postgres(
    websearch: str,
    outlet: str | None,
    since: datetime | None,
    until: datetime | None,
    limit: int,
    as_of: datetime | None,
) -> Select[Any]:
    tsquery = func.websearch_to_tsquery(literal_column("'simple'::regconfig"), websearch)
    search = literal_column("versions.search")
    rank = func.ts_rank_cd(search, tsquery).label("rank")
    inner = _joined(select(*_columns(), Version.text, rank).select_from(Version)).where(search.op("@@")(tsquery))
    inner = _filters(inner, outlet, since, until, as_of)
    best = inner.order_by(literal_column("rank").desc(), Version.first_seen.desc()).limit(limit).subquery()
    # ts_headline is costly: run it on the page of results only.
    options = f"StartSel={MARK}, StopSel={MARK}, MaxWords=35, MinWords=15, MaxFragments=2, FragmentDelimiter=\" {ELLIPSIS} \""
    headline = func.ts_headline(literal_column("'simple'::regconfig"), best.c.text, tsquery, options).label("snippet")
    kept = [c for c in best.c if c.key != "text"]
    return select(*kept, headline).order_by(best.c.rank.desc(), best.c.first_seen.desc())
