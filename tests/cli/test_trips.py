"""What a new user still tripped over (issue 36): each mistake is one line, before anything is written, with the
exit status of a mistake in the command (2) or of a failure (1); and the defaults agree with the README."""

from __future__ import annotations

import io
import json
import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storage.archive import Archive
from storage.stories import MIN_OUTLETS
from storage.warc import context
from storage.warc.records import metadata_record
from tests.helpers.captures import T0, article, capture, hours
from tests.helpers.cli import newsarchive
from tests.helpers.datasets import seed_articles

NOW = datetime.now(UTC)
PAGE = "https://www.daily.example/news/ward-vote/"
OTHER = "https://daily.example/news/budget-cut/"
HTML = (b"<html><head><title>Harbour vote</title></head><body><article><h1>Harbour vote</h1>"
        + b"<p>The council voted on the harbour plan on Tuesday after a long debate in the chamber.</p>" * 6
        + b"</article></body></html>")


@pytest.fixture
def filled(tmp_path: Path) -> Path:
    archive_dir = tmp_path / "archive"
    with Archive(None, archive_dir, create=True) as archive:
        archive.ensure_outlet("daily", ["daily.example"])
        archive.record_capture(capture(PAGE, NOW - timedelta(hours=30)),
                               article("The ward vote is set for Monday in the town hall.", title="Ward vote",
                                       language="en"))
        archive.record_capture(capture(PAGE, NOW - timedelta(hours=3)),
                               article("The ward vote was moved to Tuesday after a recount.", title="Ward vote moved",
                                       language="en"))
        archive.record_capture(capture(OTHER, NOW - timedelta(hours=2)),
                               article("Die Stadt kürzt das Budget für Straßen.", title="Budget", language="de"))
    return archive_dir


def cli(archive_dir: Path, *args: str, **options):
    return newsarchive("--archive-dir", str(archive_dir), *args, **options)


def one_line(result) -> str:
    [line] = result.stderr.strip().splitlines()
    return line


def jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


# -- export --url ------------------------------------------------------------------------------------------------


def test_export_of_an_unknown_url_names_the_closest_and_writes_nothing(filled: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    result = cli(filled, "export", "--url", "https://daily.example/news/ward-votes", "-o", str(target))
    assert result.exit_code == 1
    line = one_line(result)
    assert "no page https://daily.example/news/ward-votes in the archive" in line
    assert f"closest archived: {PAGE}" in line
    assert not target.exists()


def test_export_finds_a_url_as_pasted(filled: Path) -> None:
    result = cli(filled, "export", "--url", "http://daily.example/news/ward-vote?utm_source=x")
    assert result.exit_code == 0, result.output
    assert [(row["url"], row["version"]) for row in jsonl(result.stdout)] == [(PAGE, 1), (PAGE, 2)]


# -- exit statuses and refusals --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("args", "says"), [
    (["search", "ward", "--since", "2024-13-45"], "bad --since '2024-13-45'"),
    (["export", "--until", "someday"], "bad --until 'someday'"),
    (["changes", "--since", "last tuesday"], "bad --since 'last tuesday'"),
    (["search", "ward", "--outlet", "dayly"], "no outlet 'dayly'"),
    (["search", "ward", "--since", "2026-12-05", "--until", "2026-12-01"],
     "--since 2026-12-05T00:00:00Z is after --until 2026-12-01T23:59:59"),
    (["export", "--since", "2h", "--until", "1d"], "nothing can match; swap them"),
    (["search", "ward", "--language", "klingon"], "--language 'klingon' is no language"),
])
def test_a_mistake_in_the_command_is_one_line_and_status_2(filled: Path, args: list[str], says: str) -> None:
    result = cli(filled, *args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert says in one_line(result)


@pytest.mark.parametrize("typed", ["en", "EN", "english", "English"])
def test_a_language_is_taken_as_a_code_or_a_name(filled: Path, typed: str) -> None:
    hits = jsonl(cli(filled, "search", "ward", "--language", typed, "--json").stdout)
    assert [hit["url"] for hit in hits] == [PAGE]
    rows = jsonl(cli(filled, "export", "--language", typed).stdout)
    assert {row["language"] for row in rows} == {"en"} and len(rows) == 2


def test_a_format_is_taken_in_any_case(filled: Path) -> None:
    result = cli(filled, "export", "--format", "CSV")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].startswith("url,")


def test_a_global_option_after_the_command_says_where_it_goes(filled: Path) -> None:
    result = newsarchive("outlets", "--archive-dir", str(filled))
    assert result.exit_code == 2
    error = [line for line in result.stderr.splitlines() if line.startswith("Error")]
    assert error == ["Error: No such option '--archive-dir' for outlets: it is an option of newsarchive itself, "
                     "so it goes before the command (newsarchive --archive-dir … outlets)"]


# -- stories: one default, shared with the reading room -------------------------------------------------------------


def test_stories_lists_stories_on_two_outlets_unless_asked(tmp_path: Path) -> None:
    seeds = seed_articles()
    archive_dir = tmp_path / "archive"
    with Archive(None, archive_dir, create=True) as archive:
        for name in ("wire", "daily", "post"):
            archive.ensure_outlet(name, [f"{name}.example"])
        record = lambda outlet, url, text, at: archive.record_capture(  # noqa: E731
            capture(url, at, outlet=outlet), article(text))
        record("wire", "https://wire.example/a/1", seeds["000"], T0)
        record("daily", "https://daily.example/a/1", seeds["000"], hours(1))
        record("post", "https://post.example/a/3", seeds["003"], hours(2))
        record("post", "https://post.example/a/3-again", "Advertisement\n\n" + seeds["003"], hours(3))
        assert sorted(s.outlets for s in archive.stories(min_outlets=1)) == [1, 2]
    listed = jsonl(cli(archive_dir, "stories", "--json").stdout)
    assert [story["outlets"] for story in listed] == [2] and MIN_OUTLETS == 2
    every = jsonl(cli(archive_dir, "stories", "--min-outlets", "1", "--json").stdout)
    assert sorted(story["outlets"] for story in every) == [1, 2]


# -- ingest -----------------------------------------------------------------------------------------------------------


def response(writer: WARCWriter, url: str, at: datetime):
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
    return writer.create_warc_record(url, "response", payload=io.BytesIO(HTML), length=len(HTML), http_headers=http,
                                     warc_headers_dict={"WARC-Date": at.strftime("%Y-%m-%dT%H:%M:%SZ")})


def foreign_warc(path: Path, urls: list[str]) -> Path:
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for n, url in enumerate(urls):
            writer.write_record(response(writer, url, hours(n)))
    return path


def crawler_warc(path: Path, run: context.RunStart, end: context.RunEnd, urls: list[str]) -> Path:
    """A WARC as this project's crawler writes one: its run record first, its end last."""
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        writer.write_record(metadata_record(f"{context.RUN_URI}{run.run_id}", context.to_json(run), run.started_at,
                                            content_type=context.CONTENT_TYPE))
        for n, url in enumerate(urls):
            writer.write_record(response(writer, url, run.started_at + timedelta(minutes=n)))
        writer.write_record(metadata_record(f"{context.RUN_URI}{run.run_id}", context.to_json(end), end.finished_at,
                                            content_type=context.CONTENT_TYPE))
    return path


def run_records(run_id: str, at: datetime, outlet: str = "daily", *, crawl_id: str | None = None,
                fetched: int = 1, status: int = 0) -> tuple[context.RunStart, context.RunEnd]:
    entry = context.OutletEntry(outlet, [f"{outlet}.example"], start_urls=[f"https://{outlet}.example/"])
    start = context.RunStart(run_id, at, "crawler-1", 4242, {"outlets": [outlet]}, [entry], crawl_id=crawl_id)
    end = context.RunEnd(run_id, at + timedelta(minutes=5), "finished",
                         {"downloader/response_count": fetched, "archive/new": fetched},
                         {"http_404": 1}, {outlet: {"articles": fetched, "not_article": 1}}, [f"{run_id}.warc.gz"],
                         exit_status=status)
    return start, end


def test_ingest_of_a_foreign_warc_without_outlets_says_what_to_pass_before_creating_anything(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no seeds/ here
    warc = foreign_warc(tmp_path / "wget.warc.gz", ["http://www.harbour.test/a/1", "http://www.harbour.test/a/2"])
    result = cli(tmp_path / "archive", "ingest", str(warc))
    assert result.exit_code == 2
    line = one_line(result)
    assert line.startswith(f"Error: {warc}: its pages belong to no outlet")
    assert "--seeds FILE.toml" in line and "--auto-outlets" in line
    assert not (tmp_path / "archive").exists()
    done = cli(tmp_path / "archive", "ingest", str(warc), "--auto-outlets", "--workers", "1", "--json")
    assert done.exit_code == 0 and json.loads(done.stdout)["skipped_no_outlet"] == 0


def test_re_ingesting_says_no_run_was_restored(tmp_path: Path) -> None:
    warc = crawler_warc(tmp_path / "crawl.warc.gz", *run_records("20261201T080000Z-aaaa", T0),
                        ["https://daily.example/news/harbour-vote/"])
    first = cli(tmp_path / "archive", "ingest", str(warc), "--workers", "1")
    assert first.exit_code == 0, first.output
    assert "crawl runs restored from the files' run records: 1\n" in first.stdout
    again = cli(tmp_path / "archive", "ingest", str(warc), "--workers", "1")
    assert "crawl runs restored from the files' run records: 0 (1 already recorded)" in again.stdout
    summary = json.loads(cli(tmp_path / "archive", "ingest", str(warc), "--workers", "1", "--json").stdout)
    assert (summary["runs"], summary["runs_known"]) == (0, 1)


# -- reindex -------------------------------------------------------------------------------------------------------


@pytest.fixture
def half_outside(tmp_path: Path) -> Path:
    """An archive whose captures are in two files: one in warcs/, one ingested in place from elsewhere."""
    archive_dir = tmp_path / "archive"
    (archive_dir / "warcs").mkdir(parents=True)
    inside = foreign_warc(archive_dir / "warcs" / "inside.warc.gz", ["http://www.harbour.test/a/1"])
    outside = foreign_warc(tmp_path / "outside.warc.gz", ["http://www.harbour.test/a/2"])
    result = cli(archive_dir, "ingest", str(inside), str(outside), "--auto-outlets", "--workers", "1")
    assert result.exit_code == 0, result.output
    return archive_dir


def pages(archive_dir: Path) -> int:
    with Archive(None, archive_dir) as archive:
        return archive.stats().pages


def test_reindex_says_before_building_that_it_would_hold_less(half_outside: Path) -> None:
    result = cli(half_outside, "reindex", "--yes", "--auto-outlets", "--workers", "1")
    assert result.exit_code == 1
    assert "outside.warc.gz" in result.stderr and "the rebuild will not hold them" in result.stderr
    assert "Error: kept the archive as it was" in result.stderr
    assert result.stdout == ""  # nothing was built
    assert pages(half_outside) == 2


def test_reindex_takes_a_piped_answer(half_outside: Path) -> None:
    result = cli(half_outside, "reindex", "--yes", "--auto-outlets", "--workers", "1", input="y\n")
    assert result.exit_code == 0, result.output
    assert pages(half_outside) == 1


# -- serve ---------------------------------------------------------------------------------------------------------


def test_serve_on_a_busy_port_is_one_line_and_announces_nothing(filled: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = cli(filled, "serve", "--port", str(port))
    assert result.exit_code == 1
    assert "reading room at" not in result.output
    assert one_line(result) == (f"Error: cannot listen on 127.0.0.1:{port}: Address already in use; "
                                "another server uses it: pick another --port")


# -- runs: a distributed crawl is one crawl, its processes' figures added up (issue 39) ----------------------------


def test_runs_restored_from_warcs_keep_a_distributed_crawls_processes_together(tmp_path: Path) -> None:
    crawl = "20261201T080000Z-aaaa"
    first = crawler_warc(tmp_path / "p1.warc.gz", *run_records(crawl, T0, crawl_id=crawl, fetched=2),
                         ["https://daily.example/a/1", "https://daily.example/a/2"])
    second = crawler_warc(tmp_path / "p2.warc.gz",
                          *run_records("20261201T080001Z-bbbb", T0 + timedelta(seconds=1), crawl_id=crawl,
                                       fetched=1, status=4),
                          ["https://daily.example/a/3"])
    alone = crawler_warc(tmp_path / "p3.warc.gz", *run_records("20261201T090000Z-cccc", hours(1), fetched=1),
                         ["https://daily.example/a/4"])
    assert cli(tmp_path / "archive", "ingest", str(first), str(second), str(alone), "--workers", "1").exit_code == 0
    result = cli(tmp_path / "archive", "runs", "--json")
    assert result.exit_code == 0, result.output
    latest, distributed = jsonl(result.stdout)
    assert (latest["id"], latest["crawl_id"], latest["processes"], latest["exit_status"]) == (
        "20261201T090000Z-cccc", None, [], 0)
    assert distributed["id"] == distributed["crawl_id"] == crawl
    assert [p["id"] for p in distributed["processes"]] == [crawl, "20261201T080001Z-bbbb"]
    assert distributed["counts"] == {"downloader/response_count": 3, "archive/new": 3}
    assert distributed["errors"] == {"http_404": 2}
    assert distributed["outlets"] == {"daily": {"articles": 3, "not_article": 2}}
    assert distributed["exit_status"] == 4  # one process reached nothing: the crawl says so
    table = cli(tmp_path / "archive", "runs").stdout.splitlines()
    assert table[0].split()[:6] == ["RUN", "STARTED", "ENDED", "REASON", "EXIT", "FETCHED"]
    assert table[2].startswith(f"{crawl} (2 processes)")
    assert table[3].startswith(f"└ {crawl} (crawler-1:4242)") and table[4].startswith("└ 20261201T080001Z-bbbb")
    health = {entry["outlet"]: entry for entry in jsonl(cli(tmp_path / "archive", "health", "--json").stdout)}
    assert health["daily"]["not_article"] == 1  # the last crawl's, the one-process run of 09:00
