"""What watches add to the record path: ``record_captures`` with 0 and with 1,000 watches, alternated.

On an archive filled beforehand (``bench/generate.py --raw``: a million
versions in a minute or ten), each round records the same kind of crawl work
through :meth:`storage.Archive.record_captures` in batches of 50 — new
articles, then re-captures of them of which some changed (a paragraph added,
sometimes a new title) — once with no watches and once with 1,000. The
watches are made from the generator's vocabulary: single words, pairs,
phrases, alternatives and exclusions, some limited to a few outlets, with mixed
events and one notification target each (so matches also write outbox rows;
nothing is sent). Rounds go in ABBA order so drift in the machine's speed
cancels out; every round is printed, then the medians and the ratio against
the goal (under 5% added). The time spent inside the watches' hook
(:func:`storage.search.alerts.on_batch`) is measured too.

    python bench/generate.py --raw --db sqlite:///bench.sqlite3 --versions 1000000
    nice python bench/watches.py --db sqlite:///bench.sqlite3 --rounds 6

Rows the rounds add stay in the archive (a few thousand versions per round).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import START, Vocabulary  # noqa: E402
from sqlalchemy import delete, func, select  # noqa: E402

from extract.article import Article  # noqa: E402
from storage.archive import Archive  # noqa: E402
from storage.db.models import Alert, AlertDelivery, Outlet, Version, Watch  # noqa: E402
from storage.search import alerts as alert_log  # noqa: E402
from storage.search import watches as watch_defs  # noqa: E402
from storage.versions.captures import CaptureInput, WarcPointer  # noqa: E402

BATCH = 50
RARE_FROM = 5000  # vocabulary rank: watches follow names and rare terms, not "council" or "said"
TARGET = "json://127.0.0.1:9/hook"  # never sent to: delivery is not the record path
EVENT_SETS = [["new", "appears"], list(watch_defs.EVENTS), ["headline", "correction"], ["changed", "removed"],
              ["appears", "disappears"]]


@dataclass(slots=True)
class Round:
    watches: int
    captures: int
    versions: int
    seconds: float
    cpu_seconds: float
    hook_seconds: float
    alerts: int

    @property
    def ms_per_capture(self) -> float:
        return 1000 * self.seconds / self.captures


def watch_specs(vocab: Vocabulary, outlets: list[str], count: int, rng: random.Random) -> list[dict]:
    """``count`` watches over the vocabulary's rarer words (as names and topics are), in every form of query."""
    def word() -> str:  # a name or rare term: in 0.2% to 1% of articles
        return vocab.words[rng.randrange(RARE_FROM, len(vocab.words))]

    forms = [
        lambda: word(),
        lambda: f"{word()} {word()}",
        lambda: f'"{word()} {word()}"',
        lambda: f"{word()} OR {word()}",
        lambda: f"{word()} -{word()}",
        lambda: f"({word()} OR {word()}) {word()}",
    ]
    specs = []
    for n in range(count):
        chosen = rng.sample(outlets, rng.randint(1, 3)) if rng.random() < 0.3 else []
        specs.append({"name": f"bench-{n:04d}", "query": rng.choice(forms)(), "outlets": chosen,
                      "events": rng.choice(EVENT_SETS), "targets": [TARGET]})
    return specs


def set_watches(archive: Archive, specs: list[dict]) -> None:
    """Replace every watch of the archive by ``specs`` (none: an archive without watches)."""
    def replace(session) -> None:
        session.execute(delete(AlertDelivery))
        session.execute(delete(Alert))
        session.execute(delete(Watch))
        for spec in specs:
            watch_defs.add(session, spec["name"], spec["query"], spec["outlets"], spec["events"], spec["targets"])

    archive.write(replace)


def workload(vocab: Vocabulary, outlets: list[str], pages: int, rng: random.Random) -> list[tuple[CaptureInput, Article]]:
    """New articles, then a re-capture of each: 30% changed (a paragraph added; a tenth of those a new title)."""
    items = []
    at = START + timedelta(days=400 + rng.randrange(10_000))
    fresh = []
    for _ in range(pages):
        outlet = rng.choice(outlets)
        url = f"https://{outlet}.bench.example/news/{uuid.uuid4().hex}"
        title, paragraphs = vocab.sentence().rstrip("."), vocab.article()
        fresh.append((outlet, url, title, paragraphs))
        items.append((capture(outlet, url, at), Article(text="\n\n".join(paragraphs), title=title)))
    for outlet, url, title, paragraphs in fresh:
        at += timedelta(minutes=1)
        if rng.random() < 0.3:
            paragraphs = [*paragraphs, vocab.paragraph()]
            title = vocab.sentence().rstrip(".") if rng.random() < 0.1 else title
        items.append((capture(outlet, url, at + timedelta(hours=6)), Article(text="\n\n".join(paragraphs), title=title)))
    return items


def capture(outlet: str, url: str, at) -> CaptureInput:
    return CaptureInput(outlet, url, url, at, 200, WarcPointer("bench.warc.gz", 0, 0, f"<urn:uuid:{uuid.uuid4()}>"))


class HookTimer:
    """Adds up the time spent in :func:`storage.search.alerts.on_batch` (the recorder calls it through the module)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.original = alert_log.on_batch

    def __enter__(self) -> HookTimer:
        def timed(session):
            started = time.perf_counter()
            try:
                return self.original(session)
            finally:
                self.seconds += time.perf_counter() - started

        alert_log.on_batch = timed
        return self

    def __exit__(self, *exc) -> None:
        alert_log.on_batch = self.original


def run_round(archive: Archive, items: list, watches: int) -> Round:
    alerts_before = archive.read(lambda s: s.scalar(select(func.count(Alert.id))))
    versions = 0
    with HookTimer() as hook:
        started, started_cpu = time.perf_counter(), time.process_time()
        for at in range(0, len(items), BATCH):
            outcomes = archive.record_captures(items[at:at + BATCH])
            versions += sum(o.value in ("new", "changed") for o in outcomes)
        seconds, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    alerts = archive.read(lambda s: s.scalar(select(func.count(Alert.id)))) - alerts_before
    return Round(watches, len(items), versions, seconds, cpu, hook.seconds, alerts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a filled archive (bench/generate.py --raw)")
    parser.add_argument("--watches", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=6, help="rounds of each kind (ABBA order)")
    parser.add_argument("--pages", type=int, default=300, help="new articles per round (each re-captured once)")
    parser.add_argument("--seed", type=int, default=1, help="the --seed the archive was generated with")
    args = parser.parse_args()
    rng = random.Random(19)
    vocab = Vocabulary(random.Random(args.seed))  # the generator's words
    vocab.rng = rng
    with Archive(args.db, tempfile.mkdtemp()) as archive:
        versions = archive.read(lambda s: s.scalar(select(func.count(Version.id))))
        outlets = archive.read(lambda s: list(s.scalars(select(Outlet.name).where(Outlet.name.like("outlet-%")))))
        print(f"[{archive.backend}] {versions} versions, {len(outlets)} outlets; "
              f"{args.rounds} rounds each of 0 and {args.watches} watches, {2 * args.pages} captures per round")
        specs = watch_specs(vocab, outlets, args.watches, rng)
        order = [(0, args.watches, args.watches, 0)[n % 4] for n in range(2 * args.rounds)]
        results: list[Round] = []
        for number, watches in enumerate(order, 1):
            set_watches(archive, specs[:watches])
            run_round(archive, workload(vocab, outlets, 10, rng), watches)  # warm-up: compile the watch set
            result = run_round(archive, workload(vocab, outlets, args.pages, rng), watches)
            results.append(result)
            print(f"round {number:2d}: {watches:4d} watches  {result.captures} captures, {result.versions} versions "
                  f"in {result.seconds:6.2f} s = {result.ms_per_capture:6.3f} ms/capture (CPU {result.cpu_seconds:6.2f} s); "
                  f"hook {1000 * result.hook_seconds / result.captures:6.3f} ms/capture; {result.alerts} alerts",
                  flush=True)
        set_watches(archive, [])
    report(results, args.watches)


def report(results: list[Round], watches: int) -> None:
    def median(kind: int, value) -> float:
        return statistics.median(value(r) for r in results if r.watches == kind)

    base, loaded = median(0, lambda r: r.ms_per_capture), median(watches, lambda r: r.ms_per_capture)
    base_cpu = median(0, lambda r: r.cpu_seconds / r.captures * 1000)
    loaded_cpu = median(watches, lambda r: r.cpu_seconds / r.captures * 1000)
    hook = median(watches, lambda r: r.hook_seconds / r.captures * 1000)
    hook_empty = median(0, lambda r: r.hook_seconds / r.captures * 1000)
    print(f"median wall: {base:.3f} ms/capture with 0 watches, {loaded:.3f} with {watches}: "
          f"{100 * (loaded / base - 1):+.1f}% (goal: under +5%)")
    print(f"median CPU:  {base_cpu:.3f} ms/capture with 0 watches, {loaded_cpu:.3f} with {watches}: "
          f"{100 * (loaded_cpu / base_cpu - 1):+.1f}%")
    print(f"median time in the watches' hook: {hook_empty:.3f} ms/capture with 0 watches, {hook:.3f} with {watches} "
          f"({100 * hook / base:.1f}% of the record path without watches)")


if __name__ == "__main__":
    main()
