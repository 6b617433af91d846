"""Watches end to end: real crawls of the simulated web, alerts to a real webhook receiver on 127.0.0.1.

Four watches — a phrase that appears, a headline change, a correction, a
removal — are added after a first crawl. The second crawl finds the edits and
the receiver gets exactly one message per event; a third crawl, with nothing
changed, sends none. Then more edits, and the fourth crawl is SIGKILLed as soon
as its alerts are committed (or, should it get there first, the moment its
first message arrives): the fifth crawl delivers every missing alert, once each.
"""

from __future__ import annotations

import os
import socket
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

from storage.archive import Archive
from tests.helpers.captures import phrase_of
from tests.helpers.cli import newsarchive
from tests.helpers.crawl import run_crawl, start_crawl
from tests.helpers.webhook import WebhookReceiver
from tests.newsweb import NewsWeb

OUTLET = "daily-courier"
PHRASE = "the harbour pilots walked out at dawn"
CORRECTION = "Correction: an earlier version of this article gave the wrong date for the council meeting."


def add_watch(archive_dir: Path, *args: str) -> None:
    result = newsarchive("--archive-dir", str(archive_dir), "watch", "add", *args)
    assert result.exit_code == 0, result.output


def kill_hard(process: subprocess.Popen[str]) -> None:
    """SIGKILL the crawl and whatever it left in its process group (extraction workers)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.communicate(timeout=30)


def alert_count(archive_dir: Path) -> int:
    with sqlite3.connect(archive_dir / "archive.sqlite3", timeout=5) as connection:
        return connection.execute("SELECT count(*) FROM alerts").fetchone()[0]


def test_watches_over_three_crawls_and_a_kill(tmp_path: Path) -> None:
    with NewsWeb(seed=19, articles_per_outlet=4) as web, WebhookReceiver() as receiver:
        syndicated = {copy.url for copy in web.syndicated}
        headline, corrected, quoted, removed = [u for u in web.article_urls(OUTLET) if u not in syndicated][:4]
        seeds = tmp_path / "seeds.toml"
        seeds.write_text(web.seed_toml(), encoding="utf-8")
        archive_dir = tmp_path / "archive"
        run_crawl(archive_dir, seeds, web.proxy_url)

        notify = ("--notify", receiver.url, "--outlet", OUTLET)
        add_watch(archive_dir, "pilots", f'"{PHRASE}"', "--on", "appears", *notify)
        add_watch(archive_dir, "headline", phrase_of(web.article(headline).paragraphs[1]), "--on", "headline", *notify)
        add_watch(archive_dir, "correction", phrase_of(web.article(corrected).title), "--on", "correction", *notify)
        add_watch(archive_dir, "removal", phrase_of(web.article(removed).title), "--on", "removed", *notify)

        # Crawl 2: one edit of each kind.
        web.edit_article(headline, new_title="Council delays its harbour vote after a late objection")
        web.edit_article(corrected, append_paragraph=CORRECTION)
        web.edit_article(quoted, append_paragraph=f"Witnesses said {PHRASE}, before the first ferry.")
        web.delete_article(removed)
        run_crawl(archive_dir, seeds, web.proxy_url, args={"recheck": "all"})
        got = {(m.body["watch"], m.body["event"], m.body["url"]) for m in receiver.messages()}
        assert got == {("pilots", "appears", quoted), ("headline", "headline", headline),
                       ("correction", "correction", corrected), ("removal", "removed", removed)}
        assert len(receiver.messages()) == 4 and len(set(receiver.keys())) == 4

        # Crawl 3: nothing changed, nothing sent.
        result = run_crawl(archive_dir, seeds, web.proxy_url, args={"recheck": "all"})
        assert len(receiver.messages()) == 4 and alert_count(archive_dir) == 4
        assert "\n  alerts " not in result.stderr  # the summary has no alerts line

        # Crawl 4: two more events, killed between commit and delivery.
        web.edit_article(headline, new_title="Harbour vote goes ahead after all, council says")
        web.edit_article(corrected, append_paragraph=f"Later, {PHRASE} again.")
        crawl = start_crawl(archive_dir, seeds, web.proxy_url, args={"recheck": "all"}, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        receiver.kill_on_receipt = crawl.pid  # should delivery start before the poll below sees the alerts
        deadline = time.monotonic() + 240
        while alert_count(archive_dir) < 6 and crawl.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        kill_hard(crawl)
        receiver.kill_on_receipt = None
        assert alert_count(archive_dir) == 6
        before_next = receiver.keys()
        assert len(before_next) - 4 <= 1  # at most the one message that arrived as the crawl died

        # Crawl 5: nothing new; the missing alerts arrive, once each.
        result = run_crawl(archive_dir, seeds, web.proxy_url, args={"recheck": "all"})
        with Archive(archive_dir=archive_dir) as archive:
            stored = {a.key: (a.watch, a.event, a.url) for a in archive.alerts()}
            assert archive.alerts(undelivered=True) == []
        assert len(stored) == 6
        keys = receiver.keys()
        assert set(keys) == set(stored)
        missing = set(stored) - set(before_next)
        assert all(keys.count(key) == 1 for key in missing) and missing
        assert len(keys) - len(set(keys)) == len(before_next) - 4  # only the one in flight came twice
        assert set(stored.values()) == got | {("headline", "headline", headline), ("pilots", "appears", corrected)}
        assert "messages sent, 0 failed" in result.stderr.split("newsarchive crawl finished")[-1]


def test_a_target_that_is_down_costs_the_crawl_one_line(tmp_path: Path) -> None:
    with NewsWeb(seed=3, articles_per_outlet=1) as web:
        seeds = tmp_path / "seeds.toml"
        seeds.write_text(web.seed_toml(), encoding="utf-8")
        archive_dir = tmp_path / "archive"
        with Archive(archive_dir=archive_dir, create=True) as archive:
            archive.ensure_outlet(OUTLET, ["daily-courier.test"])
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]  # closed again: nothing listens there
        add_watch(archive_dir, "everything", "the", "--on", "new", "--notify", f"json://127.0.0.1:{port}/hook")
        result = run_crawl(archive_dir, seeds, web.proxy_url)
        assert result.returncode == 0
        lines = [line for line in result.stderr.splitlines() if "not delivered" in line]
        assert len(lines) == 1 and f"127.0.0.1:{port}" in lines[0], lines
        assert "Traceback" not in result.stderr
        with Archive(archive_dir=archive_dir) as archive:
            waiting = len(archive.alerts(undelivered=True))
        assert waiting >= 3
        summary = result.stderr.split("newsarchive crawl finished")[-1]
        assert f"0 messages sent, 1 failed, {waiting} waiting" in summary  # failed once: not tried again in the run


def test_ingest_raises_and_delivers_the_alerts_of_what_it_records(tmp_path: Path) -> None:
    with NewsWeb(seed=4, articles_per_outlet=2) as web, WebhookReceiver() as receiver:
        seeds = tmp_path / "seeds.toml"
        seeds.write_text(web.seed_toml(), encoding="utf-8")
        crawled = tmp_path / "crawled"
        run_crawl(crawled, seeds, web.proxy_url, settings={"ARCHIVE_INDEX": "0"})  # WARCs only
        title = web.article(web.article_urls(OUTLET)[0]).title
        archive_dir = tmp_path / "archive"
        Archive(archive_dir=archive_dir, create=True).close()
        add_watch(archive_dir, "first", phrase_of(title), "--on", "new", "--notify", receiver.url)
        result = newsarchive("--archive-dir", str(archive_dir), "ingest", str(crawled / "warcs"), "--seeds", str(seeds))
        assert result.exit_code == 0, result.output
        assert "1 messages sent" in result.stderr
        [message] = receiver.messages()
        assert message.body["event"] == "new" and message.body["url"] == web.article_urls(OUTLET)[0]


def test_a_move_is_no_new_article_to_a_watch(tmp_path: Path) -> None:
    """An article a watch has alerted on moves to a new address (301, nothing links it): no alert; an edit
    made there later is a change, and alerts."""
    with NewsWeb(seed=32, articles_per_outlet=2) as web, WebhookReceiver() as receiver:
        syndicated = {copy.url for copy in web.syndicated}
        old = next(u for u in web.article_urls(OUTLET) if u not in syndicated)
        seeds = tmp_path / "seeds.toml"
        seeds.write_text(web.seed_toml(), encoding="utf-8")
        archive_dir = tmp_path / "archive"
        with Archive(archive_dir=archive_dir, create=True) as archive:
            archive.ensure_outlet(OUTLET, ["daily-courier.test"])
        add_watch(archive_dir, "story", phrase_of(web.article(old).paragraphs[1]), "--on", "new,changed",
                  "--notify", receiver.url, "--outlet", OUTLET)
        run_crawl(archive_dir, seeds, web.proxy_url)
        assert [(m.body["event"], m.body["url"]) for m in receiver.messages()] == [("new", old)]

        new = web.move_article(old, listed=False)
        run_crawl(archive_dir, seeds, web.proxy_url, args={"recheck": "all"})
        with Archive(archive_dir=archive_dir) as archive:
            assert [v.url for v in archive.export() if v.url == new]  # the move was followed
        assert [(m.body["event"], m.body["url"]) for m in receiver.messages()] == [("new", old)]

        web.edit_article(new, append_paragraph=f"Later, {PHRASE}.")
        run_crawl(archive_dir, seeds, web.proxy_url, args={"recheck": "all"})
        assert [(m.body["event"], m.body["url"]) for m in receiver.messages()] == [("new", old), ("changed", new)]
