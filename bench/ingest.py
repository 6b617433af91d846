"""WARC ingest throughput: ``newsarchive ingest`` against plain warcio iteration of the same files.

Makes WARC files of article responses (pages of the simulated news web, fetched
once through its proxy and written with warcio as request/response pairs,
``--copies`` times each under distinct URLs), or takes existing ones with
``--warcs``, and measures in one run, in records per second:

  warcio   iterate every record and read each response's decoded payload (the ceiling)
  extract  extract_article on every payload, on all cores (the CPU floor of indexing)
  ingest   storage.ingest.ingest.ingest into a fresh archive (SQLite, or --db URL)

then the ratios ingest/warcio and ingest/extract. Run:

    .venv/bin/python bench/ingest.py                       # 400 articles of ~100 KB, x3
    .venv/bin/python bench/ingest.py --articles 25 --copies 1   # a quick run
    .venv/bin/python bench/ingest.py --warcs archive/warcs --seeds seeds/eu.toml
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from warcio.archiveiterator import ArchiveIterator  # noqa: E402
from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

from extract import extract_article  # noqa: E402
from storage.archive import Archive  # noqa: E402
from storage.ingest.ingest import ingest, warc_files  # noqa: E402
from storage.outlets.domains import load_outlet_map  # noqa: E402

RECORDS_PER_FILE = 500


def fetch_pages(articles: int, padding_kb: int) -> tuple[list[tuple[str, list[tuple[str, str]], bytes]], str]:
    from tests.newsweb import NewsWeb

    with NewsWeb(seed=21, articles_per_outlet=articles, page_padding_kb=padding_kb) as web:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": web.proxy_url}))
        pages = []
        for url in web.article_urls():
            with opener.open(url) as response:
                pages.append((url, list(response.headers.items()), response.read()))
        return pages, web.seed_toml()


def write_warcs(directory: Path, pages: list, copies: int) -> list[Path]:
    """Request/response pairs, ``copies`` URLs per page (``?copy=N``), RECORDS_PER_FILE responses a file."""
    paths: list[Path] = []
    out = writer = None
    count = 0
    for copy in range(copies):
        for url, headers, body in pages:
            if count % RECORDS_PER_FILE == 0:
                if out:
                    out.close()
                paths.append(directory / f"bench-{len(paths):05d}.warc.gz")
                out = paths[-1].open("wb")
                writer = WARCWriter(out, gzip=True, warc_version="1.1")
            target = url if copy == 0 else f"{url}?copy={copy}"
            http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
            response = writer.create_warc_record(target, "response", payload=io.BytesIO(body), length=len(body),
                                                 http_headers=http)
            request = writer.create_warc_record(
                target, "request", payload=io.BytesIO(b""), length=0,
                http_headers=StatusAndHeaders(f"GET {target} HTTP/1.1", [("Host", target.split("/")[2])],
                                              is_http_request=True),
                warc_headers_dict={"WARC-Concurrent-To": response.rec_headers.get_header("WARC-Record-ID")})
            writer.write_record(response)
            writer.write_record(request)
            count += 1
    if out:
        out.close()
    return paths


def payloads(paths: list[Path]) -> Iterator[tuple[str, bytes]]:
    for path in paths:
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type == "response":
                    yield record.rec_headers.get_header("WARC-Target-URI"), record.content_stream().read()


def bench_warcio(paths: list[Path]) -> tuple[int, float]:
    started = time.perf_counter()
    count = sum(1 for _ in payloads(paths))
    return count, time.perf_counter() - started


def _extract(item: tuple[str, bytes]) -> int:
    return len(extract_article(item[1], item[0]).text)


def bench_extract(paths: list[Path], workers: int) -> tuple[int, float]:
    items = list(payloads(paths))
    started = time.perf_counter()
    with get_context("forkserver").Pool(workers) as pool:
        count = sum(1 for _ in pool.imap_unordered(_extract, items, chunksize=8))
    return count, time.perf_counter() - started


def bench_ingest(paths: list[Path], seeds: Path, db: str | None, workers: int) -> tuple[int, float, object]:
    with tempfile.TemporaryDirectory() as scratch:
        with Archive(db, Path(scratch) / "archive", create=True) as archive:
            outlets = load_outlet_map([seeds], None, auto=True)
            started = time.perf_counter()
            summary = ingest(archive, paths, outlets, workers=workers)
            return summary.records, time.perf_counter() - started, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100, help="articles per outlet of the simulated web")
    parser.add_argument("--padding-kb", type=int, default=100, help="page padding (KB) to make pages realistic")
    parser.add_argument("--copies", type=int, default=3, help="records per page, under distinct URLs")
    parser.add_argument("--warcs", type=Path, help="use these WARC files (file or directory) instead")
    parser.add_argument("--seeds", type=Path, help="seed file for --warcs (default: the simulated web's)")
    parser.add_argument("--db", help="database URL for ingest (default: a fresh SQLite file; PostgreSQL must be empty)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        workdir = Path(scratch)
        seeds = args.seeds
        if args.warcs:
            paths = warc_files([args.warcs])
        else:
            pages, seed_toml = fetch_pages(args.articles, args.padding_kb)
            paths = write_warcs(workdir, pages, args.copies)
            if seeds is None:
                seeds = workdir / "seeds.toml"
                seeds.write_text(seed_toml, encoding="utf-8")
        if seeds is None:
            parser.error("--warcs needs --seeds (which outlets the records belong to)")
        size = sum(p.stat().st_size for p in paths)
        print(f"{len(paths)} WARC files, {size / 1e6:.1f} MB, {args.workers} workers on {os.cpu_count()} cores")
        n_warcio, t_warcio = bench_warcio(paths)
        n_extract, t_extract = bench_extract(paths, args.workers)
        n_ingest, t_ingest, summary = bench_ingest(paths, seeds, args.db, args.workers)
    rate_warcio, rate_extract, rate_ingest = n_warcio / t_warcio, n_extract / t_extract, n_ingest / t_ingest
    print(f"warcio   {n_warcio:6d} responses  {t_warcio:7.2f} s  {rate_warcio:8.1f} records/s  (ceiling)")
    print(f"extract  {n_extract:6d} pages      {t_extract:7.2f} s  {rate_extract:8.1f} records/s")
    print(f"ingest   {n_ingest:6d} records    {t_ingest:7.2f} s  {rate_ingest:8.1f} records/s  "
          f"(new {summary.new}, unchanged {summary.unchanged}, not article {summary.not_article})")
    print(f"ratio ingest/warcio  {rate_ingest / rate_warcio:.3f}")
    print(f"ratio ingest/extract {rate_ingest / rate_extract:.3f}")


if __name__ == "__main__":
    main()
