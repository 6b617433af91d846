"""Crawl runs and outlet health: what each scheduled crawl did, and which outlets ail.

Every ``scrapy crawl news`` leaves one row in ``runs`` (start, end, how it
ended, counts, errors by kind, WARC files written, per-outlet figures), so an
operator — or a monitoring script reading ``newsarchive runs --json`` — can see
what happened without the logs. :func:`outlet_health` reads the recent runs and
the versions table for signs that an outlet needs attention.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.db.models import Outlet, Run, Version
from storage.db.times import aware, iso
from storage.db.words import counted
from storage.outlets.rendering import render_words

SHORT_TEXT_RATIO = 0.4  # recent extractions under 40% of the outlet's usual length look broken


@dataclass(frozen=True, slots=True)
class RunView:
    """One crawl: a process's run, or a distributed crawl whose figures add up its ``processes``' runs."""

    id: str  # the run id, or a distributed crawl's crawl id
    started_at: datetime
    finished_at: datetime | None  # a distributed crawl: when its last process ended (None while one runs)
    host: str
    pid: int
    arguments: dict[str, Any]
    finish_reason: str | None
    counts: dict[str, Any]
    errors: dict[str, Any]
    outlets: dict[str, Any]
    warc_files: list[str]
    exit_status: int | None = None  # what `scrapy crawl` returned (None: recorded before it was kept)
    crawl_id: str | None = None
    processes: list[RunView] = field(default_factory=list)  # a distributed crawl's runs, oldest first

    def to_json(self) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        data["started_at"], data["finished_at"] = iso(self.started_at), iso(self.finished_at)
        data["processes"] = [process.to_json() for process in self.processes]
        return data


@dataclass(slots=True)
class OutletHealth:
    outlet: str
    status: str = "ok"  # "ok" or "attention"
    problems: list[str] = field(default_factory=list)
    render: str = "auto: static"  # how its pages are fetched (storage.outlets.rendering.render_words)
    not_article: int | None = None  # pages the last crawl judged no article (None: no crawl of it recorded that)

    def to_json(self) -> dict[str, Any]:
        return {"outlet": self.outlet, "status": self.status, "problems": list(self.problems),
                "render": self.render, "not_article": self.not_article}


def start_run(session: Session, run_id: str, started_at: datetime, host: str, pid: int,
              arguments: dict[str, Any], crawl_id: str | None = None) -> bool:
    """Open the record of run ``run_id``; a run already recorded (read again from its WARCs) is left as it is.

    Returns whether the run was new.
    """
    if session.get(Run, run_id) is not None:
        return False
    session.add(Run(id=run_id, started_at=started_at, host=host, pid=pid, arguments=arguments,
                    counts={}, errors={}, outlets={}, warc_files=[], crawl_id=crawl_id))
    return True


def finish_run(session: Session, run_id: str, finished_at: datetime, finish_reason: str | None,
               counts: dict[str, Any], errors: dict[str, Any], outlets: dict[str, Any],
               warc_files: list[str], exit_status: int | None = None) -> None:
    run = session.get(Run, run_id)
    if run is None:
        return
    run.finished_at, run.finish_reason, run.exit_status = finished_at, finish_reason, exit_status
    run.counts, run.errors, run.outlets, run.warc_files = counts, errors, outlets, warc_files


def list_runs(session: Session, limit: int = 20) -> list[RunView]:
    """The latest ``limit`` crawls, newest first: the runs of one distributed crawl are one, added up."""
    crawl = func.coalesce(Run.crawl_id, Run.id)
    latest = (select(crawl.label("crawl")).group_by(crawl)
              .order_by(func.min(Run.started_at).desc()).limit(limit).scalar_subquery())
    groups: dict[str, list[RunView]] = {}
    for run in session.scalars(select(Run).where(crawl.in_(latest)).order_by(Run.started_at, Run.id)):
        groups.setdefault(run.crawl_id or run.id, []).append(_view(run))
    crawls = [runs[0] if len(runs) == 1 and runs[0].crawl_id is None else _crawl(key, runs)
              for key, runs in groups.items()]
    return sorted(crawls, key=lambda view: view.started_at, reverse=True)


def _view(run: Run) -> RunView:
    return RunView(run.id, aware(run.started_at), aware(run.finished_at), run.host, run.pid, run.arguments or {},
                   run.finish_reason, run.counts or {}, run.errors or {}, run.outlets or {}, run.warc_files or [],
                   run.exit_status, run.crawl_id)


def _crawl(crawl_id: str, runs: list[RunView]) -> RunView:
    """One distributed crawl from its processes' runs: their counts, errors and outlet figures added up."""
    ended = [run.finished_at for run in runs]
    reasons = sorted({run.finish_reason for run in runs if run.finish_reason})
    failed = [run.exit_status for run in runs if run.exit_status]
    known = all(run.exit_status is not None for run in runs)
    outlets: dict[str, dict[str, Any]] = {}
    for run in runs:
        for name, figures in run.outlets.items():
            outlets[name] = _added(outlets.get(name, {}), figures)
    counts: dict[str, Any] = {}
    for run in runs:
        counts = _added(counts, run.counts)
    if any("elapsed_time_seconds" in run.counts for run in runs):  # wall time: the longest process, not a sum
        counts["elapsed_time_seconds"] = max(run.counts.get("elapsed_time_seconds", 0) for run in runs)
    errors: dict[str, Any] = {}
    for run in runs:
        errors = _added(errors, run.errors)
    return RunView(
        crawl_id, runs[0].started_at, None if None in ended else max(ended),  # type: ignore[type-var]
        ", ".join(sorted({run.host for run in runs})), runs[0].pid, runs[0].arguments,
        ", ".join(reasons) or None, counts, errors, outlets, [name for run in runs for name in run.warc_files],
        failed[0] if failed else (0 if known else None), crawl_id, runs,
    )


def _added(total: dict[str, Any], more: dict[str, Any]) -> dict[str, Any]:
    """``total`` with ``more``'s numbers added; other values taken as they are."""
    added = dict(total)
    for key, value in more.items():
        numeric = isinstance(value, int | float) and not isinstance(value, bool)
        added[key] = added.get(key, 0) + value if numeric and isinstance(added.get(key, 0), int | float) else value
    return added


def outlet_health(session: Session, runs: int = 3) -> list[OutletHealth]:
    """Each outlet's state judged from the last ``runs`` finished crawls and its recent versions."""
    recent = [r for r in list_runs(session, limit=runs) if r.finished_at is not None]
    report = []
    for name, seed, since in session.execute(select(Outlet.name, Outlet.seed, Outlet.rendered_since)
                                             .order_by(Outlet.name)):
        health = OutletHealth(name, render=render_words(seed, since))
        _judge_runs(health, [r.outlets.get(name) for r in recent if name in r.outlets])
        _judge_text_lengths(session, health)
        health.status = "attention" if health.problems else "ok"
        report.append(health)
    return report


def _judge_runs(health: OutletHealth, figures: list[dict[str, Any]]) -> None:
    if not figures:
        return
    latest = figures[0]
    health.not_article = latest.get("not_article", 0)
    if latest.get("feed_errors") and not latest.get("feed_entries"):
        health.problems.append(f"feeds failed in the last run ({counted(latest['feed_errors'], 'error')}, no entries)")
    if latest.get("robots_forbidden"):
        health.problems.append(f"robots.txt now forbids {latest['robots_forbidden']} of its URLs")
    fetched = latest.get("articles", 0)
    empty = latest.get("extract_empty", 0)
    if fetched and empty >= max(2, fetched // 2):
        health.problems.append(f"{empty} of {fetched} article pages yielded no text in the last run")
    blocked = {figure.split("/", 1)[1]: count for figure, count in latest.items() if figure.startswith("blocked/")}
    if blocked:
        kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(blocked.items()))
        health.problems.append(f"{sum(blocked.values())} captures were blocked by walls in the last run ({kinds})")
    if all(f.get("articles", 0) == 0 and f.get("discovered", 0) == 0 for f in figures):
        health.problems.append(f"no articles found in the last {len(figures)} runs")


def _judge_text_lengths(session: Session, health: OutletHealth, recent: int = 10, history: int = 200) -> None:
    lengths = list(session.scalars(
        select(func.length(Version.text)).join(Outlet, Outlet.id == Version.outlet_id)
        .where(Outlet.name == health.outlet, Version.state == "ok")
        .order_by(Version.first_seen.desc()).limit(history)
    ))
    if len(lengths) < recent * 2:
        return
    latest, usual = statistics.median(lengths[:recent]), statistics.median(lengths[recent:])
    if usual and latest < SHORT_TEXT_RATIO * usual:
        health.problems.append(
            f"recent article texts are far shorter than usual (median {latest:.0f} vs {usual:.0f} characters)")
