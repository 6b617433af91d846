"""Article versions over time at the Archive level: noise-proof versions, change summaries, removals.

Hand-made captures (tests/test_storage_helpers.py) on SQLite and PostgreSQL.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone

import pytest

from storage.archive import Archive
from storage.versions.captures import CaptureInput, Outcome
from storage.versions.diffing import DELETE, INSERT
from tests.helpers.captures import T0, article, capture, hours  # noqa: F401

URL = "https://daily.example/news/2024/05/01/harbour-tunnel"
OTHER = "https://daily.example/news/2024/05/01/ferry-strike"
BODY = [
    "The harbour tunnel will close for three weeks from Monday while engineers replace its ventilation fans, "
    "the port authority said on Wednesday.",
    "Drivers will be sent over the old swing bridge, which the authority expects to add twenty minutes to "
    "journeys at the busiest times of the day.",
    "The work was first planned for last winter but was put off after the contractor ran short of parts, "
    "a spokeswoman for the authority said.",
    "Local businesses on the eastern quay said they had not been told about the closure until this week "
    "and asked for signs to be put up on the approach roads.",
]


def text_of(paragraphs: list[str]) -> str:
    return "\n\n".join(paragraphs)


def fetch(url: str, at: datetime, *, status: int = 200, fetched_url: str | None = None,
          outlet: str = "daily", record_type: str = "response") -> CaptureInput:
    made = capture(url, at, outlet=outlet, record_type=record_type)
    return dataclasses.replace(made, status=status, fetched_url=fetched_url or made.fetched_url)


def test_minutes_ago_stamp_rotating_ad_and_view_counter_add_no_version(archive: Archive) -> None:
    first = text_of(["Updated 5 minutes ago", BODY[0], "Sponsored: Bayview Dental implants — 33% off today only (ref 000015)",
                     *BODY[1:], "1,204 views"])
    later = text_of(["Updated 3 hours ago", BODY[0], "Sponsored: SkyRoute city breaks — 46% off today only (ref 000011)",
                     *BODY[1:], "8,950 views"])
    clock = text_of(["Last updated: 10:42", BODY[0], "Advertisement", *BODY[1:], "Viewed 9,001 times"])
    assert archive.record_capture(fetch(URL, T0), article(first)) is Outcome.NEW
    assert archive.record_capture(fetch(URL, hours(1)), article(later)) is Outcome.UNCHANGED
    assert archive.record_capture(fetch(URL, hours(2)), article(clock)) is Outcome.UNCHANGED
    [only] = archive.versions(URL)
    assert only.text == first, "the stored text stays what was extracted"
    assert only.last_seen == hours(2)


def test_one_changed_word_is_still_a_new_version(archive: Archive) -> None:
    archive.record_capture(fetch(URL, T0), article(text_of(["Updated 5 minutes ago", *BODY])))
    edited = [BODY[0].replace("three weeks", "four weeks"), *BODY[1:]]
    outcome = archive.record_capture(fetch(URL, hours(1)), article(text_of(["Updated 1 hour ago", *edited])))
    assert outcome is Outcome.CHANGED
    summary = archive.versions(URL)[-1].change_summary
    assert summary["paragraphs_edited"] == 1
    assert summary["paragraphs_added"] == summary["paragraphs_removed"] == 0
    assert (summary["chars_added"], summary["chars_removed"]) == (len("four"), len("three"))


def test_change_summary_records_title_byline_dates_paragraphs_note_and_size(archive: Archive) -> None:
    published = datetime(2024, 5, 1, 7, 0, tzinfo=timezone.utc)
    archive.record_capture(fetch(URL, T0), article(text_of(BODY), title="Harbour tunnel to close",
                                                   authors=["Ann Lee"], published=published, modified=published))
    note = "Correction: an earlier version of this article gave the wrong date for the closure."
    new_body = [BODY[0], BODY[1].replace("twenty minutes", "half an hour"), BODY[3], "A new paragraph about buses.", note]
    modified = datetime(2024, 5, 1, 12, 30, tzinfo=timezone.utc)
    archive.record_capture(fetch(URL, hours(5)), article(text_of(new_body), title="Harbour tunnel closure delayed",
                                                         authors=["Ann Lee", "Tom Roe"], published=published,
                                                         modified=modified))
    second = archive.versions(URL)[-1]
    summary = second.change_summary
    assert summary["title"] == {"before": "Harbour tunnel to close", "after": "Harbour tunnel closure delayed"}
    assert summary["title_changed"] is True
    assert summary["authors"] == {"before": ["Ann Lee"], "after": ["Ann Lee", "Tom Roe"]}
    assert summary["modified"] == {"before": "2024-05-01T07:00:00Z", "after": "2024-05-01T12:30:00Z"}
    assert "published" not in summary
    assert (summary["paragraphs_added"], summary["paragraphs_removed"], summary["paragraphs_edited"]) == (2, 1, 1)
    assert [n["kind"] for n in summary["notes"]] == ["correction"]
    assert summary["chars_removed"] == len(BODY[2]) + len("twenty minutes")
    assert summary["chars_added"] == len("A new paragraph about buses.") + len(note) + len("half an hour")
    assert (second.chars_added, second.chars_removed) == (summary["chars_added"], summary["chars_removed"])


@pytest.mark.parametrize("line,kind", [
    ("Update: the authority now says the tunnel will reopen a week early.", "update"),
    ("Editor's note: this story has been changed to remove a name.", "editor's note"),
    ("This article has been updated with a statement from the contractor.", "update"),
])
def test_update_notes_are_recognised(archive: Archive, line: str, kind: str) -> None:
    archive.record_capture(fetch(URL, T0), article(text_of(BODY)))
    archive.record_capture(fetch(URL, hours(1)), article(text_of([*BODY, line])))
    assert [n["kind"] for n in archive.versions(URL)[-1].change_summary["notes"]] == [kind]


@pytest.mark.parametrize("status", [404, 410])
def test_gone_page_is_one_removed_state_however_often_it_is_checked(archive: Archive, status: int) -> None:
    archive.record_capture(fetch(URL, T0), article(text_of(BODY)))
    assert archive.record_capture(fetch(URL, hours(1), status=status), None) is Outcome.CHANGED
    assert archive.record_capture(fetch(URL, hours(2), status=status), None) is Outcome.UNCHANGED
    assert archive.record_capture(fetch(URL, hours(3), status=status), None) is Outcome.UNCHANGED
    first, removed = archive.versions(URL)
    assert first.state == "ok" and removed.state == "removed"
    assert removed.text == "" and removed.title is None
    assert removed.change_summary["status"] == status
    assert removed.change_summary["last_text_version"] == 1
    assert removed.last_seen == hours(3)
    assert removed.chars_removed == sum(len(p) for p in BODY)


def test_404_on_a_page_never_archived_is_no_version(archive: Archive) -> None:
    assert archive.record_capture(fetch(URL, T0, status=404), None) is Outcome.NOT_ARTICLE
    assert archive.stats().versions == 0


def test_redirect_to_home_page_is_a_redirected_state_with_its_target(archive: Archive) -> None:
    archive.record_capture(fetch(URL, T0), article(text_of(BODY)))
    home = "https://daily.example/"
    outcome = archive.record_capture(fetch(URL, hours(1), fetched_url=home), article("Top stories today"))
    assert outcome is Outcome.CHANGED
    again = archive.record_capture(fetch(URL, hours(2), fetched_url=home + "?utm_source=x"), article("Other stories"))
    assert again is Outcome.UNCHANGED
    latest = archive.versions(URL)[-1]
    assert latest.state == "redirected" and latest.version == 2
    assert latest.change_summary["target"] == home and latest.change_summary["to_home"] is True


def test_variant_url_whose_canonical_is_the_page_is_no_redirect(archive: Archive) -> None:
    archive.record_capture(fetch(URL, T0), article(text_of(BODY)))
    amp = "https://amp.daily.example/news/2024/05/01/harbour-tunnel.amp"
    variant = article(text_of(BODY), canonical_url=URL)
    assert archive.record_capture(fetch(URL, hours(1), fetched_url=amp), variant) is Outcome.UNCHANGED
    assert archive.versions(URL)[-1].state == "ok"


def test_redirect_to_another_article_of_the_outlet_is_a_move_and_tracking_params_are_no_redirect(
        archive: Archive) -> None:
    archive.record_capture(fetch(URL, T0), article(text_of(BODY)))
    tracked = URL + "?utm_medium=social"
    assert archive.record_capture(fetch(URL, hours(1), fetched_url=tracked), article(text_of(BODY))) is Outcome.UNCHANGED
    moved = fetch(URL, hours(2), fetched_url=OTHER)
    assert archive.record_capture(moved, article(text_of(BODY), canonical_url=OTHER)) is Outcome.NEW
    *_, latest = archive.versions(URL)
    assert latest.state == "moved" and latest.change_summary["target"] == OTHER and latest.moved_to == OTHER
    [there] = archive.versions(OTHER)
    assert there.text == text_of(BODY) and there.moved_from == [URL] and there.fetched_url == OTHER
    assert archive.captures(OTHER)[-1].warc_record_id == moved.warc.record_id  # the fetch is the new page's


@pytest.mark.parametrize("target", ["https://daily.example/news/", "https://other.example/news/2024/05/01/tunnel"])
def test_redirect_to_a_section_page_or_another_outlet_stays_a_redirect(archive: Archive, target: str) -> None:
    archive.record_capture(fetch(URL, T0), article(text_of(BODY)))
    archive.record_capture(fetch(URL, hours(1), fetched_url=target), article(text_of(BODY), canonical_url=target))
    latest = archive.versions(URL)[-1]
    assert latest.state == "redirected" and latest.change_summary["target"] == target and latest.moved_to is None


@pytest.mark.parametrize("wall,teaser", [
    ("paywall", [BODY[0], "Subscribe to continue reading. Already a subscriber? Log in."]),
    ("paywall", ["This content is available to subscribers only."]),
])
def test_wall_replacing_the_text_is_a_paywalled_state(archive: Archive, wall: str, teaser: list[str]) -> None:
    archive.record_capture(fetch(URL, T0), article(text_of(BODY)))
    assert archive.record_capture(fetch(URL, hours(1)), article(text_of(teaser))) is Outcome.CHANGED
    assert archive.record_capture(fetch(URL, hours(2)), article(text_of(teaser))) is Outcome.UNCHANGED
    latest = archive.versions(URL)[-1]
    assert (latest.state, latest.change_summary["wall"]) == ("paywalled", wall)
    assert latest.text == ""


def test_blocked_capture_is_no_version_and_the_page_back_unchanged_makes_none(archive: Archive) -> None:
    archive.record_capture(fetch(URL, T0), article(text_of(BODY)))
    walled = dataclasses.replace(fetch(URL, hours(1), status=403), blocked="challenge")
    assert archive.record_capture(walled, None) is Outcome.BLOCKED
    assert archive.record_capture(fetch(URL, hours(2)), article(text_of(BODY))) is Outcome.UNCHANGED
    [only] = archive.versions(URL)
    assert (only.state, only.last_seen) == ("ok", hours(2))
    assert [c.blocked for c in archive.captures(URL)] == [None, "challenge", None]


@pytest.mark.parametrize("teaser", [
    ["Please accept cookies to view this content."],
    ["We value your privacy", "We and our partners store and/or access information on a device, such as cookies.",
     "Accept all", "Reject all"],
    ["Alle akzeptieren", "Wir und unsere Partner speichern Informationen auf Ihrem Gerät."],
])
def test_consent_wall_text_in_place_of_the_article_is_a_blocked_capture(archive: Archive, teaser: list[str]) -> None:
    archive.record_capture(fetch(URL, T0), article(text_of(BODY)))
    assert archive.record_capture(fetch(URL, hours(1)), article(text_of(teaser))) is Outcome.BLOCKED
    assert archive.record_capture(fetch(URL, hours(2)), article(text_of(BODY))) is Outcome.UNCHANGED
    assert [v.state for v in archive.versions(URL)] == ["ok"]
    assert [c.blocked for c in archive.captures(URL)] == [None, "consent", None]


def test_wall_met_by_a_page_never_archived_records_nothing(archive: Archive) -> None:
    walled = dataclasses.replace(fetch(URL, T0), blocked="consent")
    assert archive.record_capture(walled, None) is Outcome.BLOCKED
    assert URL not in archive.known_urls()


def test_long_article_that_mentions_subscribing_is_not_a_wall(archive: Archive) -> None:
    archive.record_capture(fetch(URL, T0), article(text_of(BODY)))
    longer = [*BODY, "Readers who subscribe to continue reading our coverage get the tunnel timetable by email."]
    assert archive.record_capture(fetch(URL, hours(1)), article(text_of(longer))) is Outcome.CHANGED
    assert archive.versions(URL)[-1].state == "ok"


def test_article_back_after_removal_is_a_new_ok_version(archive: Archive) -> None:
    archive.record_capture(fetch(URL, T0), article(text_of(BODY)))
    archive.record_capture(fetch(URL, hours(1), status=404), None)
    assert archive.record_capture(fetch(URL, hours(2)), article(text_of(BODY))) is Outcome.CHANGED
    versions = archive.versions(URL)
    assert [v.state for v in versions] == ["ok", "removed", "ok"]
    back = versions[-1]
    assert back.text == text_of(BODY)
    assert back.change_summary["restored"] == "removed"
    assert back.change_summary["paragraphs_added"] == back.change_summary["paragraphs_removed"] == 0


def test_unchanged_redirect_target_answering_304_keeps_the_redirect(archive: Archive) -> None:
    archive.record_capture(fetch(URL, T0), article(text_of(BODY)))
    home = "https://daily.example/"
    archive.record_capture(fetch(URL, hours(1), fetched_url=home), article("Top stories today"))
    not_modified = fetch(URL, hours(2), fetched_url=home, status=304, record_type="revisit")
    assert archive.record_capture(not_modified, None) is Outcome.UNCHANGED
    assert [v.state for v in archive.versions(URL)] == ["ok", "redirected"]


def test_304_for_the_last_text_after_a_removal_brings_it_back(archive: Archive) -> None:
    first = fetch(URL, T0)
    archive.record_capture(first, article(text_of(BODY)))
    archive.record_capture(fetch(URL, hours(1), status=404), None)
    back = dataclasses.replace(fetch(URL, hours(2), status=304, record_type="revisit"),
                               payload_digest=first.payload_digest)
    assert archive.record_capture(back, None) is Outcome.CHANGED
    versions = archive.versions(URL)
    assert [v.state for v in versions] == ["ok", "removed", "ok"] and versions[-1].text == text_of(BODY)


def test_version_at_a_time_after_removal_is_the_removal(archive: Archive) -> None:
    archive.record_capture(fetch(URL, T0), article(text_of(BODY)))
    archive.record_capture(fetch(URL, hours(4), status=410), None)
    assert archive.version(URL, at=hours(2)).state == "ok"
    after = archive.version(URL, at=hours(5))
    assert after.state == "removed" and after.change_summary["last_text_version"] == 1


def test_diff_pairs_an_edited_paragraph_and_marks_changed_words(archive: Archive) -> None:
    archive.record_capture(fetch(URL, T0), article(text_of(BODY), title="Harbour tunnel to close"))
    edited = [BODY[0].replace("three weeks", "four weeks"), *BODY[1:3], "Buses will run every ten minutes."]
    archive.record_capture(fetch(URL, hours(1)), article(text_of(edited), title="Harbour tunnel to close for longer"))
    diff = archive.diff(URL)
    assert (diff.old.version, diff.new.version) == (1, 2)
    assert [p.kind for p in diff.changed] == ["edited", "removed", "added"]
    edited_segments = diff.changed[0].segments
    assert (DELETE, "three") in edited_segments and (INSERT, "four") in edited_segments
    assert (INSERT, "for longer") in diff.title
    assert diff.to_json()["unchanged_paragraphs"] == 2


def test_changes_lists_changed_articles_since_a_time_biggest_first(archive: Archive) -> None:
    archive.ensure_outlet("tribune", ["tribune.example"])
    small, big, quiet = URL, OTHER, "https://tribune.example/news/quiet"
    for url, outlet in ((small, "daily"), (big, "daily"), (quiet, "tribune")):
        archive.record_capture(fetch(url, T0, outlet=outlet), article(text_of(BODY)))
    archive.record_capture(fetch(small, hours(2)), article(text_of([*BODY, "One more line."])))
    archive.record_capture(fetch(big, hours(3)), article(text_of(BODY[:1])))
    rows = archive.changes(since=hours(1))
    assert [r.url for r in rows] == [big, small]
    assert rows[0].chars_removed == sum(len(p) for p in BODY[1:]) and rows[0].new_versions == 1
    assert archive.changes(since=hours(2.5)) == rows[:1]
    assert archive.changes(since=hours(1), outlet="tribune") == []
    assert archive.changes(since=hours(1), limit=1)[0].url == big
