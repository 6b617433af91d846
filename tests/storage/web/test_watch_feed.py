"""``/changes.atom?watch=NAME``: a watch's alerts as an Atom feed in the reading room, on SQLite and PostgreSQL."""

from __future__ import annotations

from urllib.parse import quote

import feedparser

from storage.archive import Archive
from tests.helpers.captures import article, capture, hours
from tests.storage.web.test_pages import get, q, running_app

URL = "https://daily.example/news/harbour-vote"
OTHER = "https://daily.example/news/tram-line"
BODY = "The council met to discuss the harbour plan.\n\nResidents asked for a delay."


def test_a_watch_has_a_feed_of_its_alerts_linking_to_each_diff(db_url: str, archive_dir) -> None:
    with Archive(db_url, archive_dir, create=True) as writer:
        writer.ensure_outlet("daily", ["daily.example"])
        writer.add_watch("harbour", "harbour", events=["new", "headline"])
        writer.add_watch("trams", "tram", events=["new"])
        writer.record_captures([(capture(URL, hours(0)), article(BODY, title="Harbour vote"))])
        writer.record_captures([(capture(URL, hours(1)), article(BODY, title="Harbour vote <delayed>"))])
        writer.record_captures([(capture(OTHER, hours(2)), article("The tram line reopens.", title="Trams"))])
    with Archive(db_url, archive_dir, read_only=True) as reader, running_app(reader) as app:
        answer = get(app + f"/changes.atom?{q(watch='harbour')}")
        assert answer.status == 200 and answer.headers["content-type"].startswith("application/atom+xml")
        feed = feedparser.parse(answer.body)
        assert not feed.bozo, feed.bozo_exception
        assert feed.feed.title == "Alerts of watch harbour"
        headline, new = feed.entries
        assert headline.title == "headline: “Harbour vote” → “Harbour vote <delayed>” (version 2)"
        assert headline.link.endswith(f"/diff?{q(url=URL, **{'from': 1, 'to': 2})}")
        assert "'Harbour vote' → 'Harbour vote <delayed>'" in headline.summary
        assert new.title.startswith("new: Harbour vote") and new.link.endswith(f"/page?{q(url=URL, v=1)}")
        assert headline.id != new.id and all(e.id.startswith("urn:newsarchive:alert:") for e in feed.entries)
        assert all(quote(OTHER, safe="") not in e.link for e in feed.entries)
        as_json = get(app + f"/changes.atom?{q(watch='harbour', format='json')}").json()
        assert [e["version"] for e in as_json["entries"]] == [2, 1]
        changes = feedparser.parse(get(app + f"/changes.atom?{q(url=URL)}").body)
        assert [e.title for e in changes.entries] == ["“Harbour vote” → “Harbour vote <delayed>” (version 2)"]
        assert "&lt;delayed&gt;" in get(app + f"/changes.atom?{q(url=URL)}").text  # escaped in the XML


def test_an_unknown_watch_is_a_404_and_mixing_filters_a_400(db_url: str, archive_dir) -> None:
    with Archive(db_url, archive_dir, create=True) as writer:
        writer.ensure_outlet("daily", ["daily.example"])
        writer.add_watch("harbour", "harbour")
    with Archive(db_url, archive_dir, read_only=True) as reader, running_app(reader) as app:
        missing = get(app + f"/changes.atom?{q(watch='nowhere', format='json')}")
        assert missing.status == 404 and "no watch 'nowhere'" in missing.json()["error"]
        assert "Traceback" not in get(app + f"/changes.atom?{q(watch='nowhere')}").text
        mixed = get(app + f"/changes.atom?{q(watch='harbour', outlet='daily', format='json')}")
        assert mixed.status == 400 and "takes no outlet" in mixed.json()["error"]
        assert feedparser.parse(get(app + f"/changes.atom?{q(watch='harbour')}").body).entries == []
