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
from storage.db.times import iso
from storage.db.words import counted
from storage.outlets.rendering import render_words

SHORT_TEXT_RATIO = 0.4  # recent extractions under 40% of the outlet's usual length look broken


@dataclass(frozen=True, slots=True)
class RunView:
    id: str
    started_at: datetime
    finished_at: datetime | None
    host: str
    pid: int
    arguments: dict[str, Any]
    finish_reason: str | None
    counts: dict[str, Any]
    errors: dict[str, Any]
    outlets: dict[str, Any]
    warc_files: list[str]

    def to_json(self) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        data["started_at"], data["finished_at"] = iso(self.started_at), iso(self.finished_at)
        return data


@dataclass(slots=True)
class OutletHealth:
    outlet: str
    status: str = "ok"  # "ok" or "attention"
    problems: list[str] = field(default_factory=list)
    render: str = "auto: static"  # how its pages are fetched (storage.outlets.rendering.render_words)

    def to_json(self) -> dict[str, Any]:
        return {"outlet": self.outlet, "status": self.status, "problems": list(self.problems), "render": self.render}


def start_run(session: Session, run_id: str, started_at: datetime, host: str, pid: int,
              arguments: dict[str, Any]) -> None:
    """Open the record of run ``run_id``; a run already recorded (read again from its WARCs) is left as it is."""
    if session.get(Run, run_id) is not None:
        return
    session.add(Run(id=run_id, started_at=started_at, host=host, pid=pid, arguments=arguments,
                    counts={}, errors={}, outlets={}, warc_files=[]))


def finish_run(session: Session, run_id: str, finished_at: datetime, finish_reason: str | None,
               counts: dict[str, Any], errors: dict[str, Any], outlets: dict[str, Any],
               warc_files: list[str]) -> None:
    run = session.get(Run, run_id)
    if run is None:
        return
    run.finished_at, run.finish_reason = finished_at, finish_reason
    run.counts, run.errors, run.outlets, run.warc_files = counts, errors, outlets, warc_files


def list_runs(session: Session, limit: int = 20) -> list[RunView]:
    rows = session.scalars(select(Run).order_by(Run.started_at.desc()).limit(limit))
    return [RunView(r.id, r.started_at, r.finished_at, r.host, r.pid, r.arguments or {}, r.finish_reason,
                    r.counts or {}, r.errors or {}, r.outlets or {}, r.warc_files or []) for r in rows]


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
