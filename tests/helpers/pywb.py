"""pywb, the replay tool the README names, serving collections of our WARCs or WACZ packages for a test module."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.crawler.test_warc_crawl import PYWB_BIN, free_port, wait_for


@contextmanager
def serving(home: Path, collections: dict[str, list[str]]) -> Iterator[str]:
    """pywb's ``wayback`` in ``home`` on a free port; ``collections`` maps a name to its ``wb-manager`` arguments
    (``["add", *warcs]`` or ``["add", "--unpack-wacz", wacz]``). Yields the root URL."""
    if not (PYWB_BIN / "wayback").exists():
        reason = f"pywb is not installed in {PYWB_BIN.parent} (its own venv: make tools)"
        if os.environ.get("NEWSARCHIVE_REQUIRE_SERVICES") == "1":  # make test installs it: CI must replay
            pytest.fail(f"{reason}; NEWSARCHIVE_REQUIRE_SERVICES=1 requires it")
        pytest.skip(reason)
    manager = str(PYWB_BIN / "wb-manager")
    for name, (command, *arguments) in collections.items():
        subprocess.run([manager, "init", name], cwd=home, check=True, capture_output=True)
        subprocess.run([manager, command, name, *arguments], cwd=home, check=True, capture_output=True)
    port = free_port()
    wayback = subprocess.Popen([str(PYWB_BIN / "wayback"), "-p", str(port), "-b", "127.0.0.1"], cwd=home,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        root = f"http://127.0.0.1:{port}"
        wait_for(root + "/", wayback)
        yield root
    finally:
        wayback.terminate()
        wayback.wait(timeout=10)
