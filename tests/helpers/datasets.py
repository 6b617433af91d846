"""The real pages and texts in ``tests/data/`` (where each came from: ``tests/data/README.md``)."""

from __future__ import annotations

import gzip
import json
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
EXTRACTION_DEV = DATA / "extraction-dev"
SEED_ARTICLES = DATA / "seed-articles"
EXTRACTION_WIDE = DATA / "extraction-wide"


@cache
def dev_truth() -> dict[str, dict[str, str]]:
    """``{page id: {"url", "articleBody"}}`` of the extraction dev set."""
    return json.loads((EXTRACTION_DEV / "ground-truth.json").read_text(encoding="utf-8"))


def dev_html(key: str) -> str:
    """The saved HTML of dev-set page ``key``."""
    return gzip.decompress((EXTRACTION_DEV / "html" / f"{key}.html.gz").read_bytes()).decode("utf-8")


def dev_bodies() -> list[str]:
    """Every dev-set page's human-written article body, in page-id order."""
    return [entry.get("articleBody") or "" for _, entry in sorted(dev_truth().items())]


def seed_articles() -> dict[str, str]:
    """The five copies of one wire story, keyed by their number (``"000"`` … ``"004"``)."""
    return {path.stem[:3]: path.read_text(encoding="utf-8") for path in sorted(SEED_ARTICLES.glob("*.txt"))}
