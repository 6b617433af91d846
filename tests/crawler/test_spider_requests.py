"""The news spider's article requests: one per URL however many feeds, sitemaps and pages list it."""

from __future__ import annotations

from pathlib import Path

from scrapy.utils.test import get_crawler

from crawler.spiders.news import NewsSpider

SEEDS = '''
[[outlet]]
name = "courier"
domains = ["courier.test"]
feeds = ["https://courier.test/feed.xml"]
'''


def spider(tmp_path: Path) -> NewsSpider:
    seeds = tmp_path / "seeds.toml"
    seeds.write_text(SEEDS, encoding="utf-8")
    crawler = get_crawler(NewsSpider)
    crawler.spider = NewsSpider.from_crawler(crawler, seeds=str(seeds), recheck="no")
    return crawler.spider


def test_an_article_listed_twice_is_requested_once_with_its_first_listing(tmp_path: Path) -> None:
    news = spider(tmp_path)
    seed = news.outlets["courier"]
    first = list(news._article_request(seed, "https://courier.test/a/story-one?utm_source=feed", listed=True,
                                       hints={"title": "From the feed"}))
    again = list(news._article_request(seed, "https://courier.test/a/story-one", listed=False))
    other = list(news._article_request(seed, "https://courier.test/a/story-two", listed=False))
    assert [r.url for r in first] == ["https://courier.test/a/story-one"]
    assert first[0].meta["hints"] == {"title": "From the feed"} and first[0].meta["listed"] is True
    assert again == []
    assert [r.url for r in other] == ["https://courier.test/a/story-two"]
    stats = news.crawler.stats
    assert stats.get_value("outlet/courier/discovered") == 3  # every listing still counts as discovered
    assert stats.get_value("discovery/repeated") == 1


def test_archived_and_offsite_articles_are_not_requested(tmp_path: Path) -> None:
    news = spider(tmp_path)
    seed = news.outlets["courier"]
    archived = {"https://courier.test/a/archived"}
    assert list(news._article_request(seed, "https://courier.test/a/archived#comments", listed=True,
                                      archived=archived)) == []
    assert list(news._article_request(seed, "https://elsewhere.test/a/story", listed=True)) == []
    stats = news.crawler.stats
    assert stats.get_value("discovery/already_archived") == 1 and stats.get_value("discovery/offsite_links") == 1
