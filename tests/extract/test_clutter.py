"""Generic clutter rules: whole clutter lines go, short article lines stay."""

from __future__ import annotations

import pytest

from extract.clutter import is_clutter_line, strip_clutter

CLUTTER = [
    "Advertisement", "Advertisements", "ADVERTISEMENT", "Anzeige", "Publicité", "Publicidad", "Pubblicità",
    "Реклама", "广告", "Sponsored", "Share this article", "Leave a Reply", "Subscribe to our newsletter",
    "To be informed of the latest articles, subscribe:", "Source link", "Show More", "Read more", "Read more »",
    "Click here to download the app", "Photo: Reuters", "(Image credit: NASA/JPL)", "Getty Images",
    "Your email address will not be published.", "Comment on this post", "Be the first to comment",
    "Like this story? Share it with a friend!", "READ MORE: Hong Kong protests enter sixth month",
    "Follow us on Twitter", "Posted on January 13 2022, 01:03am", "Updated 12:30 GMT", "Related post: Pickled sprouts",
    "Copyright ©2019 Example Media, Inc. All Rights Reserved", "Reading time: 2 minutes", "Most read in world news",
    "Author: Grayman Share", "*", "Subscribe to the Morning Review newsletter", "Read More News On", "[button link=\"/submit\"]Send us your review[/button]", "— Advertisement —",
]
CONTENT = [
    "“We will not back down,” she said.",
    "\"No,\" he replied.",
    "It rained.",
    "Read more books, the minister urged parents on Tuesday.",
    "Photographers gathered outside the court before dawn.",
    "Advertisement spending fell 12% in the third quarter, the report found.",
    "Share prices recovered by the afternoon.",
    "The sponsored bill passed 52 to 48.",
    "Subscribers will see the change next month.",
    "Updated at 5pm, the figures showed 3 deaths.",
    "Published on Tuesday, the report found nothing new.",
    "Related questions remain unanswered.",
    "Source: the ministry declined to say more, and the leak remains a mystery to everyone involved.",
    "More than 300 people attended.",
    "Sponsors: three firms paid for the festival, the organisers said.",
    "Ad hoc committees met twice before the vote: once in March and once in May.",
    "Promoted to captain last season, she scored twice.",
]
SPONSORED = [
    "Sponsored: Northside Motors winter tyres — 26% off today only (ref 000014)",
    "SPONSORED | Brightwell broadband from £20 a month",
    "Sponsored by Oakleaf Insurance: get a quote in two minutes",
    "Promoted: The best sofas of the year",
    "Advertisement: Save on city breaks",
    "Paid partnership: Quayside Fitness",
    "Anzeige: Jetzt Winterreifen sichern",
    "Werbung | Die besten Angebote",
    "Publicité : -30 % sur les canapés",
    "Sponsorisé : Voyages à prix réduits",
    "Publicidad: Ofertas de invierno",
    "Patrocinado: Seguros baratos",
    "Pubblicità: sconti fino al 40%",
    "Реклама: скидки на шины",
    "广告：冬季轮胎特价",
]


@pytest.mark.parametrize("line", CLUTTER)
def test_clutter_line_is_recognised(line: str) -> None:
    assert is_clutter_line(line)


@pytest.mark.parametrize("line", SPONSORED)
def test_labelled_ad_line_is_clutter_in_several_languages(line: str) -> None:
    assert is_clutter_line(line)


@pytest.mark.parametrize("line", CONTENT)
def test_short_article_line_is_kept(line: str) -> None:
    assert not is_clutter_line(line)


def test_strip_clutter_keeps_paragraph_structure() -> None:
    text = "First paragraph of the story.\n\nAdvertisement\n\n“We will not back down,” she said.\n\nShare this article\n\nLast one."
    assert strip_clutter(text) == "First paragraph of the story.\n\n“We will not back down,” she said.\n\nLast one."


def test_trailing_related_list_is_cut() -> None:
    text = "The story ends here.\n\nRelated Articles\n\nNato and Russia talk again\n\nWhat Geneva means for Kyiv"
    assert strip_clutter(text) == "The story ends here."


def test_related_heading_followed_by_article_text_is_kept() -> None:
    long = "This paragraph goes on to explain at length what happened next in the negotiations. " * 3
    text = f"Intro.\n\nRelated coverage\n\n{long.strip()}"
    assert strip_clutter(text) == text
