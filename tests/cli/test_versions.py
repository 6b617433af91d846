"""``newsarchive versions``, ``diff``, ``changes`` and ``show`` after a removal, through CliRunner.

Real SQLite and PostgreSQL archives filled with hand-made captures.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from storage.archive import Archive
from tests.helpers.cli import newsarchive
from tests.helpers.captures import T0, article, capture, hours  # noqa: F401

URL = "https://daily.example/news/2024/05/01/bridge-vote"
GONE = "https://daily.example/news/2024/05/01/school-merger"
FIRST = [
    "The council voted on Monday to close the old river bridge for six months of repairs.",
    "Engineers found corrosion in two of its steel supports during a routine inspection.",
    "Shopkeepers in the market town said they feared losing custom during the works.",
]
SECOND = [
    "The council voted on Tuesday to close the old river bridge for six months of repairs.",
    "Engineers found corrosion in two of its steel supports during a routine inspection.",
    "Shopkeepers in the market town said they feared losing custom during the works.",
    "Correction: an earlier version of this article gave the wrong day for the vote.",
]


@pytest.fixture
def filled(db_url: str, archive_dir: Path) -> str:
    with Archive(db_url, archive_dir, create=True) as archive:
        archive.ensure_outlet("daily", ["daily.example"])
        archive.record_capture(capture(URL, T0), article("\n\n".join(FIRST), title="Bridge to close", authors=["Ann Lee"]))
        archive.record_capture(capture(URL, hours(5)),
                               article("\n\n".join(SECOND), title="Bridge to close for repairs", authors=["Ann Lee"]))
        archive.record_capture(capture(GONE, T0), article("\n\n".join(FIRST[1:]), title="Schools to merge"))
        gone = dataclasses.replace(capture(GONE, hours(3)), status=410)
        archive.record_capture(gone, None)
    return db_url


def run(db: str, archive_dir: Path, *args: str, color: bool = False) -> tuple[int, str, str]:
    result = newsarchive("--db", db, "--archive-dir", str(archive_dir), *args, color=color)
    return result.exit_code, result.stdout, result.stderr


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def test_versions_table_shows_state_size_and_what_changed(filled: str, archive_dir: Path) -> None:
    code, out, _ = run(filled, archive_dir, "versions", URL)
    assert code == 0
    header, first, second = out.splitlines()
    assert ["STATE", "SIZE", "CHANGED"] == [w for w in header.split() if w in ("STATE", "SIZE", "CHANGED")]
    assert "first version" in first and f"+{sum(map(len, FIRST))}/−0" in first
    assert "ok" in second and "title" in second and "1 edited" in second and "correction note" in second
    added = len("Tuesday") + len(SECOND[3])
    assert f"+{added}/−{len('Monday')}" in second


def test_versions_json_has_state_sizes_and_change_summary(filled: str, archive_dir: Path) -> None:
    code, out, _ = run(filled, archive_dir, "versions", GONE, "--json")
    assert code == 0
    first, removed = json_lines(out)
    assert first["state"] == "ok" and first["chars_added"] == sum(map(len, FIRST[1:]))
    assert removed["state"] == "removed" and removed["text"] == ""
    assert removed["change_summary"]["status"] == 410 and removed["change_summary"]["last_text_version"] == 1
    assert removed["chars_removed"] == first["chars_added"]
    assert {"url", "outlet", "version", "first_seen", "last_seen", "warc_file", "warc_offset"} <= set(removed)


def test_diff_no_color_marks_removed_and_added_words(filled: str, archive_dir: Path) -> None:
    code, out, _ = run(filled, archive_dir, "diff", URL, "--no-color")
    assert code == 0
    assert "version 1 (2024-05-01T08:00:00Z) → version 2 (2024-05-01T13:00:00Z)" in out
    assert "Title: Bridge to close{+ for repairs+}" not in out  # whitespace stays outside the markers
    assert "Title: Bridge to close {+for repairs+}" in out
    assert "The council voted on [-Monday-]{+Tuesday+} to close" in out
    assert "{+Correction: an earlier version" in out
    assert "⋯ 2 unchanged paragraphs ⋯" in out
    assert "\x1b[" not in out


def test_diff_full_prints_unchanged_paragraphs(filled: str, archive_dir: Path) -> None:
    code, out, _ = run(filled, archive_dir, "diff", URL, "--no-color", "--full")
    assert code == 0 and FIRST[1] in out and "unchanged paragraph" not in out


def test_diff_color_uses_red_and_green(filled: str, archive_dir: Path) -> None:
    code, out, _ = run(filled, archive_dir, "diff", URL, "--color", color=True)
    assert code == 0
    assert "\x1b[31m" in out and "\x1b[32m" in out  # red removals, green additions
    assert "[-" not in out and "{+" not in out


def test_diff_json_is_structured(filled: str, archive_dir: Path) -> None:
    code, out, _ = run(filled, archive_dir, "diff", URL, "--from", "1", "--to", "2", "--json")
    assert code == 0
    [data] = json_lines(out)
    assert data["from"]["version"] == 1 and data["to"]["version"] == 2
    assert data["title"]["before"] == "Bridge to close" and ["insert", "for repairs"] in data["title"]["segments"]
    assert data["authors"] is None
    assert [p["kind"] for p in data["paragraphs"]] == ["edited", "added"]
    assert ["delete", "Monday"] in data["paragraphs"][0]["segments"]
    assert data["unchanged_paragraphs"] == 2
    assert (data["chars_added"], data["chars_removed"]) == (len("Tuesday") + len(SECOND[3]), len("Monday"))


def test_diff_to_a_removal_names_the_state(filled: str, archive_dir: Path) -> None:
    code, out, _ = run(filled, archive_dir, "diff", GONE, "--no-color")
    assert code == 0
    assert "version 2 (2024-05-01T11:00:00Z), removed (HTTP 410)" in out


@pytest.mark.parametrize("args,message", [
    (["diff", "https://daily.example/never"], "no page https://daily.example/never in the archive"),
    (["diff", URL, "--from", "1", "--to", "7"], "has no version 7: it has versions 1 to 2"),
    (["changes", "--since", "last tuesday"], "bad --since 'last tuesday'"),
])
def test_errors_are_one_line(filled: str, archive_dir: Path, args: list[str], message: str) -> None:
    code, out, err = run(filled, archive_dir, *args)
    assert code != 0 and out == ""
    lines = [line for line in err.splitlines() if line.startswith("Error")]
    assert len(lines) == 1 and message in lines[0], err


def test_diff_of_a_single_version_says_there_is_nothing_to_compare(db_url: str, archive_dir: Path) -> None:
    with Archive(db_url, archive_dir, create=True) as archive:
        archive.record_capture(capture(URL, T0), article("Just one text."))
    code, _, err = run(db_url, archive_dir, "diff", URL)
    assert code != 0 and "has only one version" in err and "Traceback" not in err


def test_changes_lists_biggest_change_first(filled: str, archive_dir: Path) -> None:
    code, out, _ = run(filled, archive_dir, "changes", "--since", "2024-05-01", "--json")
    assert code == 0
    rows = json_lines(out)
    assert [r["url"] for r in rows] == [GONE, URL]  # the whole text went (410) beats a few words
    gone, edited = rows
    assert gone["state"] == "removed" and gone["latest_change"] == "removed (HTTP 410)"
    assert edited["new_versions"] == 1 and edited["versions"] == 2 and edited["title"] == "Bridge to close for repairs"
    assert set(edited) >= {"url", "outlet", "title", "state", "versions", "new_versions", "chars_added",
                           "chars_removed", "first_change", "last_change", "latest_change"}
    code, out, _ = run(filled, archive_dir, "changes", "--since", "2024-05-01T12:00:00Z")
    assert code == 0 and URL in out and GONE not in out
    code, _, err = run(filled, archive_dir, "changes", "--since", "2024-06-01")
    assert code == 0 and "no article changed since 2024-06-01T00:00:00Z" in err


def test_show_at_a_time_after_removal_prints_the_state(filled: str, archive_dir: Path) -> None:
    code, out, _ = run(filled, archive_dir, "show", GONE, "--at", "2024-05-01T12:00:00Z")
    assert code == 0
    assert "removed (HTTP 410)" in out and "last text is version 1" in out
    code, out, _ = run(filled, archive_dir, "show", GONE, "--at", "2024-05-01T09:00:00Z")
    assert code == 0 and FIRST[1] in out


@pytest.mark.parametrize("command", ["versions", "diff", "changes"])
def test_help_has_a_sentence_and_an_example(command: str) -> None:
    result = newsarchive(command, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.output and f"newsarchive {command}" in result.output
