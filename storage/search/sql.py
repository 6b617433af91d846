"""The SQL behind :meth:`Archive.search`: FTS5 on SQLite, tsvector on PostgreSQL.

Both return the same columns, best match first (title matches weigh more than
body matches), newest first among equals, with a snippet whose matches are
wrapped in ``**``. By default a page appears once, as its latest matching
version; ``all_versions`` lists every matching version.
"""

from __future__ import annotations

import math
from datetime import datetime
from functools import reduce
from typing import Any

from sqlalchemy import Select, and_, column, exists, func, literal_column, select, table, text
from sqlalchemy.orm import Session, aliased

from storage.db.models import Capture, Outlet, Page, Version
from storage.db.times import utc
from storage.search.results import SearchHit
from storage.search.syntax import Query, parse, to_fts5

MARK = "**"
ELLIPSIS = "…"
SNIPPET_TOKENS = 24
TITLE_WEIGHT = 5.0
# On PostgreSQL, a query matching more versions than this is ranked among its
# newest RANK_CANDIDATES matches: ranking reads every ranked row's tsvector.
# At 1M versions (100 two-word searches, warm): median 44 ms with 1000, 32–35 ms with 500; ranking
# 1000 candidates was 28 of a 10,000-match query's 89 ms.
RANK_CANDIDATES = 500
# A step of the newest-first walk (reading one version's tsvector) against one match collected from the
# GIN index (reading its heap row): 11 µs against 1.5 µs at 1M versions.
WALK_STEP_COST = 7.0

_fts = table("versions_fts", column("rowid"))
_fts_self = literal_column("versions_fts")
_SIMPLE = literal_column("'simple'::regconfig")  # no stemming: outlets write in many languages


def run(
    session: Session,
    backend: str,
    query: str,
    outlet: str | None,
    since: datetime | None,
    until: datetime | None,
    limit: int,
    as_of: datetime | None,
    all_versions: bool = False,
    language: str | None = None,
) -> list[SearchHit]:
    """The hits of ``query`` on ``backend``, best first (see :meth:`storage.Archive.search`)."""
    parsed = parse(query)
    if backend == "sqlite":
        match = to_fts5(parsed)
        rows = session.execute(_sqlite(match, outlet, since, until, limit, as_of, all_versions, language)).all()
        snippets = _sqlite_snippets(session, match, [row.id for row in rows])
        return [hit(row, snippets.get(row.id, "")) for row in rows]
    if backend == "postgresql":
        statement = _postgres(session, parsed, outlet, since, until, limit, as_of, all_versions, language)
        rows = session.execute(statement).all()
        return [hit(row, row.snippet) for row in rows]
    raise NotImplementedError(f"full-text search is not available on {backend}")


def count(
    session: Session,
    backend: str,
    query: str,
    outlet: str | None,
    since: datetime | None,
    until: datetime | None,
    as_of: datetime | None,
    all_versions: bool,
    language: str | None,
    cap: int,
) -> int:
    """How many hits :func:`run` would list without a limit, counted up to ``cap + 1`` (more reads as "cap+")."""
    parsed = parse(query)
    if backend == "sqlite":
        matching = select(Version.id, Version.page_id).join(Version, Version.id == _fts.c.rowid).select_from(_fts)
        matching = matching.where(_fts_self.op("MATCH")(to_fts5(parsed)))
    elif backend == "postgresql":
        search = literal_column("versions.search")
        matching = select(Version.id, Version.page_id).where(search.op("@@")(_tsquery(parsed)))
    else:
        raise NotImplementedError(f"full-text search is not available on {backend}")
    if outlet is not None:
        matching = matching.join(Outlet, Outlet.id == Version.outlet_id)
    matching = _filters(matching, outlet, since, until, as_of, language)
    if not all_versions:
        matching = matching.with_only_columns(Version.page_id).distinct()  # each page once, as run() lists it
    return session.scalar(select(func.count()).select_from(matching.limit(cap + 1).subquery())) or 0


def hit(row: Any, snippet: str | None) -> SearchHit:
    return SearchHit(
        url=row.url,
        outlet=row.outlet,
        version=row.seq,
        first_seen=row.first_seen,
        last_seen=row.last_seen,
        title=row.title,
        snippet=snippet or "",
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


def filter_versions(
    query: Select[Any], outlet: str | None, since: datetime | None, until: datetime | None,
    language: str | None = None,
) -> Select[Any]:
    """Restrict a version query to an outlet, a language and a first-seen window (search and export alike)."""
    if outlet is not None:
        query = query.where(Outlet.name == outlet)
    if language is not None:
        query = query.where(Version.language == language.lower())
    if since is not None:
        query = query.where(Version.first_seen >= utc(since))
    if until is not None:
        query = query.where(Version.first_seen <= utc(until))
    return query


def _filters(
    query: Select[Any], outlet: str | None, since: datetime | None, until: datetime | None, as_of: datetime | None,
    language: str | None = None,
) -> Select[Any]:
    query = filter_versions(query, outlet, since, until, language)
    if as_of is not None:
        newer = aliased(Version)
        query = query.where(Version.first_seen <= utc(as_of)).where(
            ~exists().where(
                and_(newer.page_id == Version.page_id, newer.seq > Version.seq, newer.first_seen <= utc(as_of))
            )
        )
    return query


def _latest_per_page(matches: Any, *columns: Any) -> Any:
    """Of ``matches`` (with ``page_id`` and ``seq``), each page's latest version only."""
    newest_first = func.row_number().over(partition_by=matches.c.page_id, order_by=matches.c.seq.desc())
    numbered = select(*columns, newest_first.label("n")).select_from(matches).subquery()
    return select(*(numbered.c[c.name] for c in columns)).where(numbered.c.n == 1)


def _sqlite(
    match: str, outlet: str | None, since: datetime | None, until: datetime | None, limit: int,
    as_of: datetime | None, all_versions: bool, language: str | None = None,
) -> Select[Any]:
    """The page of best matches, without snippets.

    Ranking every match is cheap in FTS5; reading a version's ``first_seen``
    (stored after its text) or making a snippet is not. So rank all matches
    once (a materialised CTE), keep those ranked at least as high as the
    ``limit``-th, and only for them read the versions and break ties by time.
    """
    # bm25() is lower-is-better: negate it so rank is higher-is-better on both backends.
    rank = (-func.bm25(_fts_self, TITLE_WEIGHT, 1.0)).label("rank")
    ranked = select(_fts.c.rowid.label("id"), rank).select_from(_fts).where(_fts_self.op("MATCH")(match))
    filtered = any(value is not None for value in (outlet, since, until, as_of, language))
    if filtered or not all_versions:
        ranked = ranked.join(Version, Version.id == _fts.c.rowid).add_columns(Version.page_id, Version.seq)
    if filtered:
        ranked = _filters(ranked.join(Outlet, Outlet.id == Version.outlet_id), outlet, since, until, as_of, language)
    matches = ranked.cte("ranked").prefix_with("MATERIALIZED")
    if not all_versions:
        matches = _latest_per_page(matches, matches.c.id, matches.c.rank).cte("latest")
    cutoff = select(matches.c.rank).order_by(matches.c.rank.desc()).limit(1).offset(limit - 1).scalar_subquery()
    query = select(matches.c.id, matches.c.rank, *_columns()).select_from(matches)
    query = _joined(query.join(Version, Version.id == matches.c.id))
    query = query.where(matches.c.rank >= func.coalesce(cutoff, literal_column("-1e308")))
    return query.order_by(matches.c.rank.desc(), Version.first_seen.desc()).limit(limit)


def _sqlite_snippets(session: Session, match: str, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    snippet = func.snippet(_fts_self, 1, MARK, MARK, ELLIPSIS, SNIPPET_TOKENS)
    query = select(_fts.c.rowid, snippet).select_from(_fts).where(_fts_self.op("MATCH")(match), _fts.c.rowid.in_(ids))
    return dict(session.execute(query).all())


def _postgres(
    session: Session,
    parsed: Query,
    outlet: str | None,
    since: datetime | None,
    until: datetime | None,
    limit: int,
    as_of: datetime | None,
    all_versions: bool,
    language: str | None = None,
) -> Select[Any]:
    tsquery = _tsquery(parsed)
    search = literal_column("versions.search")
    matching = select(Version.id.label("vid"), Version.first_seen, Version.page_id, Version.seq)
    matching = matching.where(search.op("@@")(tsquery))
    if outlet is not None:
        matching = matching.join(Outlet, Outlet.id == Version.outlet_id)
    matching = _filters(matching, outlet, since, until, as_of, language)
    candidates = _newest_matches(session, matching)
    rank = func.ts_rank_cd(search, tsquery).label("rank")
    inner = (select(candidates.c.vid, candidates.c.first_seen, rank, candidates.c.page_id, candidates.c.seq)
             .join(Version, Version.id == candidates.c.vid))
    if not all_versions:
        matches = inner.subquery("matches")
        inner = _latest_per_page(matches, matches.c.vid, matches.c.first_seen, matches.c.rank)
    ordered = inner.subquery("ordered")
    best = (select(ordered.c.vid, ordered.c.first_seen, ordered.c.rank)
            .order_by(ordered.c.rank.desc(), ordered.c.first_seen.desc()).limit(limit).subquery())
    # Joins, texts and ts_headline (costly) for the page of results only.
    options = f"StartSel={MARK}, StopSel={MARK}, MaxWords=35, MinWords=15, MaxFragments=2, FragmentDelimiter=\" {ELLIPSIS} \""
    headline = func.ts_headline(_SIMPLE, Version.text, tsquery, options).label("snippet")
    query = select(*_columns(), best.c.rank, headline).select_from(best).join(Version, Version.id == best.c.vid)
    return _joined(query).order_by(best.c.rank.desc(), best.c.first_seen.desc())


def _newest_matches(session: Session, matching: Select[Any]) -> Any:
    """The newest ``RANK_CANDIDATES`` rows of ``matching``, read the cheaper of two ways for its terms.

    ts_rank_cd reads each ranked version's whole tsvector, so only the newest
    matches are ranked. Finding them: walking versions newest first reads a
    tsvector per step, and takes RANK_CANDIDATES / (share of versions matching)
    steps, which suits common terms; collecting every match from the GIN index
    reads only heap rows, one per match, which suits rarer terms.
    """
    newest_first = (Version.first_seen.desc(), Version.id.desc())
    if _walk_is_cheaper(session, matching):
        return matching.order_by(*newest_first).limit(RANK_CANDIDATES).subquery()
    every = matching.cte("every_match").prefix_with("MATERIALIZED")  # not inlined: no newest-first walk
    return select(every).order_by(every.c.first_seen.desc(), every.c.vid.desc()).limit(RANK_CANDIDATES).subquery()


def _walk_is_cheaper(session: Session, matching: Select[Any]) -> bool:
    """From the planner's estimates: do so many versions match that the newest-first walk ends soon?"""
    versions = session.execute(text("SELECT reltuples FROM pg_class WHERE oid = 'versions'::regclass")).scalar()
    if not versions or versions <= 0:
        return False  # never analysed: a small archive, where collecting every match is cheap
    compiled = matching.compile(dialect=session.get_bind().dialect)
    plan = session.connection().exec_driver_sql(f"EXPLAIN (FORMAT JSON) {compiled}", compiled.params).scalar()
    matches = plan[0]["Plan"]["Plan Rows"]
    # The walk costs RANK_CANDIDATES * versions / matches steps, collecting costs `matches`
    # rows: equal where matches = sqrt(RANK_CANDIDATES * versions * cost of a step / cost of a row).
    return matches >= math.sqrt(RANK_CANDIDATES * versions * WALK_STEP_COST)


def _tsquery(parsed: Query) -> Any:
    """The parsed query as a tsquery: each term a phrase, terms ANDed, exclusions NOTed, alternatives ORed."""
    branches = []
    for branch in parsed.branches:
        query = reduce(lambda a, b: a.op("&&")(b), map(_phrase, branch.terms))
        for term in parsed.branch_exclusions(branch):
            query = query.op("&&")(func.tsquery_not(_phrase(term)))
        branches.append(query)
    return reduce(lambda a, b: a.op("||")(b), branches)


def _phrase(term: str) -> Any:
    phrase = func.phraseto_tsquery(_SIMPLE, term)
    if "-" not in term:
        return phrase
    # PostgreSQL reads "net-zero" as one token plus its parts and "covid-19" as
    # "covid" and "-19", where FTS5 sees two words: accept either reading.
    return phrase.op("||")(func.phraseto_tsquery(_SIMPLE, " ".join(term.replace("-", " ").split())))
