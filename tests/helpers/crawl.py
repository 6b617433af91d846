"""The one way the tests run crawls: ``scrapy`` in a real subprocess.

Scrapy's reactor cannot restart inside one process, and a subprocess is how
users run it anyway. :func:`run_crawl` and :func:`start_crawl` run the
project's ``news`` spider over a seed file, reaching the simulated news web
(``tests/newsweb``) as an HTTP proxy; :func:`run_probe_crawl` runs the small
probe spider (``tests/helpers/probe_spider.py``) outside the project, with only
the WARC middleware and download handler switched on.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent
PROBE_SPIDER = Path(__file__).with_name("probe_spider.py")

FAST_SETTINGS = {
    "ARCHIVE_ALLOW_PRIVATE_NETWORKS": "1",
    "AUTOTHROTTLE_ENABLED": "0",
    "DOWNLOAD_DELAY": "0",
    "SITEMAP_MAX_AGE_DAYS": "0",
    "EXTRACT_WORKERS": "2",
    "LOG_LEVEL": "INFO",
    "CLOSESPIDER_TIMEOUT": "240",
}


def crawl_env(proxy_url: str | None, db_url: str | None = None, extra: dict[str, str] | None = None) -> dict[str, str]:
    """This process's environment with only ``proxy_url`` as proxy and ``db_url`` as the archive database.

    ``extra`` adds variables (a fake clock: tests/helpers/clock.py).
    """
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "https_proxy", "no_proxy")}
    env.update(extra or {})
    if proxy_url:
        env["http_proxy"] = proxy_url
    env.pop("NEWSARCHIVE_DB_URL", None)
    if db_url:
        env["NEWSARCHIVE_DB_URL"] = db_url
    return env


def crawl_command(archive_dir: Path, seeds: Path | None, *, settings: dict[str, str] | None = None,
                  args: dict[str, str] | None = None) -> list[str]:
    """``scrapy crawl news`` over ``seeds`` into ``archive_dir``, with the fast test settings."""
    command = [sys.executable, "-m", "scrapy", "crawl", "news"]
    if seeds is not None:
        command += ["-a", f"seeds={seeds}"]
    for name, value in (args or {}).items():
        command += ["-a", f"{name}={value}"]
    for name, value in {**FAST_SETTINGS, "ARCHIVE_DIR": str(archive_dir), **(settings or {})}.items():
        command += ["-s", f"{name}={value}"]
    return command


def start_crawl(archive_dir: Path, seeds: Path | None, proxy_url: str | None, *, db_url: str | None = None,
                settings: dict[str, str] | None = None, args: dict[str, str] | None = None,
                env: dict[str, str] | None = None, **popen: Any) -> subprocess.Popen[str]:
    """Start the crawl :func:`run_crawl` runs, without waiting for it (stdout and stderr piped by default)."""
    options: dict[str, Any] = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True, **popen}
    return subprocess.Popen(crawl_command(archive_dir, seeds, settings=settings, args=args), cwd=ROOT,
                            env=crawl_env(proxy_url, db_url, env), **options)


def run_crawl(archive_dir: Path, seeds: Path | None, proxy_url: str | None, *, db_url: str | None = None,
              settings: dict[str, str] | None = None, args: dict[str, str] | None = None,
              timeout: float = 300, check: bool = True,
              env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``scrapy crawl news`` over ``seeds`` into ``archive_dir``; return the finished process."""
    result = subprocess.run(crawl_command(archive_dir, seeds, settings=settings, args=args), cwd=ROOT,
                            env=crawl_env(proxy_url, db_url, env), capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError(f"crawl exited {result.returncode}:\n{result.stderr[-6000:]}")
    return result


@dataclass
class ProbeResult:
    """What the probe spider saw: one line per callback, its close record, the log and the WARC folder."""

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


def run_probe_crawl(workdir: Path, base: str, *, settings: dict[str, str] | None = None,
                    **spider_args: str) -> ProbeResult:
    """Crawl the probe pages at ``base`` from ``workdir`` (outside the repo, so no project settings load)."""
    out = workdir / "seen.jsonl"
    archive = workdir / "archive"
    all_settings = {
        "ROBOTSTXT_OBEY": "False",
        "TELNETCONSOLE_ENABLED": "False",
        "REMOTE_CONTROL_ENABLED": "False",
        "ARCHIVE_DIR": str(archive),
        "DOWNLOADER_MIDDLEWARES": json.dumps({"crawler.middlewares.warc.WarcMiddleware": 880}),
        "DOWNLOAD_HANDLERS": json.dumps(
            {
                "http": "crawler.middlewares.warc_handler.WarcHttpDownloadHandler",
                "https": "crawler.middlewares.warc_handler.WarcHttpDownloadHandler",
            }
        ),
        "LOG_LEVEL": "INFO",
        "RETRY_ENABLED": "False",
        **(settings or {}),
    }
    command = [sys.executable, "-m", "scrapy", "runspider", str(PROBE_SPIDER), "-a", f"base={base}", "-a", f"out={out}"]
    for name, value in spider_args.items():
        command += ["-a", f"{name}={value}"]
    for name, value in all_settings.items():
        command += ["-s", f"{name}={value}"]
    env = {key: value for key, value in os.environ.items() if key != "SCRAPY_SETTINGS_MODULE"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    done = subprocess.run(command, cwd=workdir, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-4000:]
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    closed = [line for line in lines if line["kind"] == "closed"]
    assert len(closed) == 1, done.stderr[-4000:]
    return ProbeResult([line for line in lines if line["kind"] != "closed"], closed[0], done.stderr, archive / "warcs")


def warc_files(archive_dir: Path) -> list[Path]:
    return sorted((archive_dir / "warcs").glob("*.warc.gz"))


def tool(name: str) -> str:
    """A console script installed beside this interpreter (warcio, cdxj-indexer, …)."""
    return str(Path(sys.executable).parent / name)
