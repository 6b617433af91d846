"""How much outlet boilerplate learning helps, and what it costs.

For synthetic outlets (template pages wrapping generated stories in recurring
clutter lines taken from the shared seed articles) prints the F1 on held-out
pages of the outlet with an empty model (an outlet's first page) and after the
model has seen 20, 50 and 200 pages, then extraction speed with and without
learning. The dev set, grouped by domain, checks that learning never hurts.
The simulated news web (``tests/newsweb``, fetched through its proxy) is the
second source: each outlet's pages learned in crawl order, the model applied
the way the crawl's pipeline applies it, F1 on the outlet's last pages.

    .venv/bin/python bench/outlet_learning.py [--newsweb-only]
"""

from __future__ import annotations

import gzip
import json
import sys
import time
import urllib.request
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.metric import score  # noqa: E402
from bench.outlet_pages import outlet_pages, seed_clutter_lines  # noqa: E402
from extract import extract_article, extract_page  # noqa: E402
from extract.boilerplate import OutletBoilerplate  # noqa: E402
from tests.helpers.datasets import EXTRACTION_DEV, SEED_ARTICLES  # noqa: E402

OUTLETS = ("courier", "gazette", "bulletin", "herald")
CHECKPOINTS = (20, 50, 200)
HELD_OUT = 30
WEB_HELD_OUT = 10
WEB_ARTICLES = max(CHECKPOINTS) + WEB_HELD_OUT

Pages = list[tuple[str, str, str]]


def held_out_f1(model: OutletBoilerplate, pages: Pages) -> float:
    texts = [extract_article(html, url, model, learn=False).text for url, html, _ in pages]
    return score(zip(texts, (truth for _, _, truth in pages))).f1


def learning_curve(name: str, pool: list[str]) -> list[float]:
    training = outlet_pages(name, pool, max(CHECKPOINTS))
    test = outlet_pages(name, pool, HELD_OUT, first_seed=10_000)
    model = OutletBoilerplate()
    curve = [held_out_f1(model, test)]
    for seen, (url, html, _) in enumerate(training, start=1):
        extract_article(html, url, model)
        if seen in CHECKPOINTS:
            curve.append(held_out_f1(model, test))
    return curve


def throughput(pages: Pages, learning: bool) -> float:
    model = OutletBoilerplate() if learning else None
    start = time.perf_counter()
    for url, html, _ in pages:
        extract_article(html, url, model)
    return len(pages) / (time.perf_counter() - start)


def dev_by_domain(data: Path) -> None:
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    groups: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for key, entry in sorted(truth.items()):
        html = gzip.decompress((data / "html" / f"{key}.html.gz").read_bytes()).decode("utf-8")
        groups[urlsplit(entry["url"]).hostname or ""].append((entry["url"], html, entry["articleBody"]))
    plain, learned = [], []
    for pages in groups.values():
        model = OutletBoilerplate()
        for url, html, body in pages:
            plain.append((extract_article(html, url).text, body))
            learned.append((extract_article(html, url, model).text, body))
    print(f"\ndev set, {len(truth)} pages in {len(groups)} domains (at most "
          f"{max(len(p) for p in groups.values())} pages each): F1 without learning "
          f"{score(plain).f1:.4f}, with {score(learned).f1:.4f}")


def web_pages(articles_per_outlet: int) -> dict[str, Pages]:
    """Every article page of each simulated outlet as (url, html, true body), oldest first."""
    from tests.newsweb import NewsWeb

    with NewsWeb(seed=5, articles_per_outlet=articles_per_outlet) as web:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": web.proxy_url}))
        return {
            outlet.name: [
                (url, opener.open(url, timeout=10).read().decode("utf-8", "replace"),
                 "\n\n".join(web.article(url).paragraphs))
                for url in reversed(web.article_urls(outlet.name))
            ]
            for outlet in web.outlets
        }


def web_f1(model: OutletBoilerplate, pages: Pages) -> float:
    texts = []
    for url, html, _ in pages:
        page = extract_page(html, url)
        texts.append(model.apply(page.article, page.raw_text, url, learn=False).text)
    return score(zip(texts, (truth for _, _, truth in pages))).f1


def newsweb_curves() -> None:
    start = time.perf_counter()
    pages = web_pages(WEB_ARTICLES)
    print(f"\nsimulated news web: {sum(map(len, pages.values()))} article pages fetched in "
          f"{time.perf_counter() - start:.1f} s; F1 on each outlet's last {WEB_HELD_OUT} pages")
    print(f"{'outlet':16} {'first page':>10} " + " ".join(f"{'after ' + str(n):>10}" for n in CHECKPOINTS)
          + "  lines learned")
    for name, outlet_pages_ in pages.items():
        training, test = outlet_pages_[:-WEB_HELD_OUT], outlet_pages_[-WEB_HELD_OUT:]
        model = OutletBoilerplate()
        curve = [web_f1(model, test)]
        for seen, (url, html, _) in enumerate(training, start=1):
            page = extract_page(html, url)
            model.apply(page.article, page.raw_text, url)
            if seen in CHECKPOINTS:
                curve.append(web_f1(model, test))
        learned = "; ".join(f"{line!r} {share:.0%}" for line, _, share in model.explain()[:3]) or "-"
        print(f"{name:16} " + " ".join(f"{f1:10.4f}" for f1 in curve) + f"  {learned}")


def main() -> None:
    if "--newsweb-only" in sys.argv[1:]:
        newsweb_curves()
        return
    pool = seed_clutter_lines(SEED_ARTICLES)
    if not pool:
        sys.exit(f"no seed articles in {SEED_ARTICLES}")
    print(f"{len(pool)} clutter lines from the seed articles; {HELD_OUT} held-out pages per outlet\n")
    print(f"{'outlet':10} {'first page':>10} " + " ".join(f"{'after ' + str(n):>10}" for n in CHECKPOINTS))
    for name in OUTLETS:
        curve = learning_curve(name, pool)
        print(f"{name:10} " + " ".join(f"{f1:10.4f}" for f1 in curve))
    pages = outlet_pages("speedtest", pool, 200)
    throughput(pages[:10], False)  # warm-up
    without, with_learning = throughput(pages, False), throughput(pages, True)
    print(f"\nspeed (one core): {without:.1f} pages/s without learning, {with_learning:.1f} with "
          f"({(without / with_learning - 1) * 100:+.1f}% time)")
    dev_by_domain(EXTRACTION_DEV)
    newsweb_curves()


if __name__ == "__main__":
    main()
