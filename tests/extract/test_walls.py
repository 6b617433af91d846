"""``extract.walls``: consent walls, challenges, blocks, login walls and maintenance pages told from articles.

The walls are the pages of tests/data/walls/, served as tests/newsweb/walls.py
serves them; the articles are the real pages of tests/data/.
"""

from __future__ import annotations

import gzip

import pytest

from extract.page import analyse_page
from extract.walls import judge_wall
from tests.helpers.datasets import DATA, EXTRACTION_WIDE, dev_html, dev_truth
from tests.newsweb.walls import WALLS, wall_page

URL = "https://www.news.example/politics/2024/05/01/harbour-tunnel"
ARTICLE_SIZE = 4200  # the known length of the article the wall stands in for


@pytest.mark.parametrize("name", sorted(WALLS))
def test_each_wall_as_served_is_judged_its_kind(name: str) -> None:
    wall = WALLS[name]
    assert judge_wall(wall.status, dict(wall.headers), wall_page(name)) == wall.kind
    assert judge_wall(wall.status, dict(wall.headers), wall_page(name), known_size=ARTICLE_SIZE) == wall.kind


@pytest.mark.parametrize("name", sorted(WALLS))
def test_each_wall_page_is_judged_by_its_shape_without_telling_headers(name: str) -> None:
    assert judge_wall(200, {"Content-Type": "text/html"}, wall_page(name)) == WALLS[name].kind


def test_the_japanese_maintenance_page_is_maintenance() -> None:
    assert judge_wall(503, {}, (DATA / "walls" / "maintenance-ja.html").read_bytes()) == "maintenance"


@pytest.mark.parametrize(("status", "headers", "kind"), [
    (403, {"CF-Mitigated": "challenge"}, "challenge"),
    (202, {"x-amzn-waf-action": "captcha"}, "challenge"),
    (429, {"Retry-After": "120"}, "rate-limit"),
])
def test_headers_alone_name_a_challenge_or_a_rate_limit(status: int, headers: dict[str, str], kind: str) -> None:
    assert judge_wall(status, headers, b"") == kind


def test_a_404_is_no_wall_whatever_its_page_says() -> None:
    assert judge_wall(404, {}, wall_page("akamai")) is None


def test_no_real_article_page_is_a_wall() -> None:
    pages = [dev_html(key).encode("utf-8") for key in sorted(dev_truth())]
    pages += [gzip.decompress(path.read_bytes()) for path in sorted((EXTRACTION_WIDE / "html").glob("*.gz"))]
    walled = [index for index, body in enumerate(pages) if judge_wall(200, {}, body) is not None]
    assert len(pages) > 130 and walled == []


def test_an_article_behind_a_cookie_banner_is_the_article_until_its_prose_falls_far_short() -> None:
    prose = "".join(f"<p>Paragraph {n} of the article says what happened at the harbour on Monday, and who said "
                    f"what about it afterwards, at some length.</p>" for n in range(8))
    page = wall_page("consent").replace(b"<h1 ", prose.encode("ascii") + b"<h1 ")
    assert judge_wall(200, {}, page) is None  # some nine hundred characters of prose: an article with a banner
    assert judge_wall(200, {}, page, known_size=len(prose) // 2) is None
    assert judge_wall(200, {}, page, known_size=len(prose) * 4) == "consent"  # a quarter of the known text


def test_a_short_first_capture_beside_a_cookie_banner_is_the_article() -> None:
    """A brief of some 340 characters with a one-line cookie banner, as the simulated web serves one:
    judged a consent wall on its first capture, it was never archived."""
    page = (DATA / "walls" / "not-a-wall-short-article-with-banner.html").read_bytes()
    assert judge_wall(200, {}, page) is None


def test_analyse_page_gives_a_wall_no_text_and_an_article_no_wall() -> None:
    wall = analyse_page(URL, wall_page("consent"), "text/html", owns=lambda _u: True, listed=True)
    assert (wall.wall, wall.extracted) == ("consent", None)
    challenge = analyse_page(URL, b"<html><body><p>x</p></body></html>", "text/html", owns=lambda _u: True,
                             listed=True, status=403, headers={"cf-mitigated": "challenge"})
    assert (challenge.wall, challenge.extracted) == ("challenge", None)
    key, entry = sorted(dev_truth().items())[0]
    article = analyse_page(entry["url"], dev_html(key).encode("utf-8"), "text/html", owns=lambda _u: True,
                           listed=True)
    assert article.wall is None and article.extracted is not None and not article.extracted.article.is_empty
