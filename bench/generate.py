"""Fill an archive with N synthetic article versions, fast, for query benchmarks.

Texts have news-like lengths (lognormal around 600 words, in paragraphs) and
a Zipf-distributed vocabulary; pages belong to many outlets and have one to
several versions, each a small edit of the one before. Rows go in with bulk
Core inserts (the full-text triggers and generated columns still run), not
through ``Archive.record_capture``; ``bench/query.py`` times that path.

    python bench/generate.py --db sqlite:///bench/out/bench.sqlite3 --versions 20000
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from itertools import accumulate
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert  # noqa: E402

from storage.archive import Archive  # noqa: E402
from storage.models import Capture, Outlet, Page, Version  # noqa: E402
from storage.normalize import text_hash  # noqa: E402

START = datetime(2024, 1, 1, tzinfo=timezone.utc)
COMMON = (
    "the of and to in a is that for on was with said he it as at by from his be have has "
    "but are they were not this who after their had its been will would which more government "
    "minister police year people president new election court city council police report"
).split()
SYLLABLES = "ka to ri mo an el sa ve lu de ni por tra min gel bas cor fen lis dur".split()
BATCH = 1000


class Vocabulary:
    """Common words plus invented ones, drawn with Zipf-like frequencies."""

    def __init__(self, rng: random.Random, size: int = 30_000) -> None:
        invented = {"".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))) for _ in range(size)}
        self.words = COMMON + sorted(invented)
        self.cumulative = list(accumulate(1.0 / (rank + 1) for rank in range(len(self.words))))
        self.rng = rng

    def sample(self, n: int) -> list[str]:
        return self.rng.choices(self.words, cum_weights=self.cumulative, k=n)

    def sentence(self) -> str:
        words = self.sample(self.rng.randint(8, 28))
        return " ".join(words).capitalize() + "."

    def paragraph(self) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(2, 6)))

    def article(self) -> list[str]:
        words = max(80, int(self.rng.lognormvariate(6.3, 0.5)))
        paragraphs: list[str] = []
        while sum(len(p.split()) for p in paragraphs) < words:
            paragraphs.append(self.paragraph())
        return paragraphs


def page_versions(vocab: Vocabulary, rng: random.Random) -> Iterator[tuple[str, str]]:
    """(title, text) of one page's successive versions: each edits the last."""
    title, paragraphs = vocab.sentence().rstrip("."), vocab.article()
    yield title, "\n\n".join(paragraphs)
    while rng.random() < 0.45:
        if rng.random() < 0.3:
            title = vocab.sentence().rstrip(".")
        paragraphs = list(paragraphs)
        paragraphs.insert(rng.randrange(len(paragraphs) + 1), vocab.paragraph())
        yield title, "\n\n".join(paragraphs)


def generate(db_url: str, versions: int, outlets: int = 50, seed: int = 1, archive_dir: str = "bench/out") -> list[str]:
    """Insert ``versions`` versions; returns the page URLs (for query benchmarks)."""
    rng = random.Random(seed)
    vocab = Vocabulary(rng)
    with Archive(db_url, archive_dir) as archive:
        for n in range(outlets):
            archive.ensure_outlet(f"outlet-{n:03d}", [f"outlet{n}.example"])
        ids = archive.read(lambda s: dict(s.execute(Outlet.__table__.select().with_only_columns(Outlet.name, Outlet.id)).all()))
        rows = _rows(vocab, rng, versions, [ids[f"outlet-{n:03d}"] for n in range(outlets)])
        urls: list[str] = []
        for batch in _batched(rows, BATCH):
            archive.write(lambda session: _insert(session, batch, urls))
    return urls


def _rows(vocab: Vocabulary, rng: random.Random, total: int, outlet_ids: list[int]) -> Iterator[dict]:
    made, page = 0, 0
    while made < total:
        page += 1
        outlet = rng.choice(outlet_ids)
        at = START + timedelta(minutes=rng.randrange(365 * 24 * 60))
        url = f"https://outlet{outlet}.example/news/{page}-{uuid.uuid4().hex[:8]}"
        for seq, (title, text) in enumerate(page_versions(vocab, rng), 1):
            if made == total:
                return
            yield {"url": url, "outlet_id": outlet, "seq": seq, "title": title, "text": text, "at": at}
            made += 1
            at += timedelta(hours=rng.randint(1, 72))


def _batched(rows: Iterator[dict], size: int) -> Iterator[list[dict]]:
    batch: list[dict] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _insert(session, batch: list[dict], urls: list[str]) -> None:
    fresh = list({r["url"]: r for r in batch if r["seq"] == 1}.values())
    page_rows = [{"outlet_id": r["outlet_id"], "url": r["url"], "first_seen": r["at"], "last_seen": r["at"]} for r in fresh]
    new_ids = session.scalars(insert(Page).returning(Page.id, sort_by_parameter_order=True), page_rows).all() if fresh else []
    page_ids = dict(zip((r["url"] for r in fresh), new_ids))
    urls.extend(page_ids)
    page_ids |= {r["url"]: _page_id(session, r["url"]) for r in batch if r["url"] not in page_ids}
    captures = [_capture(page_ids[r["url"]], r) for r in batch]
    capture_ids = session.scalars(insert(Capture).returning(Capture.id, sort_by_parameter_order=True), captures).all()
    session.execute(insert(Version), [_version(page_ids[r["url"]], r, cid) for r, cid in zip(batch, capture_ids)])


def _page_id(session, url: str) -> int:
    return session.scalar(Page.__table__.select().with_only_columns(Page.id).where(Page.url == url))


def _capture(page_id: int, row: dict) -> dict:
    return {
        "page_id": page_id, "fetched_url": row["url"], "fetched_at": row["at"], "status": 200,
        "record_type": "response", "warc_file": "synthetic.warc.gz", "warc_offset": 0, "warc_length": 0,
        "warc_record_id": f"<urn:uuid:{uuid.uuid4()}>", "payload_digest": None,
    }


def _version(page_id: int, row: dict, capture_id: int) -> dict:
    return {
        "page_id": page_id, "outlet_id": row["outlet_id"], "seq": row["seq"], "title": row["title"],
        "text": row["text"], "authors": ["Staff Writer"], "tags": [], "language": "en",
        "text_hash": text_hash(row["title"], row["text"]), "first_seen": row["at"], "last_seen": row["at"],
        "capture_id": capture_id, "extractor_version": "synthetic", "state": "ok",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="database URL to fill (created/migrated if needed)")
    parser.add_argument("--versions", type=int, default=10_000)
    parser.add_argument("--outlets", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    started = time.perf_counter()
    urls = generate(args.db, args.versions, args.outlets, args.seed)
    seconds = time.perf_counter() - started
    print(f"inserted {args.versions} versions on {len(urls)} pages in {seconds:.1f}s ({args.versions / seconds:.0f} versions/s)")


if __name__ == "__main__":
    main()
