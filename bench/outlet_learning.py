"""How much outlet boilerplate learning helps, and what it costs.

For synthetic outlets (template pages wrapping generated stories in recurring
clutter lines taken from the shared seed articles) prints the F1 on held-out
pages of the outlet with an empty model (an outlet's first page) and after the
model has seen 20, 50 and 200 pages, then extraction speed with and without
learning. The dev set, grouped by domain, checks that learning never hurts.
The simulated news web (``tests/newsweb``, fetched through its proxy) is the
second source: each outlet's pages learned in crawl order, the model applied
the way the crawl's pipeline applies it, F1 on the outlet's last pages.

Outlets the model can hurt show how many of their pages keep any text and how
many article paragraphs are lost: two whose bodies share their paragraphs
(templated reports where only the numbers change, press releases around one
paragraph of news) and one whose article line "Attendance: 18,204" recurs,
with other numbers, on two pages in five. Last, the distribution of the share of a
page's text its outlet's model would strip, page by page in crawl order, on
every source above: what the keep-whole threshold of ``extract.boilerplate``
is chosen from.

    .venv/bin/python bench/outlet_learning.py [--newsweb-only]
"""

from __future__ import annotations

import gzip
import json
import random
import sys
import time
import urllib.request
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.metric import score  # noqa: E402
from bench.outlet_pages import news_page, outlet_pages, paragraph, seed_clutter_lines  # noqa: E402
from extract import extract_article, extract_page  # noqa: E402
from extract.boilerplate import OutletBoilerplate  # noqa: E402
from tests.helpers.datasets import EXTRACTION_DEV, SEED_ARTICLES  # noqa: E402

OUTLETS = ("courier", "gazette", "bulletin", "herald")
CHECKPOINTS = (20, 50, 200)
HELD_OUT = 30
WEB_HELD_OUT = 10
WEB_ARTICLES = max(CHECKPOINTS) + WEB_HELD_OUT
SHARED_PAGES = (12, 60)  # the held-out outlet of issue 16 had 12 articles
SHARE_BINS = [0.1 * n for n in range(1, 11)]

Pages = list[tuple[str, str, str]]
Shares = dict[str, list[float]]  # source -> the share of each page's text its model would strip


def stripped_share(model: OutletBoilerplate, text: str) -> float:
    """Share of ``text``'s characters on lines ``model`` calls boilerplate: what stripping would remove."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    total = sum(map(len, lines))
    return sum(len(line) for line in lines if model.is_boilerplate(line)) / total if total else 0.0


def learn_page(model: OutletBoilerplate, html: str, url: str) -> tuple[str, str, float]:
    """One page as the crawl's pipeline treats it: (text without the model, text archived, share it would strip)."""
    page = extract_page(html, url)
    plain = page.article.text
    model.apply(page.article, page.raw_text, url)
    return plain, page.article.text, stripped_share(model, plain)


def held_out_f1(model: OutletBoilerplate, pages: Pages) -> float:
    texts = [extract_article(html, url, model, learn=False).text for url, html, _ in pages]
    return score(zip(texts, (truth for _, _, truth in pages))).f1


def learning_curve(name: str, pool: list[str], shares: list[float]) -> list[float]:
    training = outlet_pages(name, pool, max(CHECKPOINTS))
    test = outlet_pages(name, pool, HELD_OUT, first_seed=10_000)
    model = OutletBoilerplate()
    curve = [held_out_f1(model, test)]
    for seen, (url, html, _) in enumerate(training, start=1):
        shares.append(learn_page(model, html, url)[2])
        if seen in CHECKPOINTS:
            curve.append(held_out_f1(model, test))
    return curve


def throughput(pages: Pages, learning: bool) -> float:
    model = OutletBoilerplate() if learning else None
    start = time.perf_counter()
    for url, html, _ in pages:
        extract_article(html, url, model)
    return len(pages) / (time.perf_counter() - start)


def dev_pages(data: Path) -> dict[str, Pages]:
    """The dev set's pages as (url, html, true body), grouped by domain."""
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    groups: dict[str, Pages] = defaultdict(list)
    for key, entry in sorted(truth.items()):
        html = gzip.decompress((data / "html" / f"{key}.html.gz").read_bytes()).decode("utf-8")
        groups[urlsplit(entry["url"]).hostname or ""].append((entry["url"], html, entry["articleBody"]))
    return groups


def dev_by_domain(groups: dict[str, Pages], shares: Shares) -> None:
    plain, learned = [], []
    for pages in groups.values():
        model = OutletBoilerplate()
        for url, html, body in pages:
            without, archived, share = learn_page(model, html, url)
            plain.append((without, body))
            learned.append((archived, body))
            shares["dev set, by domain"].append(share)
    print(f"\ndev set, {len(plain)} pages in {len(groups)} domains (at most "
          f"{max(len(p) for p in groups.values())} pages each): F1 without learning "
          f"{score(plain).f1:.4f}, with {score(learned).f1:.4f}")
    pooled, model = [], OutletBoilerplate()
    for url, html, body in (page for pages in groups.values() for page in pages):
        _, archived, share = learn_page(model, html, url)
        pooled.append((archived, body))
        shares["dev set, one pooled model"].append(share)
    print(f"dev set as one outlet (a stress test: one model learns all {len(pooled)} real pages): "
          f"F1 {score(pooled).f1:.4f}, {len(model.explain())} lines learned")


def dev_bodies_outlet(groups: dict[str, Pages], pool: list[str], shares: Shares) -> None:
    """The dev set's true bodies as one outlet's pages: real article lengths among recurring real clutter lines."""
    rng = random.Random("dev-bodies")
    recurring = rng.sample(pool, min(6, len(pool)))
    odds = {line: rng.uniform(0.5, 0.95) for line in recurring}
    model, plain, learned = OutletBoilerplate(), [], []
    for number, (_, _, body) in enumerate(page for pages in groups.values() for page in pages):
        paragraphs = [line.strip() for line in body.splitlines() if line.strip()]
        clutter = [line for line in recurring if rng.random() < odds[line]]
        html = news_page(f"Story {number}", paragraphs, site="Dev Outlet", clutter=clutter)
        without, archived, share = learn_page(model, html, f"https://dev-outlet.example/{number}")
        plain.append((without, body))
        learned.append((archived, body))
        shares["dev-set bodies, one template"].append(share)
    print(f"dev-set bodies as one outlet's pages (recurring seed clutter lines): F1 without learning "
          f"{score(plain).f1:.4f}, with {score(learned).f1:.4f}")


def report_body(number: int) -> list[str]:
    """A templated report: every sentence is the outlet's template, only its numbers change."""
    rng = random.Random(f"report/{number}")
    return [
        f"River level report {number}: readings were taken at {rng.randint(8, 14)} gauging stations "
        f"between 06:00 and 18:00 on {number % 28 + 1:02d}/11/2026.",
        f"The highest reading, {rng.randint(1, 4)}.{rng.randint(0, 9)} metres, was recorded at gauge "
        f"{rng.randint(1, 9)}, which is {rng.randint(5, 60)} centimetres above its seasonal average.",
        f"The lowest reading, {rng.randint(0, 1)}.{rng.randint(0, 9)} metres, was recorded at gauge {rng.randint(10, 14)}.",
        "No flood warnings are in force. The authority monitors river levels around the clock and issues "
        "warnings through its website, local radio and the public alert service.",
    ]


RELEASE_PARAGRAPHS = [
    "Northwind Energy supplies gas and electricity to homes and businesses across the region and employs "
    "four thousand people at its sites.",
    "This release contains forward-looking statements about the company's plans, which involve risks and "
    "uncertainties that could cause actual results to differ from those expressed.",
    "For media enquiries contact the Northwind press office, which answers on weekdays.",
]


def release_body(number: int) -> list[str]:
    """A press release: one paragraph of news inside the company's standing paragraphs."""
    return [paragraph(random.Random(f"release/{number}")), *RELEASE_PARAGRAPHS]


def match_body(number: int) -> list[str]:
    """A sports report; two in five carry an attendance line, the same pattern with other numbers."""
    rng = random.Random(f"match/{number}")
    body = [paragraph(rng) for _ in range(rng.randint(3, 6))]
    return body + [f"Attendance: {rng.randint(2, 40)},{rng.randint(0, 999):03d}"] if number % 5 < 2 else body


def reading_counter(number: int) -> list[str]:
    """Clutter whose number changes on every page: a live reader count, on nine pages in ten."""
    return [f"{97 + number * 37 % 900} people are reading this story"] if number % 10 else []


HURT = {  # outlet -> (its body, its clutter lines) by page number
    "reports": (report_body, lambda number: []),
    "releases": (release_body, lambda number: []),
    "matches": (match_body, reading_counter),
}


def outlets_the_model_can_hurt(shares: Shares) -> None:
    """Outlets whose pages the model can empty or cut: pages keeping text, article paragraphs lost, F1."""
    print("\noutlets the model can hurt (pages learned and archived in crawl order): two whose bodies share "
          "their paragraphs,\none with a numbered article line on two pages in five")
    print(f"{'outlet':10} {'pages':>5} {'with text':>9} {'paragraphs lost':>15} {'F1':>7}")
    for name, (body, clutter) in HURT.items():
        for count in SHARED_PAGES:
            model, archived, lost = OutletBoilerplate(), [], 0
            for number in range(count):
                html = news_page(f"{name.title()} {number}", body(number), site=name.title(), clutter=clutter(number))
                _, text, share = learn_page(model, html, f"https://{name}.example/{number}")
                archived.append((text, "\n\n".join(body(number))))
                lost += sum(1 for line in body(number) if line not in text)
                if count == max(SHARED_PAGES):
                    shares[f"can hurt: {name}"].append(share)
            kept = sum(1 for text, _ in archived if text.strip())
            print(f"{name:10} {count:5} {kept:9} {lost:15} {score(archived).f1:7.4f}")


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


def newsweb_curves(shares: Shares) -> None:
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
            shares["simulated news web"].append(learn_page(model, html, url)[2])
            if seen in CHECKPOINTS:
                curve.append(web_f1(model, test))
        learned = "; ".join(f"{line!r} {share:.0%}" for line, _, share in model.explain()[:3]) or "-"
        print(f"{name:16} " + " ".join(f"{f1:10.4f}" for f1 in curve) + f"  {learned}")


def quantile(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(q * len(values)))] if values else 0.0


def share_distribution(shares: Shares) -> None:
    """How much of each page's text its model would strip: pages per tenth, and quantiles of the stripped ones."""
    print("\nshare of each page's text (characters) its outlet's model would strip, pages in crawl order")
    print(f"{'source':30} {'pages':>5} {'0':>5} " + " ".join(f"{'≤' + format(b, '.0%'):>5}" for b in SHARE_BINS)
          + f" {'median':>7} {'p90':>6} {'p99':>6} {'max':>6}")
    for source, values in shares.items():
        bins = [sum(1 for v in values if low < v <= high) for low, high in zip([0.0, *SHARE_BINS], SHARE_BINS)]
        stripped = [v for v in values if v > 0]
        print(f"{source:30} {len(values):5} {len(values) - len(stripped):5} " + " ".join(f"{n:5}" for n in bins)
              + " " + " ".join(f"{quantile(stripped, q):{w}.3f}" for q, w in ((0.5, 7), (0.9, 6), (0.99, 6), (1.0, 6))))


def main() -> None:
    shares: Shares = defaultdict(list)
    if "--newsweb-only" in sys.argv[1:]:
        newsweb_curves(shares)
        share_distribution(shares)
        return
    pool = seed_clutter_lines(SEED_ARTICLES)
    if not pool:
        sys.exit(f"no seed articles in {SEED_ARTICLES}")
    print(f"{len(pool)} clutter lines from the seed articles; {HELD_OUT} held-out pages per outlet\n")
    print(f"{'outlet':10} {'first page':>10} " + " ".join(f"{'after ' + str(n):>10}" for n in CHECKPOINTS))
    for name in OUTLETS:
        curve = learning_curve(name, pool, shares["synthetic outlets"])
        print(f"{name:10} " + " ".join(f"{f1:10.4f}" for f1 in curve))
    pages = outlet_pages("speedtest", pool, 200)
    throughput(pages[:10], False)  # warm-up
    without, with_learning = throughput(pages, False), throughput(pages, True)
    print(f"\nspeed (one core): {without:.1f} pages/s without learning, {with_learning:.1f} with "
          f"({(without / with_learning - 1) * 100:+.1f}% time)")
    groups = dev_pages(EXTRACTION_DEV)
    dev_by_domain(groups, shares)
    dev_bodies_outlet(groups, pool, shares)
    outlets_the_model_can_hurt(shares)
    newsweb_curves(shares)
    share_distribution(shares)


if __name__ == "__main__":
    main()
