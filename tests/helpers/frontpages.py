"""The simulated web crawled three times while its home pages change (tests/newsweb/frontpages.py).

:func:`crawl_three_rounds` runs the crawls and keeps, for each round, what
every outlet's home page showed and a time between that crawl and the next:
what ``frontpage --at`` must give back exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from extract.urls import canonicalize_url
from tests.helpers.crawl import run_crawl
from tests.newsweb import NewsWeb
from tests.newsweb.frontpages import ALTERNATING, CHANGED, FrontItem

ROUNDS = 3
Shown = tuple[int, str, str, str, bool]  # rank, canonical URL, headline, section, lead


@dataclass
class ThreeRounds:
    archive_dir: Path
    seeds: Path
    outlets: list[str]
    changed: dict[str, str]  # outlet → the article whose front-page headline changed once
    alternating: dict[str, str]  # outlet → the article whose front-page headline alternated
    titles: dict[str, str]  # article URL → its title
    shown: list[dict[str, list[Shown]]] = field(default_factory=list)  # per round: outlet → home page
    after: list[datetime] = field(default_factory=list)  # per round: a time after its crawl, before the next


def shown(items: list[FrontItem]) -> list[Shown]:
    return [(item.rank, canonicalize_url(item.url), item.headline, item.section, item.lead) for item in items]


def crawl_three_rounds(root: Path, seed: int = 21, db_url: str | None = None) -> ThreeRounds:
    """Crawl ``NewsWeb(front_pages=True)`` into ``root/archive`` (and ``db_url``, default its SQLite file)
    once per round, moving the round between crawls."""
    with NewsWeb(seed=seed, articles_per_outlet=4, front_pages=True) as web:
        seeds = root / "seeds.toml"
        seeds.write_text(web.seed_toml(), encoding="utf-8")
        outlets = [outlet.name for outlet in web.outlets]
        newest = {name: [a.url for a in web.live_articles(name)] for name in outlets}
        result = ThreeRounds(root / "archive", seeds, outlets,
                             {name: canonicalize_url(urls[CHANGED]) for name, urls in newest.items()},
                             {name: canonicalize_url(urls[ALTERNATING]) for name, urls in newest.items()},
                             {canonicalize_url(url): web.article(url).title for url in web.article_urls()})
        for number in range(1, ROUNDS + 1):
            web.front_rounds.advance(number)
            run_crawl(result.archive_dir, seeds, web.proxy_url, db_url=db_url)
            result.shown.append({name: shown(web.front_items(name)) for name in outlets})
            result.after.append(datetime.now(UTC))
        return result


HOSTILE_HOME = "https://daily.example/"
HOSTILE_ARTICLE = "https://daily.example/2024/05/01/harbour-vote-delayed"


def hostile_front_pages(archive_dir: Path) -> str:
    """An archive with one article and two front-page captures whose headline for it is the hostile title.

    Returns the article's URL. For the reading-room tests: the headline must be shown as text, never run.
    """
    from extract.frontpage import FrontPageLink
    from storage.archive import Archive
    from storage.versions.captures import FrontPageInput, WarcPointer
    from tests.helpers.captures import T0, article, capture, hours
    from tests.newsweb.hostile import HOSTILE_TITLE

    with Archive(archive_dir=archive_dir, create=True) as writer:
        writer.ensure_outlet("daily", ["daily.example"])
        writer.record_capture(capture(HOSTILE_ARTICLE, T0), article("The harbour vote was delayed again today."))
        for n, rank in enumerate((1, 2), start=1):
            links = (FrontPageLink(HOSTILE_ARTICLE, rank, HOSTILE_TITLE, "Top <b>stories</b>", rank == 1),)
            writer.record_captures([(FrontPageInput("daily", HOSTILE_HOME, hours(n), WarcPointer(
                "front.warc.gz", n * 1000, 900, f"<urn:uuid:front-{n}>"), links),)])
    return HOSTILE_ARTICLE
