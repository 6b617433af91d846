"""The newsarchive CLI through click's CliRunner, on real SQLite and PostgreSQL archives."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storage.archive import Archive
from storage.versions.captures import CaptureInput, WarcPointer
from tests.helpers.cli import newsarchive
from tests.helpers.captures import T0, article, capture, hours  # noqa: F401

URL = "https://daily.example/news/bridge"
VERSION_FIELDS = {
    "url", "outlet", "version", "first_seen", "last_seen", "title", "text",
    "authors", "published", "language", "warc_file", "warc_offset",
}


@pytest.fixture
def filled(db_url: str, archive_dir: Path) -> str:
    with Archive(db_url, archive_dir, create=True) as archive:
        archive.ensure_outlet("daily", ["daily.example"])
        archive.record_capture(
            capture(URL, T0),
            article("The bridge will close for repairs.", title="Bridge to close", authors=["Ann Lee"], language="en"),
        )
        archive.record_capture(capture(URL, hours(5)), article("The bridge closed today.", title="Bridge closes"))
        archive.record_capture(
            capture("https://daily.example/news/evil", hours(1)),
            article("Safe \x1b[2J\x1b]0;pwned\x07text\x1b[31m here.", title="Evil\x1b[5m title"),
        )
    return db_url


def run(db: str, archive_dir: Path, *args: str) -> tuple[int, str, str]:
    result = newsarchive("--db", db, "--archive-dir", str(archive_dir), *args)
    return result.exit_code, result.stdout, result.stderr


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def test_versions_json_carries_the_contract_fields(filled: str, archive_dir: Path) -> None:
    code, out, _ = run(filled, archive_dir, "versions", URL, "--json")
    assert code == 0
    first, second = json_lines(out)
    assert VERSION_FIELDS <= set(first)
    assert (first["version"], second["version"]) == (1, 2)
    assert first["first_seen"] == "2024-05-01T08:00:00Z" and first["authors"] == ["Ann Lee"]
    assert (first["language"], first["warc_file"], first["warc_offset"]) == ("en", "test.warc.gz", 0)


def test_versions_table_is_readable(filled: str, archive_dir: Path) -> None:
    code, out, _ = run(filled, archive_dir, "versions", URL)
    header, *rows = out.splitlines()
    assert code == 0 and header.split()[:3] == ["V", "FIRST", "SEEN"]
    assert "Bridge to close" in rows[0] and "2024-05-01T13:00:00Z" in rows[1]


def test_show_at_a_time_and_by_number(filled: str, archive_dir: Path) -> None:
    code, out, _ = run(filled, archive_dir, "show", URL, "--at", "2024-05-01T10:00:00+00:00", "--json")
    assert code == 0 and json.loads(out)["title"] == "Bridge to close"
    code, out, _ = run(filled, archive_dir, "show", URL, "--version", "2")
    assert code == 0 and "Version     2 of 2" in out and "The bridge closed today." in out
    code, out, _ = run(filled, archive_dir, "show", URL, "--at", "2024-05-02")
    assert code == 0 and "Bridge closes" in out


def test_outlets_and_stats(filled: str, archive_dir: Path) -> None:
    code, out, _ = run(filled, archive_dir, "outlets", "--json")
    [outlet] = json_lines(out)
    assert code == 0 and (outlet["name"], outlet["pages"], outlet["versions"]) == ("daily", 2, 3)
    assert outlet["last_capture"] == "2024-05-01T13:00:00Z"
    code, out, _ = run(filled, archive_dir, "outlets")
    assert code == 0 and out.splitlines()[1].split()[:3] == ["daily", "2", "3"]
    code, out, _ = run(filled, archive_dir, "stats", "--json")
    stats = json.loads(out)
    assert code == 0 and (stats["pages"], stats["captures"], stats["versions"]) == (2, 3, 3)


def test_search_json_and_table(filled: str, archive_dir: Path) -> None:
    code, out, _ = run(filled, archive_dir, "search", "bridge repairs", "--json")
    [hit] = json_lines(out)
    assert code == 0 and (hit["url"], hit["version"]) == (URL, 1) and "**repairs**" in hit["snippet"]
    code, out, _ = run(filled, archive_dir, "search", "bridge", "--as-of", "2024-05-01T09:00Z")
    assert code == 0 and "Bridge to close" in out and "Bridge closes" not in out
    code, out, _ = run(filled, archive_dir, "search", "bridge", "--until", "2024-04-30", "--json")
    assert code == 0 and out == ""


def test_captures_lists_every_fetch(filled: str, archive_dir: Path) -> None:
    code, out, _ = run(filled, archive_dir, "captures", URL, "--json")
    rows = json_lines(out)
    assert code == 0 and [r["fetched_at"] for r in rows] == ["2024-05-01T08:00:00Z", "2024-05-01T13:00:00Z"]
    assert {"warc_file", "warc_offset", "warc_record_id", "etag", "payload_digest"} <= set(rows[0])


def test_archived_text_cannot_send_terminal_escapes(filled: str, archive_dir: Path) -> None:
    code, out, _ = run(filled, archive_dir, "show", "https://daily.example/news/evil")
    assert code == 0 and "\x1b" not in out and "\x07" not in out
    assert "Safe text here." in out.replace("0;pwned", "")
    code, out, _ = run(filled, archive_dir, "search", "safe")
    assert code == 0 and "\x1b" not in out and "Evil title" in out


def test_export_jsonl_csv_and_parquet(filled: str, archive_dir: Path, tmp_path: Path) -> None:
    code, out, _ = run(filled, archive_dir, "export", "--outlet", "daily", "--since", "2024-05-01T09:00Z")
    assert code == 0 and [r["version"] for r in json_lines(out)] == [1, 2]
    assert all(VERSION_FIELDS <= set(r) for r in json_lines(out))
    code, out, _ = run(filled, archive_dir, "export", "--format", "csv", "--url", URL)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and [r["title"] for r in rows] == ["Bridge to close", "Bridge closes"]
    assert json.loads(rows[0]["authors"]) == ["Ann Lee"]
    target = tmp_path / "out.parquet"
    code, _, err = run(filled, archive_dir, "export", "--format", "parquet", "--latest", "-o", str(target))
    table = pq.read_table(target)
    assert code == 0 and "exported 2 versions" in err and table.num_rows == 2
    assert sorted(table.column("url").to_pylist()) == sorted([URL, "https://daily.example/news/evil"])
    assert str(table.schema.field("first_seen").type) == "timestamp[us, tz=UTC]"


def test_show_raw_prints_the_payload_from_the_warc(db_url: str, archive_dir: Path) -> None:
    html = b"<html><body><h1>Bridge</h1><p>The bridge will close.</p></body></html>"
    warcs = archive_dir / "warcs"
    warcs.mkdir(parents=True)
    path = warcs / "crawl-00001.warc.gz"
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        offset = out.tell()
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        record = writer.create_warc_record(URL, "response", payload=io.BytesIO(html), http_headers=headers)
        writer.write_record(record)
        length = out.tell() - offset
    pointer = WarcPointer(path.name, offset, length, record.rec_headers.get_header("WARC-Record-ID"))
    with Archive(db_url, archive_dir, create=True) as archive:
        archive.record_capture(CaptureInput("daily", URL, URL, T0, 200, pointer), article("The bridge will close."))
    code, out, _ = run(db_url, archive_dir, "show", URL, "--raw")
    assert code == 0 and out.encode() == html


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["versions", "https://daily.example/nope"], "no page https://daily.example/nope"),
        (["show", URL, "--at", "yesterday-ish"], "bad --at 'yesterday-ish'"),
        (["search", "bridge", "--since", "2024-13-45"], "bad --since '2024-13-45'"),
        (["show", URL, "--version", "7"], "has no version 7"),
        (["show", URL, "--raw"], "WARC file"),
    ],
)
def test_user_errors_are_one_line(filled: str, archive_dir: Path, args: list[str], expected: str) -> None:
    code, out, err = run(filled, archive_dir, *args)
    assert code != 0 and out == ""
    assert len(err.strip().splitlines()) == 1 and expected in err and "Traceback" not in err


def test_unreachable_database_is_one_line(tmp_path: Path) -> None:
    code, _, err = run("postgresql://nobody@127.0.0.1:1/x", tmp_path, "stats")
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert "cannot open database" in err and "127.0.0.1:1/x" in err


def test_missing_archive_is_reported_not_created(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEWSARCHIVE_DB_URL", raising=False)
    result = newsarchive("--archive-dir", str(tmp_path / "none"), "outlets")
    assert result.exit_code == 1 and "no archive at" in result.stderr
    assert not (tmp_path / "none").exists()


def test_archive_dir_comes_from_the_environment(filled: str, archive_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSARCHIVE_DB_URL", filled)
    result = newsarchive("versions", URL, "--json")
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 2


@pytest.mark.parametrize("command", ["outlets", "versions", "show", "captures", "search", "stats", "export",
                                     "frontpage", "prominence", "headlines"])
def test_every_help_starts_with_a_sentence_and_ends_with_an_example(command: str) -> None:
    result = newsarchive(command, "--help")
    description = result.stdout.split("\n\n")[1].strip()
    assert result.exit_code == 0 and description.endswith(".") and "\n" not in description
    before_options = result.stdout.split("Options:")[0].rstrip().splitlines()
    assert before_options[-2].strip() == "Example:" and before_options[-1].strip().startswith("newsarchive ")
