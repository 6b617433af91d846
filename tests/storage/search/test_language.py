"""Detected languages in the archive: search and export filter on them, the declaration is kept beside,
and ``reextract`` brings older versions' languages up to date (issue 22). Real pages of the wide dev set."""

from __future__ import annotations

import json
from io import BytesIO
from pathlib import Path

import pytest
from sqlalchemy import update
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from bench.segments import load_wide
from extract import extract_article
from storage.archive import Archive
from storage.db.models import Version
from tests.helpers.captures import capture, hours
from tests.helpers.cli import newsarchive
from tests.helpers.datasets import EXTRACTION_WIDE

SPANISH = "hard::100noticias.com-millones.html"  # declares English, is written in Spanish
GERMAN = "https://www.demokratiewebstatt.at/thema/thema-umwelt-und-klima/woher-kommt-die-dicke-luft"
URLS = {SPANISH: "https://noticias.example/deuda", GERMAN: "https://noticias.example/luft"}


@pytest.fixture
def filled(db_url: str, archive_dir: Path) -> str:
    pages = {page.url: page for page in load_wide(EXTRACTION_WIDE)}
    with Archive(db_url, archive_dir, create=True) as archive:
        archive.ensure_outlet("daily", ["noticias.example"])
        for n, (key, url) in enumerate(URLS.items()):
            archive.record_capture(capture(url, hours(n)), extract_article(pages[key].html, url))
    return db_url


def cli(db: str | None, archive_dir: Path, *args: str) -> list[dict]:
    result = newsarchive(*(["--db", db] if db else []), "--archive-dir", str(archive_dir), *args)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_versions_keep_the_detected_language_and_the_declared_one(filled: str, archive_dir: Path) -> None:
    [spanish] = cli(filled, archive_dir, "versions", URLS[SPANISH], "--json")
    assert (spanish["language"], spanish["declared_language"]) == ("es", "en")


def test_search_and_export_filter_on_the_detected_language(filled: str, archive_dir: Path) -> None:
    everything = {hit["url"] for hit in cli(filled, archive_dir, "search", "de OR die", "--json")}
    assert URLS[SPANISH] in everything and URLS[GERMAN] in everything  # "de" is a word in both
    german = cli(filled, archive_dir, "search", "de OR die", "--language", "de", "--json")
    assert [hit["url"] for hit in german] == [URLS[GERMAN]]
    exported = cli(filled, archive_dir, "export", "--language", "es")
    assert [row["url"] for row in exported] == [URLS[SPANISH]]
    assert cli(filled, archive_dir, "export", "--language", "en") == []


def test_reextract_detects_the_language_of_versions_archived_before_detection(tmp_path: Path) -> None:
    page = {p.url: p for p in load_wide(EXTRACTION_WIDE)}[SPANISH]
    archive_dir = tmp_path / "archive"
    warc = archive_dir / "warcs" / "page.warc.gz"
    warc.parent.mkdir(parents=True)
    with warc.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(URLS[SPANISH], "response", payload=BytesIO(page.html),
                                                      http_headers=headers))
    ingested = newsarchive("--archive-dir", str(archive_dir), "ingest", str(warc), "--auto-outlets", "--all-pages",
                           "--workers", "1")
    assert ingested.exit_code == 0, ingested.output
    with Archive(archive_dir=archive_dir) as archive:  # as an archive from before detection holds it
        archive.write(lambda session: session.execute(
            update(Version).values(language="en", declared_language=None)))
    summary = json.loads(newsarchive("--archive-dir", str(archive_dir), "reextract", "--json").stdout)
    assert summary["languages_updated"] == 1 and summary["changed_by_extractor"] == 0
    [version] = cli(None, archive_dir, "versions", URLS[SPANISH], "--json")
    assert (version["language"], version["declared_language"]) == ("es", "en")
