"""Outlet boilerplate models in the archive: learned in the crawl, saved, reloaded, listed.

Two crawls of the simulated news web's Metro Tribune (whose article pages put
an "Advertisements" label line in the text), then the recorder's rule that a
model which grew never turns an unchanged article into a new version.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extract.boilerplate import OutletBoilerplate
from storage.archive import Archive
from storage.db.models import BoilerplateModel
from storage.outlets.clutter_models import load_models, save_models
from storage.versions.captures import Outcome
from tests.helpers.cli import newsarchive
from tests.helpers.crawl import run_crawl
from tests.helpers.captures import T0, article, capture, hours  # noqa: F401

OUTLET = "metro-tribune"
LABEL = "Advertisements"  # a fixed line of Metro Tribune's article template
MARKER = "Marker line planted between the two crawls"


NEWSWEB = {"seed": 3}  # options of the `web` fixture (conftest.py)


@pytest.fixture(scope="module")
def crawled(web, tmp_path_factory):
    """(archive_dir, first crawl's stderr, second crawl's stderr, model saved after the first crawl)."""
    root = tmp_path_factory.mktemp("boilerplate")
    seeds = root / "seeds.toml"
    seeds.write_text(web.seed_toml(), encoding="utf-8")
    archive_dir = root / "archive"
    settings = {"BOILERPLATE_SAVE_EVERY": "3"}
    first = run_crawl(archive_dir, seeds, web.proxy_url, settings=settings, args={"outlet": OUTLET})
    with Archive(archive_dir=archive_dir) as archive:
        saved = archive.read(lambda session: load_models(session, [OUTLET]))[OUTLET].to_dict()
        planted = {**saved, "lines": [*saved["lines"], [MARKER, saved["pages"]]]}
        archive.write(lambda session: save_models(session, {OUTLET: planted}))
    second = run_crawl(archive_dir, seeds, web.proxy_url, settings=settings, args={"outlet": OUTLET})
    return archive_dir, first.stderr, second.stderr, saved


def in_archive(archive_dir: Path, *args: str):
    return newsarchive("--archive-dir", str(archive_dir), *args)


def test_first_crawl_saves_the_learned_model(web, crawled) -> None:
    _, first, _, saved = crawled
    articles = len(web.article_urls(OUTLET))
    assert saved["pages"] == articles
    counts = dict(map(tuple, saved["lines"]))
    assert counts[LABEL] == articles
    assert "'boilerplate/saves': " in first  # saved during the crawl and at its end


def test_second_crawl_starts_with_the_saved_model(web, crawled) -> None:
    archive_dir, _, second, _ = crawled
    articles = len(web.article_urls(OUTLET))
    assert f"boilerplate models loaded for {OUTLET} ({articles} pages)" in second
    with Archive(archive_dir=archive_dir) as archive:
        model = archive.read(lambda session: load_models(session, [OUTLET]))[OUTLET]
        rows = archive.read(lambda session: session.query(BoilerplateModel).count())
    assert rows == 1
    # the planted line survived: the second crawl continued the saved model rather than starting afresh
    assert model.is_boilerplate(MARKER)
    # and the same articles seen again are not counted twice
    assert model.pages == articles


def test_recrawl_with_the_grown_model_adds_no_version(web, crawled) -> None:
    archive_dir, _, _, _ = crawled
    with Archive(archive_dir=archive_dir) as archive:
        versions = [archive.versions(url) for url in web.article_urls(OUTLET)]
    assert all(len(found) == 1 for found in versions)


def test_boilerplate_command_lists_the_template_line(web, crawled) -> None:
    archive_dir, _, _, _ = crawled
    articles = len(web.article_urls(OUTLET))
    table = in_archive(archive_dir, "boilerplate", OUTLET)
    assert table.exit_code == 0, table.output
    assert any(line.split()[:3] == [str(articles), "100%", LABEL] for line in table.stdout.splitlines())
    rows = [json.loads(line) for line in in_archive(archive_dir, "boilerplate", OUTLET, "--json").stdout.splitlines()]
    label = next(row for row in rows if row["line"] == LABEL)
    assert (label["pages_seen"], label["share"], label["outlet"]) == (articles, 1.0, OUTLET)


def test_boilerplate_command_rejects_an_unknown_outlet_in_one_line(crawled) -> None:
    archive_dir, _, _, _ = crawled
    result = in_archive(archive_dir, "boilerplate", "no-such-outlet")
    assert result.exit_code != 0
    assert "no outlet 'no-such-outlet'" in result.output and OUTLET in result.output
    assert len(result.output.strip().splitlines()) == 1


# -- the recorder's rule, on SQLite and PostgreSQL ----------------------------

URL = "https://daily.example/news/ferry"
BODY = "The ferry will run again from Friday.\n\nTickets go on sale on Wednesday."
PROMO = "Get the Daily app for breaking news alerts"


def test_text_stripped_by_a_grown_model_is_the_same_version(archive: Archive) -> None:
    stored = f"{BODY}\n\n{PROMO}"
    assert archive.record_capture(capture(URL, T0), article(stored)) is Outcome.NEW
    # later the model knows PROMO: the recrawl's text lacks it, its unstripped text does not
    [outcome] = archive.record_captures([(capture(URL, hours(6)), article(BODY), stored)])
    assert outcome is Outcome.UNCHANGED
    [version] = archive.versions(URL)
    assert version.text == stored and version.last_seen == hours(6)


def test_a_real_edit_under_a_grown_model_is_a_new_version(archive: Archive) -> None:
    archive.record_capture(capture(URL, T0), article(f"{BODY}\n\n{PROMO}"))
    edited = f"{BODY}\n\nThe timetable is on the council's website."
    [outcome] = archive.record_captures([(capture(URL, hours(6)), article(edited), f"{edited}\n\n{PROMO}")])
    assert outcome is Outcome.CHANGED
    assert [v.text for v in archive.versions(URL)][-1] == edited


def test_models_round_trip_through_the_database(archive: Archive) -> None:
    model = OutletBoilerplate()
    for n in range(8):
        model.observe(f"Story number {n} about the ferry.\n{PROMO}", page=f"https://daily.example/{n}")
    archive.write(lambda session: save_models(session, {"daily": model.to_dict(), "unknown-outlet": model.to_dict()}))
    archive.write(lambda session: save_models(session, {"daily": model.to_dict()}))  # an update, not a second row
    loaded = archive.read(lambda session: load_models(session))
    assert list(loaded) == ["daily"]
    assert loaded["daily"].explain() == model.explain() and loaded["daily"].is_boilerplate(PROMO)
