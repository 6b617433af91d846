"""The archive ``make demo`` builds, built the way it does: ``python -m demo --no-serve`` in a subprocess.

The README's examples run against it (tests/test_readme.py), as a reader who
ran ``make demo`` would run them: in a directory holding ``archive/`` and
``.venv`` (here a link to the virtualenv running the tests).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.helpers.crawl import ROOT, crawl_env


def demo_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "demo", *args]


def run_demo(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """``python -m demo ARGS`` from the repository root; the finished process."""
    return subprocess.run(demo_command(*args), cwd=ROOT, env=crawl_env(None), capture_output=True, text=True,
                          timeout=timeout)


def build_demo_site(root: Path) -> Path:
    """``root`` with ``archive/`` (the demo's archive) and ``.venv`` (this interpreter's virtualenv) in it."""
    done = run_demo("--no-serve", "--archive-dir", str(root / "archive"))
    if done.returncode != 0:
        raise AssertionError(f"python -m demo --no-serve exited {done.returncode}:\n{done.stderr[-6000:]}")
    venv = Path(sys.prefix)
    if not (venv / "bin" / "newsarchive").is_file():
        raise AssertionError(f"{venv} holds no bin/newsarchive: run the tests from the project's virtualenv")
    (root / ".venv").symlink_to(venv, target_is_directory=True)
    (root / "demo.stderr").write_text(done.stderr, encoding="utf-8")
    return root
