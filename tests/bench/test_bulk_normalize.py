"""The fast paths of normalize_text and stable_line give what the full regular expressions give."""

from __future__ import annotations

import re
import unicodedata

import pytest

from storage.versions import changes
from storage.versions.changes import stable_hash, stable_line
from storage.versions.normalize import normalize_text


@pytest.mark.parametrize("raw, expected", [
    ("  plain   ascii\ttext \n", "plain ascii text"),
    ("caf\u0065\u0301 \u2014 \u201cquoted\u201d\u00a0word\u2009x", "caf\u00e9 - \"quoted\" word x"),
    ("zero\u200bwidth soft\u00adhyphen", "zerowidth softhyphen"),
    ("line\u2028separator\x1cunit", "line separator unit"),
])
def test_normalize_text(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


def test_normalize_text_splits_on_what_the_regex_calls_whitespace() -> None:
    spaces = "".join(chr(c) for c in range(0x3001) if re.fullmatch(r"\s", chr(c)))
    assert normalize_text(f"a{spaces}b") == "a b"
    assert normalize_text(unicodedata.normalize("NFD", "Ångström")) == "Ångström"


@pytest.mark.parametrize("line, expected", [
    ("Updated 5 minutes ago", ""),
    ("UPDATED 12:30 GMT", ""),
    ("The council met today. Last updated 3 hours ago. Members voted.", "The council met today. . Members voted."),
    ("Po\u017fted 3 hours ago", ""),  # long s: re.IGNORECASE matches it to "s"
    ("Ed\u0130ted 2 days ago by staff", "by staff"),  # dotted capital I
    ("1,200 views", ""),
    ("just now", ""),
    ("Justupdated at 5:30now it rains", "it rains"),  # blanking the stamp joins "just now"
    ("The minister said the plan would go ahead.", "The minister said the plan would go ahead."),
])
def test_stable_line(line: str, expected: str) -> None:
    stable_line.cache_clear()
    assert stable_line(line) == expected


def test_stable_paragraphs_returns_a_fresh_list_each_time() -> None:
    first = changes.stable_paragraphs("One.\n\nTwo.")
    first.append("mutated")
    assert changes.stable_paragraphs("One.\n\nTwo.") == ["One.", "Two."]


def test_stable_hash_ignores_only_reader_invisible_changes() -> None:
    base = stable_hash("Title", "First paragraph.\n\nSecond paragraph.", ["Ann"])
    assert stable_hash("Title", "First  paragraph.\n\nSecond paragraph.\n\nUpdated 2 minutes ago", ["ann"]) == base
    assert stable_hash("Title", "First paragraph.\n\nSecond paragraph, edited.", ["Ann"]) != base
