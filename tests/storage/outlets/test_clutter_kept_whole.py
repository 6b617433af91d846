"""An outlet whose articles share their paragraphs keeps every article (issue 16, part 2).

The simulated web's opt-in ``river-notices`` outlet publishes twelve reports
made only of its template: sentences whose numbers change, and two standing
paragraphs. Once its model has seen ten of them it has learned every line, so
stripping would leave the next reports without any text. The model keeps
them whole instead, in :class:`storage.boilerplate.OutletModels` and in a
real crawl.
"""

from __future__ import annotations

import re

import pytest

from extract.article import Article
from storage.archive import Archive
from storage.db.errors import NoSuchPage
from storage.ingest.reextract import reextract
from storage.outlets.clutter_models import OutletModels, load_models
from tests.helpers.crawl import run_crawl
from tests.newsweb import NewsWeb
from tests.newsweb.notices import NAME as OUTLET
from tests.newsweb.notices import REPORTS

NEWSWEB = {"seed": 4, "templated_outlet": True}  # options of the `web` fixture (conftest.py)


def oldest_first(web: NewsWeb) -> list[str]:
    return list(reversed(web.article_urls(OUTLET)))


def test_outlet_models_leave_every_report_its_text(web) -> None:
    models = OutletModels({})
    archived = []
    for url in oldest_first(web):
        text = web.article(url).text
        article = Article(text=text, canonical_url=url)
        assert models.apply(OUTLET, article, text, url) == text
        archived.append(article.text)
    assert archived == [web.article(url).text for url in oldest_first(web)]


def test_outlet_models_tell_which_reports_were_kept_whole(web) -> None:
    models = OutletModels({})
    outcomes = []
    for url in oldest_first(web):
        text = web.article(url).text
        outcomes.append(models.apply_outcome(OUTLET, Article(text=text, canonical_url=url), text, url))
    # a long line needs ten pages: from the tenth report on, the model has learned every line of them
    assert [outcome.kept_whole for outcome in outcomes] == [False] * 9 + [True] * (REPORTS - 9)
    assert all(outcome.share == 1.0 for outcome in outcomes[9:])
    assert not any(outcome.stripped for outcome in outcomes)


@pytest.fixture(scope="module")
def crawled(web, tmp_path_factory):
    """(archive_dir, the crawl's stderr) after crawling the outlet once."""
    root = tmp_path_factory.mktemp("whole")
    seeds = root / "seeds.toml"
    seeds.write_text(web.seed_toml(), encoding="utf-8")
    archive_dir = root / "archive"
    result = run_crawl(archive_dir, seeds, web.proxy_url, args={"outlet": OUTLET})
    return archive_dir, result.stderr


def archived_texts(archive: Archive, url: str) -> list[str]:
    try:
        return [version.text for version in archive.versions(url)]
    except NoSuchPage:
        return []


def test_crawl_archives_every_report_whole(web, crawled) -> None:
    archive_dir, stderr = crawled
    urls = web.article_urls(OUTLET)
    assert len(urls) == REPORTS
    with Archive(archive_dir=archive_dir) as archive:
        texts = {url: archived_texts(archive, url) for url in urls}
    assert texts == {url: [web.article(url).text] for url in urls}
    assert "no article text found" not in stderr
    assert "'extract/empty'" not in stderr
    kept = re.search(r"'boilerplate/kept_whole': (\d+)", stderr)
    assert kept is not None and int(kept.group(1)) >= 1, "the crawl counts the pages its model kept whole"


def test_the_crawl_learned_every_line_of_the_reports(web, crawled) -> None:
    """The reports survived the model, not a model too young to strip: it covers each one's whole text."""
    archive_dir, _ = crawled
    with Archive(archive_dir=archive_dir) as archive:
        model = archive.read(lambda session: load_models(session, [OUTLET]))[OUTLET]
    assert model.pages == REPORTS
    for url in web.article_urls(OUTLET):
        outcome = model.strip_outcome(web.article(url).text)
        assert outcome.kept_whole and outcome.share == 1.0, url


def test_reextract_with_the_learned_model_keeps_the_reports_whole(web, crawled) -> None:
    archive_dir, _ = crawled
    with Archive(archive_dir=archive_dir) as archive:
        summary = reextract(archive, outlet=OUTLET)
        texts = {url: archived_texts(archive, url) for url in web.article_urls(OUTLET)}
    assert (summary.reextracted, summary.changed_by_extractor, summary.unreadable) == (REPORTS, 0, 0)
    assert texts == {url: [web.article(url).text] for url in web.article_urls(OUTLET)}
