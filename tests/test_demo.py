"""``make demo``: the simulated news web crawled twice with edits between, then the reading room (issue 36).

The archive is the session's ``demo_site`` (``python -m demo --no-serve``, as
``make demo DEMO_ARGS=--no-serve`` runs it); what the second crawl should have
seen comes from a twin of the demo's web, changed by the same round.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

from demo.__main__ import SEED
from storage.archive import Archive
from tests.helpers.cli import newsarchive
from tests.helpers.crawl import ROOT, crawl_env
from tests.helpers.demo import demo_command, run_demo
from tests.newsweb import NewsWeb
from tests.newsweb.evolution import Evolution, Round


def twin_round2() -> tuple[Round, list[str]]:
    """The demo web's second round and every article URL it served first."""
    web = NewsWeb(seed=SEED, front_pages=True)
    originals = web.article_urls()
    evolution = Evolution(web)
    return [evolution.next_round() for _ in range(2)][1], originals


def states(archive_dir: Path, url: str) -> list[str]:
    shown = newsarchive("--archive-dir", str(archive_dir), "versions", url, "--json")
    assert shown.exit_code == 0, shown.output
    return [json.loads(line)["state"] for line in shown.stdout.splitlines()]


def test_make_demo_runs_the_demo_with_its_arguments() -> None:
    # --no-print-directory: under `make test` this make is a sub-make, which would name its directory
    planned = subprocess.run(["make", "--no-print-directory", "-n", "demo", "DEMO_ARGS=--no-serve"], cwd=ROOT,
                             capture_output=True, text=True)
    assert planned.returncode == 0, planned.stderr
    assert planned.stdout.splitlines()[-1].endswith("/python -m demo --no-serve"), planned.stdout


def test_demo_crawls_twice_and_edited_articles_have_two_versions(demo_site: Path) -> None:
    archive_dir = demo_site / "archive"
    round2, originals = twin_round2()
    edited = {edit.url for edit in round2.edits}
    assert len(edited) == 3
    for url in edited:
        assert states(archive_dir, url) == ["ok", "ok"], url
    [removed] = round2.removed
    assert states(archive_dir, removed) == ["ok", "removed"]
    changed = edited | set(round2.removed) | {old for old, _ in round2.redirected}
    untouched = [url for url in originals if url not in changed]
    assert untouched and all(states(archive_dir, url) == ["ok"] for url in untouched)
    told = (demo_site / "demo.stderr").read_text()
    assert "round 2: edited 3 articles, removed 1, redirected 1" in told


def test_a_demo_archive_is_served_as_it_is_until_ctrl_c(demo_site: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    archive = demo_site / "archive"
    before = sorted(p.name for p in (archive / "warcs").iterdir())
    process = subprocess.Popen(demo_command("--archive-dir", str(archive), "--port", str(port)), cwd=ROOT,
                               env=crawl_env(None), stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        page = ""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not page:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/outlet/daily-courier", timeout=5) as response:
                    page = response.read().decode()
            except OSError:
                time.sleep(0.3)
        assert "daily-courier" in page
    finally:
        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C on a terminal: the whole foreground group
        _, stderr = process.communicate(timeout=30)
    assert "holds the demo already" in stderr
    assert f"http://127.0.0.1:{port}/" in stderr
    assert "Traceback" not in stderr
    assert sorted(p.name for p in (archive / "warcs").iterdir()) == before  # nothing crawled again


def test_the_demo_will_not_write_into_an_archive_of_other_outlets(tmp_path: Path) -> None:
    with Archive(archive_dir=tmp_path / "archive", create=True) as archive:
        archive.ensure_outlet("guardian", ["theguardian.com"])
    done = run_demo("--no-serve", "--archive-dir", str(tmp_path / "archive"))
    assert done.returncode == 2
    [line] = done.stderr.splitlines()
    assert line.startswith(f"error: {tmp_path / 'archive'} holds another archive (guardian…)")
    assert not (tmp_path / "archive" / "warcs").exists()
