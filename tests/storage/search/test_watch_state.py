"""``reindex`` carries the watches, their alerts and their outbox into the rebuilt index.

Watches are made by people, not crawls, so no WARC holds them: a rebuild must
take them from the index it replaces, keep each alert's id (its idempotency
key is built from it) and point it at the rebuilt version of the same capture.
"""

from __future__ import annotations

import socket
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from storage.archive import Archive
from tests.helpers.captures import phrase_of
from tests.helpers.cli import newsarchive
from tests.helpers.crawl import run_crawl
from tests.newsweb import NewsWeb

OUTLET = "daily-courier"


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again: nothing listens there


def cited(archive: Archive) -> list[tuple]:
    return [(a.id, a.key, a.watch, a.event, a.url, a.version, a.warc_record_id, len(a.deliveries))
            for a in sorted(archive.alerts(), key=lambda a: a.id)]


def drop_previous_schema(db_url: str) -> None:
    """The rebuild keeps the replaced PostgreSQL schema as NAME_previous: the test's schema fixture drops only NAME."""
    url = make_url(db_url)
    if url.get_backend_name() != "postgresql":
        return
    schema = str(url.query["options"]).split("search_path=")[1]
    engine = create_engine(url.difference_update_query(["options"]))
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}_previous" CASCADE'))
    engine.dispose()


def test_reindex_keeps_watches_alerts_and_what_waits_to_be_sent(tmp_path: Path, db_url: str) -> None:
    archive_dir = tmp_path / "archive"
    with NewsWeb(seed=5, articles_per_outlet=2) as web:
        seeds = tmp_path / "seeds.toml"
        seeds.write_text(web.seed_toml(), encoding="utf-8")
        run_crawl(archive_dir, seeds, web.proxy_url, db_url=db_url)
        edited = web.article_urls(OUTLET)[0]
        target = f"json://127.0.0.1:{closed_port()}/hook"
        with Archive(db_url, archive_dir) as archive:
            archive.add_watch("headline", phrase_of(web.article(edited).paragraphs[1]), outlets=[OUTLET],
                              events=["headline"], notify=[target])
            archive.add_watch("quiet", '"no article says this"', notify=[target])
        web.edit_article(edited, new_title="Council delays its harbour vote after a late objection")
        run_crawl(archive_dir, seeds, web.proxy_url, db_url=db_url, args={"recheck": "all"})
        with Archive(db_url, archive_dir) as archive:
            watches, alerts = archive.watches(), cited(archive)
            waiting = [a.id for a in archive.alerts(undelivered=True)]
        assert [(a[2], a[3], a[4], a[5]) for a in alerts] == [("headline", "headline", edited, 2)]
        assert waiting == [alerts[0][0]]  # the target is down: the alert waits in the outbox

        try:
            result = newsarchive("--db", db_url, "--archive-dir", str(archive_dir), "reindex", "--yes",
                                 "--seeds", str(seeds), "--workers", "1")
            assert result.exit_code == 0, result.output
            with Archive(db_url, archive_dir) as archive:
                assert archive.watches() == watches
                assert cited(archive) == alerts
                assert [a.id for a in archive.alerts(undelivered=True)] == waiting
                [alert] = archive.alerts()
                assert archive.versions(edited)[alert.version - 1].title == "Council delays its harbour vote after a late objection"

            # New alerts after the rebuild get new ids, not the carried-over ones.
            web.edit_article(edited, new_title="Harbour vote goes ahead after all, council says")
            run_crawl(archive_dir, seeds, web.proxy_url, db_url=db_url, args={"recheck": "all"})
            with Archive(db_url, archive_dir) as archive:
                ids = [a[0] for a in cited(archive)]
            assert len(ids) == 2 and ids[0] == alerts[0][0] and ids[1] > ids[0]
        finally:
            drop_previous_schema(db_url)
