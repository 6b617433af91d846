"""Costs of a big PostgreSQL archive (issue 37): start-up, a re-check crawl, a not-found URL, the reading room.

Runs against an archive filled beforehand by ``bench/generate.py --server`` and
prints, with the project's own code:

  sizes       rows and bytes of each big table and of each of its indexes
  start-up    ``Archive.archived_among`` over a crawl's discovered links (half
              archived, half new), ``--links-per-page`` at a time, as the spider asks
  not-found   the "closest archived URLs" message for URLs not in the archive
  claim       the re-check schedule's claim with a backlog of overdue pages, the query
              before this change and after, alternated (in a transaction rolled back)
  targets     what a claim then reads about each page (its newest full capture), the
              query before this change and after, alternated
  counts      an outlet page's version counts, ``count(versions.id)`` before against
              ``count(*)`` after (an index-only scan), alternated
  re-check    a real ``scrapy crawl news`` of the simulated news web
              (tests/newsweb: ``--outlets-articles`` articles per outlet) into
              the big archive, then every one of those pages made due and
              re-checked by ``-a recheck=only``: pages/s of each, and the
              schedule's claim query timed alone
  room        each reading-room page through a real ``newsarchive serve``
              (``--runs`` requests each, median), captures of the crawled pages
              (their WARC records exist)

For each, the statements the code ran are recorded, and the slowest is run again
under ``EXPLAIN ANALYZE``: its plan's scans name the table or index the cost
grows with. Statements are recorded in this process (the room's pages through
the app in-process, the same ``create_app``), so plans match what the server runs.

    python bench/generate.py --server --db postgresql+psycopg://postgres@127.0.0.1/news10m --versions 10000000
    python bench/archive_10m.py --db postgresql+psycopg://postgres@127.0.0.1/news10m --archive-dir /tmp/a10m
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from archive_growth import sample_links, startup_new  # noqa: E402
from sqlalchemy import event, select, text  # noqa: E402
from web import Client, free_port, page_paths, start_server  # noqa: E402

from storage.archive import Archive  # noqa: E402
from storage.db.models import Capture, Page  # noqa: E402
from storage.versions import lookup, recheck  # noqa: E402

BIG_TABLES = ("pages", "captures", "versions", "page_schedule", "story_members", "stories", "runs")


# -- statements and their plans ---------------------------------------------------------------------


class Statements:
    """Every statement an engine runs while recording, with its time."""

    def __init__(self, engine: Any) -> None:
        self.engine, self.recording, self.seen = engine, False, []
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn, cursor, statement, parameters, context, executemany) -> None:
        conn.info["bench_started"] = time.perf_counter()

    def _after(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if self.recording and not executemany:
            self.seen.append(((time.perf_counter() - conn.info["bench_started"]) * 1000, statement, parameters))

    def slowest(self, work: Callable[[], object], pick: str = "") -> tuple[float, str, Any] | None:
        """The slowest read ``work`` ran (of those whose SQL holds ``pick``)."""
        self.seen, self.recording = [], True
        try:
            work()
        finally:
            self.recording = False
        reads = [s for s in self.seen if s[1].lstrip().upper().startswith(("SELECT", "WITH")) and pick in s[1]]
        return max(reads, key=lambda s: s[0]) if reads else None

    def explain(self, statement: str, parameters: Any) -> list[str]:
        with self.engine.connect() as conn:
            rows = conn.exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", parameters).all()
            conn.rollback()
        return [row[0] for row in rows]


PLAN_NODE = re.compile(r"(Seq Scan|Index Only Scan|Index Scan|Bitmap Index Scan|Bitmap Heap Scan) (?:using (\S+) )?on (\S+)"
                       r"|(Sort|HashAggregate|Hash Join|Nested Loop|Merge Join|Limit|Aggregate)\b")


def summarise(plan: list[str]) -> str:
    """The plan's scans (with rows and time) and its execution time, on a few lines."""
    lines = []
    for line in plan:
        found = PLAN_NODE.search(line)
        if found and found.group(1):
            rows = re.search(r"actual time=[\d.]+\.\.([\d.]+) rows=(\d+) loops=(\d+)", line)
            where = f"{found.group(1)} {found.group(2) or ''} on {found.group(3)}".replace("  ", " ")
            lines.append(f"{where} ({rows.group(2)} rows x{rows.group(3)}, {rows.group(1)} ms)" if rows else where)
        elif "Sort Method" in line or "Execution Time" in line:
            lines.append(line.strip())
    return "; ".join(lines)


def show_plan(statements: Statements, label: str, work: Callable[[], object], pick: str = "") -> None:
    slowest = statements.slowest(work, pick)
    if slowest is None:
        print(f"    plan [{label}]: no SELECT ran")
        return
    ms, statement, parameters = slowest
    try:
        plan = summarise(statements.explain(statement, parameters))
    except Exception as error:  # a statement EXPLAIN cannot take as it stands: say so, keep going
        plan = f"(no plan: {type(error).__name__})"
    print(f"    slowest statement [{label}] {ms:.1f} ms: {' '.join(statement.split())[:160]}")
    print(f"      plan: {plan}", flush=True)


def timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return (time.perf_counter() - started) * 1000


def median_line(label: str, values: list[float], unit: str = "ms") -> str:
    runs = ", ".join(f"{v:.1f}" for v in values)
    return f"  {label:<34} median {statistics.median(values):8.1f} {unit}   runs: {runs}"


# -- sizes ------------------------------------------------------------------------------------------


def sizes(archive: Archive) -> None:
    print("sizes (rows estimated by the planner; total = heap + TOAST + indexes)")

    def query(session) -> None:
        for table in BIG_TABLES:
            rows, total, heap = session.execute(text(
                "SELECT c.reltuples::bigint, pg_total_relation_size(c.oid), pg_table_size(c.oid) "
                "FROM pg_class c WHERE c.relname = :t"), {"t": table}).one()
            indexes = session.execute(text(
                "SELECT i.relname, pg_relation_size(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
                "JOIN pg_class t ON t.oid = x.indrelid WHERE t.relname = :t ORDER BY 2 DESC"), {"t": table}).all()
            shown = ", ".join(f"{name} {size / 1e6:.0f}" for name, size in indexes)
            print(f"  {table:<14} {rows:>11} rows  total {total / 1e9:6.2f} GB  table+TOAST {heap / 1e9:6.2f} GB  "
                  f"indexes MB: {shown}")
        size = session.execute(text("SELECT pg_database_size(current_database())")).scalar()
        versions = session.execute(text("SELECT reltuples FROM pg_class WHERE relname = 'versions'")).scalar()
        print(f"  database {size / 1e9:.1f} GB, {size / max(versions, 1):.0f} bytes per version", flush=True)

    archive.read(query)


# -- start-up and not-found ---------------------------------------------------------------------------


def startup(archive: Archive, statements: Statements, args: argparse.Namespace) -> None:
    from crawler.settings import RECHECK_MAX

    names = archive.read(lambda s: list(s.scalars(text("SELECT name FROM outlets WHERE name LIKE 'outlet-%'"))))
    now = datetime.now(timezone.utc)
    opens = [timed(lambda: Archive(args.db, args.archive_dir).close()) for _ in range(args.runs)]
    rendered = [timed(lambda: archive.rendered_outlets(names)) for _ in range(args.runs)]
    claims = [timed(lambda: claim_rolled_back(archive, now, names, RECHECK_MAX)) for _ in range(args.runs)]
    print(f"crawl start-up (the spider's _archive_state, for a crawl of the {len(names)} filled outlets)")
    print(median_line("open the archive (schema check)", opens))
    print(median_line("rendered_outlets", rendered))
    print(median_line(f"claim due re-checks (<= {RECHECK_MAX}, rolled back)", claims))
    due = archive.read(lambda s: s.execute(text("SELECT count(*) FROM page_schedule WHERE next_check_at <= now()")).scalar())
    print(f"  pages due now: {due}")
    show_plan(statements, "claim_due", lambda: claim_rolled_back(archive, now, names, RECHECK_MAX),
              pick="FROM page_schedule")
    show_plan(statements, "claim_due targets", lambda: claim_rolled_back(archive, now, names, RECHECK_MAX),
              pick="FROM captures")
    rng = random.Random(args.seed)
    links = sample_links(archive, args.links, rng)
    runs = [timed(lambda: startup_new(archive, links, args.links_per_page)) for _ in range(args.runs)]
    print(f"start-up: {len(links)} discovered links looked up {args.links_per_page} at a time (archived_among)")
    print(median_line("all links", runs))
    print(f"  per link {statistics.median(runs) * 1000 / len(links):.0f} us")
    show_plan(statements, "archived_among", lambda: archive.archived_among(links[:args.links_per_page]))


def missing_urls(archive: Archive, count: int, rng: random.Random) -> list[str]:
    def query(session) -> list[str]:
        top = session.scalar(select(Page.id).order_by(Page.id.desc()).limit(1)) or 1
        ids = [rng.randint(1, top) for _ in range(count)]
        return list(session.scalars(select(Page.url).where(Page.id.in_(ids))))

    return [f"{url.rsplit('/', 1)[0]}/no-such-story-{n}" for n, url in enumerate(archive.read(query))]


def not_found(archive: Archive, statements: Statements, args: argparse.Namespace) -> None:
    urls = missing_urls(archive, args.runs * 3, random.Random(args.seed + 1))

    def message(url: str) -> str:
        return archive.read(lambda s: lookup._missing(s, url, lookup.url_variants(url)))

    times = [timed(lambda u=u: message(u)) for u in urls]
    print(f"not-found: the closest-archived message for {len(urls)} URLs not in the archive (lookup._missing)")
    print(median_line("per URL", times[: args.runs * 3]))
    print(f"  e.g. {message(urls[0])[:150]}")
    show_plan(statements, "closest archived", lambda: message(urls[1]))


# -- the re-check crawl ---------------------------------------------------------------------------------


def stat(stderr: str, name: str) -> int:
    found = re.search(rf"'{re.escape(name)}': (\d+)", stderr)
    return int(found.group(1)) if found else 0


def recheck_crawl(db_url: str, archive: Archive, statements: Statements, archive_dir: Path,
                  args: argparse.Namespace) -> None:
    from tests.helpers.crawl import run_crawl
    from tests.newsweb import NewsWeb

    with NewsWeb(seed=3, articles_per_outlet=args.articles, page_padding_kb=args.padding_kb) as web:
        seeds = archive_dir / "seeds.toml"
        seeds.write_text(web.seed_toml(), encoding="utf-8")
        names = [o.name for o in web.outlets]
        started = time.perf_counter()
        first = run_crawl(archive_dir, seeds, web.proxy_url, db_url=db_url, timeout=3600)
        seconds = time.perf_counter() - started
        stored = stat(first.stderr, "archive/stored") or stat(first.stderr, "item_scraped_count")
        print(f"re-check crawl: first a discovery crawl of {len(web.article_urls())} articles of {len(names)} outlets "
              f"({args.padding_kb} KB padding) into the big archive: {seconds:.1f} s "
              f"({len(web.article_urls()) / seconds:.1f} articles/s)", flush=True)
        due = archive.write(lambda s: s.execute(text(
            "UPDATE page_schedule SET next_check_at = now() - interval '1 minute' WHERE outlet_id IN "
            "(SELECT id FROM outlets WHERE name = ANY(:names))"), {"names": names}).rowcount)
        now = datetime.now(timezone.utc)
        show_plan(statements, "claim_due (rolled back)", lambda: claim_rolled_back(archive, now, names),
                  pick="FROM page_schedule")
        show_plan(statements, "claim_due targets", lambda: claim_rolled_back(archive, now, names), pick="FROM captures")
        started = time.perf_counter()
        second = run_crawl(archive_dir, seeds, web.proxy_url, db_url=db_url, args={"recheck": "only"}, timeout=3600)
        seconds = time.perf_counter() - started
        checked = stat(second.stderr, "recheck/due")
        print(f"  re-check of {due} due pages (-a recheck=only): {checked} claimed, {seconds:.1f} s, "
              f"{checked / seconds:.1f} pages/s (whole crawl, start-up included); "
              f"stored {stored} in the first crawl", flush=True)
        for line in second.stderr.splitlines():
            if "recheck/" in line or "downloader/response_status_count" in line:
                print(f"    {line.strip()[:150]}")


def claim_rolled_back(archive: Archive, now: datetime, names: list[str], limit: int = 10_000) -> None:
    """The schedule's claim as the spider makes it, in a transaction that is rolled back (nothing leased)."""
    with archive._engine.connect() as conn:
        from sqlalchemy.orm import Session

        with Session(bind=conn) as session:
            recheck.claim_due(session, now, names, limit)
            session.rollback()


def claim_select(names: list[str], now: datetime, limit: int, old: bool) -> Any:
    """The schedule's claim query: ``old`` as it was before (an ``IS NULL`` test first in its order), else as now."""
    from storage.db.models import Outlet, PageSchedule

    query = (select(PageSchedule.page_id).join(Outlet, Outlet.id == PageSchedule.outlet_id)
             .where(PageSchedule.next_check_at.is_not(None), PageSchedule.next_check_at <= now,
                    Outlet.name.in_(names)).limit(limit).with_for_update(skip_locked=True, of=PageSchedule))
    if old:
        return query.order_by(PageSchedule.next_check_at.is_(None), PageSchedule.next_check_at)
    return query.order_by(PageSchedule.next_check_at)


def claim_backlog(archive: Archive, args: argparse.Namespace) -> None:
    """The claim with a backlog (every eighth page overdue), old order against new, alternated; rolled back."""
    from crawler.settings import RECHECK_MAX

    names = archive.read(lambda s: list(s.scalars(text("SELECT name FROM outlets WHERE name LIKE 'outlet-%'"))))
    now = datetime.now(timezone.utc)
    with archive._engine.connect() as conn:
        overdue = conn.execute(text("UPDATE page_schedule SET next_check_at = now() - random() * interval '30 days' "
                                    "WHERE page_id % 8 = 0")).rowcount
        conn.execute(text("ANALYZE page_schedule"))
        due = conn.execute(text("SELECT count(*) FROM page_schedule WHERE next_check_at <= now()")).scalar()
        times: dict[bool, list[float]] = {True: [], False: []}
        for run in range(args.runs):
            for old in ((True, False) if run % 2 == 0 else (False, True)):
                times[old].append(timed(lambda o=old: conn.execute(claim_select(names, now, RECHECK_MAX, o)).all()))
        plans = {old: summarise([r[0] for r in conn.execute(text("EXPLAIN (ANALYZE) " + str(
            claim_select(names, now, RECHECK_MAX, old).compile(conn, compile_kwargs={"literal_binds": True}))))])
            for old in (True, False)}
        conn.rollback()
    print(f"claim of <= {RECHECK_MAX} due re-checks with a backlog: {due} pages due ({overdue} made overdue, "
          f"rolled back), alternated")
    print(median_line("before (IS NULL first in ORDER BY)", times[True]))
    print(median_line("after (next_check_at order)", times[False]))
    print(f"  ratio after/before {statistics.median(times[False]) / statistics.median(times[True]):.2f}")
    for old, plan in plans.items():
        print(f"    plan {'before' if old else 'after'}: {plan}", flush=True)


def old_targets(session: Any, page_ids: list[int]) -> int:
    """The re-check targets' query as it was before (a window over every capture of the pages); rows found."""
    from sqlalchemy import func

    from storage.db.models import Outlet

    newest_first = func.row_number().over(partition_by=Capture.page_id,
                                          order_by=(Capture.fetched_at.desc(), Capture.id.desc()))
    last_full = (select(Capture.page_id, Capture.id.label("capture_id"), newest_first.label("rank"))
                 .where(Capture.page_id.in_(page_ids), Capture.record_type == "response", Capture.status == 200,
                        Capture.blocked.is_(None)).subquery())
    return len(session.execute(select(Page.url, Outlet.name, Capture)
                               .join(last_full, last_full.c.page_id == Page.id)
                               .join(Capture, Capture.id == last_full.c.capture_id)
                               .join(Outlet, Outlet.id == Page.outlet_id)
                               .where(last_full.c.rank == 1)).all())


def targets(archive: Archive, statements: Statements, args: argparse.Namespace) -> None:
    """What a claim reads about the pages it took (their newest full capture), old query against new, alternated."""
    from crawler.settings import RECHECK_MAX

    ids = archive.read(lambda s: list(s.scalars(text(
        "SELECT page_id FROM page_schedule TABLESAMPLE SYSTEM (5) REPEATABLE (1) LIMIT :n"), {"n": RECHECK_MAX})))
    times: dict[bool, list[float]] = {True: [], False: []}
    for run in range(args.runs):
        for old in ((True, False) if run % 2 == 0 else (False, True)):
            work = (lambda s: old_targets(s, ids)) if old else (lambda s: len(recheck._targets(s, ids)))
            times[old].append(timed(lambda w=work: archive.read(w)))
    found_old = archive.read(lambda s: old_targets(s, ids))
    found_new = archive.read(lambda s: len(recheck._targets(s, ids)))
    print(f"re-check targets of {len(ids)} claimed pages (their newest full capture), alternated; "
          f"found {found_old} before, {found_new} after")
    print(median_line("before (row_number over captures)", times[True]))
    print(median_line("after (per page down the index)", times[False]))
    print(f"  ratio after/before {statistics.median(times[False]) / statistics.median(times[True]):.2f}")
    show_plan(statements, "targets before", lambda: archive.read(lambda s: old_targets(s, ids)))
    show_plan(statements, "targets after", lambda: archive.read(lambda s: recheck._targets(s, ids)))


def outlet_counts(archive: Archive, args: argparse.Namespace) -> None:
    """An outlet page's counts: ``count(versions.id)`` as before against ``count(*)`` as now, alternated."""
    from sqlalchemy import func

    from storage.db.models import Version
    from storage.outlets import listing

    def old(session: Any, outlet_id: int) -> None:  # listing.outlet and change_histogram as they were before
        session.scalar(select(func.count(Page.id)).where(Page.outlet_id == outlet_id))
        session.scalar(select(func.count(Version.id)).where(Version.outlet_id == outlet_id))
        session.scalar(select(func.max(Page.last_seen)).where(Page.outlet_id == outlet_id))
        per_page = (select(func.count(Version.id).label("n")).where(Version.outlet_id == outlet_id,
                                                                      Version.state != "extractor-change")
                    .group_by(Version.page_id).subquery())
        session.execute(select(per_page.c.n, func.count()).group_by(per_page.c.n)).all()

    def new(session: Any, name: str) -> None:
        listing.outlet(session, name)
        listing.change_histogram(session, name)

    rows = archive.read(lambda s: s.execute(text(
        "SELECT id, name FROM outlets WHERE name LIKE 'outlet-%' ORDER BY random() LIMIT :n"), {"n": args.runs * 2}).all())
    times: dict[bool, list[float]] = {True: [], False: []}
    for run, (outlet_id, name) in enumerate(rows):  # a fresh outlet each time: not one another's cache
        before = run % 2 == 0
        times[before].append(timed(lambda: archive.read(lambda s: old(s, outlet_id) if before else new(s, name))))
    print("an outlet page's version counts (count and histogram), a different outlet each run, alternated")
    print(median_line("before count(versions.id)", times[True]))
    print(median_line("after count(*)", times[False]))
    print(f"  ratio after/before {statistics.median(times[False]) / statistics.median(times[True]):.2f}", flush=True)


# -- the reading room -----------------------------------------------------------------------------------


def room(db_url: str, archive: Archive, statements: Statements, archive_dir: Path, args: argparse.Namespace) -> None:
    paths = page_paths(db_url, archive_dir, args.runs, args.seed)
    crawled = archive.read(lambda s: list(s.scalars(
        select(Capture.id).join(Page, Page.id == Capture.page_id).where(Page.url.like("http://%"))
        .where(Capture.record_type == "response").limit(args.runs))))
    if crawled:  # synthetic captures point at no WARC record; the crawled ones do
        paths["/capture/ID"] = [f"/capture/{c}" for c in crawled]
        paths["/capture/ID/raw"] = [f"/capture/{c}/raw" for c in crawled]
    paths["/page?url= (not archived)"] = [f"/page?url={u}" for u in missing_urls(archive, args.runs, random.Random(5))]
    port = free_port()
    server = start_server(db_url, archive_dir, port)
    print(f"reading room: newsarchive serve, {args.runs} requests of each page (after one first request)")
    try:
        client = Client(port)
        for name, batch in paths.items():
            if not batch:
                continue
            started = time.perf_counter()
            first_status = client.get(batch[0])
            first = (time.perf_counter() - started) * 1000
            samples, statuses = [], {first_status: 1}
            for path in batch:
                started = time.perf_counter()
                status = client.get(path)
                samples.append((time.perf_counter() - started) * 1000)
                statuses[status] = statuses.get(status, 0) + 1
            print(f"  {name:<28} median {statistics.median(samples):8.1f} ms  max {max(samples):8.1f} ms  "
                  f"first {first:8.1f} ms  {statuses}", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    room_plans(archive, statements, paths)


def room_plans(archive: Archive, statements: Statements, paths: dict[str, list[str]]) -> None:
    """Each page once through the app in-process, for its slowest statement's plan."""
    from starlette.testclient import TestClient

    from storage.web.app import create_app

    with TestClient(create_app(archive)) as client:
        for name, batch in paths.items():
            if batch and "raw" not in name:
                client.get(batch[0])  # a first request of a fresh app counts the whole archive once
                show_plan(statements, name, lambda p=batch[-1]: client.get(p))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="the filled PostgreSQL archive")
    parser.add_argument("--archive-dir", required=True, help="where the crawls write WARCs (made if missing)")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--links", type=int, default=2000)
    parser.add_argument("--links-per-page", type=int, default=200)
    parser.add_argument("--articles", type=int, default=500, help="articles per outlet of the re-check crawl's web")
    parser.add_argument("--padding-kb", type=int, default=10)
    parser.add_argument("--only", default="sizes,startup,claim,targets,counts,notfound,recheck,room")
    args = parser.parse_args()
    archive_dir = Path(args.archive_dir)
    archive_dir.mkdir(parents=True, exist_ok=True)
    wanted = set(args.only.split(","))
    with Archive(args.db, archive_dir) as archive:
        statements = Statements(archive._engine)
        if "sizes" in wanted:
            sizes(archive)
        if "startup" in wanted:
            startup(archive, statements, args)
        if "notfound" in wanted:
            not_found(archive, statements, args)
        if "counts" in wanted:
            outlet_counts(archive, args)
        if "targets" in wanted:
            targets(archive, statements, args)
        if "claim" in wanted:
            claim_backlog(archive, args)
        if "recheck" in wanted:
            recheck_crawl(args.db, archive, statements, archive_dir, args)
        if "room" in wanted:
            room(args.db, archive, statements, archive_dir, args)


if __name__ == "__main__":
    main()
