"""Run the simulated news web by hand: ``python -m tests.newsweb [--port 8080] [--articles N] [--evolve] [--front-pages]``.

Prints how to crawl it and, with ``--seeds-out FILE``, writes the seed file it
prints. With ``--evolve`` the articles change between crawls, one line on
stderr per round (tests/newsweb/evolution.py); with ``--front-pages`` the home
pages reorder and reword their links every crawl (tests/newsweb/frontpages.py).
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

from tests.newsweb.evolution import DEFAULT_QUIET_SECONDS, Round
from tests.newsweb.frontpages import FrontPageRounds
from tests.newsweb.web import NewsWeb

logger = logging.getLogger(__name__)


def positive_seconds(text: str) -> float:
    """An argparse type: a number of seconds above zero."""
    try:
        seconds = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not seconds > 0:
        raise argparse.ArgumentTypeError(f"must be above 0, not {text}")
    return seconds


def print_round(round_: Round) -> None:
    """Say on stderr what a round of --evolve changed."""
    print(round_.summary(), file=sys.stderr, flush=True)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tests.newsweb",
        description="Serve the simulated news web.",
        epilog="With --evolve, the first request after --quiet-seconds without any begins a new crawl. The first "
        "crawl sees the original articles; at the start of each later one the web edits three articles (a new "
        "paragraph, a changed headline, a correction note), takes one down (404) and moves one to a new address "
        "(301), the same ones for the same --seed, and prints one line to stderr, e.g. "
        "'round 2: edited 3 articles, removed 1, redirected 1'. A crawl sees the changes when it re-checks the "
        "archived pages: scrapy crawl news -a recheck=all.",
    )
    parser.add_argument("--port", type=int, default=8080, help="port on 127.0.0.1 (0: any free port)")
    parser.add_argument("--articles", type=int, default=6, help="articles per outlet")
    parser.add_argument("--seed", type=int, default=0, help="content seed")
    parser.add_argument("--padding-kb", type=int, default=0, help="pad article pages to about this many KB")
    parser.add_argument("--faults", action="store_true", help="also serve the misbehaving host faulty.test")
    parser.add_argument("--seeds-out", type=Path, help="write the seed file here")
    parser.add_argument("--front-pages", action="store_true",
                        help="reorder and reword the home pages' links at the start of every crawl")
    parser.add_argument(
        "--evolve", action="store_true", help="change some articles at the start of every crawl after the first"
    )
    parser.add_argument(
        "--quiet-seconds",
        type=positive_seconds,
        default=DEFAULT_QUIET_SECONDS,
        help="with --evolve: a request after this many seconds without any begins a new crawl "
        f"(default {DEFAULT_QUIET_SECONDS:g})",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    web = NewsWeb(
        seed=args.seed,
        articles_per_outlet=args.articles,
        page_padding_kb=args.padding_kb,
        faults=args.faults,
        evolve=args.evolve,
        quiet_seconds=args.quiet_seconds,
        on_round=print_round,
        front_pages=args.front_pages,
    )
    if args.front_pages and not args.evolve:  # no --evolve rounds to follow: a quiet spell begins the next crawl
        web.front_rounds = FrontPageRounds(args.quiet_seconds)
    try:
        web.start(args.port)
    except OSError as error:
        print(f"error: cannot listen on 127.0.0.1:{args.port} ({error.strerror}); try another --port", file=sys.stderr)
        return 1
    seeds = web.seed_toml()
    seeds_file = "FILE"
    if args.seeds_out:
        try:
            args.seeds_out.write_text(seeds, encoding="utf-8")
        except OSError as error:
            print(f"error: cannot write {args.seeds_out} ({error.strerror}); pick another --seeds-out", file=sys.stderr)
            web.stop()
            return 1
        seeds_file = str(args.seeds_out)
    print(seeds)
    print(f"# newsweb serving {len(web.article_urls())} articles on {web.proxy_url}")
    print(
        f"# crawl it:  http_proxy={web.proxy_url} scrapy crawl news -a seeds={seeds_file} "
        "-s ARCHIVE_ALLOW_PRIVATE_NETWORKS=1"
    )
    print(f"# look at it: curl -x {web.proxy_url} http://{web.outlets[0].host}/")
    if args.evolve:
        print(f"# evolving: articles change when a crawl begins after {args.quiet_seconds:g} s without requests; "
              "crawl with -a recheck=all to see them")
    print("# Ctrl-C to stop", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        web.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
