"""Watches over the record path: each event once, on SQLite and PostgreSQL, with its citation.

Versions go in through ``Archive.record_captures`` (the write path every crawl,
re-check and ingest takes); the alerts the watches raise are read back with
``Archive.alerts``.
"""

from __future__ import annotations

import dataclasses

import pytest

from storage.archive import Archive
from storage.db.errors import BadQuery, BadWatch, NoSuchOutlet, NoSuchWatch
from storage.search.matching import Document, matches, tokens
from storage.search.syntax import parse
from tests.helpers.captures import article, capture, hours

URL = "https://daily.example/news/harbour-vote"
OTHER = "https://daily.example/news/bus-lanes"
BODY = [
    "The council met on Tuesday to discuss the harbour plan in front of a full public gallery.",
    "Residents asked for the vote to be delayed until the traffic survey is published.",
    "The mayor said the plan would go ahead as drafted, whatever the survey shows.",
]
QUOTE = "We will not be rushed into a decision on the waterfront, said the deputy mayor."
CORRECTION = "Correction: an earlier version of this article gave the wrong day for the meeting."


def text(*paragraphs: str) -> str:
    return "\n\n".join(paragraphs)


def fetch(url: str, at, status: int = 200):
    return dataclasses.replace(capture(url, at), status=status)


def events(archive: Archive, watch: str | None = None) -> list[tuple[str, str, str, int]]:
    return sorted((a.watch, a.event, a.url, a.version) for a in archive.alerts(watch=watch))


# -- matching one text ---------------------------------------------------------------------------


@pytest.mark.parametrize(("query", "title", "body", "expected"), [
    ('"harbour plan"', "Vote", "the Harbour plan, again", True),
    ('"harbour plan"', "Vote", "the harbour and the plan", False),
    ("harbour -football", "Vote", "harbour football", False),
    ("(nato OR council) harbour", "Council news", "the harbour", True),
    ("zurich", "Zürich votes", "", True),
    ("net-zero", "", "a net zero target", True),
    ('"vote harbour"', "The vote", "harbour plans", False),  # a phrase stays inside the title or the text
    ("harb", "", "harbour", False),  # words, not prefixes
])
def test_a_query_matches_one_text_as_search_does(query: str, title: str, body: str, expected: bool) -> None:
    assert matches(parse(query), Document(title, body)) is expected


def test_tokens_fold_case_and_diacritics_and_split_on_punctuation() -> None:
    assert tokens("Zürich's NET-zero_plan, 2024!") == ["zurich", "s", "net", "zero", "plan", "2024"]


# -- defining watches ------------------------------------------------------------------------------


def test_watches_are_listed_and_removed(archive: Archive) -> None:
    archive.add_watch("harbour", '"harbour plan"', outlets=["daily"], events=["new", "headline"],
                      notify=["json://user:secret@127.0.0.1:9/hook"])
    [watch] = archive.watches()
    assert (watch.name, watch.query, watch.outlets, watch.events) == ("harbour", '"harbour plan"', ["daily"],
                                                                      ["new", "headline"])
    assert watch.notify == ["json://…@127.0.0.1:9/…"]  # secrets never printed
    archive.remove_watch("harbour")
    assert archive.watches() == []
    with pytest.raises(NoSuchWatch, match="no watch 'harbour'"):
        archive.remove_watch("harbour")


@pytest.mark.parametrize(("kwargs", "error", "words"), [
    ({"query": '""'}, BadQuery, "nothing to search for"),
    ({"outlets": ["nowhere"]}, NoSuchOutlet, "no outlet 'nowhere'"),
    ({"events": ["edited"]}, BadWatch, "unknown event edited"),
    ({"notify": ["nosuchscheme://x"]}, BadWatch, "not a notification URL"),
])
def test_a_watch_that_cannot_work_is_refused_in_one_line(archive: Archive, kwargs, error, words) -> None:
    with pytest.raises(error, match=words):
        archive.add_watch("w", **{"query": "harbour", **kwargs})
    assert archive.watches() == []


def test_a_taken_name_is_refused(archive: Archive) -> None:
    archive.add_watch("w", "harbour")
    with pytest.raises(BadWatch, match="exists"):
        archive.add_watch("w", "council")


# -- events ----------------------------------------------------------------------------------------


def test_each_event_is_raised_once_for_the_version_that_made_it(archive: Archive) -> None:
    archive.add_watch("any", "council harbour", events=["new", "changed", "removed"])
    archive.add_watch("quote", '"rushed into a decision"', events=["appears", "disappears"])
    archive.add_watch("title", "harbour", events=["headline"])
    archive.add_watch("fix", "harbour", events=["correction"])
    archive.record_captures([(capture(URL, hours(0)), article(text(*BODY), title="Harbour vote")),
                             (capture(OTHER, hours(0)), article("Bus lanes open on the ring road.", title="Buses"))])
    assert events(archive) == [("any", "new", URL, 1)]

    archive.record_captures([(capture(URL, hours(1)), article(text(*BODY, QUOTE), title="Harbour vote"))])
    assert events(archive, "quote") == [("quote", "appears", URL, 2)]
    assert events(archive, "any") == [("any", "changed", URL, 2), ("any", "new", URL, 1)]

    archive.record_captures([(capture(URL, hours(2)), article(text(*BODY, QUOTE), title="Harbour vote"))])
    assert len(archive.alerts()) == 3  # nothing changed: no alert

    archive.record_captures([(capture(URL, hours(3)), article(text(*BODY, CORRECTION), title="Harbour vote delayed"))])
    assert events(archive, "quote") == [("quote", "appears", URL, 2), ("quote", "disappears", URL, 3)]
    assert events(archive, "title") == [("title", "headline", URL, 3)]
    assert events(archive, "fix") == [("fix", "correction", URL, 3)]

    archive.record_captures([(fetch(URL, hours(4), status=404), None)])
    assert events(archive, "any")[-1] == ("any", "removed", URL, 4)
    assert [a.event for a in archive.alerts(watch="any")].count("removed") == 1
    archive.record_captures([(fetch(URL, hours(5), status=404), None)])  # still gone: the same removal
    assert [a.event for a in archive.alerts(watch="any")].count("removed") == 1
    assert all(a.url != OTHER for a in archive.alerts())


def test_an_alert_cites_its_versions_excerpt_and_warc_record(archive: Archive) -> None:
    archive.add_watch("quote", '"rushed into a decision"', events=["appears"])
    archive.add_watch("title", "harbour", events=["headline"])
    archive.record_captures([(capture(URL, hours(0)), article(text(*BODY), title="Harbour vote"))])
    second = capture(URL, hours(1), warc_file="crawl-2.warc.gz", offset=4096)
    archive.record_captures([(second, article(text(*BODY, QUOTE), title="Harbour vote delayed"))])
    [quote] = archive.alerts(watch="quote")
    assert (quote.outlet, quote.url, quote.previous_version, quote.version) == ("daily", URL, 1, 2)
    assert (quote.warc_file, quote.warc_offset, quote.warc_record_id) == ("crawl-2.warc.gz", 4096,
                                                                          second.warc.record_id)
    assert "**rushed into a decision**" in quote.excerpt and quote.first_seen == hours(1)
    assert quote.key and quote.key.endswith(f"-{quote.id}")
    [title] = archive.alerts(watch="title")
    assert "'Harbour vote' → 'Harbour vote delayed'" in title.excerpt


def test_an_excerpt_keeps_the_punctuation_beside_the_match(archive: Archive) -> None:
    archive.add_watch("notes", "correction", events=["appears"])
    archive.add_watch("quote", '"rushed into a decision"', events=["appears"])
    archive.record_captures([(capture(URL, hours(0)), article(text(*BODY)))])
    archive.record_captures([(capture(URL, hours(1)), article(text(CORRECTION, QUOTE, *BODY)))])
    [note] = archive.alerts(watch="notes")
    assert note.excerpt.startswith("**Correction**: an earlier version of this article")
    [quote] = archive.alerts(watch="quote")
    assert "be **rushed into a decision** on the waterfront" in quote.excerpt


def test_a_watch_follows_only_its_outlets(archive: Archive) -> None:
    archive.ensure_outlet("weekly", ["weekly.example"])
    archive.add_watch("weekly-only", "harbour", outlets=["weekly"], events=["new"])
    archive.record_captures([(capture(URL, hours(0)), article(text(*BODY)))])
    weekly = dataclasses.replace(capture("https://weekly.example/harbour", hours(0)), outlet="weekly")
    archive.record_captures([(weekly, article(text(*BODY)))])
    assert events(archive) == [("weekly-only", "new", "https://weekly.example/harbour", 1)]


def test_exclusions_and_alternatives_are_honoured_on_the_record_path(archive: Archive) -> None:
    archive.add_watch("w", "(tram OR harbour) -mayor", events=["new"])
    archive.record_captures([(capture(URL, hours(0)), article(text(*BODY)))])  # says "mayor"
    archive.record_captures([(capture(OTHER, hours(0)), article("The tram line reopens on Monday."))])
    assert events(archive) == [("w", "new", OTHER, 1)]


def test_a_new_watch_is_seen_by_the_next_batch(archive: Archive) -> None:
    archive.record_captures([(capture(URL, hours(0)), article(text(*BODY)))])
    archive.add_watch("late", "harbour", events=["changed"])
    archive.record_captures([(capture(URL, hours(1)), article(text(*BODY, QUOTE)))])
    assert events(archive) == [("late", "changed", URL, 2)]
    archive.remove_watch("late")
    archive.add_watch("later", "harbour", events=["changed"])
    archive.record_captures([(capture(URL, hours(2)), article(text(*BODY)))])
    assert events(archive) == [("later", "changed", URL, 3)]


def test_watch_test_shows_what_it_would_have_matched_without_storing(archive: Archive) -> None:
    archive.record_captures([(capture(URL, hours(0)), article(text(*BODY), title="Harbour vote"))])
    archive.record_captures([(capture(URL, hours(1)), article(text(*BODY, QUOTE), title="Harbour vote"))])
    archive.add_watch("quote", '"rushed into a decision"', events=["new", "appears"])
    found = archive.try_watch("quote", since=hours(-1))
    assert [(a.event, a.version) for a in found] == [("appears", 2)]
    assert archive.try_watch("quote", since=hours(2)) == []
    assert archive.alerts() == []
