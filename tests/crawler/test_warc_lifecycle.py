"""A WARC file's life across a crawl: the run's end lands in its last file, even when every write rotates."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage.warc.context import RunEnd, RunStart
from storage.warc.reader import read_entries
from tests.helpers.crawl import run_crawl, warc_files

NEWSWEB = {"seed": 5, "articles_per_outlet": 2}  # options of the `web` fixture (conftest.py)


def run_records(path: Path) -> list[RunStart | RunEnd]:
    with path.open("rb") as stream:
        return [item for item in read_entries(stream, path, path.name) if isinstance(item, RunStart | RunEnd)]


@pytest.fixture(scope="module")
def tiny_files_crawl(web, tmp_path_factory) -> Path:
    """A crawl whose WARC files hold a few hundred bytes: every batch of records fills its file."""
    root = tmp_path_factory.mktemp("tiny")
    seeds = root / "news.toml"
    seeds.write_text(web.seed_toml(), encoding="utf-8")
    archive_dir = root / "archive"
    run_crawl(archive_dir, seeds, web.proxy_url, settings={"WARC_MAX_SIZE": "500", "ARCHIVE_INDEX": "0"})
    return archive_dir


def test_the_run_end_record_is_in_the_runs_last_file(tiny_files_crawl: Path) -> None:
    files = warc_files(tiny_files_crawl)
    assert len(files) > 3
    ends = [(path, record) for path in files for record in run_records(path) if isinstance(record, RunEnd)]
    assert len(ends) == 1, [path.name for path, _ in ends]
    (path, end), = ends
    assert path == files[-1]
    assert end.warc_files == [file.name for file in files]
    assert not list((tiny_files_crawl / "warcs").glob("*.open"))
