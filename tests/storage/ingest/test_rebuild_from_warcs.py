"""The WARC files are the whole truth: the database rebuilt from them alone is the database (issue 16).

The simulated web is crawled three times, with edits, a removal, a redirect and
its syndicated story, from seeds kept outside the archive. The archive's
outlets, pages, captures, versions, stories and runs are dumped; the database
is deleted and ``newsarchive reindex`` is run from a folder with no seed files:
the dump comes back the same, ids aside. A killed rebuild leaves the archive as
it was; a rebuild that would hold less asks first.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from warcio.archiveiterator import ArchiveIterator
from warcio.warcwriter import WARCWriter

from tests.helpers.cli import newsarchive
from tests.helpers.crawl import ROOT, run_crawl
from tests.helpers.warcs import write_old_form

NEWSWEB = {"seed": 17, "articles_per_outlet": 4}  # options of the `web` fixture (conftest.py)
DUMPS = {
    "outlets": "SELECT name, domains, seed FROM outlets",
    "pages": "SELECT p.url, o.name, p.first_seen, p.last_seen, p.state, t.url FROM pages p "
             "JOIN outlets o ON o.id = p.outlet_id LEFT JOIN pages t ON t.id = p.moved_to_id",
    "captures": "SELECT p.url, c.fetched_url, c.fetched_at, c.status, c.record_type, c.warc_file, c.warc_offset, "
                "c.warc_record_id, c.payload_digest, c.etag FROM captures c JOIN pages p ON p.id = c.page_id",
    "versions": "SELECT p.url, v.seq, v.title, v.text, v.authors, v.published, v.first_seen, v.last_seen, v.state, "
                "v.change_summary, v.chars_added, v.chars_removed FROM versions v JOIN pages p ON p.id = v.page_id",
    "stories": "SELECT origin.url || ' v' || ov.seq, p.url || ' v' || v.seq, m.relation, round(m.similarity, 6) "
               "FROM story_members m JOIN versions v ON v.id = m.version_id JOIN pages p ON p.id = v.page_id "
               "JOIN stories s ON s.id = m.story_id JOIN versions ov ON ov.id = s.origin_version_id "
               "JOIN pages origin ON origin.id = ov.page_id",
    "runs": "SELECT id, started_at, finished_at, host, pid, arguments, finish_reason, counts, errors, outlets, "
            "warc_files FROM runs",
}


def dump(archive_dir: Path) -> dict[str, list[tuple]]:
    engine = create_engine(f"sqlite:///{archive_dir / 'archive.sqlite3'}")
    try:
        with engine.connect() as connection:
            return {name: sorted(tuple(map(str, row)) for row in connection.execute(text(sql)))
                    for name, sql in DUMPS.items()}
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def crawled(web, tmp_path_factory) -> Path:
    """An archive of three crawls with edits, a removal and a redirect; its seeds kept outside it."""
    root = tmp_path_factory.mktemp("rebuild")
    seeds = root / "elsewhere" / "news.toml"
    seeds.parent.mkdir()
    seeds.write_text(web.seed_toml(), encoding="utf-8")
    archive_dir = root / "archive"
    run_crawl(archive_dir, seeds, web.proxy_url, settings={"WARC_MAX_SIZE": "200000"})
    wire_copies = {copy.url for copy in web.syndicated}
    articles = [url for url in web.article_urls() if url not in wire_copies]
    web.edit_article(articles[0], new_title="A headline, corrected",
                     append_paragraph="Correction: an earlier version of this article misnamed the council leader.")
    web.delete_article(articles[1])
    run_crawl(archive_dir, seeds, web.proxy_url, args={"recheck": "all"})
    web.edit_article(articles[2], append_paragraph="The vote was moved to Thursday after a recount.")
    web.redirect_article(articles[3], web.outlets[0].home)
    run_crawl(archive_dir, seeds, web.proxy_url, args={"recheck": "all"})
    return archive_dir


@pytest.fixture
def no_seeds_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The working folder of a user who has the archive but not the seed files."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEWSARCHIVE_DB_URL", raising=False)
    assert not (tmp_path / "seeds").exists()
    return tmp_path


def test_a_rebuild_from_the_warcs_alone_gives_back_the_same_archive(crawled: Path, no_seeds_here: Path) -> None:
    before = dump(crawled)
    assert before["runs"] and len(before["runs"]) == 3 and before["stories"]
    assert {row[-1] for row in (r[:9] for r in before["versions"])} >= {"ok"}
    assert any(row[8] == "removed" for row in before["versions"]) and any(row[8] == "redirected" for row in before["versions"])
    assert all(row[2] != "None" for row in before["outlets"]), "outlets keep their seed entry"
    for path in crawled.glob("archive.sqlite3*"):
        path.unlink()
    result = newsarchive("--archive-dir", str(crawled), "reindex", "--yes", "--workers", "2")
    assert result.exit_code == 0, result.output
    assert "records skipped: no outlet" not in result.output
    after = dump(crawled)
    for table in DUMPS:
        assert after[table] == before[table], (table, set(after[table]) ^ set(before[table]))


def test_a_killed_rebuild_leaves_the_archive_untouched(crawled: Path, no_seeds_here: Path) -> None:
    before = dump(crawled)
    command = [sys.executable, "-m", "storage.cli", "--archive-dir", str(crawled), "reindex", "--yes", "--workers", "1"]
    process = subprocess.Popen(command, cwd=no_seeds_here, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               env={**os.environ, "PYTHONPATH": str(ROOT)}, start_new_session=True)
    deadline = time.monotonic() + 120
    build = []
    while time.monotonic() < deadline and process.poll() is None:
        build = [p for p in crawled.glob("archive.sqlite3.reindex-*") if p.stat().st_size > 100_000]
        if build:
            break
        time.sleep(0.05)
    assert build, "the rebuild should be under way beside the archive"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert dump(crawled) == before
    assert newsarchive("--archive-dir", str(crawled), "outlets").exit_code == 0
    again = newsarchive("--archive-dir", str(crawled), "reindex", "--yes", "--workers", "1")
    assert again.exit_code == 0, again.output
    assert not list(crawled.glob("archive.sqlite3.reindex-*")), "the next rebuild clears what a killed one left"
    assert dump(crawled) == before


def test_a_rebuild_holding_less_asks_first_even_with_yes(crawled: Path, no_seeds_here: Path, tmp_path: Path) -> None:
    before = dump(crawled)
    warcs = sorted((crawled / "warcs").glob("*.warc.gz"))
    aside = tmp_path / "aside"
    aside.mkdir()
    moved = [shutil.move(str(path), aside / path.name) for path in warcs[len(warcs) // 2:]]
    try:
        refused = newsarchive("--archive-dir", str(crawled), "reindex", "--yes", "--workers", "1")
        assert refused.exit_code == 1 and refused.stdout == ""  # asked before building: nothing was read
        assert f"captures are also in {Path(moved[0]).name}" in refused.stderr
        assert "the rebuild will not hold them" in refused.stderr
        assert refused.stderr.strip().splitlines()[-1].startswith("Error: kept the archive as it was")
        assert "--force" in refused.stderr
        assert dump(crawled) == before
        assert not list(crawled.glob("archive.sqlite3.reindex-*"))
        forced = newsarchive("--archive-dir", str(crawled), "reindex", "--yes", "--force", "--workers", "1")
        assert forced.exit_code == 0, forced.output
        assert len(dump(crawled)["versions"]) < len(before["versions"])
        assert (crawled / "archive.sqlite3.previous").exists()
    finally:
        for path in moved:
            shutil.move(str(path), crawled / "warcs" / Path(path).name)
    restored = newsarchive("--archive-dir", str(crawled), "reindex", "--yes", "--workers", "2")
    assert restored.exit_code == 0, restored.output
    assert dump(crawled) == before


def without_context(source: Path, target: Path) -> None:
    """Copies of the archive's WARCs as an older crawler wrote them: no run or capture records."""
    target.mkdir(parents=True)
    for path in sorted(source.glob("*.warc.gz")):
        with path.open("rb") as stream, (target / path.name).open("wb") as out:
            writer = WARCWriter(out, gzip=True)
            for record in ArchiveIterator(stream):
                if record.rec_type != "metadata":
                    writer.write_record(record)


def test_warcs_without_context_records_still_reindex_from_seed_files(crawled: Path, tmp_path: Path) -> None:
    before = dump(crawled)
    older = tmp_path / "older"
    without_context(crawled / "warcs", older / "warcs")
    seeds = crawled.parent / "elsewhere" / "news.toml"
    result = newsarchive("--archive-dir", str(older), "reindex", "--yes", "--seeds", str(seeds), "--workers", "2")
    assert result.exit_code == 0, result.output
    after = dump(older)
    articles = {row[0] for row in before["versions"]}
    texts = lambda d: sorted(row[:4] for row in d["versions"] if row[0] in articles)  # noqa: E731
    assert texts(after) == texts(before), "every article version is found again from the pages alone"
    assert after["runs"] == []  # older WARCs carry no run records


def test_warcs_in_the_older_form_reindex_to_the_same_archive(crawled: Path, no_seeds_here: Path) -> None:
    """Files written before the capture records had a urn of their own keep the old records: both forms read alike."""
    before = dump(crawled)
    older = no_seeds_here / "older"
    (older / "warcs").mkdir(parents=True)
    rewritten = sum(write_old_form(path, older / "warcs" / path.name) for path in sorted((crawled / "warcs").iterdir()))
    assert rewritten >= len(before["captures"])
    result = newsarchive("--archive-dir", str(older), "reindex", "--yes", "--workers", "2")
    assert result.exit_code == 0, result.output
    assert "records skipped: no outlet" not in result.output
    after = dump(older)
    for table in DUMPS.keys() - {"captures"}:
        assert after[table] == before[table], table
    without_offsets = lambda d: sorted(row[:6] + row[7:] for row in d["captures"])  # noqa: E731 (copies recompress)
    assert without_offsets(after) == without_offsets(before)
