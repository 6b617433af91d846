"""The watches of an archive, their alerts and their outbox, carried into a rebuilt index.

Watches and alerts are the one part of the database the WARC files cannot give
back: a user made them, not a crawl. ``reindex`` (:mod:`storage.ingest.reindex`)
saves them from the index it replaces and restores them into the rebuilt one
before the swap, so a rebuild neither forgets a watch nor resends an alert.

Ids are kept: an alert's id is part of the idempotency key its messages carry
(:mod:`storage.search.outbox`), so a receiver that saw an alert before the
rebuild recognises it after. An alert names its version by the WARC record
behind it, which the rebuilt index holds too; an alert whose record is not
among the rebuilt versions (its WARC is gone) is dropped with its deliveries.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.orm import Session

from storage.db.models import Alert, AlertDelivery, Capture, Version, Watch

logger = logging.getLogger(__name__)

TABLES: tuple[Table, ...] = (Watch.__table__, Alert.__table__, AlertDelivery.__table__)  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class WatchState:
    """Every row of the watches, alerts and alert_deliveries tables, as plain dicts."""

    watches: list[dict[str, Any]]
    alerts: list[dict[str, Any]]
    deliveries: list[dict[str, Any]]

    def __bool__(self) -> bool:
        return bool(self.watches or self.alerts)


def saved_state(session: Session) -> WatchState:
    """The watches, alerts and deliveries of an index, read for :func:`restore_state`."""
    rows = [[dict(row._mapping) for row in session.execute(select(table).order_by(table.c.id))] for table in TABLES]
    return WatchState(*rows)


def restore_state(session: Session, state: WatchState) -> int:
    """Put ``state`` into a rebuilt index (ids kept, versions found by WARC record); the alerts dropped."""
    if not state:
        return 0
    alerts, dropped = _remapped(session, state.alerts)
    kept_ids = {alert["id"] for alert in alerts}
    deliveries = [row for row in state.deliveries if row["alert_id"] in kept_ids]
    for table, rows in zip(TABLES, (state.watches, alerts, deliveries), strict=True):
        if rows:
            session.execute(insert(table), rows)
            _advance_sequence(session, table)
    if dropped:
        logger.warning("%d alerts dropped: their captures are in no WARC file of the archive", dropped)
    return dropped


def _remapped(session: Session, alerts: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
    """The alerts with ``version_id`` pointing at the rebuilt versions of their WARC records."""
    record_ids = {alert["warc_record_id"] for alert in alerts}
    version_of: dict[str, int] = {}
    ordered = sorted(record_ids)
    for start in range(0, len(ordered), 500):
        chunk = ordered[start:start + 500]
        query = (select(Capture.warc_record_id, Version.id).join(Version, Version.capture_id == Capture.id)
                 .where(Capture.warc_record_id.in_(chunk)))
        version_of.update(dict(session.execute(query).all()))
    kept = [{**alert, "version_id": version_of[alert["warc_record_id"]]}
            for alert in alerts if alert["warc_record_id"] in version_of]
    return kept, len(alerts) - len(kept)


def _advance_sequence(session: Session, table: Table) -> None:
    """On PostgreSQL, move the id sequence past the ids inserted explicitly."""
    if session.get_bind().dialect.name != "postgresql":
        return
    highest = session.scalar(select(func.max(table.c.id)))
    session.execute(text("SELECT setval(pg_get_serial_sequence(:table, 'id'), :highest)"),
                    {"table": table.name, "highest": highest})
