"""Shared fixtures: the real services the tests talk to, the simulated news web, an empty archive.

PostgreSQL and Redis tests read NEWSARCHIVE_TEST_PG_URL / NEWSARCHIVE_TEST_REDIS_URL;
browser tests use Debian's chromium (NEWSARCHIVE_CHROMIUM, default /usr/bin/chromium);
tests of weeks of crawling use Debian's libfaketime (the ``faketime`` package).
Where a service is unreachable they skip with the reason, unless
NEWSARCHIVE_REQUIRE_SERVICES=1 (set by .ci/run), where they fail instead.
"""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.helpers.captures import scratch_schema  # noqa: E402  (needs ROOT on the path)

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def _reachable(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or default_port), timeout=2):
            return True
    except OSError:
        return False


def _service_url(env_name: str, default: str, port: int, what: str) -> str:
    url = os.environ.get(env_name, default)
    if _reachable(url, port):
        return url
    _unavailable(f"{what} unreachable at {url} (set {env_name})")


def _unavailable(reason: str) -> None:
    """Skip for want of a service, or fail where NEWSARCHIVE_REQUIRE_SERVICES=1 says it must be there."""
    if os.environ.get("NEWSARCHIVE_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{reason}; NEWSARCHIVE_REQUIRE_SERVICES=1 requires it")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def pg_url() -> str:
    """URL of the real PostgreSQL test database."""
    return _service_url("NEWSARCHIVE_TEST_PG_URL", DEFAULT_PG_URL, 5432, "PostgreSQL")


@pytest.fixture(scope="session")
def redis_url() -> str:
    """URL of the real Redis server."""
    return _service_url("NEWSARCHIVE_TEST_REDIS_URL", DEFAULT_REDIS_URL, 6379, "Redis")


CHROMIUM = os.environ.get("NEWSARCHIVE_CHROMIUM", "/usr/bin/chromium")  # Debian's chromium package
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium driven by Playwright's Python bindings (never a downloaded browser).

    One per module: while Playwright's sync API is open, an event loop runs on
    this thread and a helper thread lives, so tests after it that start their
    own loop (``asyncio.run``) or fork workers would fail in any order that
    puts them after the browser tests.
    """
    if not Path(CHROMIUM).is_file():
        _unavailable(f"no chromium at {CHROMIUM} (apt-get install chromium, or set NEWSARCHIVE_CHROMIUM)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's chromium, for crawls that render pages through scrapy-playwright (``BROWSER_EXECUTABLE``)."""
    if not Path(CHROMIUM).is_file():
        _unavailable(f"no chromium at {CHROMIUM} (apt-get install chromium, or set NEWSARCHIVE_CHROMIUM)")
    try:
        import scrapy_playwright  # noqa: F401
    except ImportError:
        _unavailable("the scrapy-playwright package is not installed (pip install -e .)")
    return CHROMIUM


@pytest.fixture(scope="session")
def fake_clock():
    """A clock crawls can be set to (tests/helpers/clock.py): Debian's libfaketime."""
    from tests.helpers.clock import FakeClock, find_libfaketime

    library = find_libfaketime()
    if library is None:
        _unavailable("libfaketime is not installed (apt-get install faketime, or set NEWSARCHIVE_LIBFAKETIME)")
    return FakeClock(library)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty archive database, once on SQLite and once on PostgreSQL.

    A PostgreSQL test gets a schema of its own, dropped afterwards, so tests
    never see each other's rows.
    """
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'archive' / 'archive.sqlite3'}"
        return
    with scratch_schema(request.getfixturevalue("pg_url")) as url:
        yield url


@pytest.fixture
def archive_dir(tmp_path: Path) -> Path:
    return tmp_path / "archive"


@pytest.fixture
def archive(db_url: str, archive_dir: Path):
    """An open archive on ``db_url`` with one outlet, "daily" (daily.example)."""
    from storage.archive import Archive

    with Archive(db_url, archive_dir, create=True) as opened:
        opened.ensure_outlet("daily", ["daily.example"])
        yield opened


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding the archive ``make demo`` builds (``archive/``) and ``.venv``: the README's examples' state.

    Shared by the session: tests may add to the archive (the README's watches) but not take away.
    """
    from tests.helpers.demo import build_demo_site

    return build_demo_site(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="module")
def web(request: pytest.FixtureRequest):
    """The simulated news web (``tests/newsweb``), running for one test module.

    A module sets its options with ``NEWSWEB = {"seed": 7, "articles_per_outlet": 2, ...}``.
    """
    from tests.newsweb import NewsWeb

    with NewsWeb(**getattr(request.module, "NEWSWEB", {})) as running:
        yield running
