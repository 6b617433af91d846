"""A long crawl paused with Ctrl-C (SIGINT) and resumed from its JOBDIR loses nothing."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

from crawler.exitcodes import INTERRUPTED
from storage.archive import Archive
from tests.helpers.crawl import run_crawl, start_crawl
from tests.newsweb import NewsWeb

SLOW = {"DOWNLOAD_DELAY": "0.3", "CONCURRENT_REQUESTS_PER_DOMAIN": "1", "RANDOMIZE_DOWNLOAD_DELAY": "0"}


def test_paused_crawl_resumes_from_jobdir(tmp_path: Path) -> None:
    with NewsWeb(seed=11, articles_per_outlet=8) as web:
        seeds = tmp_path / "seeds.toml"
        seeds.write_text(web.seed_toml(), encoding="utf-8")
        archive_dir, jobdir = tmp_path / "archive", tmp_path / "job"
        articles = set(web.article_urls())
        process = start_crawl(archive_dir, seeds, web.proxy_url, settings={**SLOW, "JOBDIR": str(jobdir)},
                              stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while sum(1 for e in web.request_log if e.url in articles) < 6 and time.monotonic() < deadline:
            time.sleep(0.1)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == INTERRUPTED, stderr[-2000:]  # a pause, not a failure
        [line] = [line for line in stderr.splitlines() if line.startswith("stopped by Ctrl-C after ")]
        assert "run the same command to go on" in line
        assert "error: the crawl failed" not in stderr, stderr[-2000:]
        with Archive(archive_dir=archive_dir) as archive:
            first_part = archive.stats().versions
        assert 0 < first_part < len(articles), "the pause should land mid-crawl"

        run_crawl(archive_dir, seeds, web.proxy_url, settings={**SLOW, "JOBDIR": str(jobdir), "DOWNLOAD_DELAY": "0"})
        with Archive(archive_dir=archive_dir) as archive:
            for url in articles:
                assert len(archive.versions(url)) == 1, url
