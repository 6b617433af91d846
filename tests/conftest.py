"""Shared fixtures: the real services the tests talk to.

PostgreSQL and Redis tests read NEWSARCHIVE_TEST_PG_URL / NEWSARCHIVE_TEST_REDIS_URL.
Where a service is unreachable they skip with the reason, unless
NEWSARCHIVE_REQUIRE_SERVICES=1 (set by .ci/run), where they fail instead.
"""

from __future__ import annotations

import os
import socket
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

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
    reason = f"{what} unreachable at {url} (set {env_name})"
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


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty archive database, once on SQLite and once on PostgreSQL.

    A PostgreSQL test gets a schema of its own, dropped afterwards, so tests
    never see each other's rows.
    """
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'archive' / 'archive.sqlite3'}"
        return
    base = request.getfixturevalue("pg_url")
    schema = f"test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def archive_dir(tmp_path: Path) -> Path:
    return tmp_path / "archive"


@pytest.fixture
def archive(db_url: str, archive_dir: Path):
    """An open archive on ``db_url`` with one outlet, "daily" (daily.example)."""
    from storage.archive import Archive

    with Archive(db_url, archive_dir) as opened:
        opened.ensure_outlet("daily", ["daily.example"])
        yield opened
