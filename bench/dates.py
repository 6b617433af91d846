"""Published and modified dates against what the page's markup states, on both dev sets.

For every page whose markup states a publication time (the JSON-LD of its
article, ``datePublished``, or the ``article:published_time`` meta tag), checks
what ``extract_article`` returns: the same day, the same instant, or another
date. Pages whose URL holds a day are checked against it too (the only witness when
the markup states nothing). Then counts which source gave each returned date (JSON-LD, a meta tag,
trafilatura's own date search, nothing), over every page.

    .venv/bin/python bench/dates.py [--data DIR] [--wide DIR]
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.extraction import news_samples  # noqa: E402
from bench.segments import load_wide  # noqa: E402
from extract import extract_article  # noqa: E402
from extract.decode import decode_html  # noqa: E402
from extract.extractor import _load  # noqa: E402
from extract.fallback_metadata import FallbackMetadata  # noqa: E402
from extract.metadata import (  # noqa: E402
    PUBLISHED_KEYS,
    article_objects,
    json_ld_objects,
    meta_values,
    parse_datetime,
)
from tests.helpers.datasets import EXTRACTION_DEV  # noqa: E402

_URL_DAY = re.compile(r"/((?:19|20)\d\d)/(\d\d)/(\d\d)/")


def stated_dates(html: str | bytes) -> dict[str, datetime]:
    """What the markup states: the article's JSON-LD dates and the Open Graph article times."""
    text = decode_html(html) if isinstance(html, bytes) else html
    tree = _load(text)
    if tree is None:
        return {}
    meta = meta_values(tree)
    stated: dict[str, datetime] = {}
    for obj in article_objects(list(json_ld_objects(tree))):
        for field in ("datePublished", "dateModified"):
            value = parse_datetime(obj.get(field) if isinstance(obj.get(field), str) else None)
            if value is not None:
                stated.setdefault(f"json-ld {field}", value)
    for key in ("article:published_time", "article:modified_time"):
        value = parse_datetime(meta.get(key))
        if value is not None:
            stated[key] = value
    return stated


def date_sources(html: str | bytes, url: str) -> dict[str, datetime | None]:
    """Every source's published time, as the extractor could read it."""
    text = decode_html(html) if isinstance(html, bytes) else html
    tree = _load(text)
    if tree is None:
        return {}
    meta = meta_values(tree)
    objects = list(json_ld_objects(tree))
    articles = article_objects(objects)
    sources: dict[str, datetime | None] = {
        "json-ld (article)": _first(obj.get("datePublished") for obj in articles),
    }
    for key in PUBLISHED_KEYS:
        sources[f"meta {key}"] = parse_datetime(meta.get(key))
    sources["json-ld (other object)"] = _first(obj.get("datePublished") for obj in objects if obj not in articles)
    sources["trafilatura/htmldate"] = parse_datetime(FallbackMetadata(tree, url).date)
    return sources


def _first(values: object) -> datetime | None:
    for value in values:  # type: ignore[attr-defined]
        parsed = parse_datetime(value if isinstance(value, str) else None)
        if parsed is not None:
            return parsed
    return None


def url_day(url: str) -> date | None:
    match = _URL_DAY.search(url)
    try:
        return date(int(match[1]), int(match[2]), int(match[3])) if match else None
    except ValueError:
        return None


def _day_verdict(published: datetime | None, day: date, stated: dict[str, datetime]) -> str:
    kind = "markup states a date" if stated else "no markup date"
    if published is None:
        return f"{kind}: missing"
    # a day's difference is the time zone of a story posted near midnight
    return f"{kind}: {'same day' if abs((published.date() - day).days) <= 1 else 'other day'}"


def verdict(got: datetime | None, stated: datetime) -> str:
    if got is None:
        return "missing"
    if got == stated:
        return "same instant"
    return "same day" if got.date() == stated.date() else "other date"


def report(title: str, pages: list[tuple[str, str | bytes]]) -> None:
    checks: dict[str, Counter[str]] = {}
    wins: Counter[str] = Counter()
    wrong: list[str] = []
    by_url: Counter[str] = Counter()
    for url, html in pages:
        article = extract_article(html, url)
        if (day := url_day(url)) is not None:
            by_url[_day_verdict(article.published, day, stated_dates(html))] += 1
        stated = stated_dates(html)
        for field, value in stated.items():
            got = article.modified if "odified" in field else article.published
            outcome = verdict(got, value)
            checks.setdefault(field, Counter())[outcome] += 1
            if outcome in ("other date", "missing") and "ublished" in field:
                wrong.append(f"    {field}: stated {value:%Y-%m-%d %H:%M}, got "
                             f"{got:%Y-%m-%d %H:%M}  {url}" if got else f"    {field}: stated {value:%Y-%m-%d}, got none  {url}")
        wins[_winner(article.published, date_sources(html, url))] += 1
    print(f"\n== {title}: {len(pages)} pages")
    print(f"{'markup states':28} {'pages':>5} {'same instant':>12} {'same day':>9} {'other date':>10} {'missing':>8}")
    for field, counts in sorted(checks.items()):
        total = sum(counts.values())
        print(f"{field:28} {total:5d} {counts['same instant']:12d} {counts['same day']:9d} "
              f"{counts['other date']:10d} {counts['missing']:8d}")
    print("\npages whose URL holds a day (/YYYY/MM/DD/), published date against it:")
    for outcome, count in sorted(by_url.items()):
        print(f"  {outcome:34} {count:4d}")
    print("\nsource of the published date returned (first source that gives it, in the extractor's order):")
    for source, count in wins.most_common():
        print(f"  {source:34} {count:4d}")
    if wrong:
        print("\npublished dates that disagree with the markup:")
        print("\n".join(wrong))


def _winner(published: datetime | None, sources: dict[str, datetime | None]) -> str:
    if published is None:
        return "none"
    for source, value in sources.items():
        if value == published:
            return source
    return "other (a source's more precise form of the same date)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=EXTRACTION_DEV, help="the news dev set")
    parser.add_argument("--wide", type=Path, help="the wide corpus (evaldata.json + html/)")
    args = parser.parse_args()
    report(f"news dev set {args.data}", [(sample.url, sample.html) for sample in news_samples(args.data)])
    if args.wide:
        report(f"wide corpus {args.wide}", [(page.url, page.html) for page in load_wide(args.wide)])


if __name__ == "__main__":
    main()
