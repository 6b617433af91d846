"""The demo's crawls: ``scrapy crawl news`` over the simulated web, in a subprocess as users run it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # scrapy.cfg is here

# The simulated web lives on 127.0.0.1 and its articles are dated 2026-11: allow both.
SETTINGS = {"ARCHIVE_ALLOW_PRIVATE_NETWORKS": "1", "SITEMAP_MAX_AGE_DAYS": "0", "LOG_LEVEL": "WARNING"}


def crawl_environment(proxy_url: str | None) -> dict[str, str]:
    """This environment, with ``proxy_url`` as the only proxy and the archive in ``ARCHIVE_DIR`` alone."""
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "https_proxy", "no_proxy")}
    env.pop("NEWSARCHIVE_DB_URL", None)
    if proxy_url:
        env["http_proxy"] = proxy_url
    return env


def crawl(archive_dir: Path, seeds: Path, proxy_url: str, recheck: str) -> int:
    """One crawl of ``seeds`` through the web at ``proxy_url``; its summary goes to this terminal. Its status."""
    command = [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"seeds={seeds}", "-a", f"recheck={recheck}"]
    for name, value in {**SETTINGS, "ARCHIVE_DIR": str(archive_dir)}.items():
        command += ["-s", f"{name}={value}"]
    return subprocess.run(command, cwd=ROOT, env=crawl_environment(proxy_url)).returncode
