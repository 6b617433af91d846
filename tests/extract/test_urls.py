"""``strip_tracking``: only tracking parameters go; the rest of the URL that is fetched stays as it was written."""

from __future__ import annotations

import pytest

from extract.urls import canonicalize_url, strip_tracking


@pytest.mark.parametrize("url", [
    "https://news.test/story.php?12345",  # a bare key is not given an "="
    "https://news.test/a?id=1;page=2",  # ";" inside a value is not percent-encoded
    "http://[2001:db8::1]/a",  # an IPv6 host keeps its brackets
    "http://[2001:db8::1]:8080/a?id=1",
    "https://news.test/a?q=a%20b+c&x=%7E",  # the query's own encoding is kept
    "https://news.test/a?b=2&a=1",  # and its order
])
def test_a_url_without_tracking_parameters_is_left_as_it_is(url: str) -> None:
    assert strip_tracking(url) == url


@pytest.mark.parametrize(("url", "expected"), [
    ("https://news.test/a?utm_source=feed&id=7&fbclid=1#comments", "https://news.test/a?id=7"),
    ("https://news.test/a?utm_source=feed&utm_medium=rss", "https://news.test/a"),
    ("https://news.test/story.php?12345&utm_campaign=x", "https://news.test/story.php?12345"),
    ("https://news.test/a?id=1;page=2&gclid=abc", "https://news.test/a?id=1;page=2"),
    ("https://news.test/a?utm%5Fsource=x&q=a%20b", "https://news.test/a?q=a%20b"),  # a key matched decoded
    ("HTTP://[2001:DB8::1]:80/a?utm_source=x", "http://[2001:db8::1]/a"),
    ("HTTPS://News.Test:443/a", "https://news.test/a"),
])
def test_tracking_parameters_fragment_default_port_and_case_go(url: str, expected: str) -> None:
    assert strip_tracking(url) == expected


def test_the_archive_identity_still_drops_tracking_and_sorts_the_query() -> None:
    expected = canonicalize_url("https://news.test/x?a=1&b=2")
    assert canonicalize_url("https://news.test/x?b=2&utm_source=a&a=1") == expected
