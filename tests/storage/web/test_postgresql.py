"""The reading room over PostgreSQL: the archive of ``test_web.py`` copied into a scratch schema.

``newsarchive copy`` keeps ids, so every page must answer 200 with the same
JSON as over SQLite (search ranks and snippets aside: the engines differ).
The PostgreSQL sessions are read-only: a write through them fails.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from storage.archive import Archive
from tests.helpers.captures import scratch_schema
from tests.helpers.cli import newsarchive
from tests.storage.web.test_pages import (
    Crawled,
    crawled_archive,
    every_page,
    get,
    q,
    running_app,
)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory) -> Crawled:
    return crawled_archive(tmp_path_factory.getbasetemp() / "web-archive")


@pytest.fixture(scope="module")
def pg_archive(crawled: Crawled, pg_url: str) -> Iterator[str]:
    with scratch_schema(pg_url, prefix="web") as url:
        result = newsarchive("--archive-dir", str(crawled.archive_dir), "copy", "--to", url)
        assert result.exit_code == 0, result.output
        yield url


@pytest.fixture(scope="module")
def both(crawled: Crawled, pg_archive: str) -> Iterator[tuple[str, str, Archive]]:
    with Archive(archive_dir=crawled.archive_dir, read_only=True) as lite, \
            Archive(pg_archive, crawled.archive_dir, read_only=True) as pg, \
            running_app(lite) as lite_base, running_app(pg) as pg_base:
        assert pg.backend == "postgresql"
        yield lite_base, pg_base, pg


def _same_json(lite_base: str, pg_base: str, path: str) -> None:
    suffix = ("&" if "?" in path else "?") + "format=json"
    lite, pg = get(lite_base + path + suffix), get(pg_base + path + suffix)
    assert (lite.status, pg.status) == (200, 200), (path, pg.text[:300])
    # Permalinks and feed links name the server they came from; JSONB keeps its own key order (dicts compare as sets).
    assert json.loads(pg.text.replace(pg_base, "BASE")) == json.loads(lite.text.replace(lite_base, "BASE")), path


def test_every_page_answers_the_same_json_on_postgresql(both, crawled: Crawled) -> None:
    lite_base, pg_base, pg = both
    stories = pg.story_page(limit=1)
    capture_id = pg.page_captures(crawled.edited)[-1].id
    for path in every_page(crawled, stories[0].id if stories else None, capture_id):
        if path.startswith(("/search", "/changes.atom?q=")):
            continue
        _same_json(lite_base, pg_base, path)
        assert get(pg_base + path).status == 200, path


def test_search_finds_the_same_versions_on_postgresql(both) -> None:
    lite_base, pg_base, _ = both
    for query in ("harbour", '"flood defence"', "objection OR estuary", "harbour -council"):
        path = f"/search?{q(q=query)}&format=json"
        lite, pg = get(lite_base + path).json(), get(pg_base + path).json()
        assert {(h["url"], h["version"]) for h in lite["hits"]} == {(h["url"], h["version"]) for h in pg["hits"]}
        assert all("**" in h["snippet"] for h in pg["hits"])
    assert get(pg_base + f"/search?{q(q='harbour')}").status == 200


def test_capture_is_served_from_the_same_warc_on_postgresql(both, crawled: Crawled) -> None:
    lite_base, pg_base, pg = both
    capture_id = pg.page_captures(crawled.edited)[-1].id
    assert get(pg_base + f"/capture/{capture_id}/raw").body == get(lite_base + f"/capture/{capture_id}/raw").body


def test_postgresql_sessions_of_the_room_are_read_only(both) -> None:
    _, _, pg = both
    with pytest.raises(Exception, match="read-only transaction"):
        pg.write(lambda session: session.execute(text("DELETE FROM outlets")))
    assert pg.read(lambda session: session.execute(text("SHOW search_path")).scalar()).startswith("web_")
