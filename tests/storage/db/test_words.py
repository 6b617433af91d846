"""Counts read as words: no "1 errors" in a health line or "on 1 captures" in a prominence line (issue 36)."""

from __future__ import annotations

import pytest

from storage.db.words import counted


@pytest.mark.parametrize(("count", "noun", "plural", "expected"), [
    (1, "error", None, "1 error"),
    (0, "error", None, "0 errors"),
    (3, "capture", None, "3 captures"),
    (1, "story", "stories", "1 story"),
    (2, "story", "stories", "2 stories"),
])
def test_a_count_takes_the_form_of_its_noun(count: int, noun: str, plural: str | None, expected: str) -> None:
    assert counted(count, noun, plural) == expected
