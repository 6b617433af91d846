"""``NewsWeb(evolve=True)``: a round of edits, a removal and a redirect at the start of each crawl after the first.

Most tests drive the evolution with explicit request times (seconds, as
``time.monotonic()`` would give them); one serves it for real and lets the
quiet gap pass; one runs ``python -m tests.newsweb`` itself.
"""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.newsweb import NewsWeb
from tests.newsweb.evolution import EDIT_KINDS, Evolution, QuietGap, Round

ROOT = Path(__file__).resolve().parent.parent
OPTIONS = {"seed": 3, "articles_per_outlet": 2}
QUIET = 2.0


def evolving(**options) -> NewsWeb:
    return NewsWeb(**{**OPTIONS, "evolve": True, "quiet_seconds": QUIET, **options})


def crawl(evolution: Evolution, start: float, requests: int = 20, spacing: float = 0.1) -> list[Round]:
    """``requests`` one after another from ``start``; the rounds they set off."""
    rounds = []
    for n in range(requests):
        now = start + n * spacing
        applied = evolution.request_started(now)
        if applied is not None:
            rounds.append(applied)
        evolution.request_finished(now + spacing / 2)
    return rounds


def contents(web: NewsWeb) -> dict[str, tuple]:
    """What every live article says now."""
    return {url: (a.title, tuple(a.paragraphs), a.revision) for url in web.article_urls() for a in [web.article(url)]}


def test_quiet_gap_marks_the_first_request_after_silence_and_none_while_one_is_in_flight() -> None:
    gap = QuietGap(QUIET)
    assert gap.request_started(100.0) is True  # the very first request begins a crawl
    gap.request_finished(100.5)
    assert gap.request_started(102.4) is False  # 1.9 s after the last answer: same crawl
    assert gap.request_started(102.5) is False  # concurrent
    gap.request_finished(102.6)  # one still in flight: no quiet yet
    assert gap.request_started(110.0) is False  # a long-running request keeps the crawl open
    gap.request_finished(110.1)
    gap.request_finished(110.2)
    assert gap.request_started(112.1) is False  # 1.9 s of quiet
    gap.request_finished(112.2)
    assert gap.request_started(114.2) is True  # 2.0 s of quiet: a new crawl
    with pytest.raises(ValueError, match="positive"):
        QuietGap(0)


def test_default_web_does_not_evolve() -> None:
    assert NewsWeb(**OPTIONS).evolution is None


def test_first_crawl_sees_the_original_articles() -> None:
    web = evolving()
    originals = contents(NewsWeb(**OPTIONS))
    assert crawl(web.evolution, start=0.0) == [Round(1)]
    assert contents(web) == originals
    assert Round(1).summary() == "round 1: the original articles"


def test_each_new_crawl_applies_one_round_of_edits_a_removal_and_a_redirect() -> None:
    web = evolving()
    before = {url: web.article(url) for url in web.article_urls()}
    crawl(web.evolution, start=0.0)
    [second] = crawl(web.evolution, start=10.0)
    assert second.number == 2
    assert second.summary() == "round 2: edited 3 articles, removed 1, redirected 1"
    assert [edit.kind for edit in second.edits] == list(EDIT_KINDS)
    for edit in second.edits:
        now = web.article(edit.url)
        assert now.revision == before[edit.url].revision + 1
        if edit.kind == "headline":
            assert now.title == edit.text != before[edit.url].title
            assert now.paragraphs == before[edit.url].paragraphs
        else:
            assert now.paragraphs == [*before[edit.url].paragraphs, edit.text]
    assert second.edits[2].text.startswith("Correction: ")
    [removed] = second.removed
    assert web.lookup(removed).status == 404 and removed not in web.article_urls()
    [(moved_from, moved_to)] = second.redirected
    assert web.lookup(moved_from).status == 301 and web.lookup(moved_from).location == moved_to
    assert web.article(moved_to).text == before[moved_from].text
    changed = {edit.url for edit in second.edits} | {removed, moved_from}
    assert len(changed) == 5
    assert all(web.article(url).revision == 1 for url in web.article_urls() if url not in changed | {moved_to})
    [third] = crawl(web.evolution, start=20.0)
    assert third.number == 3 and web.evolution.rounds == [Round(1), second, third]


def test_no_round_while_a_crawl_is_going_on() -> None:
    web = evolving()
    assert len(crawl(web.evolution, start=0.0, requests=200, spacing=QUIET * 0.9)) == 1
    originals = contents(NewsWeb(**OPTIONS))
    assert contents(web) == originals


def test_rounds_are_deterministic_for_a_seed() -> None:
    def three_rounds(web: NewsWeb) -> list[Round]:
        return [web.evolution.next_round() for _ in range(3)]

    first, again, other = evolving(), evolving(), evolving(seed=4)
    assert three_rounds(first) == three_rounds(again)
    assert contents(first) == contents(again)
    assert three_rounds(other)[1] != first.evolution.rounds[1]


def test_rounds_change_fewer_articles_once_few_are_left() -> None:
    web = evolving(articles_per_outlet=1)  # four articles a round may change
    summaries = [web.evolution.next_round().summary() for _ in range(4)]
    assert summaries[1:] == ["round 2: edited 3 articles, removed 1, redirected 0",
                             "round 3: edited 3 articles, removed 0, redirected 0",
                             "round 4: edited 3 articles, removed 0, redirected 0"]


def get(web: NewsWeb, url: str) -> tuple[int, str]:
    """GET ``url`` through the web as an HTTP proxy, not following redirects."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": web.proxy_url}), NoRedirect())
    try:
        with opener.open(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def test_served_web_changes_after_a_quiet_gap_and_not_before() -> None:
    heard: list[str] = []
    twin = evolving()
    expected = [twin.evolution.next_round() for _ in range(2)][1]
    with evolving(quiet_seconds=1.0, on_round=lambda r: heard.append(r.summary())) as web:
        correction = expected.edits[2]
        first_crawl = [get(web, correction.url) for _ in range(5)]  # back to back: one crawl
        assert all(status == 200 and correction.text not in page for status, page in first_crawl)
        assert heard == ["round 1: the original articles"]
        time.sleep(2.5)
        status, page = get(web, correction.url)
        assert status == 200 and correction.text in page
        assert get(web, expected.removed[0])[0] == 404
        assert get(web, expected.redirected[0][0])[0] == 301
        assert web.evolution.rounds[1] == expected
    assert heard == ["round 1: the original articles", "round 2: edited 3 articles, removed 1, redirected 1"]


def test_command_line_explains_and_checks_the_options() -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "tests.newsweb", *args], cwd=ROOT, capture_output=True,
                              text=True, timeout=60)

    shown = run("--help")
    assert shown.returncode == 0, shown.stderr
    for words in ("--evolve", "--quiet-seconds", "correction note", "(404)", "(301)", "recheck=all"):
        assert words in " ".join(shown.stdout.split()), words
    refused = run("--evolve", "--quiet-seconds", "0", "--port", "0")
    assert refused.returncode == 2 and "must be above 0" in refused.stderr
