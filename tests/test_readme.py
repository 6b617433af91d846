"""The README must not lie: its examples marked for testing run against a real archive.

Convention: an HTML comment ``<!-- test -->`` on the line before a fenced code
block (blank lines between are allowed) marks the block.

* ```` ```python ```` blocks run as they are, in a directory whose ``archive/``
  holds a crawl of the simulated news web (``Archive(archive_dir="archive")``
  finds it); they must not raise.
* ```` ```sql ```` blocks run on that archive's SQLite file with Python's
  ``sqlite3`` and must return at least one row.
* ```` ```console ```` blocks hold ``newsarchive …`` command lines (also as
  ``.venv/bin/newsarchive``, with ``VAR=value`` prefixes, ``\\`` continuations and
  ``# comments``), run in that same directory; each must exit 0 without a
  traceback. Any other program in a marked block fails the test: unmark it.

A README without any marked block fails: the examples would go unchecked.
"""

from __future__ import annotations

import re
import shlex
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers.cli import newsarchive
from tests.helpers.crawl import run_crawl
from tests.newsweb import NewsWeb

README = Path(__file__).resolve().parent.parent / "README.md"
MARK = re.compile(r"<!--\s*test\s*-->")
FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})\s*(?P<lang>[\w+-]*)")
LANGUAGES = ("python", "console", "sql")
ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


@dataclass(frozen=True, slots=True)
class Block:
    lang: str
    code: str
    line: int  # 1-based line of the opening fence

    @property
    def where(self) -> str:
        return f"README.md:{self.line}"


def marked_blocks(text: str, mark: re.Pattern[str] = MARK) -> list[Block]:
    """The fenced blocks that follow a ``<!-- test -->`` comment (or another ``mark``), in order."""
    lines = text.splitlines()
    blocks: list[Block] = []
    for number, line in enumerate(lines):
        if not mark.fullmatch(line.strip()):
            continue
        start = number + 1
        while start < len(lines) and not lines[start].strip():
            start += 1
        opening = FENCE.match(lines[start]) if start < len(lines) else None
        if opening is None:
            raise AssertionError(f"README.md:{number + 1}: {line.strip()} must be followed by a fenced code block")
        indent, fence = opening["indent"], opening["fence"]
        body: list[str] = []
        for inner in lines[start + 1 :]:
            if inner.strip().startswith(fence) and not inner.strip().strip(fence[0]):
                break
            body.append(inner[len(indent) :] if inner.startswith(indent) else inner.lstrip())
        else:
            raise AssertionError(f"README.md:{start + 1}: code block is never closed")
        blocks.append(Block(opening["lang"].lower(), "\n".join(body) + "\n", start + 1))
    return blocks


def _blocks_or_none() -> list[Block | None]:
    blocks = marked_blocks(README.read_text(encoding="utf-8")) if README.is_file() else []
    return blocks or [None]  # a single None makes the test fail with the reason, never skip


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory holding ``archive/``: the simulated news web, crawled once."""
    root = tmp_path_factory.mktemp("readme")
    with NewsWeb(seed=11) as web:
        seeds = root / "seeds.toml"
        seeds.write_text(web.seed_toml(), encoding="utf-8")
        run_crawl(root / "archive", seeds, web.proxy_url)
    return root


def command_lines(code: str) -> list[str]:
    """Logical command lines of a console block: continuations joined, blanks dropped."""
    joined = re.sub(r"\\\n\s*", " ", code)
    return [line.strip().removeprefix("$ ") for line in joined.splitlines() if line.strip()]


def newsarchive_args(line: str, where: str) -> tuple[dict[str, str], list[str]]:
    """(environment, arguments) of one ``newsarchive`` command line."""
    words = shlex.split(line, comments=True)
    env: dict[str, str] = {}
    while words and ASSIGNMENT.match(words[0]):
        name, _, value = words.pop(0).partition("=")
        env[name] = value
    if not words:
        return env, []
    if Path(words[0]).name != "newsarchive":
        raise AssertionError(
            f"{where}: marked console block runs {words[0]!r}: only newsarchive commands are tested; "
            "remove the <!-- test --> mark or the line"
        )
    return env, words[1:]


def test_readme_marks_examples_for_testing() -> None:
    blocks = [b for b in _blocks_or_none() if b is not None]
    assert blocks, f"{README} has no fenced block marked <!-- test -->: its examples go unchecked"
    unknown = [f"{b.where} ({b.lang or 'no language'})" for b in blocks if b.lang not in LANGUAGES]
    assert not unknown, f"marked blocks must be python, console or sql: {', '.join(unknown)}"


@pytest.mark.parametrize("block", _blocks_or_none(), ids=lambda b: b.where if b else "none")
def test_readme_example_runs(
    block: Block | None, site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert block is not None, f"{README} has no fenced block marked <!-- test -->"
    monkeypatch.chdir(site)
    for name in ("NEWSARCHIVE_DB_URL", "NEWSARCHIVE_ARCHIVE_DIR"):
        monkeypatch.delenv(name, raising=False)
    if block.lang == "python":
        exec(compile(block.code, block.where, "exec"), {"__name__": "__readme__"})  # noqa: S102
        return
    if block.lang == "sql":
        with sqlite3.connect(site / "archive" / "archive.sqlite3") as connection:
            rows = connection.execute(block.code).fetchall()
        assert rows, f"{block.where}: the SQL example returns no row on a crawled archive"
        return
    if block.lang != "console":
        pytest.fail(f"{block.where}: cannot run a marked {block.lang!r} block (mark python or console blocks)")
    ran = 0
    for line in command_lines(block.code):
        env, args = newsarchive_args(line, block.where)
        if not args and not env:
            continue
        result = newsarchive(*args, env=env)
        detail = f"{block.where}: `{line}` exited {result.exit_code}: {result.output[-800:]}"
        assert result.exit_code == 0, detail
        assert "Traceback" not in result.output, detail
        ran += 1
    assert ran, f"{block.where}: marked console block has no newsarchive command"


def test_marked_blocks_are_found_as_written() -> None:
    text = "\n".join([
        "intro", "<!-- test -->", "", "```python", "print(1)", "```",
        "```python", "not marked", "```",
        "- item", "  <!-- test -->", "  ```console", "  newsarchive stats \\", "      --json  # comment", "  ```",
    ])
    blocks = marked_blocks(text)
    assert [(b.lang, b.line) for b in blocks] == [("python", 4), ("console", 12)]
    assert blocks[0].code == "print(1)\n"
    [line] = command_lines(blocks[1].code)
    assert newsarchive_args(line, "x") == ({}, ["stats", "--json"])
    assert newsarchive_args("NEWSARCHIVE_DB_URL=sqlite:///a.db .venv/bin/newsarchive outlets", "x") == (
        {"NEWSARCHIVE_DB_URL": "sqlite:///a.db"}, ["outlets"])
    with pytest.raises(AssertionError, match="only newsarchive commands"):
        newsarchive_args("make test", "x")
