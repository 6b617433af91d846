"""Split-half check of the extractor's one tuned rule: does it generalise across pages?

The rule (``extract.extractor``): a precision text under ``_PAGE_SHARE`` of the
page's visible text is checked against trafilatura's balanced full mode, which
wins where precision kept under ``_LONG_PRECISION_MIN_SHARE`` of it. This
script computes both texts once per page of the wide dev set, then for each
half of the pages (even and odd positions) picks the best pair of thresholds on
that half alone and scores it on the *other* half, beside the shipped pair and
beside no rule at all. The news dev set's F1 is printed for each pair too: the
rule must leave it alone.

    .venv/bin/python bench/split_half.py --wide DIR [--data DIR]
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from itertools import product
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.extraction import Sample, news_samples, quality, wide_samples  # noqa: E402
from extract import extract_article, extractor, metadata  # noqa: E402
from extract.decode import decode_html  # noqa: E402
from extract.markup_repair import close_runaway_elements  # noqa: E402
from extract.pretrim import trimmed  # noqa: E402
from tests.helpers.datasets import EXTRACTION_DEV  # noqa: E402

PAGE_SHARES = (0.0, 0.1, 0.15, 0.2, 0.3, 0.4)
MIN_SHARES = (0.1, 0.2, 0.3, 0.4, 0.5)
# Balanced texts are computed only where the widest page share could ask for them.
WIDEST_SHARE = max(PAGE_SHARES)


@dataclass(frozen=True, slots=True)
class Candidates:
    """One page's two texts (cleaned as the extractor cleans them) and the lengths the rule compares."""

    precise_text: str
    balanced_text: str | None
    precise_length: int
    precise_solid_length: int  # without white space, as the page's visible length is counted
    balanced_length: int
    page_length: int

    def text(self, page_share: float, min_share: float) -> str:
        if self.precise_solid_length >= page_share * self.page_length or self.balanced_text is None:
            return self.precise_text
        return self.balanced_text if self.precise_length < min_share * self.balanced_length else self.precise_text


def candidates(sample: Sample) -> Candidates:
    html = decode_html(sample.html) if isinstance(sample.html, bytes) else sample.html
    tree = extractor._load(close_runaway_elements(html))
    small = trimmed(tree)
    page_length = extractor._visible_length(small)
    precise = extractor._precise_document(tree, small, sample.url)
    title = extract_article(sample.html, sample.url).title
    headlines = extractor._headlines(tree, metadata.meta_values(tree), title)
    balanced = None
    precise_solid = extractor._solid_length(precise.text if precise is not None else None)
    if precise_solid < WIDEST_SHARE * page_length:
        balanced = extractor._bare(tree, sample.url, extractor._BALANCED_OPTIONS, fast=False)
    return Candidates(
        extractor._clean_text(precise.text if precise is not None else "", headlines),
        extractor._clean_text(balanced.text, headlines) if balanced is not None else None,
        extractor._length(precise), precise_solid, extractor._length(balanced), page_length,
    )


def f1(pages: list[tuple[Sample, Candidates]], page_share: float, min_share: float) -> float:
    return quality([c.text(page_share, min_share) for _, c in pages], [s for s, _ in pages])[2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wide", type=Path, required=True, help="the wide corpus (evaldata.json + html/)")
    parser.add_argument("--data", type=Path, default=EXTRACTION_DEV, help="the news dev set")
    args = parser.parse_args()
    wide = [(sample, candidates(sample)) for sample in wide_samples(args.wide)]
    news = [(sample, candidates(sample)) for sample in news_samples(args.data)]
    shipped = (extractor._PAGE_SHARE, extractor._LONG_PRECISION_MIN_SHARE)
    grid = list(product(PAGE_SHARES, MIN_SHARES))
    halves = {"even": wide[0::2], "odd": wide[1::2]}
    print(f"{'tuned on':8} {'best pair':>11} {'F1 tuned half':>13} | scored on the other half: "
          f"{'best pair':>9} {'shipped':>8} {'no rule':>8}")
    for name, half in halves.items():
        other = halves["odd" if name == "even" else "even"]
        best = max(grid, key=lambda pair: (round(f1(half, *pair), 6), -pair[0]))
        print(f"{name:8} {best[0]:5.2f}/{best[1]:.2f} {f1(half, *best):13.4f} | {'':26}"
              f"{f1(other, *best):9.4f} {f1(other, *shipped):8.4f} {f1(other, 0.0, 0.0):8.4f}")
    print(f"\nwhole wide set: shipped {shipped[0]}/{shipped[1]} F1 {f1(wide, *shipped):.4f}, no rule {f1(wide, 0.0, 0.0):.4f}")
    print(f"news dev set:   shipped F1 {f1(news, *shipped):.4f}, no rule {f1(news, 0.0, 0.0):.4f}")
    print("\nF1 on the whole wide set per pair (page share / min share):")
    for page_share in PAGE_SHARES:
        print(f"  {page_share:4.2f}: " + " ".join(f"{min_share:.1f}→{f1(wide, page_share, min_share):.4f}"
                                            for min_share in MIN_SHARES))


if __name__ == "__main__":
    main()
