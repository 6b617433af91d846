"""Rendered against static pages: pages per second, peak memory, milliseconds per render, bytes per screenshot.

Serves the scripted outlets (tests/newsweb/scripted.py) with ``--articles``
pages each and crawls, in alternating rounds:

  static    the plain outlet (text in its HTML) with ``render = "static"``: Scrapy's HTTP client alone
  rendered  the same outlet with ``render = "browser"``: every page through Debian's Chromium,
            every exchange, the DOM, a screenshot and its layout into the WARC
  api       the API-text outlet (text fetched by script) with ``render = "browser"``
  shots     the plain outlet with ``render = "static"`` and ``screenshots = "versions"``: fetched by
            Scrapy, and every new version (here: every page) rendered once more for its screenshot alone

Each run is a fresh ``scrapy crawl news`` (with its one-off costs: Scrapy, the
database, Playwright and the browser starting), its process tree's RSS polled
(bench/crawl.py's ``run_measured``, Chromium's processes included). Every run
is printed, then medians and the ratios to static (``ms/render`` of shots: each
extra screenshot render; ``KB/page``: WARC bytes written per page). Run:

    .venv/bin/python bench/browser.py                      # 40 pages an outlet, 3 rounds
    .venv/bin/python bench/browser.py --articles 10 --rounds 1
    .venv/bin/python bench/browser.py --only static,shots  # screenshots of static versions against none
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from crawl import _stat, run_measured  # noqa: E402  (bench/crawl.py)

from tests.helpers.crawl import crawl_command, crawl_env  # noqa: E402
from tests.newsweb.scripted import ScriptedWeb  # noqa: E402

# name: (outlet, render, screenshots)
CONTENDERS = {"static": ("plain", "static", None), "rendered": ("plain", "browser", None),
              "api": ("apitext", "browser", None), "shots": ("plain", "static", "versions")}


@dataclass
class Run:
    name: str
    pages: int
    seconds: float  # the crawl's own elapsed time (Scrapy's), start-up excluded
    wall: float  # the whole command
    peak_rss: int
    render_ms: float | None
    screenshot_bytes: float | None
    warc_bytes: int

    @property
    def rate(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0


def crawl(web: ScriptedWeb, workdir: Path, name: str, settings: dict[str, str]) -> Run:
    outlet, render, screenshots = CONTENDERS[name]
    seeds = workdir / f"{name}.toml"
    seeds.write_text(web.seed_toml({outlet: render}, only=(outlet,),
                                   screenshots={outlet: screenshots} if screenshots else None), encoding="utf-8")
    archive = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=workdir))
    log = archive / "crawl.log"
    env = crawl_env(web.proxy_url)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    measured = run_measured(crawl_command(archive / "archive", seeds, settings=settings), ROOT, env, log)
    if measured.status != 0:
        raise SystemExit(f"error: the {name} crawl exited {measured.status}; see {log}")
    text = log.read_text(encoding="utf-8", errors="replace")
    elapsed = float(next(line.split(":")[-1].strip(" ,") for line in text.splitlines()
                         if "'elapsed_time_seconds':" in line))
    rendered = _stat(log, "browser/pages", 0)
    shots = _stat(log, "browser/screenshots", 0)
    return Run(name, _stat(log, "pages/fetched", 0), elapsed, measured.seconds, measured.peak_rss,
               _stat(log, "browser/render_ms", 0) / rendered if rendered else None,
               _stat(log, "browser/screenshot_bytes", 0) / shots if shots else None,
               _stat(log, "warc/bytes_written", 0))


def show(run: Run) -> None:
    render = f"{run.render_ms:.0f}" if run.render_ms is not None else "-"
    shot = f"{run.screenshot_bytes / 1024:.1f}" if run.screenshot_bytes is not None else "-"
    print(f"{run.name:<9} {run.pages:>6} {run.seconds:>8.1f} {run.wall:>8.1f} {run.rate:>8.2f} "
          f"{run.peak_rss / 2**20:>9.0f} {render:>10} {shot:>12} {run.warc_bytes / max(run.pages, 1) / 1024:>8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=40, help="pages per outlet (default 40)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds (default 3)")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--only", default=",".join(CONTENDERS),
                        help=f"contenders, comma-separated, static first (default {','.join(CONTENDERS)})")
    args = parser.parse_args()
    names = [name.strip() for name in args.only.split(",") if name.strip()]
    if names[:1] != ["static"] or any(name not in CONTENDERS for name in names):
        raise SystemExit(f"error: --only {args.only}: name contenders among {', '.join(CONTENDERS)}, static first")
    settings = {"ARCHIVE_ALLOW_PRIVATE_NETWORKS": "1", "AUTOTHROTTLE_ENABLED": "0", "DOWNLOAD_DELAY": "0",
                "LOG_LEVEL": "INFO", "BROWSER_EXECUTABLE": args.chromium, "CLOSESPIDER_TIMEOUT": "1800"}
    runs: dict[str, list[Run]] = {name: [] for name in names}
    print(f"{'run':<9} {'pages':>6} {'crawl s':>8} {'wall s':>8} {'pages/s':>8} {'peak MB':>9} "
          f"{'ms/render':>10} {'KB/screenshot':>12} {'KB/page':>8}")
    with ScriptedWeb(articles=args.articles) as web, tempfile.TemporaryDirectory(prefix="bench-browser-") as tmp:
        for _ in range(args.rounds):
            for name in names:
                run = crawl(web, Path(tmp), name, settings)
                runs[name].append(run)
                show(run)
    print("\nmedians")
    medians = {name: (statistics.median(r.rate for r in done), statistics.median(r.peak_rss for r in done))
               for name, done in runs.items()}
    for name, (rate, rss) in medians.items():
        renders = [r.render_ms for r in runs[name] if r.render_ms is not None]
        shots = [r.screenshot_bytes for r in runs[name] if r.screenshot_bytes is not None]
        extra = (f", {statistics.median(renders):.0f} ms per render, "
                 f"{statistics.median(shots) / 1024:.1f} KB per screenshot") if renders and shots else ""
        warc = statistics.median(r.warc_bytes / max(r.pages, 1) for r in runs[name])
        print(f"  {name:<9} {rate:.2f} pages/s, peak {rss / 2**20:.0f} MB, {warc / 1024:.1f} KB of WARC a page{extra}")
    static_rate, static_rss = medians["static"]
    for name in names[1:]:
        rate, rss = medians[name]
        print(f"  {name}/static: {rate / static_rate:.2f}x the pages per second, {rss / static_rss:.2f}x the peak memory")


if __name__ == "__main__":
    main()
