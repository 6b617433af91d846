"""Delivery of alerts: the outbox in the database, emptied through Apprise after commit.

An alert's ``alert_deliveries`` rows (one per notification target) are written
in the transaction that records its version (:mod:`storage.search.alerts`), so
an alert is never lost: :func:`deliver` runs after that commit — at the end of a
crawl, after ``ingest`` and ``reextract``, or by ``newsarchive alerts
--deliver`` — and sends what is due. A row is marked delivered only after its
target accepted it, so a crash between send and mark sends it again on a later
run (once the dead run's claim has expired): delivery is at least once, and
every message carries an idempotency key (an ``Idempotency-Key`` header and
``idempotency_key`` field on ``json://`` webhooks, an ``id`` line in every
other service's text) for receivers to drop repeats by. A digest's key is
fixed (``batch``) before its first attempt, so a retried digest is the same
message under the same key.

Several delivery runs may start at once (distributed crawls each deliver at
their end): a run claims the rows it sends (``claimed_until``, taken with
``FOR UPDATE SKIP LOCKED`` on PostgreSQL, in SQLite's one write transaction
at a time), so each message goes out once; a claim outlives the run's budget
and its last send's timeouts, so the rows of a run that was killed come back.

Messages go straight to their targets: the proxy variables a crawl fetches
through (``http_proxy``: often an archiving or replaying proxy) are set aside
while sending; ``NEWSARCHIVE_ALERTS_PROXY`` names a proxy for notifications
instead.

Each target is sent to on a thread of its own, its messages oldest first; a
target that fails is not tried again in the same run, so a target that is down
costs at most its connect and read timeouts once, and never holds up another.
It is retried on later runs with exponential back-off (``attempts``,
``next_attempt_at``, ``last_error``), logged as one line per target and run,
and never raises. Apprise is imported only when there is something to send.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote, urlsplit

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from storage.db.errors import BadWatch
from storage.db.models import Alert, AlertDelivery, Version, Watch
from storage.db.results import Result
from storage.db.times import iso, now
from storage.versions.changes import shown_title, title_change

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT = 5.0  # seconds; a target's own cto/rto may only be shorter
READ_TIMEOUT = 10.0
BUDGET = 60.0  # seconds one delivery run may spend; the rest waits for the next run
MAX_MESSAGES = 500  # messages one run prepares
MAX_SENDERS = 8  # targets sent to at once, each on a thread of its own
BACKOFF_FIRST = timedelta(minutes=1)  # doubled on every failed attempt …
BACKOFF_MAX = timedelta(hours=6)  # … up to this
JSON_SCHEMES = ("json", "jsons")
APPRISE_JSON_KEYS = ("version", "title", "message", "type", "attachments")  # Apprise's json:// payload's own
PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy")
ALERTS_PROXY = "NEWSARCHIVE_ALERTS_PROXY"


@dataclass(slots=True)
class Message:
    """One message to one target: a single alert, or a watch's digest of several."""

    target: str
    key: str
    title: str
    body: str
    delivery_ids: list[int]
    fields: dict[str, str] = field(default_factory=dict)  # extra JSON fields for json:// webhooks


@dataclass(frozen=True, slots=True)
class DeliveryReport(Result):
    """What one delivery run did: messages sent and failed, alerts delivered, deliveries still waiting."""

    sent: int = 0
    failed: int = 0
    alerts_delivered: int = 0
    waiting: int = 0
    failing_targets: list[str] = field(default_factory=list)

    def line(self) -> str:
        """One line for a log or a terminal."""
        text = f"alerts: {self.sent} messages sent ({self.alerts_delivered} deliveries)"
        if self.failed:
            text += f", {self.failed} failed"
        return text + (f", {self.waiting} waiting (newsarchive alerts --undelivered)" if self.waiting else "")


# -- targets -------------------------------------------------------------------------------------


def masked(target: str) -> str:
    """A notification URL fit to print: scheme, host and port; user, secrets and path hidden."""
    parts = urlsplit(target)
    host = parts.hostname or ""
    port = f":{parts.port}" if _port(parts) else ""
    user = "…@" if parts.username or parts.password else ""
    rest = "/…" if parts.path.strip("/") or parts.query else ""
    return f"{parts.scheme}://{user}{host}{port}{rest}"


def _port(parts: Any) -> int | None:
    try:
        return parts.port
    except ValueError:
        return None


def check_target(target: str) -> None:
    """Raise :class:`BadWatch` unless Apprise can send to ``target`` (a URL such as ``json://host/path``)."""
    with _apprise_log():
        import apprise

        if apprise.Apprise.instantiate(target) is None:
            shown = masked(target) if "://" in target else target  # what was typed, unless it may hold a secret
            raise BadWatch(f"{shown!r} is not a notification URL Apprise knows "
                           f"(e.g. json://host/path, mailto://, ntfy://, slack://, matrix://, mastodon://)")


# -- one run -------------------------------------------------------------------------------------


def deliver(archive: Any, at: datetime | None = None, *, ignore_backoff: bool = False,
            budget: float = BUDGET) -> DeliveryReport:
    """Send what the outbox of ``archive`` (a :class:`storage.Archive`) holds that is due; never raises for a target.

    ``at`` is the time that decides what is due (default now); ``ignore_backoff``
    sends every undelivered message now.
    """
    moment = at or now()
    if not ignore_backoff and not archive.read(lambda session: has_due(session, moment)):
        return DeliveryReport(waiting=archive.read(waiting_count))  # the common case: no write, no Apprise
    claim = moment + claim_span(budget)
    messages: list[Message] = archive.write(lambda session: prepare(session, moment, ignore_backoff, claim))
    if not messages:
        return DeliveryReport(waiting=archive.read(waiting_count))
    deadline = time.monotonic() + budget
    by_target: dict[str, list[Message]] = {}
    for message in messages:
        by_target.setdefault(message.target, []).append(message)
    # Each target on a thread of its own: a hanging one costs only itself its timeouts.
    with _apprise_log(), _notification_proxy(), ThreadPoolExecutor(min(len(by_target), MAX_SENDERS)) as pool:
        runs = list(pool.map(lambda queue: _to_target(archive, queue, deadline), by_target.values()))
    unsent = [message for run in runs for message in run.unsent]
    if unsent:  # given back: the next run sends them
        archive.write(lambda session: _claim(session, unsent, None))
        logger.warning("alerts: %d messages wait for the next run (delivery budget %.0f s, or their target failed)",
                       len(unsent), budget)
    failing = [run for run in runs if run.error is not None]
    for run in failing:
        logger.warning("alerts: messages to %s not delivered (%s); retried on a later run",
                       masked(run.target), run.error)
    return DeliveryReport(sum(run.sent for run in runs), len(failing), sum(run.delivered for run in runs),
                          archive.read(waiting_count), [masked(run.target) for run in failing])


@dataclass(slots=True)
class _TargetRun:
    """What one delivery run did for one target."""

    target: str
    sent: int = 0
    delivered: int = 0  # alert deliveries: a digest is one message for several
    error: str | None = None  # why the one failed message failed
    unsent: list[Message] = field(default_factory=list)


def _to_target(archive: Any, queue: list[Message], deadline: float) -> _TargetRun:
    """Send ``queue`` (one target's messages, oldest first) until the deadline or the target's first failure."""
    run = _TargetRun(queue[0].target)
    for position, message in enumerate(queue):
        if time.monotonic() > deadline:
            run.unsent = queue[position:]
            break
        error = send(message)
        if error is not None:  # not tried again in this run: its back-off starts now
            archive.write(lambda session: _mark_failed(session, message, error, now()))
            run.error, run.unsent = error, queue[position + 1:]
            break
        archive.write(lambda session: _mark_delivered(session, message, now()))
        run.sent, run.delivered = run.sent + 1, run.delivered + len(message.delivery_ids)
    return run


def waiting_count(session: Session) -> int:
    """How many alert deliveries are waiting (not delivered yet)."""
    return session.scalar(select(func.count(AlertDelivery.id)).where(AlertDelivery.delivered_at.is_(None))) or 0


def has_due(session: Session, at: datetime) -> bool:
    """Whether anything in the outbox is due at ``at`` (a cheap check before a delivery run)."""
    return session.scalar(select(AlertDelivery.id).where(*_due(at)).limit(1)) is not None


def claim_span(budget: float) -> timedelta:
    """How long a run's claim lasts: past its budget and the timeouts of a send started just before its end."""
    return timedelta(seconds=budget + CONNECT_TIMEOUT + READ_TIMEOUT) * 2


def _due(at: datetime, ignore_backoff: bool = False) -> list[Any]:
    """Undelivered, claimed by no run still sending at ``at``, and (unless ignored) past its back-off."""
    unclaimed = or_(AlertDelivery.claimed_until.is_(None), AlertDelivery.claimed_until <= at)
    conditions = [AlertDelivery.delivered_at.is_(None), unclaimed]
    return conditions if ignore_backoff else [*conditions, AlertDelivery.next_attempt_at <= at]


def prepare(session: Session, at: datetime, ignore_backoff: bool = False,
            claim_until: datetime | None = None) -> list[Message]:
    """The messages due at ``at``, oldest first, claimed until ``claim_until`` (default: one budget's span).

    A digest's key is fixed here, before it is first sent.
    """
    # SKIP LOCKED: rows another run is claiming right now are left to it, not waited for (PostgreSQL).
    query = (select(AlertDelivery, Alert, Watch, Version.change_summary)
             .join(Alert, Alert.id == AlertDelivery.alert_id).join(Watch, Watch.id == Alert.watch_id)
             .outerjoin(Version, Version.id == Alert.version_id).where(*_due(at, ignore_backoff))
             .with_for_update(skip_locked=True, of=AlertDelivery))
    rows = session.execute(query.order_by(AlertDelivery.id).limit(MAX_MESSAGES * 20)).all()
    messages: list[Message] = []
    digests: dict[str, list[tuple[AlertDelivery, Alert, Watch]]] = {}
    old_titles = {alert.id: headline_before(alert.event, summary) for _, alert, _, summary in rows}
    for delivery, alert, watch, _ in rows:
        if not watch.digest and delivery.batch is None:
            messages.append(_single(delivery, alert, watch, old_titles[alert.id]))
            continue
        if delivery.batch is None:
            open_key = f"open:{watch.id}:{delivery.target}"
            digests.setdefault(open_key, []).append((delivery, alert, watch))
        else:
            digests.setdefault(delivery.batch, []).append((delivery, alert, watch))
    for key, members in digests.items():
        if key.startswith("open:"):
            key = f"newsarchive-{members[0][2].key}-digest-{members[0][0].id}"
            for delivery, _, _ in members:
                delivery.batch = key  # committed before the first attempt: a retry is the same digest
        messages.append(_digest(key, members, old_titles))
    messages.sort(key=lambda m: min(m.delivery_ids))
    chosen = messages[:MAX_MESSAGES]
    _claim(session, chosen, claim_until or at + claim_span(BUDGET))
    return chosen


def alert_key(watch_key: str, alert_id: int) -> str:
    """The idempotency key of an alert: its watch's random key (unique to this archive) and its id."""
    return f"newsarchive-{watch_key}-{alert_id}"


def headline_before(event: str, summary: dict[str, Any] | None) -> str | None:
    """A headline alert's title before the change (from its version's change summary), else ``None``."""
    changed = title_change(summary) if event == "headline" else None
    return None if changed is None else changed[0]


def _single(delivery: AlertDelivery, alert: Alert, watch: Watch, old_title: str | None) -> Message:
    key = alert_key(watch.key, alert.id)
    title = f"newsarchive [{watch.name}] {alert.event}: {shown_title(alert.title, alert.url, old_title)}"
    fields = {"idempotency_key": key, "watch": watch.name, "event": alert.event, "url": alert.url,
              "outlet": alert.outlet, "version": str(alert.version_seq)}
    if alert.previous_seq is not None:
        fields["previous_version"] = str(alert.previous_seq)
    fields.update({"first_seen": iso(alert.first_seen), "excerpt": alert.excerpt, "warc_file": alert.warc_file,
                   "warc_offset": str(alert.warc_offset), "warc_record_id": alert.warc_record_id})
    return Message(delivery.target, key, shortened(title, 200), _alert_text(alert, watch.name, key, old_title), [delivery.id],
                   fields)


def _digest(key: str, members: list[tuple[AlertDelivery, Alert, Watch]], old_titles: dict[int, str | None]) -> Message:
    watch = members[0][2]
    keys = [alert_key(watch.key, alert.id) for _, alert, _ in members]
    body = "\n\n".join(_alert_text(alert, watch.name, k, old_titles.get(alert.id))
                       for (_, alert, _), k in zip(members, keys))
    title = f"newsarchive [{watch.name}] {len(members)} alerts"
    fields = {"idempotency_key": key, "watch": watch.name, "event": "digest", "alert_keys": ",".join(keys)}
    return Message(members[0][0].target, key, title, f"{body}\n\ndigest id {key}",
                   [delivery.id for delivery, _, _ in members], fields)


def _alert_text(alert: Alert, watch: str, key: str, old_title: str | None = None) -> str:
    versions = f"version {alert.version_seq}" if alert.previous_seq is None else \
        f"version {alert.previous_seq} → {alert.version_seq}"
    return "\n".join([
        f"{alert.event}: {shown_title(alert.title, alert.url, old_title)}",
        f"{alert.outlet} · {alert.url}",
        f"{versions}, first seen {iso(alert.first_seen)}",
        alert.excerpt,
        f"WARC {alert.warc_file} offset {alert.warc_offset} record {alert.warc_record_id}",
        f"watch {watch} · id {key}",
    ])


def _mark_delivered(session: Session, message: Message, at: datetime) -> None:
    session.execute(update(AlertDelivery).where(AlertDelivery.id.in_(message.delivery_ids))
                    .values(delivered_at=at, attempts=AlertDelivery.attempts + 1, last_error=None,
                            claimed_until=None))


def _claim(session: Session, messages: list[Message], until: datetime | None) -> None:
    """Claim ``messages`` for this run until ``until`` (None: give the claim back)."""
    ids = [delivery_id for message in messages for delivery_id in message.delivery_ids]
    session.execute(update(AlertDelivery).where(AlertDelivery.id.in_(ids)).values(claimed_until=until))


def _mark_failed(session: Session, message: Message, error: str, at: datetime) -> None:
    for delivery in session.scalars(select(AlertDelivery).where(AlertDelivery.id.in_(message.delivery_ids))):
        delivery.attempts += 1
        delivery.claimed_until = None
        delivery.next_attempt_at = at + backoff(delivery.attempts)
        delivery.last_error = shortened(error, 500)


def backoff(attempts: int) -> timedelta:
    """How long to wait after ``attempts`` failed attempts: 1, 2, 4 … minutes, at most 6 hours."""
    return min(BACKOFF_FIRST * (2 ** min(attempts - 1, 20)), BACKOFF_MAX)


# -- Apprise ---------------------------------------------------------------------------------------


def send(message: Message) -> str | None:
    """Send ``message`` through Apprise within the timeouts; None when accepted, else why not (one line).

    Runs inside :func:`_apprise_log` and :func:`_notification_proxy`, which
    :func:`deliver` holds around all of a run's sending threads.
    """
    import apprise

    with _last_line() as log:
        plugin = apprise.Apprise.instantiate(_with_fields(message))
        if plugin is None:
            return "not a notification URL Apprise knows"
        plugin.socket_connect_timeout = min(float(plugin.socket_connect_timeout or CONNECT_TIMEOUT), CONNECT_TIMEOUT)
        plugin.socket_read_timeout = min(float(plugin.socket_read_timeout or READ_TIMEOUT), READ_TIMEOUT)
        if _is_json(message.target) and "version" in message.fields and hasattr(plugin, "json_version"):
            plugin.json_version = message.fields["version"]  # the payload's "version" (see _with_fields)
        try:
            accepted = plugin.notify(body=message.body, title=message.title)
        except Exception as error:  # a plugin's own bug must not stop the others
            return shortened(f"{type(error).__name__}: {error}", 300)
    return None if accepted else (log.last or "the service did not accept the message")


def _is_json(target: str) -> bool:
    return urlsplit(target).scheme.lower() in JSON_SCHEMES


def _with_fields(message: Message) -> str:
    """The target URL, for a ``json://`` webhook with the idempotency key as header and fields in the body.

    Apprise's JSON payload has keys of its own (``version``: its format's, "1.0";
    ``title``, ``message``, ``type``, ``attachments``), and ``:key=value`` on
    one of those renames it to ``value`` instead of adding a field: ``:version=2``
    sent ``"2": "1.0"``. So ``version`` is not a parameter: :func:`send` puts an
    alert's version in the plugin's own version field, and a digest, which has
    none, drops Apprise's (an empty value removes a key).
    """
    if not _is_json(message.target):
        return message.target
    params = [f"%2BIdempotency-Key={quote(message.key, safe='')}"]
    params += [f"%3A{name}={quote(value, safe='')}" for name, value in message.fields.items()
               if name not in APPRISE_JSON_KEYS]
    if "version" not in message.fields:
        params.append("%3Aversion=")
    joiner = "&" if "?" in message.target else "?"
    return message.target + joiner + "&".join(params)


@contextmanager
def _notification_proxy() -> Iterator[None]:
    """The environment's proxies for the crawl set aside while sending (see the module's docstring)."""
    saved = {name: os.environ.pop(name) for name in list(os.environ) if name.lower() in PROXY_VARIABLES}
    proxy = os.environ.get(ALERTS_PROXY)
    if proxy:
        os.environ.update({"http_proxy": proxy, "https_proxy": proxy})
    try:
        yield
    finally:
        for name in list(os.environ):
            if name.lower() in PROXY_VARIABLES:
                del os.environ[name]
        os.environ.update(saved)


class _LastLine(logging.Handler):
    """Keeps the last warning Apprise logged on this thread: the reason this thread's send failed."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.last: str | None = None
        self.thread = threading.get_ident()

    def emit(self, record: logging.LogRecord) -> None:
        text = " ".join(record.getMessage().split())
        if record.thread == self.thread and text:
            self.last = shortened(text, 300)


@contextmanager
def _last_line() -> Iterator[_LastLine]:
    """The last warning Apprise logs on this thread while the block runs."""
    apprise_logger = logging.getLogger("apprise")
    handler = _LastLine()
    apprise_logger.addHandler(handler)
    try:
        yield handler
    finally:
        apprise_logger.removeHandler(handler)


@contextmanager
def _apprise_log() -> Iterator[_LastLine]:
    """Apprise's own log lines kept out of the crawl's log while it sends: the caller logs one line instead."""
    apprise_logger = logging.getLogger("apprise")
    propagate, apprise_logger.propagate = apprise_logger.propagate, False
    try:
        with _last_line() as handler:
            yield handler
    finally:
        apprise_logger.propagate = propagate


def shortened(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` characters, an ellipsis marking a cut (errors here, excerpts in alerts)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
