"""``python -m demo [--archive-dir archive] [--no-serve] [--port 8000]``: see the package's docstring.

``make demo`` runs it (``DEMO_ARGS`` adds options).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from demo.crawls import ROOT, crawl, crawl_environment
from demo.existing import Holds, held
from tests.newsweb import NewsWeb
from tests.newsweb.evolution import Evolution, Round

SEED = 0
RECHECKS = ("yes", "all")  # the second crawl re-checks every archived page, so it sees every edit


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m demo",
        description="Crawl the simulated news web twice, with edits between the crawls, into an archive, "
                    "then open the reading room on it. Offline: everything runs on 127.0.0.1.")
    parser.add_argument("--archive-dir", type=Path, default=Path("archive"),
                        help="the archive to build (default: archive); one that holds the demo already is served")
    parser.add_argument("--no-serve", action="store_true", help="stop after the crawls")
    parser.add_argument("--port", type=int, default=8000, help="the reading room's port (default: 8000)")
    return parser.parse_args(argv)


def build(archive_dir: Path) -> int:
    """Serve the simulated web and crawl it twice into ``archive_dir``; the first failed crawl's status, or 0."""
    web = NewsWeb(seed=SEED, front_pages=True)
    rounds = Evolution(web, on_round=announce)  # driven here, before each crawl, not by the web's traffic
    with web, tempfile.TemporaryDirectory(prefix="newsarchive-demo-") as scratch:
        seeds = Path(scratch) / "newsweb.toml"
        seeds.write_text(web.seed_toml(), encoding="utf-8")
        for recheck in RECHECKS:
            rounds.next_round()
            status = crawl(archive_dir, seeds, web.proxy_url, recheck)
            if status != 0:
                print(f"error: the demo crawl exited {status}; see its summary above", file=sys.stderr)
                return status
    return 0


def announce(round_: Round) -> None:
    print(f"demo: the simulated web, {round_.summary()}; crawling it", file=sys.stderr, flush=True)


def serve(archive_dir: Path, port: int) -> int:
    """The reading room on ``archive_dir`` until Ctrl-C."""
    command = [sys.executable, "-m", "storage.cli", "--archive-dir", str(archive_dir), "serve", "--port", str(port)]
    process = subprocess.Popen(command, cwd=ROOT, env=crawl_environment(None))
    try:
        return process.wait()
    except KeyboardInterrupt:  # the reading room had it too, and stops
        process.wait()
        return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    archive_dir = args.archive_dir.resolve()
    demo_outlets = {outlet.name for outlet in NewsWeb(seed=SEED).outlets}
    holds, names = held(archive_dir, demo_outlets)
    if holds is Holds.OTHER:
        print(f"error: {args.archive_dir} holds another archive ({', '.join(names[:3]) or 'WARC files'}…), and the "
              "demo would mix its simulated outlets into it; give it its own: make demo DEMO_ARGS='--archive-dir "
              "demo-archive'", file=sys.stderr)
        return 2
    if holds is Holds.DEMO:
        print(f"demo: {args.archive_dir} holds the demo already (remove it to build it again)", file=sys.stderr)
    else:
        status = build(archive_dir)
        if status != 0:
            return status
    where = "" if args.archive_dir == Path("archive") else f" --archive-dir {args.archive_dir}"
    print(f"demo: archive ready in {args.archive_dir}; try  .venv/bin/newsarchive{where} changes", file=sys.stderr)
    if args.no_serve:
        return 0
    print(f"demo: the reading room is at http://127.0.0.1:{args.port}/ (Ctrl-C stops it)", file=sys.stderr, flush=True)
    return serve(archive_dir, args.port)


if __name__ == "__main__":
    sys.exit(main())
