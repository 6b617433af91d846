"""README "Development": the ``<!-- walkthrough -->`` block, run as written, shows versions and diffs.

The block's command lines run one by one in ``bash`` from the repository root,
for real: the evolving web as a server process (a line ending in ``&`` runs in
the background until the test ends), ``scrapy crawl`` twice, ``newsarchive``.
Only two things are substituted, so parallel runs do not collide: the
README's port (8080) becomes a free one, and its ``/tmp/newsweb…`` paths move
into the test's temporary folder. What the rounds changed comes from an
in-process twin of the README's web (same options, same seed).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers.cli import newsarchive
from tests.helpers.crawl import crawl_env
from tests.newsweb import NewsWeb
from tests.newsweb.__main__ import parse_args
from tests.newsweb.evolution import Round
from tests.test_readme import README, Block, command_lines, marked_blocks

ROOT = README.parent
WALKTHROUGH = re.compile(r"<!--\s*walkthrough\s*-->")
README_PORT = "8080"
README_TMP = "/tmp/newsweb"  # prefix of the README's seed file and archive folder


@dataclass
class Walk:
    """What running the walkthrough gave: each line's output, the server's stderr, the archive folder."""

    lines: list[str]  # the command lines as run (substituted)
    outputs: dict[str, subprocess.CompletedProcess[str]]  # by the line's program word, e.g. "changes"
    server_stderr: str
    archive_dir: Path
    round2: Round


def walkthrough_block() -> Block:
    blocks = marked_blocks(README.read_text(encoding="utf-8"), WALKTHROUGH)
    assert len(blocks) == 1, f"{README} needs exactly one <!-- walkthrough --> block, found {len(blocks)}"
    assert blocks[0].lang == "console", f"{blocks[0].where}: the walkthrough must be a console block"
    return blocks[0]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def substituted(lines: list[str], tmp: Path) -> list[str]:
    """The README's lines with its port and /tmp paths replaced (each must appear, or the test is stale)."""
    text = "\n".join(lines)
    replacements = {README_PORT: str(free_port()), README_TMP: str(tmp / "newsweb")}
    if not (ROOT / ".venv" / "bin").is_dir():  # tests run from another environment: use its programs
        replacements[".venv/bin/"] = f"{Path(sys.executable).parent}/"
    for old, new in replacements.items():
        assert old in text, f"the walkthrough no longer mentions {old!r}: update {__name__}"
        text = text.replace(old, new)
    return text.splitlines()


def twin_round2(server_line: str) -> Round:
    """Round 2 of a web built from the server line's own options."""
    words = shlex.split(server_line)
    options = words[words.index("tests.newsweb") + 1:]
    options = options[:next((i for i, w in enumerate(options) if w.startswith((">", "&"))), len(options))]
    args = parse_args(options)
    assert args.evolve, f"the walkthrough's web must run with --evolve: {server_line}"
    twin = NewsWeb(seed=args.seed, articles_per_outlet=args.articles, evolve=True)
    return [twin.evolution.next_round() for _ in range(2)][1]


def program_word(line: str) -> str:
    """Which step a line is: "newsweb", "crawl", or the newsarchive subcommand."""
    if "tests.newsweb" in line:
        return "newsweb"
    if "scrapy crawl" in line:
        return "crawl"
    words = shlex.split(line)
    named = [i for i, w in enumerate(words) if Path(w).name == "newsarchive"]
    assert named, f"unexpected walkthrough line: {line}"
    rest = [w for w in words[named[0] + 1:] if not w.startswith("-")]
    return rest[1] if words[named[0] + 1] == "--archive-dir" else rest[0]


@pytest.fixture(scope="module")
def walk(tmp_path_factory: pytest.TempPathFactory) -> Walk:
    tmp = tmp_path_factory.mktemp("walkthrough")
    lines = substituted(command_lines(walkthrough_block().code), tmp)
    env = crawl_env(None)
    env.pop("NEWSARCHIVE_ARCHIVE_DIR", None)
    server_log = tmp / "newsweb.stderr"
    background: list[subprocess.Popen] = []
    outputs: dict[str, subprocess.CompletedProcess[str]] = {}
    try:
        for line in lines:
            if line.endswith("&"):
                with server_log.open("w") as log:
                    background.append(subprocess.Popen(["bash", "-c", f"exec {line[:-1]}"], cwd=ROOT, env=env,
                                                       stderr=log, start_new_session=True))
                continue
            done = subprocess.run(["bash", "-c", line], cwd=ROOT, env=env, capture_output=True, text=True,
                                  timeout=600)
            assert done.returncode == 0, f"`{line}` exited {done.returncode}:\n{done.stderr[-3000:]}"
            outputs[program_word(line)] = done
    finally:
        for process in background:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
    [server] = [line for line in lines if line.endswith("&")]
    return Walk(lines, outputs, server_log.read_text(), tmp / "newsweb-versions", twin_round2(server))


def test_walkthrough_runs_three_commands_and_a_diff() -> None:
    lines = command_lines(walkthrough_block().code)
    assert [program_word(line) for line in lines] == ["newsweb", "crawl", "changes", "diff"]
    assert lines[1].startswith("for "), "the two crawls are one command"


def test_web_announces_the_originals_then_one_round_of_changes(walk: Walk) -> None:
    assert walk.server_stderr.splitlines() == [
        "round 1: the original articles", "round 2: edited 3 articles, removed 1, redirected 1"]


def test_changes_lists_the_edited_removed_and_moved_articles(walk: Walk) -> None:
    listed = walk.outputs["changes"].stdout
    changed = [edit.url for edit in walk.round2.edits] + list(walk.round2.removed)
    changed += [old for old, _ in walk.round2.redirected]
    for url in changed:
        assert url in listed, f"{url} missing from `changes`:\n{listed}"
    assert "removed (HTTP 404)" in listed and "moved →" in listed  # round 2 moves an article to a new URL of its outlet


def test_diff_of_the_listed_url_shows_its_edit(walk: Walk) -> None:
    [diff_line] = [line for line in walk.lines if program_word(line) == "diff"]
    url = shlex.split(diff_line)[-1]
    assert url in walk.outputs["changes"].stdout, "the README diffs a URL `changes` does not list"
    [edit] = [edit for edit in walk.round2.edits if edit.url == url]
    shown = walk.outputs["diff"].stdout
    assert "version 1 " in shown and "→ version 2 " in shown
    if edit.kind == "headline":
        assert "Title: " in shown and "{+" in shown
    else:
        assert "{+" + edit.text + "+}" in shown, shown


def test_removed_article_shows_as_removed_in_versions(walk: Walk) -> None:
    [removed] = walk.round2.removed
    result = newsarchive("--archive-dir", str(walk.archive_dir), "versions", removed, "--json")
    assert result.exit_code == 0, result.output
    states = [json.loads(line)["state"] for line in result.stdout.splitlines()]
    assert states == ["ok", "removed"]
