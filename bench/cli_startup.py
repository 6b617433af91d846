"""How long the ``newsarchive`` command takes to answer ``--help``, beside a bare Python start.

Run by hand from the repository root::

    .venv/bin/python bench/cli_startup.py [--runs 15]

Each contender runs in a fresh process ``--runs`` times, alternating, and the
median and p90 wall time are printed with every run, as is what the CLI costs
above starting Python and importing click.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent
CONTENDERS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "python -c 'import click'": [sys.executable, "-c", "import click"],
    "newsarchive --help": [str(BIN / "newsarchive"), "--help"],
    "newsarchive search --help": [str(BIN / "newsarchive"), "search", "--help"],
    "newsarchive export --help": [str(BIN / "newsarchive"), "export", "--help"],
}


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    times: dict[str, list[float]] = {name: [] for name in CONTENDERS}
    for _ in range(runs):
        for name, command in CONTENDERS.items():  # alternated, so a busy moment hits every contender
            times[name].append(timed(command))
    base = statistics.median(times["python -c 'import click'"])
    print(f"{'command':28} {'median ms':>10} {'p90 ms':>8} {'over click':>11}  every run (ms)")
    for name, values in times.items():
        ordered = sorted(values)
        p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
        median = statistics.median(values)
        print(f"{name:28} {median * 1000:10.0f} {p90 * 1000:8.0f} {(median - base) * 1000:+10.0f}  "
              + " ".join(f"{v * 1000:.0f}" for v in values))
    print("\ngoal: newsarchive --help well under 300 ms")


if __name__ == "__main__":
    main()
