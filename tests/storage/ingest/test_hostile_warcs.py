"""``ingest`` and ``reindex`` of hostile or foreign WARCs: one bad record costs only itself.

The WARCs are written with warcio the way another tool (or an attacker) would:
NUL bytes in header values and in ``WARC-Target-URI`` (which PostgreSQL text
cannot hold), a record on port 99999, forged newsarchive run metadata.
"""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storage.archive import Archive
from tests.helpers.cli import newsarchive
from tests.newsweb.prose import generate_story

DATE = "2026-11-20T10:00:00.000000Z"


def article_body(slug: str) -> bytes:
    story = generate_story(random.Random(slug))
    paragraphs = "".join(f"<p>{text}</p>" for text in story.paragraphs)
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{story.title}</title>"
            f"<meta property='og:type' content='article'></head><body><article><h1>{story.title}</h1>"
            f"{paragraphs}</article></body></html>").encode()


def response(writer: WARCWriter, url: str, headers: list[tuple[str, str]] | None = None):
    body = article_body(url)
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"), *(headers or []),
                                       ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
    return writer.create_warc_record(url, "response", payload=io.BytesIO(body), length=len(body), http_headers=http,
                                     warc_headers_dict={"WARC-Date": DATE})


def write_warc(path: Path, records: list) -> Path:
    """``records``: callables of the writer, each returning one record."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True, warc_version="1.1")
        for make in records:
            writer.write_record(make(writer))
    return path


def run(archive_dir: Path, db_url: str, *args: str):
    return newsarchive("--archive-dir", str(archive_dir), "--db", db_url, *args)


def urls(archive_dir: Path, db_url: str) -> set[str]:
    with Archive(archive_dir=archive_dir, db_url=db_url) as archive:
        return archive.known_urls()


NUL_HEADERS = [("ETag", '"v1\x00x"'), ("Last-Modified", "Fri, 20 Nov 2026 08:00:00 GMT\x00"),
               ("Content-Type", "text/html\x00; charset=utf-8")]
NUL_URL = "http://nul.test/2026/11/20/a-story-with-a-nul\x00-in-its-address/"


def test_nul_bytes_in_headers_and_target_uri_are_ingested_and_reindexed(tmp_path, db_url) -> None:
    archive_dir = tmp_path / "archive"
    good = "http://nul.test/2026/11/20/a-story-whose-headers-carry-nul-bytes/"
    write_warc(archive_dir / "warcs" / "foreign.warc.gz",
               [lambda w: response(w, good, NUL_HEADERS), lambda w: response(w, NUL_URL)])
    result = run(archive_dir, db_url, "ingest", str(archive_dir / "warcs"), "--auto-outlets", "--workers", "1", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.strip().splitlines()[-1])["new"] == 2, result.output
    before = urls(archive_dir, db_url)
    assert len(before) == 2 and good in before
    result = run(archive_dir, db_url, "reindex", "--yes", "--auto-outlets", "--workers", "1")
    assert result.exit_code == 0, result.output
    assert urls(archive_dir, db_url) == before
    with Archive(archive_dir=archive_dir, db_url=db_url) as archive:
        [version] = archive.versions(good)
    assert version.text  # the article is indexed; the WARC keeps the NUL bytes as sent


def metadata(body: dict):
    def make(writer: WARCWriter):
        data = json.dumps({"newsarchive": 1, **body}).encode()
        return writer.create_warc_record(f"urn:newsarchive:run:{body.get('run_id', 'x')}", "metadata",
                                         payload=io.BytesIO(data), length=len(data),
                                         warc_headers_dict={"WARC-Date": DATE, "Content-Type": "application/json"})
    return make


def run_record(run_id: str, **outlet: object) -> dict:
    entry = {"name": "forged", "domains": ["good.test"], "start_urls": ["http://good.test/"], **outlet}
    return {"kind": "run", "run_id": run_id, "started_at": "2026-11-20T09:00:00+00:00", "host": "h", "pid": 1,
            "arguments": {}, "outlets": [entry]}


GOOD = [f"http://good.test/2026/11/20/{slug}/" for slug in ("first-good-story-of-the-file", "last-good-story-of-the-file")]


def test_a_record_on_an_impossible_port_costs_only_itself(tmp_path, db_url) -> None:
    archive_dir = tmp_path / "archive"
    warc = write_warc(tmp_path / "ports.warc.gz", [
        lambda w: response(w, GOOD[0]),
        lambda w: response(w, "http://good.test:99999/2026/11/20/a-story-on-an-impossible-port/"),
        lambda w: response(w, GOOD[1]),
    ])
    result = run(archive_dir, db_url, "ingest", str(warc), "--auto-outlets", "--workers", "1", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["new"] == 2 and summary["skipped_bad_records"] == 1
    assert urls(archive_dir, db_url) == set(GOOD)
    [line] = [line for line in result.stderr.splitlines() if "99999" in line]
    assert str(warc) in line and "skipped" in line


FORGED = {
    "missing_outlets": {k: v for k, v in run_record("r1").items() if k != "outlets"},
    "bad_pattern": run_record("r2", article_pattern="(unclosed"),
    "backtracking_pattern": run_record("r3", article_pattern="(a|a)*b"),
    "path_name": run_record("r4", name="../../x"),
    "script_name": run_record("r5", name="<script>alert(1)</script>"),
    "started_at_not_a_time": {**run_record("r6"), "started_at": "yesterday"},
}


def test_forged_run_records_are_skipped_one_by_one(tmp_path, db_url) -> None:
    archive_dir = tmp_path / "archive"
    records = [lambda w: response(w, GOOD[0])]
    records += [metadata(body) for body in FORGED.values()]
    records += [metadata(run_record("fine")), lambda w: response(w, GOOD[1])]
    warc = write_warc(tmp_path / "forged.warc.gz", records)
    result = run(archive_dir, db_url, "ingest", str(warc), "--auto-outlets", "--workers", "1", "--json")
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["skipped_bad_records"] == len(FORGED) and summary["runs"] == 1 and summary["new"] == 2
    assert urls(archive_dir, db_url) == set(GOOD)
    assert len([line for line in result.stderr.splitlines() if "run record" in line]) == len(FORGED)
    with Archive(archive_dir=archive_dir, db_url=db_url) as archive:
        names = {outlet.name for outlet in archive.outlets()}
    assert "forged" in names and not any("/" in name or "<" in name for name in names)


def test_seed_files_refuse_patterns_that_can_backtrack_without_bound(tmp_path) -> None:
    from storage.outlets.seeds import SeedError, load_seed_file

    for pattern in ("(a|a)*b", "(a+)+$", "(?:x*y?)*z", "([a-z]+/){2,}q"):
        path = tmp_path / "seeds.toml"
        path.write_text(f'[[outlet]]\nname = "n"\ndomains = ["n.test"]\nstart_urls = ["http://n.test/"]\n'
                        f"article_pattern = '{pattern}'\n", encoding="utf-8")
        try:
            load_seed_file(path)
        except SeedError as error:
            assert "nested" in str(error) or "repeat" in str(error), error
        else:
            raise AssertionError(f"{pattern} accepted")
    path.write_text('[[outlet]]\nname = "n"\ndomains = ["n.test"]\nstart_urls = ["http://n.test/"]\n'
                    "article_pattern = '/(news|politics)/[0-9]+-[a-z-]+(\\.html)?$'\n", encoding="utf-8")
    assert load_seed_file(path)[0].article_pattern is not None


def test_a_wall_among_the_pages_costs_only_itself(tmp_path, db_url) -> None:
    """A consent wall served with 200 (a blocked capture) no longer ends ingest with a traceback."""
    archive_dir = tmp_path / "archive"
    wall = (Path(__file__).resolve().parents[2] / "data" / "walls" / "consent-en.html").read_bytes()

    def walled(writer: WARCWriter):
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                           ("Content-Length", str(len(wall)))], protocol="HTTP/1.1")
        return writer.create_warc_record("http://good.test/2026/11/20/a-story-behind-a-consent-wall/", "response",
                                         payload=io.BytesIO(wall), length=len(wall), http_headers=http,
                                         warc_headers_dict={"WARC-Date": DATE})

    warc = write_warc(tmp_path / "walls.warc.gz", [lambda w: response(w, GOOD[0]), walled,
                                                   lambda w: response(w, GOOD[1])])
    result = run(archive_dir, db_url, "ingest", str(warc), "--auto-outlets", "--all-pages", "--workers", "1", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["new"] == 2 and summary["blocked"] == 1, summary
    assert urls(archive_dir, db_url) == set(GOOD)
