"""bench/clutter_languages.py measures what it says: on this checkout's rules, no false version, every edit
and note found; on a tree without the multilingual rules (``--rev``), the clutter shows."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bench import clutter_languages

ROOT = Path(__file__).resolve().parents[2]


def test_this_checkout_has_no_false_version_and_finds_every_edit_and_note() -> None:
    rows = clutter_languages.measure(rounds=2, seed=1)
    assert len(rows) >= 15
    assert [(code, false) for code, false, *_ in rows if false] == []
    assert all(found and kind == written for _, _, found, kind, written in rows)


BEFORE = "685e744"  # the last commit before the multilingual rules


def test_an_older_revision_is_measured_from_its_own_tree() -> None:
    if subprocess.run(["git", "-C", str(ROOT), "cat-file", "-e", BEFORE], capture_output=True).returncode:
        pytest.skip(f"{BEFORE} is not in this clone's history")
    printed = subprocess.run([sys.executable, str(ROOT / "bench/clutter_languages.py"), "--rounds", "1",
                              "--rev", BEFORE], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    assert "rules of" in printed and "/clutter-bench-" in printed
    assert "false versions: 21 of 21 clutter captures" in printed
    assert "notes recognised with their kind: 0/21" in printed
