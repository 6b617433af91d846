"""Re-extraction from the WARC records: extractor-only differences never count as article changes.

Versions are recorded as an older extractor would have stored them (a clutter
line left in the text), over real WARC records written with warcio; then
``reextract`` runs the current extractor on those records.
"""

from __future__ import annotations

import io
import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from extract import EXTRACTOR_VERSION, extract_article
from extract.article import Article
from storage.archive import Archive
from storage.ingest.reextract import EXTRACTOR_CHANGE, reextract
from storage.stories.fingerprint import fingerprint
from storage.stories.matcher import unpacked_cut
from storage.stories.text import story_text
from tests.helpers.captures import T0, capture, hours, scalars_of, stored_cuts  # noqa: F401
from tests.helpers.cli import newsarchive
from tests.helpers.datasets import seed_articles

OLD_EXTRACTOR = "newsarchive-extract/0"
URL = "https://daily.example/news/2024/05/01/bridge-closure"
PARAGRAPHS = [
    "The county council voted on Monday evening to close the old river bridge for at least six months, "
    "after engineers found corrosion in two of its steel supports during a routine inspection.",
    "Residents of the villages on the eastern bank will face a detour of nearly twenty kilometres, and the "
    "bus operator said it would add extra services on the morning route while the work goes on.",
    "The chair of the highways committee said the decision had not been taken lightly, but that the safety "
    "of people crossing the river every day had to come first, whatever the cost to local trade.",
    "Shopkeepers in the market town said they feared losing custom during the busiest months of the year, "
    "and asked the council to publish a timetable for the repairs as soon as one was agreed.",
]
EDIT = "Correction: an earlier version of this article gave the wrong length for the detour."


def page_html(paragraphs: list[str], ad: str) -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs[:2]) + f'\n<aside class="advert"><p>{ad}</p></aside>\n'
    body += "\n".join(f"<p>{p}</p>" for p in paragraphs[2:])
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Bridge to close for repairs</title>"
        "<meta property='og:title' content='Bridge to close for repairs'></head><body>"
        "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        f"<article><h1>Bridge to close for repairs</h1>{body}</article>"
        "<footer>© 2024 Daily Example</footer></body></html>"
    )


def write_record(warcs: Path, name: str, url: str, html: str, at: datetime) -> int:
    """Append one response record to ``warcs/name``; returns its offset."""
    warcs.mkdir(parents=True, exist_ok=True)
    path = warcs / name
    offset = path.stat().st_size if path.exists() else 0
    with open(path, "ab") as out:
        writer = WARCWriter(out, gzip=True)
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        record = writer.create_warc_record(url, "response", payload=io.BytesIO(html.encode("utf-8")),
                                           http_headers=headers, warc_headers_dict={"WARC-Date": at.strftime("%Y-%m-%dT%H:%M:%SZ")})
        writer.write_record(record)
    return offset


def stored_as_old_extractor(db: str, archive_dir: Path, fetches: list[tuple[str, str, datetime]]) -> None:
    """Record each (html, extra clutter line, time) of ``URL`` the way a leakier extractor stored it."""
    stored = []
    for html, leaked, at in fetches:
        clean = extract_article(html, URL)
        stored.append((URL, html, clean.text if leaked is None else f"{clean.text}\n\n{leaked}", at))
    stored_by_old_extractor(db, archive_dir, stored)


def stored_by_old_extractor(db: str, archive_dir: Path, fetches: list[tuple[str, str, str, datetime]]) -> None:
    """Record each (url, html, text the old extractor made of it, time), its page's WARC record beside it."""
    with Archive(db, archive_dir, extractor_version=OLD_EXTRACTOR, create=True) as old:
        for number, (url, html, text, at) in enumerate(fetches):
            offset = write_record(archive_dir / "warcs", "test.warc.gz", url, html, at)
            outlet = url.split("//")[1].split(".")[0]
            old.record_captures([(capture(url, at, outlet=outlet, offset=offset, record_id=f"<urn:uuid:rec-{number}>"),
                                  Article(text=text, title=extract_article(html, url).title))])


def test_stored_clutter_line_is_reextracted_in_place(db_url: str, archive_dir: Path) -> None:
    html = page_html(PARAGRAPHS, "Advertisement")
    stored_as_old_extractor(db_url, archive_dir, [(html, "Advertisement", T0)])
    with Archive(db_url, archive_dir, create=True) as archive:
        [before] = archive.versions(URL)
        summary = reextract(archive)
        [after] = archive.versions(URL)
    assert (summary.pages, summary.reextracted, summary.changed_by_extractor, summary.unchanged) == (1, 1, 1, 0)
    assert "Advertisement" in before.text and "Advertisement" not in after.text
    assert after.text == extract_article(html, URL).text
    assert after.version == 1 and after.first_seen == before.first_seen
    assert after.extractor_version == EXTRACTOR_VERSION
    assert after.change_summary["reextracted"]["from"] == OLD_EXTRACTOR
    assert after.change_summary["reextracted"]["previous_hash"] == before.text_hash
    [cut] = stored_cuts(db_url)  # fingerprinted again: the stored cut is the new text's
    assert unpacked_cut(cut).to_cut() == story_text(after.text).to_cut()


def test_version_that_differed_only_by_a_leaked_ad_is_marked_an_extractor_change(
    db_url: str, archive_dir: Path
) -> None:
    # Rotating ad copy without a label: no noise rule knows it, so the leaky
    # extractor made a second version of it; the current one drops the <aside>.
    first = "Bayview Dental implants, a third off this week at the harbour clinic"
    second = "SkyRoute city breaks to Lisbon, half price until Sunday"
    stored_as_old_extractor(db_url, archive_dir, [(page_html(PARAGRAPHS, first), first, T0),
                                                  (page_html(PARAGRAPHS, second), second, hours(6))])
    with Archive(db_url, archive_dir, create=True) as archive:
        assert archive.stats().changed_pages == 1
        summary = reextract(archive)
        v1, v2 = archive.versions(URL)
        assert archive.stats().changed_pages == 0
    assert summary.changed_by_extractor == 2 and summary.extractor_only_versions == 1
    assert v1.text == v2.text and "Bayview" not in v2.text and "SkyRoute" not in v2.text
    assert v2.state == EXTRACTOR_CHANGE and v2.change_summary["cause"] == "extractor"
    assert v1.state == "ok"


def test_real_edit_stays_an_article_change(db_url: str, archive_dir: Path) -> None:
    stored_as_old_extractor(db_url, archive_dir, [(page_html(PARAGRAPHS, "Advertisement"), "Advertisement", T0),
                                                  (page_html([*PARAGRAPHS, EDIT], "Advertisement"), "Advertisement", hours(6))])
    with Archive(db_url, archive_dir, create=True) as archive:
        reextract(archive)
        v1, v2 = archive.versions(URL)
        assert archive.stats().changed_pages == 1
    assert v2.state == "ok" and v2.change_summary["cause"] == "article"
    assert v2.change_summary["paragraphs_added"] == 1 and v2.change_summary["paragraphs_removed"] == 0
    assert EDIT in v2.text and EDIT not in v1.text


def test_unchanged_text_leaves_the_row_alone(db_url: str, archive_dir: Path) -> None:
    stored_as_old_extractor(db_url, archive_dir, [(page_html(PARAGRAPHS, "Advertisement"), None, T0)])
    with Archive(db_url, archive_dir, create=True) as archive:
        [before] = archive.versions(URL)
        summary = reextract(archive, outlet="daily")
        [after] = archive.versions(URL)
    assert (summary.reextracted, summary.changed_by_extractor, summary.unchanged) == (1, 0, 1)
    # not even extractor_version moved; only the language, which the current extractor detects from the text
    assert replace(after, language=None, declared_language=None) == replace(before, language=None,
                                                                            declared_language=None)
    assert after.extractor_version == OLD_EXTRACTOR
    assert after.language == "en" and summary.languages_updated == int(before.language != "en")


def test_cli_prints_the_summary_as_json(archive_dir: Path, tmp_path: Path) -> None:
    db = f"sqlite:///{archive_dir / 'archive.sqlite3'}"
    stored_as_old_extractor(db, archive_dir, [(page_html(PARAGRAPHS, "Advertisement"), "Advertisement", T0)])
    result = newsarchive("--db", db, "--archive-dir", str(archive_dir), "reextract", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["changed_by_extractor"] == 1 and summary["pages"] == 1


def test_cli_reports_unknown_outlet_and_missing_warc_in_one_line(archive_dir: Path) -> None:
    db = f"sqlite:///{archive_dir / 'archive.sqlite3'}"
    stored_as_old_extractor(db, archive_dir, [(page_html(PARAGRAPHS, "Advertisement"), "Advertisement", T0)])
    unknown = newsarchive("--db", db, "--archive-dir", str(archive_dir), "reextract", "--outlet", "nope")
    assert unknown.exit_code != 0 and "no outlet 'nope'" in unknown.output and "Traceback" not in unknown.output
    (archive_dir / "warcs" / "test.warc.gz").unlink()
    missing = newsarchive("--db", db, "--archive-dir", str(archive_dir), "reextract")
    assert missing.exit_code != 0 and "test.warc.gz is missing" in missing.output
    assert "Traceback" not in missing.output


# -- stories: a rewritten text is matched again --------------------------------

WIRE = "https://wire.example/2022/01/12/nato-russia"
COPY = "https://daily.example/world/nato-russia-talks"


def story_page(seed: str, title: str) -> str:
    """An article page holding the paragraphs of one of the seed stories."""
    paragraphs = [line for line in seed.splitlines() if len(line) > 80]
    return page_html(paragraphs, "Advertisement").replace("Bridge to close for repairs", title)


def members(archive: Archive, url: str) -> list[tuple[str, int, str]] | None:
    story = archive.copies(url)
    return None if story is None else sorted((m.url, m.version, m.relation) for m in story.members)


def band_keys_of(db: str, url: str) -> set[int]:
    """The story band keys the versions of page ``url`` hold."""
    return set(scalars_of(db, "SELECT b.band_key FROM story_band b JOIN versions v ON v.id = b.version_id"
                              " JOIN pages p ON p.id = v.page_id WHERE p.url = :url", url=url))


def test_a_page_the_old_extractor_misread_as_a_copy_leaves_the_story(db_url: str, archive_dir: Path) -> None:
    # The old extractor took the page's "related" box, which held the wire story, for its text.
    seeds = seed_articles()
    wire, page = story_page(seeds["000"], "Nato and Russia"), story_page(seeds["002"], "Harbour plans")
    stored_by_old_extractor(db_url, archive_dir, [(WIRE, wire, extract_article(wire, WIRE).text, T0),
                                                  (COPY, page, extract_article(wire, WIRE).text, hours(1))])
    with Archive(db_url, archive_dir, create=True) as archive:
        assert members(archive, COPY) == [(COPY, 1, "verbatim"), (WIRE, 1, "origin")]
        [misread] = archive.versions(COPY)
        summary = reextract(archive)
        assert members(archive, COPY) is None and members(archive, WIRE) is None
        assert archive.stories() == []
        [fixed] = archive.versions(COPY)
    assert summary.changed_by_extractor == 1 and summary.rematched == 1
    assert fixed.text == extract_article(page, COPY).text
    # its band keys are the new text's alone, none left from the misread one
    assert band_keys_of(db_url, COPY) == set(fingerprint(fixed.text).band_keys())
    assert set(fingerprint(misread.text).band_keys()) - set(fingerprint(fixed.text).band_keys())


def test_a_copy_the_old_extractor_cut_short_joins_its_story(db_url: str, archive_dir: Path) -> None:
    seeds = seed_articles()
    wire = story_page(seeds["000"], "Nato and Russia")
    teaser = "Nato and Russia confronted their divide over security in Europe."  # too short to match
    stored_by_old_extractor(db_url, archive_dir, [(WIRE, wire, extract_article(wire, WIRE).text, T0),
                                                  (COPY, wire, teaser, hours(1))])
    with Archive(db_url, archive_dir, create=True) as archive:
        assert members(archive, COPY) is None
        summary = reextract(archive)
        assert members(archive, COPY) == [(COPY, 1, "verbatim"), (WIRE, 1, "origin")]
        [story] = archive.stories()
    assert summary.rematched == 1 and (story.size, story.outlets) == (2, 2)


def test_a_version_that_is_now_an_extractor_change_leaves_its_story(db_url: str, archive_dir: Path) -> None:
    # The copy's second version only existed because a rotating ad leaked into it.
    seeds = seed_articles()
    wire = story_page(seeds["000"], "Nato and Russia")
    text = extract_article(wire, WIRE).text
    stored_by_old_extractor(db_url, archive_dir, [(WIRE, wire, text, T0),
                                                  (COPY, wire, f"{text}\n\nBayview Dental implants, a third off", hours(1)),
                                                  (COPY, wire, f"{text}\n\nSkyRoute city breaks to Lisbon", hours(7))])
    with Archive(db_url, archive_dir, create=True) as archive:
        [before] = archive.stories()
        assert before.size == 3
        summary = reextract(archive)
        v1, v2 = archive.versions(COPY)
        [after] = archive.stories()
    assert sorted((m.url, m.version) for m in after.members) == [(COPY, 1), (WIRE, 1)]
    assert v2.state == EXTRACTOR_CHANGE and summary.rematched == 2
    assert after.origin.url == WIRE and after.size == 2


def test_a_misread_origin_leaves_and_the_story_elects_another(db_url: str, archive_dir: Path) -> None:
    seeds = seed_articles()
    wire, page = story_page(seeds["000"], "Nato and Russia"), story_page(seeds["002"], "Harbour plans")
    text = extract_article(wire, WIRE).text
    early = "https://herald.example/harbour-plans"
    stored_by_old_extractor(db_url, archive_dir, [(early, page, text, T0),  # misread, and first seen
                                                  (WIRE, wire, text, hours(1)), (COPY, wire, text, hours(2))])
    with Archive(db_url, archive_dir, create=True) as archive:
        assert archive.copies(WIRE).origin.url == early
        reextract(archive)
        story = archive.copies(WIRE)
        assert members(archive, early) is None
    assert [(m.url, m.relation) for m in story.members] == [(WIRE, "origin"), (COPY, "verbatim")]
    assert (story.size, story.outlets, story.first_seen) == (2, 2, hours(1))


def test_a_story_left_with_one_page_goes(db_url: str, archive_dir: Path) -> None:
    # The wire's own later version joined through the misread copy; without it, one page is no story.
    seeds = seed_articles()
    wire, page = story_page(seeds["000"], "Nato and Russia"), story_page(seeds["002"], "Harbour plans")
    edited = wire.replace("</article>", f"<p>{EDIT}</p></article>")
    stored_by_old_extractor(db_url, archive_dir, [(WIRE, wire, extract_article(wire, WIRE).text, T0),
                                                  (COPY, page, extract_article(wire, WIRE).text, hours(1)),
                                                  (WIRE, edited, extract_article(edited, WIRE).text, hours(2))])
    with Archive(db_url, archive_dir, create=True) as archive:
        assert members(archive, WIRE) == [(COPY, 1, "verbatim"), (WIRE, 1, "origin"), (WIRE, 2, "revision")]
        reextract(archive)
        assert archive.stories() == [] and members(archive, WIRE) is None
