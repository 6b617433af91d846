"""``newsarchive datasette`` (issue 15): the real Datasette on a crawled archive finds versions_fts, so
``?_search=WORD`` returns only the versions holding WORD; foreign keys show labels, tables their
descriptions, and the file is not changed. ``--metadata-out``, PostgreSQL and missing archives too."""

from __future__ import annotations

import hashlib
import html
import json
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import time
import unicodedata
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.error import URLError
from urllib.parse import quote
from urllib.request import ProxyHandler, build_opener

import pytest

from storage.db.datasette_metadata import SECRET, datasette_metadata
from storage.db.descriptions import TABLES
from storage.db.models import Base
from tests.helpers.cli import newsarchive
from tests.helpers.crawl import ROOT, crawl_env, run_crawl, tool

NEWSWEB = {"seed": 15}
DIRECT = build_opener(ProxyHandler({}))  # the test's own requests go straight to 127.0.0.1


@dataclass(frozen=True)
class Crawled:
    archive_dir: Path
    sqlite_file: Path
    sha256: str


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def crawled(web, tmp_path_factory: pytest.TempPathFactory) -> Crawled:
    root = tmp_path_factory.mktemp("datasette")
    seeds = root / "seeds.toml"
    seeds.write_text(web.seed_toml(), encoding="utf-8")
    run_crawl(root / "archive", seeds, web.proxy_url)
    sqlite_file = root / "archive" / "archive.sqlite3"
    return Crawled(root / "archive", sqlite_file, sha256(sqlite_file))


# -- the real Datasette, as a subprocess ---------------------------------------


@dataclass
class Running:
    base: str
    process: subprocess.Popen[str]
    stderr_file: Path
    scratch: Path

    def get(self, path: str) -> tuple[int, str]:
        try:
            with DIRECT.open(self.base + path, timeout=30) as response:
                return response.status, response.read().decode("utf-8")
        except URLError as error:
            code = getattr(error, "code", None)
            if code is None:
                raise
            return code, error.read().decode("utf-8")  # type: ignore[attr-defined]

    def json(self, path: str) -> Any:
        status, body = self.get(path)
        assert status == 200, (path, status, body[:500])
        return json.loads(body)

    def stop(self) -> None:
        """Stop Datasette as Ctrl-C or a service manager would, and wait for it to exit."""
        if self.process.poll() is None:
            self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=20)

    @property
    def stderr(self) -> str:
        return self.stderr_file.read_text(encoding="utf-8", errors="replace")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_answering(running: Running, deadline_seconds: float = 90) -> None:
    deadline = time.monotonic() + deadline_seconds
    while time.monotonic() < deadline:
        if running.process.poll() is not None:
            raise AssertionError(f"newsarchive datasette exited {running.process.returncode}:\n{running.stderr}")
        try:
            running.get("/-/versions.json")
            return
        except (URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise AssertionError(f"newsarchive datasette never answered:\n{running.stderr}")


@contextmanager
def datasette_on(archive_dir: Path, workdir: Path, *extra: str) -> Iterator[Running]:
    """``newsarchive --archive-dir ARCHIVE datasette --port P EXTRA…`` running until the block ends."""
    port = free_port()
    stderr_file = workdir / f"datasette-{port}.log"
    scratch = workdir / f"tmp-{port}"  # its TMPDIR, where the metadata file lives while it runs
    scratch.mkdir()
    command = [tool("newsarchive"), "--archive-dir", str(archive_dir), "datasette", "--port", str(port), *extra]
    with stderr_file.open("w", encoding="utf-8") as stderr:
        process = subprocess.Popen(command, cwd=ROOT, env={**crawl_env(None), "TMPDIR": str(scratch)},
                                   stdout=stderr, stderr=stderr, text=True)
    running = Running(f"http://127.0.0.1:{port}", process, stderr_file, scratch)
    try:
        wait_until_answering(running)
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def served(crawled: Crawled, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    with datasette_on(crawled.archive_dir, tmp_path_factory.mktemp("served"),
                      "--setting", "default_page_size", "7") as running:
        yield running


# -- picking a word ---------------------------------------------------------------


def words(*texts: str | None) -> set[str]:
    """The words FTS5's unicode61 tokenizer (remove_diacritics 2) makes of ``texts``, lower-cased."""
    joined = unicodedata.normalize("NFKD", " ".join(t or "" for t in texts).lower())
    plain = "".join(ch for ch in joined if not unicodedata.combining(ch))
    return set(re.findall(r"[^\W_]+", plain))


def all_versions(served: Running) -> list[dict]:
    listing = served.json("/archive/versions.json?_shape=objects&_size=max")
    assert listing["next"] is None, "more versions than one page: the word count below would be partial"
    return listing["rows"]


def a_word_in_some_versions(rows: list[dict]) -> str:
    """A plain word found in some versions but not in all (the most common such, for a stable choice)."""
    counts = Counter(word for row in rows for word in words(row["title"], row["text"]))
    candidates = [(n, word) for word, n in counts.items()
                  if word.isascii() and word.isalpha() and len(word) >= 5 and 2 <= n < len(rows)]
    assert candidates, "the crawl gave no word found in some versions but not all"
    return max(candidates)[1]


# -- against the running Datasette --------------------------------------------------


def test_search_on_versions_returns_only_the_rows_holding_the_word(served: Running) -> None:
    rows = all_versions(served)
    word = a_word_in_some_versions(rows)
    expected = {row["id"] for row in rows if word in words(row["title"], row["text"])}

    found = served.json(f"/archive/versions.json?_search={quote(word)}&_shape=array&_size=max")

    assert 0 < len(found) < len(rows)
    assert {row["id"] for row in found} == expected
    assert all(word in words(row["title"], row["text"]) for row in found)


def test_versions_page_has_a_search_box(served: Running) -> None:
    status, page = served.get("/archive/versions")
    assert status == 200
    assert re.search(r'<input[^>]*name="_search"', page), "no search box on /archive/versions"


def test_foreign_keys_show_labels(served: Running) -> None:
    outlet_names = {row["id"]: row["name"] for row in served.json("/archive/outlets.json?_shape=array")}
    pages = served.json("/archive/pages.json?_labels=on&_shape=array")
    assert pages
    assert all(row["outlet_id"]["label"] == outlet_names[row["outlet_id"]["value"]] for row in pages)

    versions = served.json("/archive/versions.json?_labels=on&_shape=array")
    assert versions and all(row["page_id"]["label"].startswith("http") for row in versions)


def test_tables_and_columns_show_their_descriptions(served: Running) -> None:
    for table in ("outlets", "pages", "captures", "versions", "stories", "runs"):
        status, page = served.get(f"/archive/{table}")
        assert status == 200
        described = TABLES[table]
        assert described.description in html.unescape(page), table
        shown = {html.unescape(column): html.unescape(phrase)
                 for column, phrase in re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", page)}
        assert shown == dict(described.columns), table


def test_every_table_of_the_archive_is_described(served: Running) -> None:
    database = served.json("/archive.json")
    tables = {table["name"]: set(table["columns"]) for table in database["tables"]}
    fts_internals = {name for name in tables if name.startswith("versions_fts_")}  # FTS5's shadow tables
    assert set(tables) - fts_internals == set(TABLES) - SECRET  # Datasette does not list what nobody may view
    for name in SECRET:
        tables[name] = set(Base.metadata.tables[name].columns.keys())
    for name, described in TABLES.items():
        assert set(described.columns) <= tables[name], (name, set(described.columns) - tables[name])


def test_tables_holding_notification_secrets_are_not_shown(served: Running) -> None:
    for table in ("watches", "alert_deliveries"):
        status, _ = served.get(f"/archive/{table}.json")
        assert status == 403, table
    status, _ = served.get("/archive/alerts.json")
    assert status == 200


def test_datasette_runs_read_only_with_the_projects_metadata(served: Running) -> None:
    shown = served.json("/-/metadata.json")["databases"]["archive"]["tables"]
    for name, table in datasette_metadata("archive")["databases"]["archive"]["tables"].items():
        assert table.items() <= shown[name].items(), name
    databases = served.json("/-/databases.json")
    # mutable: it follows what crawls commit; read-only all the same (the file is unchanged, last test)
    assert [(db["name"], db["is_mutable"]) for db in databases] == [("archive", True)]


def test_extra_options_reach_datasette(served: Running) -> None:
    assert served.json("/-/settings.json")["default_page_size"] == 7
    assert len(served.json("/archive/versions.json?_shape=array")) == 7


def test_the_archive_file_is_unchanged_after_the_session(served: Running, crawled: Crawled) -> None:
    """Last of the tests on ``served``: it ends the session, then compares the file's bytes."""
    served.json("/archive/versions.json?_search=the&_shape=array")
    served.stop()
    assert served.process.returncode == 128 + signal.SIGTERM, served.stderr  # unwound, not killed
    assert list(served.scratch.iterdir()) == []  # the temporary metadata went with it
    assert sha256(crawled.sqlite_file) == crawled.sha256
    wal = crawled.sqlite_file.with_name("archive.sqlite3-wal")  # a read-only reader may leave it, empty
    assert not wal.exists() or wal.stat().st_size == 0


def test_writes_still_in_the_write_ahead_log_are_shown(crawled: Crawled, tmp_path: Path) -> None:
    """While a crawl or `newsarchive serve` keeps the file open, commits stay in the WAL: Datasette must see them."""
    copy = tmp_path / "archive"
    copy.mkdir()
    shutil.copy(crawled.sqlite_file, copy / "archive.sqlite3")
    writer = sqlite3.connect(copy / "archive.sqlite3")  # a crawl's connection, its writes still in the WAL
    try:
        writer.execute("PRAGMA journal_mode=WAL")
        writer.execute("PRAGMA wal_autocheckpoint=0")
        with writer:
            writer.execute("INSERT INTO outlets (name, domains, created_at) "
                           "VALUES ('late-outlet', '[]', '2026-12-01T00:00:00.000000Z')")
        with datasette_on(copy, tmp_path) as running:
            before = {row["name"] for row in running.json("/archive/outlets.json?_shape=array")}
            with writer:  # committed while Datasette runs
                writer.execute("INSERT INTO outlets (name, domains, created_at) "
                               "VALUES ('later-outlet', '[]', '2026-12-02T00:00:00.000000Z')")
            after = {row["name"] for row in running.json("/archive/outlets.json?_shape=array")}
    finally:
        writer.close()
    assert "late-outlet" in before and "later-outlet" not in before
    assert {"late-outlet", "later-outlet"} <= after


# -- without starting Datasette -------------------------------------------------------


def one_line_without_traceback(output: str) -> str:
    assert "Traceback" not in output
    lines = output.strip().splitlines()
    assert len(lines) == 1, output
    return lines[0]


def test_metadata_out_writes_the_metadata_for_datasette(crawled: Crawled, tmp_path: Path) -> None:
    target = tmp_path / "metadata.json"
    result = newsarchive("--archive-dir", str(crawled.archive_dir), "datasette", "--metadata-out", str(target))
    assert result.exit_code == 0, result.output
    assert f"datasette {crawled.sqlite_file.resolve()} -m {target}" in one_line_without_traceback(result.output)
    written = json.loads(target.read_text(encoding="utf-8"))
    assert written == datasette_metadata("archive")
    versions = written["databases"]["archive"]["tables"]["versions"]
    assert (versions["fts_table"], versions["fts_pk"]) == ("versions_fts", "id")
    tables = written["databases"]["archive"]["tables"]
    assert (tables["outlets"]["label_column"], tables["pages"]["label_column"]) == ("name", "url")
    assert sha256(crawled.sqlite_file) == crawled.sha256


def test_metadata_out_to_an_unwritable_place_is_one_line(crawled: Crawled, tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "dir" / "metadata.json"
    result = newsarchive("--archive-dir", str(crawled.archive_dir), "datasette", "--metadata-out", str(target))
    assert result.exit_code == 1
    assert f"cannot write {target}" in one_line_without_traceback(result.output)
    assert not target.exists()


def test_a_postgresql_archive_is_refused_with_the_way_to_a_sqlite_copy() -> None:
    result = newsarchive("--db", "postgresql://archive:secret@127.0.0.1:1/news", "datasette")
    assert result.exit_code == 2
    line = one_line_without_traceback(result.output)
    assert "Datasette reads SQLite files" in line
    assert "newsarchive copy --to sqlite:///" in line
    assert "secret" not in line


@pytest.mark.parametrize("extra", [[], ["--metadata-out", "metadata.json"]])
def test_a_missing_archive_is_one_line(tmp_path: Path, extra: list[str]) -> None:
    result = newsarchive("--archive-dir", str(tmp_path / "nothing"), "datasette",
                         *[str(tmp_path / arg) if arg.endswith(".json") else arg for arg in extra])
    assert result.exit_code == 1
    assert "no archive at" in one_line_without_traceback(result.output)
    assert not (tmp_path / "nothing").exists() and not (tmp_path / "metadata.json").exists()


@pytest.mark.parametrize(("content", "said"), [
    (b"", "no newsarchive tables in"),
    (b"not a database, only text " * 40, "cannot open database"),
])
def test_a_file_that_is_no_archive_is_one_line(tmp_path: Path, content: bytes, said: str) -> None:
    other = tmp_path / "other.sqlite3"
    other.write_bytes(content)
    result = newsarchive("--db", f"sqlite:///{other}", "datasette")
    assert result.exit_code == 1
    assert said in one_line_without_traceback(result.output)
    assert other.read_bytes() == content and sorted(p.name for p in tmp_path.iterdir()) == ["other.sqlite3"]
