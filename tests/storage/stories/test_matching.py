"""Story matching on real article texts: labels, clusters, origins, fingerprints."""

from __future__ import annotations

import json
import re
import struct
from datetime import datetime, timedelta, timezone

import pytest

from storage.stories.compare import compare
from storage.stories.fingerprint import MIN_LIKENESS, Fingerprint, fingerprint
from storage.stories.standalone import StoryIndex
from storage.stories.text import StoryText, story_text
from tests.helpers.datasets import dev_bodies, seed_articles
from tests.newsweb.syndicated import ORIGINAL, REWRITTEN

T0 = datetime(2022, 1, 12, 18, 0, tzinfo=timezone.utc)
WIRE = "\n\n".join(ORIGINAL)
HEAVY_REWRITE = "\n\n".join(REWRITTEN)

BOILERPLATE = (
    "The Valley Herald is an independent newspaper serving readers across the region since 1921. "
    "Subscribe today for unlimited access to local news, sport, business and culture, delivered to your "
    "inbox every morning. Our journalists follow the editorial code of the press standards organisation; "
    "to report an error or complain about coverage, write to the readers' editor. Follow us on social "
    "media for breaking news alerts, podcasts and newsletters. Copyright The Valley Herald Media Group."
)
# Undo a few of the spinner's swaps in seed 002 to stand in for the lost original.
UNSPIN = {
    "safety": "security", "Safety": "Security", "stated": "said", "assembly": "meeting",
    "information convention": "news conference", "navy": "military", "Japanese Europe": "Eastern Europe",
    "conferences": "meetings", "Overseas": "Foreign", "Secretary-Basic": "Secretary-General",
    "jap": "eastern", "dwelling": "home", "struggle": "war", "issues": "concerns",
}


@pytest.fixture(scope="module")
def seeds() -> dict[str, str]:
    return seed_articles()


@pytest.fixture(scope="module")
def dev_articles() -> list[str]:
    bodies = dev_bodies()
    return [b for b in bodies if 300 <= len(b.split()) <= 900 and sum(c.isascii() for c in b) > 0.98 * len(b)]


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", " ".join(text.split())) if s]


def test_furniture_does_not_stop_a_verbatim_copy(dev_articles):
    article = dev_articles[0]
    copy = "Advertisement\n\n" + article.replace("\n\n", "\n\nAdvertisement\n\n", 1) + "\n\nSource link"
    match = compare(article, copy)
    assert match is not None and match.relation == "verbatim"
    assert match.similarity > 0.95


def test_cut_sentence_and_added_sentence_is_edited(dev_articles):
    sentences = _sentences(dev_articles[1])
    edited = sentences[:3] + ["An earlier version of this story misstated the date of the hearing."] + sentences[4:]
    match = compare(dev_articles[1], " ".join(edited))
    assert match is not None and match.relation == "edited"


def test_first_half_is_an_edited_copy(dev_articles):
    sentences = _sentences(dev_articles[2])
    match = compare(dev_articles[2], " ".join(sentences[: len(sentences) // 2]))
    assert match is not None and match.relation == "edited"
    assert match.containment > 0.9


def test_wire_paraphrase_is_a_rewrite(seeds):
    match = compare(seeds["000"], seeds["001"])
    assert match is not None and match.relation == "rewrite"
    assert match.aligned > 0.5


def test_spun_seed_copy_is_found_as_rewrite(seeds):
    original = seeds["002"]
    for spun, plain in UNSPIN.items():
        original = original.replace(spun, plain)
    index = StoryIndex()
    index.add("original", original, T0)
    found = index.match(seeds["002"])
    assert [vid for vid, _ in found] == ["original"]
    assert found[0][1].relation == "rewrite"


def test_different_stories_on_the_same_event_do_not_match(seeds):
    assert compare(seeds["003"], seeds["004"]) is None
    assert compare(seeds["000"], seeds["004"]) is None
    assert compare(seeds["002"], seeds["003"]) is None


def test_unrelated_articles_do_not_match(dev_articles):
    assert compare(dev_articles[0], dev_articles[1]) is None
    assert compare(dev_articles[3], dev_articles[4]) is None


def test_same_outlet_template_with_different_articles_does_not_match(dev_articles):
    a = f"{BOILERPLATE}\n\n{dev_articles[5]}\n\n{BOILERPLATE}"
    b = f"{BOILERPLATE}\n\n{dev_articles[6]}\n\n{BOILERPLATE}"
    assert compare(a, b) is None


def test_seed_wire_copy_and_paraphrase_form_one_story(seeds):
    index = StoryIndex()
    for n, key in enumerate(sorted(seeds)):
        index.add(key, seeds[key], T0 + timedelta(hours=n))
    assert index.story_of("000") == {"000", "001"}
    for key in ("002", "003", "004"):
        assert index.story_of(key) == {key}
    story = next(s for s in index.stories() if len(s.members) > 1)
    assert [(m.id, m.relation) for m in story.members] == [("000", "origin"), ("001", "rewrite")]


def test_origin_is_the_earliest_first_seen(seeds, dev_articles):
    index = StoryIndex()
    truncated = " ".join(_sentences(seeds["000"])[:14])
    index.add("late-wire", seeds["000"], T0 + timedelta(days=1))
    index.add("paraphrase", seeds["001"], T0 + timedelta(days=2))
    index.add("early-cut", truncated, T0)
    index.add("other", dev_articles[0], T0 - timedelta(days=3))
    (story,) = index.stories(min_size=2)
    assert story.origin == "early-cut"
    relations = {m.id: m.relation for m in story.members}
    assert relations == {"early-cut": "origin", "late-wire": "edited", "paraphrase": "rewrite"}


def test_credible_published_date_breaks_a_first_seen_tie(seeds):
    index = StoryIndex()
    index.add("a", seeds["000"], T0, published=T0 + timedelta(days=5))  # published after seen: not credible
    index.add("b", seeds["001"], T0 + timedelta(minutes=30), published=T0 - timedelta(hours=3))
    (story,) = index.stories()
    assert story.origin == "b"


def test_fingerprint_round_trips_through_bytes_and_json(seeds):
    fp = fingerprint(seeds["000"])
    assert Fingerprint.from_bytes(fp.to_bytes()) == fp
    assert Fingerprint.from_json(json.loads(json.dumps(fp.to_json()))) == fp
    assert Fingerprint.from_bytes(fp.to_bytes()).band_keys() == fp.band_keys()
    assert all(-(2**63) <= key < 2**63 for key in fp.band_keys())
    with pytest.raises(ValueError, match="truncated"):
        Fingerprint.from_bytes(fp.to_bytes()[:-3])


def test_copies_share_band_keys_and_unrelated_texts_do_not(seeds, dev_articles):
    wire = set(fingerprint(seeds["000"]).band_keys())
    assert wire & set(fingerprint("Advertisement\n\n" + seeds["000"]).band_keys())
    assert not wire & set(fingerprint(dev_articles[0]).band_keys())


def test_text_without_words_has_no_band_keys():
    assert fingerprint("Advertisement\n\nAdvertisement").band_keys() == []


def test_heavy_rewrite_sharing_no_sentence_is_found_and_called_a_rewrite():
    index = StoryIndex()
    index.add("wire", WIRE, T0)
    found = index.match(HEAVY_REWRITE)
    assert [vid for vid, _ in found] == ["wire"]
    match = found[0][1]
    assert match.relation == "rewrite"
    assert match.aligned < 0.1 and match.containment < 0.05  # nothing of the wording survives
    assert 0.6 <= match.anchors == match.similarity <= 1.0


def test_heavy_rewrite_is_not_linked_when_first_seen_weeks_apart():
    assert compare(WIRE, HEAVY_REWRITE, apart=timedelta(hours=9)) is not None
    assert compare(WIRE, HEAVY_REWRITE, apart=timedelta(days=30)) is None
    index = StoryIndex()
    index.add("wire", WIRE, T0)
    assert index.add("rewrite", HEAVY_REWRITE, T0 + timedelta(days=30)) == []


def test_follow_up_with_the_same_names_but_new_numbers_is_not_a_rewrite():
    follow_up = HEAVY_REWRITE.replace("100,000", "130,000") + (
        "\n\nBy Friday, NATO said 40 aircraft had been moved to Poland, and Moscow announced 12 new drills."
    )
    assert compare(WIRE, follow_up) is None


def test_other_articles_on_the_same_event_match_neither_the_wire_nor_its_rewrite(seeds):
    for key in ("002", "003", "004"):
        assert compare(WIRE, seeds[key]) is None, key
        assert compare(HEAVY_REWRITE, seeds[key]) is None, key


def test_version_1_fingerprints_still_read_and_keep_their_keys(seeds):
    fp = fingerprint(seeds["000"])
    old = struct.pack("<BHH", 1, len(fp.text), len(fp.anchor)) + fp.text.astype("<u4").tobytes()
    old += fp.anchor.astype("<u4").tobytes()
    read = Fingerprint.from_bytes(old)
    assert read.version == 1 and read.name_band_keys() == []
    assert read.band_keys() == fp.text_band_keys() + fp.anchor_band_keys()
    assert set(read.band_keys()) < set(fp.band_keys())


def test_likeness_is_high_for_copies_and_rewrites_and_low_for_unrelated_texts(seeds, dev_articles):
    wire = fingerprint(seeds["000"])
    assert wire.likeness(fingerprint("Advertisement\n\n" + seeds["000"])) == 1.0
    assert fingerprint(WIRE).likeness(fingerprint(HEAVY_REWRITE)) >= MIN_LIKENESS
    assert all(wire.likeness(fingerprint(other)) < MIN_LIKENESS for other in dev_articles[:20])


def test_likeness_ignores_a_kind_either_text_lacks(seeds):
    wire = fingerprint(seeds["000"])
    no_names = Fingerprint(text=wire.text, anchor=wire.anchor, version=1)
    assert no_names.likeness(fingerprint(seeds["000"])) == 1.0
    empty = fingerprint("")
    assert empty.likeness(fingerprint("")) == 0.0


def test_the_stored_cut_reads_back_as_the_text_cut_again(seeds, dev_articles):
    texts = [*seeds.values(), *dev_bodies(), WIRE, "日本の首相は月曜日に東京で会見した。「新しい予算」を発表。", "Alpha beta gamma delta."]
    for body in texts:
        cut = story_text(body)
        assert StoryText.from_cut(cut.to_cut()) == cut
    assert StoryText.from_cut(story_text("").to_cut()) == story_text("")
