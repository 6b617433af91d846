"""Stealth edits told from declared ones: a new modified date, a note or a new "updated" stamp declares a change.

Hand-made captures on SQLite and PostgreSQL; the CLI for ``versions`` and ``changes --undeclared``.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from storage.archive import Archive
from storage.versions.captures import Outcome
from tests.helpers.captures import T0, article, capture, hours
from tests.helpers.cli import newsarchive

STEALTH = "https://daily.example/news/2024/05/01/harbour-tunnel"
DECLARED = "https://daily.example/news/2024/05/01/ferry-strike"
BODY = [
    "The harbour tunnel will close for three weeks from Monday while engineers replace its ventilation fans, "
    "the port authority said on Wednesday.",
    "Drivers will be sent over the old swing bridge, which the authority expects to add twenty minutes to "
    "journeys at the busiest times of the day.",
    "Local businesses on the eastern quay said they had not been told about the closure until this week.",
]
REWORDED = BODY[1].replace("twenty minutes", "half an hour")


def text(*paragraphs: str) -> str:
    return "\n\n".join(paragraphs)


def summary_after(archive: Archive, url: str, first: str, second: str, **dates) -> dict:
    before, after = dates.get("before"), dates.get("after")
    archive.record_capture(capture(url, T0), article(first, modified=before))
    assert archive.record_capture(capture(url, hours(1)), article(second, modified=after)) is Outcome.CHANGED
    return archive.versions(url)[-1].change_summary


def test_an_edit_with_nothing_declaring_it_is_stealth(archive: Archive) -> None:
    summary = summary_after(archive, STEALTH, text(*BODY), text(BODY[0], REWORDED, BODY[2]), before=T0, after=T0)
    assert (summary["declared"], summary["declared_by"]) == (False, [])


@pytest.mark.parametrize(("first", "second", "dates", "by"), [
    (text(*BODY), text(BODY[0], REWORDED, BODY[2]), {"before": T0, "after": hours(1)}, ["modified"]),
    (text(*BODY), text(*BODY, "Correction: an earlier version of this article misstated the length of the delay."),
     {"before": T0, "after": T0}, ["note"]),
    (text("Last updated: 10:42", *BODY), text("Last updated: 11:05", BODY[0], REWORDED, BODY[2]), {}, ["stamp"]),
    (text("Aktualisiert am 1. Mai 2024", *BODY), text("Aktualisiert am 2. Mai 2024", BODY[0], REWORDED, BODY[2]),
     {}, ["stamp"]),
])
def test_a_new_modified_date_a_note_or_a_new_stamp_declares_the_change(archive: Archive, first: str, second: str,
                                                                        dates: dict, by: list[str]) -> None:
    summary = summary_after(archive, DECLARED, first, second, **dates)
    assert (summary["declared"], summary["declared_by"]) == (True, by)


def test_a_relative_stamp_moving_declares_nothing(archive: Archive) -> None:
    summary = summary_after(archive, STEALTH, text("Updated 5 minutes ago", *BODY),
                            text("Updated 2 hours ago", BODY[0], REWORDED, BODY[2]))
    assert summary["declared"] is False


def test_versions_and_changes_undeclared_show_the_stealth_edit(archive: Archive) -> None:
    summary_after(archive, STEALTH, text(*BODY), text(BODY[0], REWORDED, BODY[2]), before=T0, after=T0)
    summary_after(archive, DECLARED, text(*BODY), text(BODY[0], REWORDED, BODY[2]), before=T0, after=hours(1))
    place = ["--db", archive.url]
    since = (T0 - timedelta(days=1)).isoformat()
    listed = newsarchive(*place, "versions", STEALTH).stdout
    assert "stealth" in listed.splitlines()[-1]
    assert "declared (modified)" in newsarchive(*place, "versions", DECLARED).stdout.splitlines()[-1]
    every = newsarchive(*place, "changes", "--since", since, "--json").stdout
    undeclared = newsarchive(*place, "changes", "--since", since, "--undeclared", "--json").stdout
    assert STEALTH in every and DECLARED in every
    assert STEALTH in undeclared and DECLARED not in undeclared


def test_a_watch_on_stealth_is_alerted_by_the_stealth_edit_only(archive: Archive) -> None:
    archive.add_watch("tunnel", "harbour tunnel", events=["stealth"])
    summary_after(archive, STEALTH, text(*BODY), text(BODY[0], REWORDED, BODY[2]), before=T0, after=T0)
    summary_after(archive, DECLARED, text(*BODY), text(BODY[0], REWORDED, BODY[2]), before=T0, after=hours(1))
    alerts = archive.alerts()
    assert [(a.event, a.url) for a in alerts] == [("stealth", STEALTH)]
    assert "half an hour" in alerts[0].excerpt


def test_the_export_carries_whether_each_change_was_declared(archive: Archive) -> None:
    summary_after(archive, STEALTH, text(*BODY), text(BODY[0], REWORDED, BODY[2]), before=T0, after=T0)
    rows = [json.loads(line) for line in newsarchive("--db", archive.url, "export", "--url", STEALTH).stdout.splitlines()]
    assert [row["change_summary"] and row["change_summary"]["declared"] for row in rows] == [None, False]


def test_the_reading_room_badges_stealth_edits_and_filters_them(archive: Archive) -> None:
    from tests.storage.web.test_pages import get, q, running_app

    summary_after(archive, STEALTH, text(*BODY), text(BODY[0], REWORDED, BODY[2]), before=T0, after=T0)
    summary_after(archive, DECLARED, text(*BODY), text(BODY[0], REWORDED, BODY[2]), before=T0, after=hours(1))
    with running_app(archive) as app:
        home = get(app + "/").text
        every = [c["url"] for c in get(app + "/?format=json").json()["changes"]]
        only = get(app + "/?edits=stealth&format=json").json()["changes"]
        stealth_page, declared_page = get(app + f"/page?{q(url=STEALTH)}").text, get(app + f"/page?{q(url=DECLARED)}").text
        refused = get(app + "/?edits=sneaky")
    assert home.count('class="badge stealth"') == 1 and "only stealth edits" in home
    assert sorted(every) == sorted([STEALTH, DECLARED])
    assert [(c["url"], c["edit"]) for c in only] == [(STEALTH, "stealth")]
    assert 'class="badge stealth"' in stealth_page and 'class="badge stealth"' not in declared_page
    assert refused.status == 400
