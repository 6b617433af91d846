"""Run the probe spider in a real Scrapy subprocess with the WARC writer on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SPIDER = Path(__file__).with_name("spider.py")


@dataclass
class CrawlResult:
    lines: list[dict]
    closed: dict
    log: str
    warcs_dir: Path

    def by_kind(self, kind: str) -> list[dict]:
        return [line for line in self.lines if line["kind"] == kind]

    def by_path(self, path: str) -> dict:
        matches = [line for line in self.lines if line["url"].split("/", 3)[3] == path]
        assert len(matches) == 1, (path, matches)
        return matches[0]


def run_crawl(workdir: Path, base: str, *, settings: dict[str, str] | None = None, **spider_args: str) -> CrawlResult:
    """Crawl ``base`` from ``workdir`` (outside the repo, so no project settings load)."""
    out = workdir / "seen.jsonl"
    archive = workdir / "archive"
    all_settings = {
        "ROBOTSTXT_OBEY": "False",
        "TELNETCONSOLE_ENABLED": "False",
        "REMOTE_CONTROL_ENABLED": "False",
        "ARCHIVE_DIR": str(archive),
        "DOWNLOADER_MIDDLEWARES": json.dumps({"crawler.warc.middleware.WarcMiddleware": 880}),
        "DOWNLOAD_HANDLERS": json.dumps(
            {
                "http": "crawler.warc.handler.WarcHttpDownloadHandler",
                "https": "crawler.warc.handler.WarcHttpDownloadHandler",
            }
        ),
        "LOG_LEVEL": "INFO",
        "RETRY_ENABLED": "False",
        **(settings or {}),
    }
    command = [sys.executable, "-m", "scrapy", "runspider", str(SPIDER), "-a", f"base={base}", "-a", f"out={out}"]
    for name, value in spider_args.items():
        command += ["-a", f"{name}={value}"]
    for name, value in all_settings.items():
        command += ["-s", f"{name}={value}"]
    env = {key: value for key, value in os.environ.items() if key != "SCRAPY_SETTINGS_MODULE"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    done = subprocess.run(command, cwd=workdir, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-4000:]
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    closed = [line for line in lines if line["kind"] == "closed"]
    assert len(closed) == 1, done.stderr[-4000:]
    return CrawlResult([line for line in lines if line["kind"] != "closed"], closed[0], done.stderr, archive / "warcs")
