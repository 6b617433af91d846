"""The README must not lie: every example in it runs, as written, on the archive ``make demo`` builds.

An example is a fenced ```` ```console ````, ```` ```python ```` or
```` ```sql ```` block. They run in a folder like the clone after ``make
demo``: ``archive/`` is the demo's archive (the session's ``demo_site``) and
``.venv`` the virtualenv, and ``PATH`` holds no virtualenv, as in a fresh
shell (so a bare ``newsarchive`` fails, as it would for a reader).

* ``python`` blocks run as they are and must not raise.
* ``sql`` blocks run on the archive's SQLite file and must return a row.
* ``console`` blocks run line by line (``\\`` continuations joined); in a
  transcript, where lines start with ``$ ``, only those lines. Each must exit 0
  without a traceback. The program must be found as written, from that folder
  with that ``PATH``; ``newsarchive`` then runs in this process (click's
  runner: a second each saved on a start-up), any other program in ``bash``.

An HTML comment on the line before a block (blank lines between are allowed)
can say otherwise: ``<!-- readme-test: skip (REASON) -->`` for an example that
needs the network or runs until Ctrl-C, with the reason; ``<!-- walkthrough
-->`` for the one tests/test_newsweb_walkthrough.py runs. Skips are few
(:data:`MAX_SKIPPED`) and each names its reason.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers.cli import newsarchive

README = Path(__file__).resolve().parent.parent / "README.md"
FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})\s*(?P<lang>[\w+-]*)")
COMMENT = re.compile(r"<!--\s*(?P<body>.*?)\s*-->")
SKIP = re.compile(r"readme-test:\s*skip\s*\((?P<reason>[^)]+)\)")
WALKTHROUGH = re.compile(r"<!--\s*walkthrough\s*-->")
LANGUAGES = ("python", "console", "sql")
KNOWN_MARKS = ("", "test", "walkthrough")  # "test": the older convention, when only marked examples ran; now all do
ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
MAX_SKIPPED = 8  # the Quickstart's make, real crawls, servers that run until Ctrl-C, your own PostgreSQL: see README


@dataclass(frozen=True, slots=True)
class Block:
    lang: str
    code: str
    line: int  # 1-based line of the opening fence
    mark: str = ""  # the HTML comment on the line before, without <!-- -->

    @property
    def where(self) -> str:
        return f"README.md:{self.line}"

    @property
    def skip_reason(self) -> str | None:
        found = SKIP.fullmatch(self.mark)
        return found["reason"].strip() if found else None


def fenced_blocks(text: str) -> list[Block]:
    """Every fenced block of ``text``, in order, with the comment before it."""
    lines = text.splitlines()
    blocks: list[Block] = []
    number = 0
    while number < len(lines):
        opening = FENCE.match(lines[number])
        if opening is None:
            number += 1
            continue
        indent, fence = opening["indent"], opening["fence"]
        body: list[str] = []
        end = number + 1
        while end < len(lines) and not _closes(lines[end], fence):
            inner = lines[end]
            body.append(inner[len(indent):] if inner.startswith(indent) else inner.lstrip())
            end += 1
        if end == len(lines):
            raise AssertionError(f"README.md:{number + 1}: code block is never closed")
        before = number - 1
        while before >= 0 and not lines[before].strip():
            before -= 1
        comment = COMMENT.fullmatch(lines[before].strip()) if before >= 0 else None
        blocks.append(Block(opening["lang"].lower(), "\n".join(body) + "\n", number + 1,
                            comment["body"] if comment else ""))
        number = end + 1
    return blocks


def _closes(line: str, fence: str) -> bool:
    return line.strip().startswith(fence) and not line.strip().strip(fence[0])


def marked_blocks(text: str, mark: re.Pattern[str]) -> list[Block]:
    """The fenced blocks right after a comment that ``mark`` matches (e.g. ``<!-- walkthrough -->``)."""
    return [block for block in fenced_blocks(text) if block.mark and mark.fullmatch(f"<!-- {block.mark} -->")]


def examples(text: str) -> list[Block]:
    return [block for block in fenced_blocks(text) if block.lang in LANGUAGES]


def command_lines(code: str) -> list[str]:
    """Logical command lines of a console block: continuations joined, blanks dropped; a transcript's ``$`` lines."""
    joined = re.sub(r"\s*\\\n\s*", " ", code)
    lines = [line.strip() for line in joined.splitlines() if line.strip()]
    if any(line.startswith("$ ") for line in lines):
        return [line.removeprefix("$ ") for line in lines if line.startswith("$ ")]
    return lines


def _examples_or_none() -> list[Block | None]:
    found = examples(README.read_text(encoding="utf-8")) if README.is_file() else []
    return found or [None]  # a single None makes the test fail with the reason, never skip


def _runnable_or_none() -> list[Block | None]:
    """The examples this module runs: not those the README marks skipped (counted above), nor the walkthrough's."""
    return [b for b in _examples_or_none()
            if b is None or not (b.skip_reason or WALKTHROUGH.fullmatch(f"<!-- {b.mark} -->"))] or [None]


def shell_environment() -> dict[str, str]:
    """This environment as a fresh shell has it: no virtualenv on PATH or active, no archive chosen elsewhere."""
    venv_bins = {str(Path(sys.prefix) / "bin"), str(Path(sys.executable).parent)}
    env = {k: v for k, v in os.environ.items()
           if k not in ("VIRTUAL_ENV", "NEWSARCHIVE_DB_URL", "NEWSARCHIVE_ARCHIVE_DIR", "PYTHONPATH")}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p and p not in venv_bins)
    return env


def found_as_written(program: str, site: Path, env: dict[str, str]) -> bool:
    """Whether a shell in ``site`` with ``env`` finds ``program`` (a path, or a name on PATH)."""
    if "/" in program:
        return os.access(site / program, os.X_OK)
    return shutil.which(program, path=env["PATH"]) is not None


def run_line(line: str, site: Path, env: dict[str, str]) -> tuple[int, str]:
    """Exit status and output of one command line, run as :func:`run_console` says."""
    words = shlex.split(line, comments=True)
    assigned = {}
    while words and ASSIGNMENT.match(words[0]):
        name, _, value = words.pop(0).partition("=")
        assigned[name] = value
    if words and Path(words[0]).name == "newsarchive" and "$(" not in line and "|" not in line:
        if not found_as_written(words[0], site, env):
            return 127, f"bash: {words[0]}: command not found"
        result = newsarchive(*words[1:], env=assigned)
        return result.exit_code, result.output
    done = subprocess.run(["bash", "-c", line], cwd=site, env=env, capture_output=True, text=True, timeout=300)
    return done.returncode, done.stdout + done.stderr


def run_console(block: Block, site: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    env = shell_environment()
    monkeypatch.chdir(site)
    for name in ("NEWSARCHIVE_DB_URL", "NEWSARCHIVE_ARCHIVE_DIR"):
        monkeypatch.delenv(name, raising=False)
    ran = 0
    for line in command_lines(block.code):
        if line.startswith("#"):
            continue
        status, output = run_line(line, site, env)
        detail = f"{block.where}: `{line}` exited {status}: {output[-800:]}"
        assert status == 0, detail
        assert "Traceback" not in output, detail
        ran += 1
    return ran


def test_readme_has_examples_and_few_skips_each_with_its_reason() -> None:
    found = [b for b in _examples_or_none() if b is not None]
    assert found, f"{README} has no console, python or sql example"
    unknown = [f"{b.where} <!-- {b.mark} -->" for b in found if b.mark not in KNOWN_MARKS and b.skip_reason is None]
    assert not unknown, f"examples marked neither `readme-test: skip (REASON)` nor `walkthrough`: {unknown}"
    skipped = [b for b in found if b.skip_reason]
    assert len(skipped) <= MAX_SKIPPED, "more README examples skipped than the few that must be: " + ", ".join(
        f"{b.where} ({b.skip_reason})" for b in skipped)


@pytest.mark.parametrize("block", _runnable_or_none(), ids=lambda b: b.where if b else "none")
def test_readme_example_runs(block: Block | None, demo_site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert block is not None, f"{README} has no runnable example"
    if block.lang == "python":
        monkeypatch.chdir(demo_site)
        for name in ("NEWSARCHIVE_DB_URL", "NEWSARCHIVE_ARCHIVE_DIR"):
            monkeypatch.delenv(name, raising=False)
        exec(compile(block.code, block.where, "exec"), {"__name__": "__readme__"})  # noqa: S102
    elif block.lang == "sql":
        with sqlite3.connect(demo_site / "archive" / "archive.sqlite3") as connection:
            rows = connection.execute(block.code).fetchall()
        assert rows, f"{block.where}: the SQL example returns no row on the demo's archive"
    else:
        assert run_console(block, demo_site, monkeypatch), f"{block.where}: console example with no command"


def test_blocks_are_found_with_their_marks() -> None:
    text = "\n".join([
        "intro", "```python", "print(1)", "```",
        "<!-- readme-test: skip (needs the network) -->", "", "```console", "make crawl", "```",
        "- item", "  <!-- walkthrough -->", "  ```console", "  newsarchive stats \\", "      --json  # comment",
        "  ```",
        "```toml", "a = 1", "```",
    ])
    blocks = fenced_blocks(text)
    assert [(b.lang, b.line, b.mark) for b in blocks] == [
        ("python", 2, ""), ("console", 7, "readme-test: skip (needs the network)"), ("console", 12, "walkthrough"),
        ("toml", 16, "")]
    assert [b.skip_reason for b in blocks] == [None, "needs the network", None, None]
    assert [b.line for b in examples(text)] == [2, 7, 12]
    assert [b.line for b in marked_blocks(text, WALKTHROUGH)] == [12]
    assert command_lines(blocks[2].code) == ["newsarchive stats --json  # comment"]
    site = Path(sys.prefix).parent
    assert found_as_written(f"{Path(sys.prefix).name}/bin/python", site, {"PATH": ""})
    assert not found_as_written("newsarchive", site, {"PATH": ""})
    assert command_lines("$ newsarchive outlets\nOUTLET  PAGES\n$ newsarchive stats\n") == [
        "newsarchive outlets", "newsarchive stats"]
