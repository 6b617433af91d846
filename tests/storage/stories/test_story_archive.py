"""Stories in the archive: fingerprints persisted, copies linked as versions are recorded.

Runs on real SQLite and PostgreSQL (``db_url``), then end to end over a crawl
of the simulated news web.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from storage.archive import Archive
from storage.db.errors import ArchiveError, NoSuchPage
from storage.stories.matcher import MAX_COMPARED, MIN_STORY_WORDS, StoryTextCache, packed_cut, story_texts
from storage.stories.text import story_text
from tests.helpers.cli import newsarchive
from tests.helpers.crawl import run_crawl
from tests.helpers.datasets import seed_articles
from tests.newsweb import NewsWeb
from tests.helpers.captures import T0, article, capture, hours, stored_cuts  # noqa: F401

WIRE = "https://wire.example/2022/01/12/nato-russia"
PARAPHRASE = "https://daily.example/world/allies-and-moscow"
OTHERS = {"002": "https://herald.example/a/2", "003": "https://post.example/a/3", "004": "https://times.example/a/4"}
OUTLETS = ["wire", "daily", "herald", "post", "times"]
WEB_RELATION = {"original": "origin", "verbatim": "verbatim", "edited": "edited", "rewritten": "rewrite"}


@pytest.fixture(scope="module")
def seeds() -> dict[str, str]:
    return seed_articles()


@pytest.fixture
def archive(db_url: str, tmp_path: Path):
    with Archive(db_url, tmp_path / "archive", create=True) as opened:
        for name in OUTLETS:
            opened.ensure_outlet(name, [f"{name}.example"])
        yield opened


def outlet_of(url: str) -> str:
    return re.match(r"https://(\w+)\.", url).group(1)


def record(archive: Archive, url: str, body: str, at, **meta) -> None:
    archive.record_capture(capture(url, at, outlet=outlet_of(url)), article(body, **meta))


def count_rows(db_url: str, table: str) -> int:
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            return connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
    finally:
        engine.dispose()


def test_wire_copy_and_paraphrase_form_one_story_with_the_earliest_as_origin(archive, seeds) -> None:
    # The paraphrase is recorded first; the wire, first seen earlier, must take over as origin.
    record(archive, PARAPHRASE, seeds["001"], hours(2))
    record(archive, WIRE, seeds["000"], T0, published=T0 - timedelta(hours=1))
    story = archive.copies(PARAPHRASE)
    assert story is not None
    assert [(m.url, m.relation, m.is_origin) for m in story.members] == [
        (WIRE, "origin", True),
        (PARAPHRASE, "rewrite", False),
    ]
    assert (story.outlets, story.size) == (2, 2)
    assert story.members[0].published == T0 - timedelta(hours=1)
    assert 0.5 <= story.members[1].similarity <= 1.0
    assert archive.copies(WIRE) == story


def test_an_earlier_capture_in_the_same_batch_moves_the_origin(archive, seeds) -> None:
    """The wire's first sighting moves earlier in the batch that brings its copy, and the origin sees it.

    Story matching reads first-seen times on the connection: the batch's changes
    to versions must reach the database before the copy is matched.
    """
    record(archive, WIRE, seeds["000"], hours(30))
    archive.record_captures([
        (capture("https://daily.example/other", hours(19), outlet="daily"), article(seeds["002"])),
        (capture(WIRE, hours(31), outlet="wire"), article(seeds["000"])),  # unchanged, seen again
        (capture(WIRE, T0, outlet="wire"), article(seeds["000"])),  # the same text, fetched earlier (a WARC replayed)
        (capture(PARAPHRASE, hours(20), outlet="daily"), article(seeds["001"])),
    ])
    [wire] = archive.versions(WIRE)
    assert wire.first_seen == T0
    story = archive.copies(PARAPHRASE)
    assert story is not None and story.origin.url == WIRE


def test_unrelated_texts_are_not_linked(archive, seeds) -> None:
    record(archive, WIRE, seeds["000"], T0)
    for n, (key, url) in enumerate(OTHERS.items(), 1):
        record(archive, url, seeds[key], hours(n))
    record(archive, PARAPHRASE, seeds["001"], hours(5))
    for url in OTHERS.values():
        assert archive.copies(url) is None
    [story] = archive.stories()
    assert {m.url for m in story.members} == {WIRE, PARAPHRASE}


def test_second_version_of_a_page_is_not_a_copy_of_its_first(archive, seeds, db_url) -> None:
    record(archive, WIRE, seeds["000"], T0)
    record(archive, WIRE, seeds["000"] + "\n\nCorrection: an earlier version misstated the venue.", hours(3))
    assert [v.version for v in archive.versions(WIRE)] == [1, 2]
    assert archive.copies(WIRE) is None
    assert archive.stories() == []
    assert count_rows(db_url, "story_fingerprints") == 2
    assert count_rows(db_url, "story_band") > 0


def test_later_version_of_the_origin_page_is_a_revision_not_a_copy(archive, seeds) -> None:
    copy = "https://daily.example/world/wire-copy"
    record(archive, WIRE, seeds["000"], T0)
    record(archive, copy, seeds["000"], hours(1))
    record(archive, WIRE, seeds["000"] + "\n\nCorrection: an earlier version misstated the venue.", hours(3))
    story = archive.copies(WIRE)
    assert [(m.url, m.version, m.relation) for m in story.members] == [
        (WIRE, 1, "origin"),
        (copy, 1, "verbatim"),
        (WIRE, 2, "revision"),
    ]


def test_same_outlet_copy_under_another_url_counts(archive, seeds) -> None:
    again = "https://wire.example/2022/01/13/nato-russia-republished"
    record(archive, WIRE, seeds["000"], T0)
    record(archive, again, "Advertisement\n\n" + seeds["000"], hours(20))
    story = archive.copies(again)
    assert [(m.url, m.relation) for m in story.members] == [(WIRE, "origin"), (again, "verbatim")]
    assert story.outlets == 1


def test_a_version_linking_two_stories_merges_them(archive, seeds) -> None:
    lines = seeds["000"].splitlines()
    first, second = "\n".join(lines[: len(lines) // 2]), "\n".join(lines[len(lines) // 2 :])
    record(archive, "https://daily.example/a/first-half", first, hours(1))
    record(archive, "https://herald.example/a/second-half", second, hours(2))
    assert archive.copies("https://daily.example/a/first-half") is None
    record(archive, WIRE, seeds["000"], T0)
    [story] = archive.stories()
    assert story.origin.url == WIRE
    assert {m.url: m.relation for m in story.members[1:]} == {
        "https://daily.example/a/first-half": "edited",
        "https://herald.example/a/second-half": "edited",
    }
    assert (story.size, story.outlets) == (3, 3)


def test_a_story_with_more_members_than_are_compared_does_not_hide_another(archive, seeds) -> None:
    lines = seeds["000"].splitlines()
    first, second = "\n".join(lines[: len(lines) // 2]), "\n".join(lines[len(lines) // 2 :])
    other_half = "https://herald.example/a/second-half"
    record(archive, other_half, second, hours(1))
    halves = [f"https://{OUTLETS[n % 4 + 1]}.example/first-half/{n}" for n in range(MAX_COMPARED + 4)]
    for n, url in enumerate(halves):
        record(archive, url, first, hours(2 + n / 60))
    assert archive.copies(halves[0]).size == len(halves)
    record(archive, WIRE, seeds["000"], T0)
    [story] = archive.stories()
    assert story.origin.url == WIRE
    assert {m.url for m in story.members} == {WIRE, other_half, *halves}
    assert {m.relation for m in story.members[1:]} == {"edited"}


def test_story_text_cache_keeps_the_most_recently_used_texts() -> None:
    cache = StoryTextCache(size=2)
    first = cache.get((1, "h1"), "One two three four. Five six seven eight.")
    assert cache.get((1, "h1"), "ignored: the entry is cached") is first
    cache.get((2, "h2"), "Alpha beta gamma delta.")
    cache.get((1, "h1"), "ignored")  # touch 1, so 2 is the least recent
    cache.get((3, "h3"), "Epsilon zeta eta theta.")
    assert cache.cached((2, "h2")) is None
    assert cache.cached((1, "h1")) is first
    assert cache.cached((1, "other hash")) is None  # a reused id with another text misses
    assert cache.get((3, "h3"), "ignored").words == ("epsilon", "zeta", "eta", "theta")



def set_cuts(db_url: str, value: bytes | None) -> None:
    engine = create_engine(db_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("UPDATE story_fingerprints SET cut = :cut"), {"cut": value})
    finally:
        engine.dispose()


def test_candidates_are_compared_as_their_stored_cut(archive, seeds, db_url) -> None:
    record(archive, WIRE, seeds["000"], T0)
    assert stored_cuts(db_url) == [packed_cut(story_text(seeds["000"]))]
    # A stored cut saying the wire is another article: the paraphrase is then compared with that.
    set_cuts(db_url, packed_cut(story_text(seeds["003"])))
    story_texts.clear()
    try:
        record(archive, PARAPHRASE, seeds["001"], hours(1))
        assert archive.copies(PARAPHRASE) is None
    finally:
        story_texts.clear()  # it now holds the false cut, under an id and text the next archive may reuse


@pytest.mark.parametrize("stored", [None, b"not zlib at all"], ids=["none", "damaged"])
def test_versions_without_a_readable_stored_cut_are_cut_from_their_text(archive, seeds, db_url, stored) -> None:
    record(archive, WIRE, seeds["000"], T0)
    set_cuts(db_url, stored)  # None: fingerprinted before cuts were stored
    story_texts.clear()
    record(archive, PARAPHRASE, seeds["001"], hours(1))
    assert [m.url for m in archive.copies(PARAPHRASE).members] == [WIRE, PARAPHRASE]


def test_short_texts_are_not_fingerprinted(archive, db_url) -> None:
    words = " ".join(f"word{n}" for n in range(MIN_STORY_WORDS - 5))
    record(archive, WIRE, words + ".", T0)
    record(archive, PARAPHRASE, words + ".", hours(1))
    assert count_rows(db_url, "story_fingerprints") == 0
    assert archive.copies(PARAPHRASE) is None


def test_stories_are_listed_largest_first_and_filtered(archive, seeds) -> None:
    record(archive, WIRE, seeds["000"], T0)
    record(archive, PARAPHRASE, seeds["001"], hours(1))
    record(archive, "https://herald.example/a/wire", seeds["000"], hours(2))
    record(archive, OTHERS["003"], seeds["003"], hours(30))
    record(archive, "https://post.example/a/3-again", "Advertisement\n\n" + seeds["003"], hours(31))
    big, small = archive.stories()
    assert (big.outlets, big.size, small.outlets, small.size) == (3, 3, 1, 2)
    assert [s.id for s in archive.stories(min_outlets=2)] == [big.id]
    assert [s.id for s in archive.stories(outlet="post")] == [small.id]
    assert [s.id for s in archive.stories(since=hours(24))] == [small.id]
    assert len(archive.stories(limit=1)) == 1
    with pytest.raises(ArchiveError, match="no outlet 'nowhere'"):
        archive.stories(outlet="nowhere")
    with pytest.raises(NoSuchPage):
        archive.copies("https://nowhere.example/x")


def test_index_stories_fingerprints_versions_from_before_stories(archive, seeds, db_url) -> None:
    record(archive, WIRE, seeds["000"], T0)
    record(archive, PARAPHRASE, seeds["001"], hours(1))
    engine = create_engine(db_url)
    try:
        with engine.begin() as connection:
            for table in ("story_members", "stories", "story_band", "story_fingerprints"):
                connection.execute(text(f"DELETE FROM {table}"))
    finally:
        engine.dispose()
    assert archive.copies(WIRE) is None
    assert archive.index_stories(batch=1) == (2, 1)
    assert [m.url for m in archive.copies(WIRE).members] == [WIRE, PARAPHRASE]
    assert archive.index_stories() == (0, 0)


def test_cli_copies_and_stories(archive, seeds, db_url, tmp_path) -> None:
    record(archive, WIRE, seeds["000"], T0)
    record(archive, PARAPHRASE, seeds["001"], hours(1))
    base = ["--db", db_url, "--archive-dir", str(tmp_path / "archive")]
    result = newsarchive(*base, "copies", PARAPHRASE, "--json")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(d["url"], d["relation"], d["is_origin"]) for d in lines] == [
        (WIRE, "origin", True), (PARAPHRASE, "rewrite", False),
    ]
    assert {"outlet", "first_seen", "published", "similarity", "story"} <= set(lines[0])
    table = newsarchive(*base, "copies", WIRE)
    assert table.exit_code == 0 and "rewrite" in table.stdout and PARAPHRASE in table.stdout
    listing = newsarchive(*base, "stories", "--json")
    [story] = [json.loads(line) for line in listing.stdout.splitlines()]
    assert (story["origin_url"], story["outlets"], len(story["members"])) == (WIRE, 2, 2)
    missing = newsarchive(*base, "copies", "https://nowhere.example/x")
    assert missing.exit_code != 0
    assert "no page https://nowhere.example/x" in missing.output and "Traceback" not in missing.output
    assert len(missing.output.strip().splitlines()) == 1


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    with NewsWeb(seed=11) as web:
        root = tmp_path_factory.mktemp("stories-crawl")
        seeds_path = root / "seeds.toml"
        seeds_path.write_text(web.seed_toml(), encoding="utf-8")
        run_crawl(root / "archive", seeds_path, web.proxy_url)
        yield web, root / "archive"


def crawled_story(crawled):
    web, archive_dir = crawled
    wire = next(c for c in web.syndicated if c.relation == "original")
    with Archive(archive_dir=archive_dir, create=False) as archive:
        story = archive.copies(wire.url)
        unrelated = [archive.copies(url) for url in web.article_urls() if url not in {c.url for c in web.syndicated}]
    expected = {c.url: (c.outlet, WEB_RELATION[c.relation], c.published) for c in web.syndicated}
    return wire, story, unrelated, expected


def test_crawl_links_the_syndicated_copies_to_the_wire_original(crawled) -> None:
    wire, story, unrelated, expected = crawled_story(crawled)
    assert story is not None
    assert story.origin.url == wire.url and story.origin.is_origin
    got = {m.url: (m.outlet, m.relation, m.published) for m in story.members}
    # Every member is a syndicated copy, labelled as the web made it ...
    assert all(expected.get(url) == value for url, value in got.items()), (got, expected)
    # ... and the wire original, its verbatim and its edited copy are all there.
    firm = {url for url, (_, relation, _) in expected.items() if relation != "rewrite"}
    assert firm <= set(got)
    assert all(other is None for other in unrelated)


def test_crawl_links_the_heavy_paraphrase_as_a_rewrite(crawled) -> None:
    _, story, _, expected = crawled_story(crawled)
    assert {m.url: (m.outlet, m.relation, m.published) for m in story.members} == expected
