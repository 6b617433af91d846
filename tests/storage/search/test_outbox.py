"""Alert delivery through Apprise to a real webhook receiver on 127.0.0.1: once per alert,
back-off for a target that is down, digests, and no loss or double count across a SIGKILL.
"""

from __future__ import annotations

import logging
import socket
import subprocess
import sys
import textwrap
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.archive import Archive
from storage.db.models import AlertDelivery
from storage.db.times import aware, iso, now
from storage.search import outbox
from tests.helpers.captures import article, capture, hours
from tests.helpers.crawl import ROOT
from tests.helpers.webhook import WebhookReceiver

URL = "https://daily.example/news/harbour-vote"
BODY = "The council met to discuss the harbour plan.\n\nResidents asked for a delay."
QUOTE = "We will not be rushed into a decision, said the deputy mayor."


def record_versions(archive: Archive, url: str = URL, start: float = 0) -> None:
    """A page's first version, then one with the quote (an ``appears`` for a watch on it)."""
    archive.record_captures([(capture(url, hours(start)), article(BODY, title="Harbour vote"))])
    archive.record_captures([(capture(url, hours(start + 1)), article(BODY + "\n\n" + QUOTE, title="Harbour vote"))])


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens once the socket closes


def test_each_alert_is_delivered_once_with_its_idempotency_key(archive: Archive) -> None:
    with WebhookReceiver() as receiver:
        archive.add_watch("quote", '"rushed into a decision"', events=["appears"], notify=[receiver.url])
        archive.add_watch("new", "harbour", events=["new"], notify=[receiver.url])
        record_versions(archive)
        assert receiver.messages() == []  # recording never sends: delivery runs after commit
        report = archive.deliver_alerts()
        assert (report.sent, report.failed, report.waiting) == (2, 0, 0)
        keys = {a.key for a in archive.alerts()}
        assert set(receiver.keys()) == keys and len(receiver.keys()) == 2
        by_event = {m.body["event"]: m for m in receiver.messages()}
        appears = by_event["appears"]
        assert appears.body["idempotency_key"] == appears.key and appears.body["url"] == URL
        assert "rushed into a decision" in appears.body["message"] and "WARC test.warc.gz" in appears.body["message"]
        assert archive.deliver_alerts().sent == 0  # delivered is delivered
        assert len(receiver.messages()) == 2


def test_a_target_that_is_down_is_retried_later_with_back_off(archive: Archive, caplog) -> None:
    down = f"json://127.0.0.1:{closed_port()}/hook"
    with WebhookReceiver() as receiver:
        archive.add_watch("quote", '"rushed into a decision"', events=["appears"], notify=[down, receiver.url])
        record_versions(archive)
        with caplog.at_level(logging.WARNING):
            report = archive.deliver_alerts()
        assert (report.sent, report.failed, report.waiting) == (1, 1, 1)
        assert len(receiver.messages()) == 1  # the working target is not held up by the other
        lines = [r.getMessage() for r in caplog.records if "not delivered" in r.getMessage()]
        assert len(lines) == 1 and f"127.0.0.1:{down.split(':')[2].split('/')[0]}" in lines[0]
        assert not any(r.exc_info for r in caplog.records) and "Traceback" not in caplog.text
        [waiting] = archive.alerts(undelivered=True)
        [failed] = [d for d in waiting.deliveries if d["delivered_at"] is None]
        assert failed["attempts"] == 1 and failed["last_error"]
        assert timedelta(seconds=50) < aware(failed["next_attempt_at"]) - now() <= timedelta(minutes=1)
        assert archive.deliver_alerts().failed == 0  # backing off: not tried again yet
        assert archive.deliver_alerts(at=now() + timedelta(minutes=2)).failed == 1  # tried, still down
        [again] = [d for d in archive.alerts(undelivered=True)[0].deliveries if d["delivered_at"] is None]
        assert again["attempts"] == 2 and aware(again["next_attempt_at"]) - now() > timedelta(minutes=1, seconds=50)


def test_a_target_that_never_answers_costs_only_its_timeout(archive: Archive) -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        target = f"json://127.0.0.1:{silent.getsockname()[1]}/hook?rto=1&cto=1"
        archive.add_watch("quote", '"rushed into a decision"', events=["appears"], notify=[target])
        record_versions(archive)
        started = time.monotonic()
        report = archive.deliver_alerts()
        assert report.failed == 1 and time.monotonic() - started < 10


def test_a_digest_is_one_message_and_keeps_its_key_when_retried(archive: Archive) -> None:
    with WebhookReceiver() as receiver:
        archive.add_watch("all", "harbour", events=["new", "changed"], notify=[receiver.url], digest=True)
        record_versions(archive)
        record_versions(archive, URL + "-2", start=2)
        receiver.answer = 503
        assert archive.deliver_alerts().failed == 1
        first_key = receiver.messages()[0].key
        record_versions(archive, URL + "-3", start=4)  # more alerts wait for a digest of their own
        receiver.answer = 200
        report = archive.deliver_alerts(ignore_backoff=True)
        assert report.sent == 2 and report.waiting == 0
        retried, fresh = receiver.messages()[1:]
        assert retried.key == first_key and retried.body == receiver.messages()[0].body
        assert len(retried.body["alert_keys"].split(",")) == 4 and len(fresh.body["alert_keys"].split(",")) == 2
        assert fresh.key != first_key


# -- crashes: run in a subprocess, SIGKILLed -------------------------------------------------------


def _script(db_url: str, archive_dir: Path, body: str) -> list[str]:
    code = textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(ROOT)!r})
        from storage.archive import Archive
        from tests.storage.search.test_outbox import record_versions
        archive = Archive({db_url!r}, {str(archive_dir)!r})
    """) + textwrap.dedent(body)
    return [sys.executable, "-c", code]


def two_watches(db_url: str, tmp_path: Path, receiver: WebhookReceiver) -> None:
    """A new archive with a phrase watch and a word watch, both sending to ``receiver``."""
    with Archive(db_url, tmp_path, create=True) as archive:
        archive.ensure_outlet("daily", ["daily.example"])
        archive.add_watch("quote", '"rushed into a decision"', events=["appears"], notify=[receiver.url])
        archive.add_watch("new", "harbour", events=["new"], notify=[receiver.url])


def test_a_kill_between_commit_and_send_loses_nothing(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'archive.sqlite3'}"
    with WebhookReceiver() as receiver:
        two_watches(db_url, tmp_path, receiver)
        # Record (commit), say so, then wait to be killed before any delivery.
        process = subprocess.Popen(_script(db_url, tmp_path, """
            record_versions(archive)
            print("committed", flush=True)
            time.sleep(60)
            archive.deliver_alerts()
        """), stdout=subprocess.PIPE, text=True)
        assert process.stdout.readline().strip() == "committed"
        process.kill()
        process.wait(timeout=30)
        assert receiver.messages() == []
        with Archive(db_url, tmp_path) as archive:
            assert len(archive.alerts(undelivered=True)) == 2
            assert archive.deliver_alerts().sent == 2
            assert archive.deliver_alerts().sent == 0
        assert sorted(receiver.keys()) == sorted({k for k in receiver.keys()}) and len(receiver.keys()) == 2


def test_a_kill_between_send_and_mark_sends_again_under_the_same_key_once_its_claim_expires(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'archive.sqlite3'}"
    with WebhookReceiver() as receiver:
        two_watches(db_url, tmp_path, receiver)
        with Archive(db_url, tmp_path) as archive:
            record_versions(archive)
        process = subprocess.Popen(_script(db_url, tmp_path, "archive.deliver_alerts()"))
        receiver.kill_on_receipt = process.pid  # dies the moment its first message arrives
        assert process.wait(timeout=60) == -9
        assert len(receiver.messages()) == 1
        with Archive(db_url, tmp_path) as archive:
            assert archive.deliver_alerts().sent == 0  # claimed by the run that died, until its claim expires
            later = now() + outbox.claim_span(outbox.BUDGET) + timedelta(seconds=1)
            assert archive.deliver_alerts(at=later).sent == 2  # the first one again: it was never marked
            stored = {a.key for a in archive.alerts()}
            assert archive.read(lambda s: list(s.scalars(select(AlertDelivery.delivered_at)))).count(None) == 0
        keys = receiver.keys()
        assert len(keys) == 3 and set(keys) == stored and len(set(keys)) == 2  # at least once; once each by key


@pytest.mark.parametrize("digest", [False, True])
def test_nothing_to_send_loads_no_apprise(tmp_path: Path, digest: bool) -> None:
    db_url = f"sqlite:///{tmp_path / 'archive.sqlite3'}"
    with Archive(db_url, tmp_path, create=True) as archive:
        archive.ensure_outlet("daily", ["daily.example"])
        if digest:
            archive.add_watch("quote", '"rushed into a decision"', events=["appears"], digest=True)  # no targets
    done = subprocess.run(_script(db_url, tmp_path, """
        record_versions(archive)
        archive.deliver_alerts()
        print(sorted(m for m in sys.modules if m.split(".")[0] == "apprise"))
    """), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


# -- several delivery runs at once (distributed crawls each deliver at their end) -------------------


def _deliver_together(db_url: str, archive_dir: Path, runs: int, **options) -> list:
    """``runs`` delivery runs started at the same moment, each on an Archive of its own."""
    barrier = threading.Barrier(runs)
    reports: list = []

    def one_run() -> None:
        with Archive(db_url, archive_dir) as opened:
            barrier.wait()
            reports.append(opened.deliver_alerts(**options))

    threads = [threading.Thread(target=one_run) for _ in range(runs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return reports


def test_two_delivery_runs_at_once_send_each_alert_once(db_url: str, tmp_path: Path) -> None:
    with WebhookReceiver() as receiver:
        with Archive(db_url, tmp_path, create=True) as archive:
            archive.ensure_outlet("daily", ["daily.example"])
            archive.add_watch("new", "harbour", events=["new"], notify=[receiver.url])
            for n in range(3):
                archive.record_captures([(capture(f"{URL}-{n}", hours(n)), article(BODY, title="Harbour vote"))])
            keys = {a.key for a in archive.alerts()}
        receiver.delay = 0.3  # both runs are under way before either marks a message delivered
        reports = _deliver_together(db_url, tmp_path, 2)
        assert sorted(receiver.keys()) == sorted(keys) and len(keys) == 3
        assert sum(r.sent for r in reports) == 3 and sum(r.failed for r in reports) == 0
        with Archive(db_url, tmp_path) as archive:
            assert archive.alerts(undelivered=True) == []



def test_a_hanging_target_costs_the_others_nothing(archive: Archive) -> None:
    with WebhookReceiver() as hanging, WebhookReceiver() as healthy:
        hanging.delay = 20  # never answers within the read timeout
        archive.add_watch("new", "harbour", events=["new"], notify=[hanging.url + "?rto=2&cto=2", healthy.url])
        for n in range(6):
            archive.record_captures([(capture(f"{URL}-{n}", hours(n)), article(BODY, title="Harbour vote"))])
        report = archive.deliver_alerts(budget=5)
        assert len(healthy.messages()) == 6  # all of them, in the budget the hanging target did not take
        assert len(hanging.messages()) == 1  # failed once in this run: not tried again in it
        assert (report.sent, report.failed, report.waiting) == (6, 1, 6)
        [failing] = report.failing_targets
        assert str(hanging.port) in failing


def test_a_json_webhook_gets_the_version_and_its_citation_as_fields(archive: Archive) -> None:
    with WebhookReceiver() as receiver:
        archive.add_watch("quote", '"rushed into a decision"', events=["appears"], notify=[receiver.url])
        record_versions(archive)
        assert archive.deliver_alerts().sent == 1
        [alert] = archive.alerts()
        [message] = receiver.messages()
        body = message.body
        assert body["version"] == "2" and "2" not in body  # Apprise's own "version" key is not renamed to ours
        assert body["previous_version"] == "1"
        assert body["first_seen"] == iso(hours(1))
        assert "rushed into a decision" in body["excerpt"]
        assert (body["warc_file"], body["warc_offset"]) == ("test.warc.gz", "0")
        assert body["warc_record_id"] == alert.warc_record_id and body["warc_record_id"].startswith("<urn:uuid:")


def test_a_json_digest_carries_no_version_of_apprise_s_own(archive: Archive) -> None:
    with WebhookReceiver() as receiver:
        archive.add_watch("all", "harbour", events=["new", "changed"], notify=[receiver.url], digest=True)
        record_versions(archive)
        assert archive.deliver_alerts().sent == 1
        [message] = receiver.messages()
        assert "version" not in message.body and message.body["event"] == "digest"


def test_a_headline_alert_says_old_and_new_headline_as_the_feeds_do(archive: Archive) -> None:
    with WebhookReceiver() as receiver:
        archive.add_watch("headline", "harbour", events=["headline"], notify=[receiver.url])
        archive.add_watch("digest", "harbour", events=["headline"], notify=[receiver.url], digest=True)
        archive.record_captures([(capture(URL, hours(0)), article(BODY, title="Harbour vote"))])
        archive.record_captures([(capture(URL, hours(1)), article(BODY, title="Harbour vote delayed to spring"))])
        assert archive.deliver_alerts().sent == 2
        by_watch = {m.body["watch"]: m.body for m in receiver.messages()}
        shown = "“Harbour vote” → “Harbour vote delayed to spring”"
        assert by_watch["headline"]["title"] == f"newsarchive [headline] headline: {shown}"
        assert by_watch["headline"]["message"].startswith(f"headline: {shown}\n")
        assert f"headline: {shown}\n" in by_watch["digest"]["message"]
