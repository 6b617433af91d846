"""What syncing each batch's WARC bytes to disk costs a page (issue 32, durability).

Writes ``--pages`` pages of ``--page-kb`` KB of HTML-like text through
``WarcFileWriter`` in batches of ``--batch`` (``ARCHIVE_WRITE_BATCH``), as the
crawl does, once with ``sync_open_files`` before each batch is handed on and
once without, alternating for ``--rounds`` rounds, and prints the median
milliseconds per page of each and their difference. Run:

    .venv/bin/python bench/warc_sync.py
    .venv/bin/python bench/warc_sync.py --dir /data/archive/warcs --rounds 9
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from scrapy.http import Response

from crawler.middlewares.warc_records import response_record
from storage.warc.writer import WarcFileWriter, sync_open_files

WORDS = ("council harbour ferry budget vote minister schedule recount election the of and a in to "
         "<p> </p> <div class=\"ad\"> </div> <a href=\"/news/\">").split()


def pages(count: int, size_kb: int) -> list[Response]:
    rng = random.Random(7)
    made = []
    for n in range(count):
        text = " ".join(rng.choice(WORDS) for _ in range(size_kb * 1024 // 6))
        made.append(Response(f"http://news.example/story/{n}", status=200, body=text.encode(),
                             headers={"Content-Type": "text/html; charset=utf-8"}))
    return made


def write_all(directory: Path, responses: list[Response], batch: int, sync: bool) -> float:
    """Seconds per page to write ``responses``, syncing the open file before each batch's hand-off when ``sync``."""
    writer = WarcFileWriter(directory)
    names: list[str] = []
    started = time.perf_counter()
    for n, response in enumerate(responses, 1):
        names.append(writer.write([response_record(response, datetime.now(UTC))])[0].file)
        if n % batch == 0 or n == len(responses):
            if sync:
                sync_open_files(directory, names)
            names = []
    elapsed = time.perf_counter() - started
    writer.close()
    return elapsed / len(responses)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=500, help="pages per run (default 500)")
    parser.add_argument("--page-kb", type=int, default=120, help="page size, KB (default 120)")
    parser.add_argument("--batch", type=int, default=50, help="pages per batch (default 50, ARCHIVE_WRITE_BATCH)")
    parser.add_argument("--rounds", type=int, default=5, help="alternated rounds (default 5)")
    parser.add_argument("--dir", type=Path, help="where to write (default: a temporary folder)")
    options = parser.parse_args()
    responses = pages(options.pages, options.page_kb)
    figures: dict[bool, list[float]] = {False: [], True: []}
    with tempfile.TemporaryDirectory(dir=options.dir) as scratch:
        for round_ in range(options.rounds):
            for sync in (round_ % 2 == 0, round_ % 2 == 1):  # alternate which goes first
                directory = Path(scratch) / f"{round_}-{sync}"
                figures[sync].append(write_all(directory, responses, options.batch, sync))
                for path in directory.iterdir():
                    path.unlink()
    without, with_sync = (statistics.median(figures[flag]) * 1000 for flag in (False, True))
    print(f"{options.pages} pages of {options.page_kb} KB in batches of {options.batch}, {options.rounds} rounds")
    print(f"without sync  {without:.3f} ms/page (median)")
    print(f"with sync     {with_sync:.3f} ms/page (median)")
    print(f"sync costs    {with_sync - without:+.3f} ms/page ({(with_sync / without - 1) * 100:+.1f}%)")


if __name__ == "__main__":
    main()
