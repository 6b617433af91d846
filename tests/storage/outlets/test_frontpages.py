"""Front pages as records (storage/outlets/frontpages.py) and read back (frontpage_history.py).

First on hand-made captures, on SQLite and PostgreSQL: runs extend while a
link stands still and split when anything about it changes; a WARC record is
recorded once. Then the simulated web crawled three times while its home pages
reorder, change one headline and alternate another: every past order comes
back exactly, each article's ranks, the changed and the A/B-tested headline;
and ``reindex`` rebuilds all of it from the WARCs alone.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from extract.frontpage import FrontPageLink as Shown
from storage.archive import Archive
from storage.db.errors import NoSuchCapture, NoSuchOutlet, NoSuchPage
from storage.db.models import FrontPageCapture, FrontPageLink, FrontPageRun
from storage.versions.captures import FrontPageInput, Outcome
from storage.warc.pointer import WarcPointer
from tests.helpers.captures import scratch_schema
from tests.helpers.cli import newsarchive
from tests.helpers.frontpages import ROUNDS, crawl_three_rounds
from tests.newsweb.frontpages import CHANGED_SUFFIX, alternate_wording

HOME = "https://daily.example/"
T0 = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
A, B, C = (f"https://daily.example/2026/05/01/story-{n}" for n in "abc")


def capture(n: int, links: list[tuple[str, str, str]]) -> FrontPageInput:
    shown = tuple(Shown(url, rank, headline, section, rank == 1) for rank, (url, headline, section) in
                  enumerate(links, start=1))
    return FrontPageInput("daily", HOME, T0 + timedelta(hours=n), WarcPointer("f.warc.gz", n * 100, 90,
                                                                               f"<urn:uuid:{n:08d}>"), shown)


def count(archive: Archive, model) -> int:
    return archive.read(lambda session: session.scalar(select(func.count()).select_from(model)))


def test_runs_extend_while_a_link_stands_still_and_split_when_it_moves(archive: Archive) -> None:
    rounds = [
        [(A, "A wins", "Top"), (B, "B loses", "Top")],
        [(A, "A wins", "Top"), (B, "B loses", "Top")],  # nothing moved: both runs extend
        [(B, "B loses", "Top"), (A, "A wins", "Top")],  # swapped: new runs, same link rows
        [(B, "B loses, then wins", "Top"), (A, "A wins", "Top"), (C, "C", "Opinion")],  # reworded: a new link
    ]
    outcomes = archive.record_captures([(capture(n, links),) for n, links in enumerate(rounds)])
    assert outcomes == [Outcome.FRONT_PAGE] * 4
    assert count(archive, FrontPageCapture) == 4
    assert count(archive, FrontPageLink) == 4  # A, B, B reworded, C
    assert count(archive, FrontPageRun) == 2 + 0 + 2 + 2  # round 3: A kept rank 2, so its run extends
    for n, links in enumerate(rounds):
        view = archive.frontpage("daily", at=T0 + timedelta(hours=n, minutes=30))
        assert [(e.url, e.headline, e.section) for e in view.entries] == links
        assert [e.lead for e in view.entries] == [True] + [False] * (len(links) - 1)
        assert (view.capture, view.captures) == (n + 1, 4)
    assert archive.record_captures([(capture(1, rounds[1]),)]) == [Outcome.UNCHANGED]  # the same WARC record
    assert count(archive, FrontPageCapture) == 4


def test_prominence_and_headlines_of_hand_made_captures(archive: Archive) -> None:
    rounds = [[(A, "A", ""), (B, "B one", "")], [(B, "B two", ""), (A, "A", "")], [(B, "B one", "")],
              [(C, "C", "")]]
    archive.record_captures([(capture(n, links),) for n, links in enumerate(rounds)])
    [life] = archive.prominence(A)
    assert (life.best_rank, life.worst_rank, life.captures) == (1, 2, 2)
    assert (life.entered, life.left) == (T0, T0 + timedelta(hours=2))
    [b_life] = archive.prominence(B)
    assert [s.rank for s in b_life.sightings] == [2, 1, 1] and b_life.left == T0 + timedelta(hours=3)
    found = {(h.headline, h.status): h for h in archive.headlines(B)}
    assert set(found) == {("B one", "ab-test"), ("B two", "ab-test")}
    assert found[("B one", "ab-test")].alternates_with == ["B two"] and found[("B one", "ab-test")].seen == 2


def test_unknown_outlet_page_and_times_are_one_line_errors(archive: Archive) -> None:
    with pytest.raises(NoSuchPage, match="no front page of daily"):
        archive.frontpage("daily")
    archive.record_captures([(capture(1, [(A, "A", "")]),)])
    with pytest.raises(NoSuchOutlet, match="closest: daily"):
        archive.frontpage("dialy")
    with pytest.raises(NoSuchPage, match="its front pages: " + HOME):
        archive.frontpage("daily", page="https://daily.example/sport/")
    with pytest.raises(NoSuchCapture, match="first captured"):
        archive.frontpage("daily", at=T0)
    with pytest.raises(NoSuchPage):
        archive.prominence("https://daily.example/never-linked")


# -- the simulated web, three crawls ---------------------------------------------


@pytest.fixture(scope="module")
def rounds(tmp_path_factory):
    return crawl_three_rounds(tmp_path_factory.mktemp("frontpages"))


def open_archive(rounds) -> Archive:
    return Archive(archive_dir=rounds.archive_dir, create=False)


def home(archive: Archive, outlet: str, at: datetime) -> list[tuple]:
    return [(e.rank, e.url, e.headline, e.section, e.lead) for e in archive.frontpage(outlet, at=at).entries]


def test_frontpage_at_gives_back_each_past_order_exactly(rounds) -> None:
    with open_archive(rounds) as archive:
        for outlet in rounds.outlets:
            orders = [home(archive, outlet, rounds.after[n]) for n in range(ROUNDS)]
            assert orders == [rounds.shown[n][outlet] for n in range(ROUNDS)], outlet
            assert orders[0] != orders[1] != orders[2]
            assert archive.frontpage(outlet).captures == ROUNDS


def test_prominence_gives_each_articles_ranks_on_the_home_page(rounds) -> None:
    with open_archive(rounds) as archive:
        for outlet in rounds.outlets:
            page = archive.frontpage(outlet).page
            for rank, url, *_ in rounds.shown[0][outlet]:
                [life] = [item for item in archive.prominence(url) if item.page == page]
                expected = [next(r for r, u, *_ in rounds.shown[n][outlet] if u == url) for n in range(ROUNDS)]
                assert [s.rank for s in life.sightings] == expected, (outlet, url)
                assert (life.best_rank, life.worst_rank) == (min(expected), max(expected))
                assert life.left is None and life.captures == ROUNDS


def test_headlines_name_the_changed_one_and_flag_the_alternating_one(rounds) -> None:
    with open_archive(rounds) as archive:
        for outlet in rounds.outlets:
            page = archive.frontpage(outlet).page
            changed = rounds.changed[outlet]
            title = rounds.titles[changed]
            on_front = {h.headline: h for h in archive.headlines(changed) if h.page == page}
            assert {k: v.status for k, v in on_front.items()} == {title: "replaced", title + CHANGED_SUFFIX: "current"}
            assert [h.headline for h in archive.headlines(changed) if h.source == "article"] == [title]

            alternating = rounds.alternating[outlet]
            title = rounds.titles[alternating]
            flagged = {h.headline: h for h in archive.headlines(alternating) if h.page == page}
            assert {k: v.status for k, v in flagged.items()} == {title: "ab-test", alternate_wording(title): "ab-test"}
            assert flagged[title].alternates_with == [alternate_wording(title)]


def everything(archive_dir) -> dict:
    """Every query's answer, for comparing an archive before and after reindex."""
    with Archive(archive_dir=archive_dir, create=False) as archive:
        outlets = [o.name for o in archive.outlets()]
        urls = sorted({e.url for name in outlets for e in archive.frontpage(name).entries})
        return {
            "frontpages": {name: archive.frontpage(name).to_json() for name in outlets},
            "history": {name: [archive.frontpage(name, at=t).to_json() for t in archive.frontpage_times(name)[1]]
                        for name in outlets},
            "prominence": {url: [p.to_json() for p in archive.prominence(url)] for url in urls},
            "headlines": {url: [h.to_json() for h in archive.headlines(url)] for url in urls},
        }


def test_reindex_rebuilds_every_front_page_record_from_the_warcs(rounds) -> None:
    before = everything(rounds.archive_dir)
    assert len(before["history"][rounds.outlets[0]]) == ROUNDS
    for path in rounds.archive_dir.glob("archive.sqlite3*"):
        path.unlink()
    result = newsarchive("--archive-dir", str(rounds.archive_dir), "reindex", "--yes", "--seeds", str(rounds.seeds),
                         "--workers", "2", "--json")
    assert result.exit_code == 0, result.output
    assert everything(rounds.archive_dir) == before


def test_the_same_on_postgresql(pg_url: str, tmp_path) -> None:
    with scratch_schema(pg_url) as db_url:
        on_pg = crawl_three_rounds(tmp_path, seed=8, db_url=db_url)
        with Archive(db_url, on_pg.archive_dir, create=False) as archive:
            for outlet in on_pg.outlets:
                assert [home(archive, outlet, on_pg.after[n]) for n in range(ROUNDS)] == \
                    [on_pg.shown[n][outlet] for n in range(ROUNDS)], outlet
            alternating = on_pg.alternating[on_pg.outlets[0]]
            assert {h.status for h in archive.headlines(alternating)
                    if h.page == archive.frontpage(on_pg.outlets[0]).page} == {"ab-test"}
