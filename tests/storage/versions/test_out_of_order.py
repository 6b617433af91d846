"""Captures recorded out of time order (issue 32): each goes where its ``fetched_at`` puts it.

An ``ingest`` of older files after newer ones, or crawl processes whose files
overlap in time, hand the recorder captures older than the page's latest
version. Hand-made captures, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from storage.archive import Archive
from storage.versions.captures import CaptureInput, Outcome
from tests.helpers.captures import article, capture, hours
from tests.helpers.cli import newsarchive

URL = "https://daily.example/news/2024/05/01/harbour-tunnel"
TEXT_A = ("The harbour tunnel will close for three weeks from Monday while engineers replace its ventilation fans, "
          "the port authority said on Wednesday.")
TEXT_B = ("The harbour tunnel will close for five weeks from Monday while engineers replace its ventilation fans "
          "and its lighting, the port authority said on Wednesday.")
TEXT_C = ("The harbour tunnel will stay open after all, the port authority said on Thursday, because the new "
          "ventilation fans will not be delivered before the autumn.")


def fetch(at, *, status: int = 200, digest: str | None = None, record_type: str = "response") -> CaptureInput:
    return dataclasses.replace(capture(URL, at, digest=digest, record_type=record_type), status=status)


def history(archive: Archive) -> list[tuple[int, str, object, object]]:
    """(number, text or state, first seen, last seen) of each version."""
    return [(v.version, v.text or v.state, v.first_seen, v.last_seen) for v in archive.versions(URL)]


def shown_at(db_url: str, archive_dir: Path, at: str) -> str:
    result = newsarchive("--db", db_url, "--archive-dir", str(archive_dir), "show", URL, "--at", at, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["text"]


def test_an_earlier_capture_of_another_text_becomes_the_earlier_version(archive: Archive, db_url: str,
                                                                          archive_dir: Path) -> None:
    """B at 10:00, then A at 09:00 and at 11:00: A, B, A, and at 10:30 a reader saw B."""
    assert archive.record_capture(fetch(hours(2)), article(TEXT_B)) is Outcome.NEW
    assert archive.record_capture(fetch(hours(1)), article(TEXT_A)) is Outcome.CHANGED
    assert archive.record_capture(fetch(hours(3)), article(TEXT_A)) is Outcome.CHANGED
    assert history(archive) == [(1, TEXT_A, hours(1), hours(1)), (2, TEXT_B, hours(2), hours(2)),
                                (3, TEXT_A, hours(3), hours(3))]
    first, second, third = archive.versions(URL)
    assert first.change_summary is None and second.change_summary["chars_added"] > 0
    assert third.change_summary["chars_removed"] > 0  # told against B, the version now before it
    assert shown_at(db_url, archive_dir, "2024-05-01T10:30:00+00:00") == TEXT_B
    assert shown_at(db_url, archive_dir, "2024-05-01T09:30:00+00:00") == TEXT_A


def test_a_capture_inside_a_version_s_span_splits_it(archive: Archive) -> None:
    archive.record_capture(fetch(hours(1)), article(TEXT_A))
    archive.record_capture(fetch(hours(3)), article(TEXT_A))
    archive.record_capture(fetch(hours(5)), article(TEXT_C))
    assert archive.record_capture(fetch(hours(2)), article(TEXT_B)) is Outcome.CHANGED
    assert history(archive) == [(1, TEXT_A, hours(1), hours(1)), (2, TEXT_B, hours(2), hours(2)),
                                (3, TEXT_A, hours(3), hours(3)), (4, TEXT_C, hours(5), hours(5))]
    # each change is told against the version now before it
    resumed, last = archive.versions(URL)[2:]
    assert resumed.change_summary["chars_added"] > 0 and last.change_summary["chars_removed"] > 0


def test_an_earlier_capture_extends_the_version_current_then_or_the_next_one(archive: Archive) -> None:
    archive.record_capture(fetch(hours(1)), article(TEXT_A))
    archive.record_capture(fetch(hours(4)), article(TEXT_B))
    assert archive.record_capture(fetch(hours(2)), article(TEXT_A)) is Outcome.UNCHANGED
    assert archive.record_capture(fetch(hours(3)), article(TEXT_B)) is Outcome.UNCHANGED
    assert archive.record_capture(fetch(hours(0)), article(TEXT_A)) is Outcome.UNCHANGED
    assert history(archive) == [(1, TEXT_A, hours(0), hours(2)), (2, TEXT_B, hours(3), hours(4))]


def test_an_earlier_revisit_extends_the_version_whose_payload_it_names(archive: Archive) -> None:
    archive.record_capture(fetch(hours(1), digest="sha1:AAAA"), article(TEXT_A))
    archive.record_capture(fetch(hours(3), digest="sha1:BBBB"), article(TEXT_B))
    revisit = fetch(hours(2), digest="sha1:AAAA", record_type="revisit")
    assert archive.record_capture(revisit, None) is Outcome.UNCHANGED
    assert history(archive) == [(1, TEXT_A, hours(1), hours(2)), (2, TEXT_B, hours(3), hours(3))]


def test_a_removal_still_names_its_last_text_after_renumbering(archive: Archive) -> None:
    archive.record_capture(fetch(hours(2)), article(TEXT_A))
    archive.record_capture(fetch(hours(3), status=404), None)
    assert archive.record_capture(fetch(hours(1)), article(TEXT_B)) is Outcome.CHANGED
    assert history(archive) == [(1, TEXT_B, hours(1), hours(1)), (2, TEXT_A, hours(2), hours(2)),
                                (3, "removed", hours(3), hours(3))]
    assert archive.versions(URL)[-1].change_summary["last_text_version"] == 2


def test_a_re_check_asks_with_the_validators_of_the_newest_capture_not_the_last_recorded(archive: Archive) -> None:
    archive.record_capture(dataclasses.replace(fetch(hours(2)), etag='"newest"'), article(TEXT_A))
    archive.record_capture(dataclasses.replace(fetch(hours(1)), etag='"older"'), article(TEXT_A))
    [target] = archive.claim_rechecks(hours(100), every=True)  # captured in 2024: scheduled from now, not due then
    assert target.etag == '"newest"' and target.fetched_at == hours(2)
