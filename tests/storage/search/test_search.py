"""Full-text search on real SQLite FTS5 and PostgreSQL tsvector: syntax, ranking, as-of."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from storage.archive import Archive
from storage.db.errors import BadQuery
from storage.search.syntax import parse, to_fts5, to_websearch
from tests.helpers.captures import T0, article, capture, hours, scratch_schema  # noqa: F401

FILLER = " ".join(f"word{n}" for n in range(120))


@pytest.fixture
def archive(db_url: str, tmp_path: Path):
    with Archive(db_url, tmp_path / "archive", create=True) as opened:
        yield opened


def record(archive: Archive, url: str, at, text: str, title: str, outlet: str = "daily") -> None:
    archive.record_capture(capture(url, at, outlet=outlet), article(text, title=title))


def test_title_and_dense_matches_rank_first(archive: Archive) -> None:
    record(archive, "https://a.example/passing", hours(1), f"{FILLER} a volcano was mentioned once {FILLER}", "Markets today")
    record(archive, "https://a.example/main", hours(0), "The volcano erupted. Volcano ash covers the town.", "Volcano erupts")
    hits = archive.search("volcano")
    assert [h.url for h in hits] == ["https://a.example/main", "https://a.example/passing"]
    assert hits[0].rank > hits[1].rank
    assert "**" in hits[0].snippet and "volcano" in hits[0].snippet.lower()


def test_equal_matches_rank_newest_first(archive: Archive) -> None:
    for n in range(3):
        record(archive, f"https://a.example/{n}", hours(n), "Rain again in the city.", "Weather")
    assert [h.url for h in archive.search("rain")] == [f"https://a.example/{n}" for n in (2, 1, 0)]


def test_phrase_or_and_exclusion(archive: Archive) -> None:
    record(archive, "https://a.example/1", hours(0), "The climate summit opened in Paris.", "One")
    record(archive, "https://a.example/2", hours(1), "The summit on climate was delayed in Paris.", "Two")
    record(archive, "https://a.example/3", hours(2), "Football results from London.", "Three")
    urls = lambda q: sorted(h.url for h in archive.search(q))  # noqa: E731
    assert urls('"climate summit"') == ["https://a.example/1"]
    assert urls("climate summit") == ["https://a.example/1", "https://a.example/2"]
    assert urls("climate -delayed") == ["https://a.example/1"]
    assert urls("football OR delayed") == ["https://a.example/2", "https://a.example/3"]
    assert urls("paris NOT opened") == ["https://a.example/2"]
    assert urls("or") == []  # a word, not an operator


def test_search_filters_by_outlet_and_time(archive: Archive) -> None:
    record(archive, "https://a.example/1", hours(0), "Election night results.", "A", outlet="alpha")
    record(archive, "https://b.example/1", hours(5), "Election night results.", "B", outlet="beta")
    assert [h.outlet for h in archive.search("election", outlet="beta")] == ["beta"]
    assert [h.outlet for h in archive.search("election", since=hours(1))] == ["beta"]
    assert [h.outlet for h in archive.search("election", until=hours(1))] == ["alpha"]
    assert len(archive.search("election", limit=1)) == 1


def test_search_as_of_sees_the_archive_as_it_stood(archive: Archive) -> None:
    url = "https://a.example/talks"
    record(archive, url, hours(0), "Talks agreed a ceasefire overnight.", "Talks")
    record(archive, url, hours(6), "Talks collapsed overnight.", "Talks")
    assert [h.version for h in archive.search("ceasefire")] == [1]
    assert [h.version for h in archive.search("ceasefire", as_of=hours(3))] == [1]
    assert archive.search("ceasefire", as_of=hours(7)) == []
    assert [h.version for h in archive.search("overnight", as_of=hours(7))] == [2]
    assert archive.search("overnight", as_of=T0.replace(year=2020)) == []


def test_removed_text_stays_searchable_in_old_versions(archive: Archive) -> None:
    url = "https://a.example/quote"
    record(archive, url, hours(0), "The minister said something regrettable.", "Quote")
    record(archive, url, hours(1), "The minister spoke.", "Quote")
    [hit] = archive.search("regrettable")
    assert (hit.url, hit.version) == (url, 1)


def test_query_syntax_renders_safely_for_both_engines() -> None:
    query = parse('"net zero" OR carbon -coal NOT "oil: gas"')
    assert query.alternatives == [["net zero"], ["carbon"]]
    assert query.excluded == ["coal", "oil gas"]
    assert to_fts5(query) == '(("net zero") OR ("carbon")) NOT ("coal" OR "oil gas")'
    assert to_websearch(query) == '"net zero" -"coal" -"oil gas" or "carbon" -"coal" -"oil gas"'
    with pytest.raises(BadQuery):
        parse("-only -exclusions")


def test_full_text_index_follows_updates_and_deletes(archive: Archive) -> None:
    from sqlalchemy import delete, update

    from storage.db.models import Version

    record(archive, "https://a.example/fix", hours(0), "A typo: the goverment said so.", "Fix")
    assert len(archive.search("goverment")) == 1
    archive.write(lambda s: s.execute(update(Version).values(text="The government said so.")))
    assert archive.search("goverment") == [] and len(archive.search("government")) == 1
    archive.write(lambda s: s.execute(delete(Version)))
    assert archive.search("government") == []


@pytest.fixture
def pg_archive(pg_url: str, tmp_path) -> Iterator[Archive]:
    """An archive on PostgreSQL alone (the candidate cap is PostgreSQL's: FTS5 ranks inside its index)."""
    with scratch_schema(pg_url) as url, Archive(url, tmp_path / "archive", create=True) as opened:
        opened.ensure_outlet("daily", ["daily.example"])
        yield opened


def test_postgres_ranks_only_the_newest_matches_of_a_common_query(pg_archive: Archive, monkeypatch) -> None:
    """Ranking reads each ranked version's tsvector, so a query matching more than RANK_CANDIDATES is
    ranked among its newest matches; within them the best still comes first."""
    from storage.search import sql

    archive = pg_archive
    record(archive, "https://a.example/best", hours(0), "Volcano! The volcano erupted, volcano ash.", "Volcano erupts")
    record(archive, "https://a.example/weak", hours(1), f"{FILLER} a volcano was mentioned {FILLER}", "Markets")
    record(archive, "https://a.example/dense", hours(2), "The volcano and the volcano again.", "Volcano watch")
    uncapped = [h.url for h in archive.search("volcano")]
    assert uncapped == ["https://a.example/best", "https://a.example/dense", "https://a.example/weak"]
    monkeypatch.setattr(sql, "RANK_CANDIDATES", 2)
    assert [h.url for h in archive.search("volcano")] == ["https://a.example/dense", "https://a.example/weak"]


@pytest.mark.parametrize("step_cost, way", [(0.0, "newest-first walk"), (1e12, "every match collected")])
def test_postgres_finds_the_newest_matches_either_way(pg_archive: Archive, monkeypatch, step_cost, way) -> None:
    """Common terms walk versions newest first, rarer ones collect every match from the GIN index
    (the planner's estimate decides): both give the same newest RANK_CANDIDATES, so the same hits."""
    from sqlalchemy import event, text

    from storage.search import sql

    archive = pg_archive
    for n in range(6):
        record(archive, f"https://a.example/{n}", hours(n), f"Harbour strike day {n}. {FILLER}", f"Strike {n}")
    record(archive, "https://a.example/other", hours(7), f"Nothing to see. {FILLER}", "Quiet")
    with archive._engine.begin() as connection:
        connection.execute(text("ANALYZE versions"))  # gives the planner its estimates
    statements: list[str] = []
    event.listen(archive._engine, "before_cursor_execute",
                 lambda _c, _cur, statement, *_: statements.append(statement))
    monkeypatch.setattr(sql, "RANK_CANDIDATES", 3)
    monkeypatch.setattr(sql, "WALK_STEP_COST", step_cost)
    hits = archive.search("harbour strike")
    assert [h.url for h in hits] == [f"https://a.example/{n}" for n in (5, 4, 3)]
    searched = [s for s in statements if "ts_rank_cd" in s]
    assert len(searched) == 1 and ("every_match" in searched[0]) == (way == "every match collected")


def test_search_count_is_the_number_of_hits_without_a_limit(archive: Archive) -> None:
    for n in range(5):
        record(archive, f"https://a.example/{n}", hours(n), f"Flood warning number {n} for the river.", "Flood",
               outlet="alpha" if n % 2 else "beta")
    record(archive, "https://a.example/0", hours(9), "Flood warning lifted for the river.", "Flood over",
           outlet="beta")
    record(archive, "https://a.example/9", hours(9), "Nothing to see.", "Calm", outlet="beta")
    cases = [dict(), dict(all_versions=True), dict(outlet="alpha"), dict(since=hours(2)), dict(as_of=hours(3)),
             dict(language="fr"), dict(query="flood -lifted"), dict(query="lifted OR number")]
    for case in cases:
        query = case.pop("query", "flood")
        expected = len(archive.search(query, limit=100, **case))
        assert archive.search_count(query, **case) == expected, (query, case)
    assert archive.search_count("flood") == 5 and archive.search_count("flood", all_versions=True) == 6
    assert archive.search_count("flood", cap=2) == 3  # counted up to cap + 1: "more than 2"
