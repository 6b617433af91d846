"""The benchmark's shingle metric (bench/metric.py)."""

from __future__ import annotations

import pytest

from bench.metric import score, score_page, shingles


def test_shingles_are_a_multiset_of_four_token_windows() -> None:
    assert shingles("a b c d a b c d") == {("a", "b", "c", "d"): 2, ("b", "c", "d", "a"): 1,
                                            ("c", "d", "a", "b"): 1, ("d", "a", "b", "c"): 1}
    assert shingles("two words") == {("two", "words"): 1}
    assert shingles("  ,, ") == {}


def test_identical_text_scores_one() -> None:
    page = score_page("one two three four five", "one two three four five")
    assert (page.precision, page.recall) == (1.0, 1.0)


def test_extra_text_lowers_precision_only() -> None:
    page = score_page("one two three four five six", "one two three four five")
    assert page.tp + page.fp + page.fn == pytest.approx(1.0)
    assert page.precision == pytest.approx(2 / 3)
    assert page.recall == 1.0


def test_empty_extraction_scores_zero() -> None:
    page = score_page("", "one two three four five")
    assert (page.precision, page.recall) == (0.0, 0.0)


def test_score_is_mean_over_pages_and_f1_of_means() -> None:
    result = score([("one two three four five six", "one two three four five"),
                    ("one two three four", "one two three four five")])
    assert result.pages == 2
    assert result.precision == pytest.approx((2 / 3 + 1.0) / 2)
    assert result.recall == pytest.approx((1.0 + 0.5) / 2)
    assert result.f1 == pytest.approx(2 * result.precision * result.recall / (result.precision + result.recall))
