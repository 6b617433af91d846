"""Running real crawls in the tests: ``scrapy crawl news`` in a subprocess.

Scrapy's reactor cannot restart inside one process, and a subprocess is how
users run it anyway. The simulated news web is reached as an HTTP proxy.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

FAST_SETTINGS = {
    "ARCHIVE_ALLOW_PRIVATE_NETWORKS": "1",
    "AUTOTHROTTLE_ENABLED": "0",
    "DOWNLOAD_DELAY": "0",
    "SITEMAP_MAX_AGE_DAYS": "0",
    "EXTRACT_WORKERS": "2",
    "LOG_LEVEL": "INFO",
    "CLOSESPIDER_TIMEOUT": "240",
}


def crawl_env(proxy_url: str | None, db_url: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "https_proxy", "no_proxy")}
    if proxy_url:
        env["http_proxy"] = proxy_url
    env.pop("NEWSARCHIVE_DB_URL", None)
    if db_url:
        env["NEWSARCHIVE_DB_URL"] = db_url
    return env


def run_crawl(archive_dir: Path, seeds: Path, proxy_url: str | None, *, db_url: str | None = None,
              settings: dict[str, str] | None = None, args: dict[str, str] | None = None,
              timeout: float = 300, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run ``scrapy crawl news`` over ``seeds`` into ``archive_dir``; return the finished process."""
    command = [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"seeds={seeds}"]
    for name, value in (args or {}).items():
        command += ["-a", f"{name}={value}"]
    for name, value in {**FAST_SETTINGS, "ARCHIVE_DIR": str(archive_dir), **(settings or {})}.items():
        command += ["-s", f"{name}={value}"]
    result = subprocess.run(command, cwd=ROOT, env=crawl_env(proxy_url, db_url), capture_output=True,
                            text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError(f"crawl exited {result.returncode}:\n{result.stderr[-6000:]}")
    return result


def warc_files(archive_dir: Path) -> list[Path]:
    return sorted((archive_dir / "warcs").glob("*.warc.gz"))


def tool(name: str) -> str:
    """A console script installed beside this interpreter (warcio, cdxj-indexer, …)."""
    return str(Path(sys.executable).parent / name)
