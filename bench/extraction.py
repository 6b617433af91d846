"""Extraction quality and speed on the extraction development set.

Scores our ``extract_article`` against plain trafilatura (defaults) and
trafilatura with its best options, in one run, with the shingle metric of
``bench/metric.py``; prints precision, recall, F1 and pages/s for each, then
title accuracy against the page's own <h1>.

    .venv/bin/python bench/extraction.py [--data DIR] [--worst N]

DIR defaults to the repository's copy, ``tests/data/extraction-dev``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402
from lxml import html as lxml_html  # noqa: E402

from bench.metric import score, score_page  # noqa: E402
from extract import EXTRACTOR_VERSION, extract_article  # noqa: E402
from tests.helpers.datasets import EXTRACTION_DEV  # noqa: E402

Page = tuple[str, str, str, str]  # id, url, html, truth


def load_pages(data: Path) -> list[Page]:
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id, entry in sorted(truth.items()):
        html = gzip.decompress((data / "html" / f"{page_id}.html.gz").read_bytes()).decode("utf-8")
        pages.append((page_id, entry["url"], html, entry["articleBody"]))
    return pages


def ours(html: str, url: str) -> str:
    return extract_article(html, url).text


def trafilatura_with(**options: object) -> Callable[[str, str], str]:
    def run(html: str, url: str) -> str:
        return trafilatura.extract(html, url=url, **options) or ""
    return run


SYSTEMS: dict[str, Callable[[str, str], str]] = {
    "newsarchive": ours,
    "trafilatura defaults": trafilatura_with(),
    "trafilatura no comments": trafilatura_with(include_comments=False),
    "trafilatura precision": trafilatura_with(include_comments=False, favor_precision=True),
    "trafilatura recall": trafilatura_with(include_comments=False, favor_recall=True),
    "trafilatura precision no tables": trafilatura_with(include_comments=False, favor_precision=True, include_tables=False),
}


def run_system(extract: Callable[[str, str], str], pages: list[Page]) -> tuple[list[str], float]:
    start = time.perf_counter()
    texts = [extract(html, url) for _, url, html, _ in pages]
    return texts, len(pages) / (time.perf_counter() - start)


def h1_title(html: str) -> str | None:
    headings = lxml_html.fromstring(html).xpath("//h1")
    return headings[0].text_content() if headings else None


def words(text: str | None) -> list[str]:
    return re.findall(r"\w+", (text or "").lower())


def title_accuracy(pages: list[Page]) -> None:
    ours_ok = theirs_ok = total = 0
    for _, url, html, _ in pages:
        truth = words(h1_title(html))
        if not truth:
            continue
        total += 1
        ours_ok += words(extract_article(html, url).title) == truth
        document = trafilatura.bare_extraction(html, url=url, with_metadata=True)
        theirs_ok += document is not None and words(document.title) == truth
    print(f"\ntitle == first <h1> (words, case-folded) on {total} pages with an <h1>:")
    print(f"  newsarchive {ours_ok / total:.3f}   trafilatura {theirs_ok / total:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=EXTRACTION_DEV)
    parser.add_argument("--worst", type=int, default=0, help="list the N worst pages of newsarchive")
    args = parser.parse_args()
    if not (args.data / "ground-truth.json").exists():
        sys.exit(f"no development set at {args.data}: pass --data DIR")
    pages = load_pages(args.data)
    print(f"{len(pages)} pages from {args.data}; extractor {EXTRACTOR_VERSION}\n")
    print(f"{'system':34} {'precision':>9} {'recall':>7} {'F1':>7} {'pages/s':>8}")
    for name, system in SYSTEMS.items():
        texts, rate = run_system(system, pages)
        result = score(zip(texts, (page[3] for page in pages)))
        print(f"{name:34} {result.precision:9.4f} {result.recall:7.4f} {result.f1:7.4f} {rate:8.1f}")
        if name == "newsarchive" and args.worst:
            scored = sorted(((score_page(t, p[3]), p[1]) for t, p in zip(texts, pages)),
                            key=lambda item: min(item[0].precision, item[0].recall))
            for page_score, url in scored[: args.worst]:
                print(f"    P {page_score.precision:.3f} R {page_score.recall:.3f}  {url}")
    title_accuracy(pages)


if __name__ == "__main__":
    main()
