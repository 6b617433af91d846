"""False versions from in-article clutter, edits found and notes recognised, per language.

Each story of ``tests/newsweb/languages.py`` (21 languages) is rendered as an
HTML page, extracted (``extract_article``) and recorded in a scratch SQLite
archive (``Archive.record_capture``, the write path a crawl takes): once as
published, ``--rounds`` times with fresh clutter inside the article (a stamp, a
read-also line, a view counter, after a random paragraph), and once more with
the story's real edit and its note. A version added by a clutter round is a
false version.

``--rev REV`` measures the version rules of another commit instead (its tree is
taken with ``git archive`` into a temporary folder; the stories stay this
checkout's), so before and after print side by side:

    .venv/bin/python bench/clutter_languages.py [--rounds 5] [--rev main]
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import os
import random
import subprocess
import sys
import tarfile
import tempfile
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODE = Path(os.environ.get("CLUTTER_BENCH_CODE", ROOT))  # the tree whose rules are measured
sys.path.insert(0, str(CODE))

T0 = datetime(2024, 5, 1, 8, 0, tzinfo=timezone.utc)


def _stories():
    """tests/newsweb/languages.py of this checkout, whatever tree the rules come from."""
    spec = importlib.util.spec_from_file_location("clutter_bench_stories", ROOT / "tests/newsweb/languages.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _capture(url: str, at: datetime):
    from storage.versions.captures import CaptureInput, WarcPointer

    return CaptureInput(outlet="bench", url=url, fetched_url=url, fetched_at=at, status=200,
                        warc=WarcPointer("bench.warc.gz", 0, 1, f"<urn:uuid:{uuid.uuid4()}>"),
                        content_type="text/html; charset=utf-8", payload_digest=f"sha1:{uuid.uuid4().hex[:32]}")


def measure(rounds: int, seed: int) -> list[tuple[str, int, bool, str | None, str]]:
    """(language, false versions, edit found, note kind recognised, note kind written) per story."""
    from extract import extract_article
    from storage.archive import Archive

    stories = _stories()
    rows = []
    with tempfile.TemporaryDirectory() as folder, Archive(f"sqlite:///{folder}/bench.db", Path(folder),
                                                          create=True) as archive:
        archive.ensure_outlet("bench", ["bench.test"])
        for code, story in sorted(stories.STORIES.items()):
            rng, url = random.Random(f"{seed}-{code}"), f"http://bench.test/{code}/story.html"

            def record(step: int, paragraphs, lines) -> None:
                html = stories.page(story, paragraphs, lines, rng.randint(1, len(story.paragraphs) - 1))
                archive.record_capture(_capture(url, T0 + timedelta(hours=step)), extract_article(html, url))

            record(0, story.paragraphs, [])
            for step in range(1, rounds + 1):
                record(step, story.paragraphs, stories.clutter(story, rng))
            false_versions = len(archive.versions(url)) - 1
            record(rounds + 1, (*stories.edited(story), story.note), stories.clutter(story, rng))
            last = archive.versions(url)[-1]
            summary = last.change_summary or {}
            found = last.version == false_versions + 2 and summary.get("paragraphs_edited", 0) >= 1
            kinds = [n["kind"] for n in summary.get("notes", [])]
            rows.append((code, false_versions, found, kinds[0] if kinds else None, story.note_kind))
    return rows


def _run_at(rev: str, rounds: int, seed: int) -> int:
    """This script, measuring the rules of ``rev`` (its files unpacked in a temporary folder)."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], capture_output=True, check=True).stdout
    with tempfile.TemporaryDirectory(prefix="clutter-bench-") as folder:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(folder, filter="data")
        env = {**os.environ, "CLUTTER_BENCH_CODE": folder}
        command = [sys.executable, __file__, "--rounds", str(rounds), "--seed", str(seed)]
        return subprocess.run(command, env=env).returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="clutter captures per story (default 5)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rev", help="measure the rules of this git revision instead of the checkout's")
    options = parser.parse_args()
    if options.rev:
        sys.exit(_run_at(options.rev, options.rounds, options.seed))
    rows = measure(options.rounds, options.seed)
    print(f"rules of {CODE}; {options.rounds} clutter captures per story")
    print(f"{'lang':5} {'false':>5} {'rate':>6}  edit  note (written → recognised)")
    for code, false_versions, found, kind, written in rows:
        print(f"{code:5} {false_versions:>5} {false_versions / options.rounds:>6.0%}  {'yes' if found else 'NO':4}  "
              f"{written} → {kind or '-'}")
    captures = options.rounds * len(rows)
    false_total = sum(row[1] for row in rows)
    print(f"false versions: {false_total} of {captures} clutter captures ({false_total / captures:.1%}); "
          f"edits found: {sum(row[2] for row in rows)}/{len(rows)}; "
          f"notes recognised with their kind: {sum(row[3] == row[4] for row in rows)}/{len(rows)}")


if __name__ == "__main__":
    main()
