"""Extraction quality and cost: the news dev set and, with ``--wide``, the wide many-language corpus.

Scores our ``extract_article`` beside plain trafilatura in its configurations
(defaults; no comments; favor_recall; favor_precision), each over the same
pages in one run: precision, recall, F1 and CPU milliseconds per page, overall
and per language, then title accuracy against the page's own <h1>.

* news dev set (``--data``, default the repository's ``tests/data/extraction-dev``):
  the shingle metric of ``bench/metric.py``, means over pages;
* wide corpus (``--wide DIR``: ``evaldata.json`` + ``html/*.gz``): the segment
  metric of ``bench/segments.py``, counts pooled over pages.

A page's language, for the per-language tables, is read from its *truth* (the
human-written body, or the main-text segments) by ``extract.language``'s
rule, so it does not depend on the system being scored.

    .venv/bin/python bench/extraction.py [--data DIR] [--wide DIR] [--only SYSTEM ...] [--worst N] [--no-titles]

``--only newsarchive`` times our extraction alone (for before/after CPU runs).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402

from bench.metric import score, score_page  # noqa: E402
from bench.segments import WidePage, count_segments, load_wide, score_segments  # noqa: E402
from extract import EXTRACTOR_VERSION, extract_article  # noqa: E402
from extract.language import best_language  # noqa: E402
from extract.metadata import meta_values, page_language  # noqa: E402
from tests.helpers.datasets import EXTRACTION_DEV  # noqa: E402

Extractor = Callable[[str | bytes, str], str]
WARM_UP = ("<html><body><article><p>" + "A warm-up page long enough for every lazy load to happen here. " * 30
           + "</p></article></body></html>")
# A language needs this many pages for a row of its own; the rest share the row "other".
MIN_LANGUAGE_PAGES = 8


@dataclass(frozen=True, slots=True)
class Sample:
    """One page of a set: what the extractors get, and what they are scored against."""

    url: str
    html: str | bytes
    truth: str | WidePage  # the news set's body, or the wide corpus' segments
    language: str


def ours(html: str | bytes, url: str) -> str:
    return extract_article(html, url).text


def trafilatura_with(**options: object) -> Extractor:
    def run(html: str | bytes, url: str) -> str:
        return trafilatura.extract(html, url=url, **options) or ""
    return run


SYSTEMS: dict[str, Extractor] = {
    "newsarchive": ours,
    "trafilatura defaults": trafilatura_with(),
    "trafilatura no comments": trafilatura_with(include_comments=False),
    "trafilatura favor_recall": trafilatura_with(include_comments=False, favor_recall=True),
    "trafilatura favor_precision": trafilatura_with(include_comments=False, favor_precision=True),
    "trafilatura precision no tables": trafilatura_with(include_comments=False, favor_precision=True,
                                                        include_tables=False),
}


def truth_language(html: str | bytes, truth_text: str) -> str:
    """The language of a page's truth, its declaration as the fallback ("?" when neither says)."""
    tree = trafilatura.load_html(html)
    declared = page_language(tree, meta_values(tree)) if tree is not None else None
    return best_language(truth_text, declared) or "?"


def news_samples(data: Path) -> list[Sample]:
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    samples = []
    for page_id, entry in sorted(truth.items()):
        html = gzip.decompress((data / "html" / f"{page_id}.html.gz").read_bytes()).decode("utf-8")
        body = entry["articleBody"]
        samples.append(Sample(entry["url"], html, body, truth_language(html, body)))
    return samples


def wide_samples(directory: Path) -> list[Sample]:
    return [Sample(page.url, page.html, page, truth_language(page.html, page.truth_text))
            for page in load_wide(directory)]


def run_system(extract: Extractor, samples: list[Sample]) -> tuple[list[str], float]:
    """The texts, and the CPU milliseconds per page spent extracting them."""
    extract(WARM_UP, "https://example.org/")  # lazy loads (parsers, language model) outside the timing
    texts, cpu = [], 0.0
    for sample in samples:
        start = time.process_time()
        texts.append(extract(sample.html, sample.url))
        cpu += time.process_time() - start
    return texts, 1000 * cpu / len(samples)


def quality(texts: list[str], samples: list[Sample]) -> tuple[float, float, float]:
    """(precision, recall, F1) with the set's own metric."""
    if samples and isinstance(samples[0].truth, WidePage):
        counts = score_segments(zip(texts, (sample.truth for sample in samples)))
        return counts.precision, counts.recall, counts.f1
    result = score(zip(texts, (sample.truth for sample in samples)))
    return result.precision, result.recall, result.f1


def page_badness(text: str, sample: Sample) -> tuple[float, str]:
    """How badly one page went, and a short account of it, for --worst."""
    if isinstance(sample.truth, WidePage):
        counts = count_segments(text, sample.truth)
        return -(counts.fn + counts.fp), f"missed {counts.fn} kept-clutter {counts.fp}"
    page = score_page(text, sample.truth)
    return min(page.precision, page.recall), f"P {page.precision:.3f} R {page.recall:.3f}"


def language_groups(samples: list[Sample]) -> dict[str, list[int]]:
    """Page indexes per language, biggest first; small languages pooled as "other"."""
    sizes = Counter(sample.language for sample in samples)
    groups: dict[str, list[int]] = {}
    for language, _ in sizes.most_common():
        name = language if sizes[language] >= MIN_LANGUAGE_PAGES else "other"
        groups.setdefault(name, [])
    for index, sample in enumerate(samples):
        groups["other" if sizes[sample.language] < MIN_LANGUAGE_PAGES else sample.language].append(index)
    return groups


def report_set(title: str, samples: list[Sample], systems: dict[str, Extractor], worst: int) -> None:
    print(f"\n== {title}: {len(samples)} pages")
    print(f"{'system':34} {'precision':>9} {'recall':>7} {'F1':>7} {'CPU ms/page':>12}")
    outputs: dict[str, list[str]] = {}
    for name, system in systems.items():
        texts, cpu_ms = run_system(system, samples)
        outputs[name] = texts
        precision, recall, f1 = quality(texts, samples)
        print(f"{name:34} {precision:9.4f} {recall:7.4f} {f1:7.4f} {cpu_ms:12.1f}")
    print_languages(samples, outputs)
    if worst and "newsarchive" in outputs:
        print_worst(samples, outputs["newsarchive"], worst)


def print_languages(samples: list[Sample], outputs: dict[str, list[str]]) -> None:
    print("\nper language (truth's language), P / R / F1:")
    print(f"{'language':14}" + "".join(f" {name.removeprefix('trafilatura '):>20}" for name in outputs))
    for language, indexes in language_groups(samples).items():
        chosen = [samples[index] for index in indexes]
        cells = []
        for texts in outputs.values():
            precision, recall, f1 = quality([texts[index] for index in indexes], chosen)
            cells.append(f"{precision:.3f}/{recall:.3f}/{f1:.3f}")
        print(f"{language + f' ({len(indexes)})':14}" + "".join(f" {cell:>20}" for cell in cells))


def print_worst(samples: list[Sample], texts: list[str], count: int) -> None:
    ranked = sorted((page_badness(text, sample), sample.url) for text, sample in zip(texts, samples))
    print(f"\nnewsarchive's {count} worst pages:")
    for (_, account), url in ranked[:count]:
        print(f"    {account}  {url}")


def h1_title(html: str | bytes) -> str | None:
    tree = trafilatura.load_html(html)
    headings = tree.xpath("//h1") if tree is not None else []
    return headings[0].text_content() if headings else None


def words(text: str | None) -> list[str]:
    return re.findall(r"\w+", (text or "").lower())


def title_accuracy(samples: list[Sample]) -> None:
    ours_ok = theirs_ok = total = 0
    for sample in samples:
        truth = words(h1_title(sample.html))
        if not truth:
            continue
        total += 1
        ours_ok += words(extract_article(sample.html, sample.url).title) == truth
        document = trafilatura.bare_extraction(sample.html, url=sample.url, with_metadata=True)
        theirs_ok += document is not None and words(document.title) == truth
    print(f"\ntitle == first <h1> (words, case-folded) on {total} news pages with an <h1>:")
    print(f"  newsarchive {ours_ok / total:.3f}   trafilatura {theirs_ok / total:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=EXTRACTION_DEV, help="the news dev set")
    parser.add_argument("--wide", type=Path, help="the wide corpus (evaldata.json + html/)")
    parser.add_argument("--only", nargs="+", choices=list(SYSTEMS), help="run these systems only")
    parser.add_argument("--worst", type=int, default=0, help="list the N worst pages of newsarchive")
    parser.add_argument("--no-titles", action="store_true", help="skip the title accuracy check")
    args = parser.parse_args()
    if not (args.data / "ground-truth.json").exists():
        sys.exit(f"no news dev set at {args.data}: pass --data DIR")
    if args.wide and not (args.wide / "evaldata.json").exists():
        sys.exit(f"no wide corpus at {args.wide}: pass --wide DIR with evaldata.json and html/")
    systems = {name: SYSTEMS[name] for name in (args.only or SYSTEMS)}
    print(f"extractor {EXTRACTOR_VERSION}")
    news = news_samples(args.data)
    report_set(f"news dev set {args.data} (shingle metric)", news, systems, args.worst)
    if args.wide:
        report_set(f"wide corpus {args.wide} (segment metric)", wide_samples(args.wide), systems, args.worst)
    if not args.no_titles:
        title_accuracy(news)


if __name__ == "__main__":
    main()
