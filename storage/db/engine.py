"""Open the archive's database: resolve the URL, tune SQLite, report what is wrong.

The URL comes from the caller, else env ``NEWSARCHIVE_DB_URL``, else the SQLite
file ``ARCHIVE_DIR/archive.sqlite3``. SQLite runs in WAL mode with foreign keys
on and a busy timeout; write transactions start with ``BEGIN IMMEDIATE`` so two
writers never deadlock upgrading a read lock.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, DisconnectionError, NoSuchModuleError

from storage.db.errors import ArchiveError, ArchiveMissing, DatabaseUnreachable

logger = logging.getLogger(__name__)

DB_URL_ENV = "NEWSARCHIVE_DB_URL"
SQLITE_FILE = "archive.sqlite3"
SQLITE_BUSY_SECONDS = 30
PG_CONNECT_TIMEOUT = 10
SQLITE_CACHE_KIB = 128 * 1024  # page cache per connection, an upper bound: pages are allocated as used
WRITE_OPTION = "newsarchive_write"


def resolve_url(db_url: str | None, archive_dir: str | Path) -> URL:
    """The database URL to use, with ``postgresql://`` mapped to the psycopg 3 driver."""
    raw = db_url or os.environ.get(DB_URL_ENV) or f"sqlite:///{Path(archive_dir) / SQLITE_FILE}"
    try:
        url = make_url(raw)
    except ArgumentError:
        raise ArchiveError(f"not a database URL: {raw!r} (e.g. sqlite:///archive.sqlite3)") from None
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url


def display(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def sqlite_path(url: URL) -> Path | None:
    """The file behind an SQLite URL, or ``None`` (not SQLite, or in memory)."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def check_exists(url: URL) -> None:
    """Raise :class:`ArchiveMissing` when an SQLite archive file is absent."""
    path = sqlite_path(url)
    if path is not None and not path.is_file():
        raise ArchiveMissing(
            f"no archive at {path}: crawl first (scrapy crawl news) or pass --archive-dir / --db"
        )


def make_engine(url: URL, *, create: bool, read_only: bool = False) -> Engine:
    path = sqlite_path(url)
    if path is not None and create:
        path.parent.mkdir(parents=True, exist_ok=True)
    connect_args: dict[str, Any] = {}
    if url.get_backend_name() == "sqlite":
        connect_args["timeout"] = SQLITE_BUSY_SECONDS
    elif url.get_backend_name() == "postgresql":
        connect_args["connect_timeout"] = PG_CONNECT_TIMEOUT
    if read_only:
        url, connect_args = _read_only(url, path, connect_args)
    try:
        engine = create_engine(url, connect_args=connect_args, pool_pre_ping=True)
    except (NoSuchModuleError, ModuleNotFoundError):
        raise ArchiveError(
            f"unsupported database {display(url)}: use sqlite:///FILE or postgresql://USER@HOST/DB"
        ) from None
    if url.get_backend_name() == "sqlite":
        _tune_sqlite(engine, read_only=read_only)
        if path is not None:
            _follow_replaced_file(engine, path)
    elif url.get_backend_name() == "postgresql":
        _replace_nul_characters(engine)
    return engine


def unreachable(where: str, error: DBAPIError) -> DatabaseUnreachable:
    """The one-line error for a database at ``where`` that failed to open with ``error``."""
    reason = str(error.orig or error).strip().splitlines()[0]
    return DatabaseUnreachable(f"cannot open database {where}: {reason} (check --db / NEWSARCHIVE_DB_URL)")


def can_connect(db_url: str) -> str | None:
    """Why a connection to ``db_url`` fails, in one line, or None when the server answers."""
    try:
        url = make_url(db_url)
        engine = make_engine(url, create=False)
    except (ArchiveError, ArgumentError, ValueError) as error:
        return str(error)
    try:
        with engine.connect():
            return None
    except DBAPIError as error:
        return str(error.orig or error).strip().splitlines()[0]
    finally:
        engine.dispose()


def _read_only(url: URL, path: Path | None, connect_args: dict[str, Any]) -> tuple[URL, dict[str, Any]]:
    """A URL and connect arguments whose connections cannot write (the reading room's).

    SQLite opens the file with ``mode=ro``: it never takes a write lock, so a
    crawl writing the same file is not blocked. PostgreSQL sessions default to
    read-only transactions, so a stray write fails instead of landing.
    """
    if path is not None:
        uri = f"file:{quote(str(path.resolve()))}?mode=ro"
        return url.set(database=uri, query={"uri": "true"}), connect_args
    if url.get_backend_name() == "postgresql":
        # Added to any options the URL has (a search_path, say), not in place of them.
        options = " ".join(filter(None, [str(url.query.get("options") or ""), "-c default_transaction_read_only=on"]))
        return url.update_query_dict({"options": options}), connect_args
    return url, connect_args


# What a NUL character becomes in PostgreSQL text: its %-encoding, which a URL's
# canonical form (w3lib) gives it too, so a URL with a NUL keeps one identity.
NUL_STAND_IN = "%00"


def _replace_nul_characters(engine: Engine) -> None:
    """Every text value bound for PostgreSQL with its NUL characters replaced by ``%00``.

    PostgreSQL text cannot hold NUL, and a hostile server or foreign WARC can
    put one in a header or a URL: the write failed, and with it ``reindex``.
    The WARC keeps the bytes as sent; only the index holds the stand-in. Done
    here, at the one door every statement passes, so a lookup by the same
    value is replaced alike and still finds the row.
    """
    @event.listens_for(engine, "before_cursor_execute", retval=True)
    def _on_execute(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any,
                    _executemany: bool) -> tuple[str, Any]:
        return statement, _without_nul(parameters)


def _without_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", NUL_STAND_IN) if "\x00" in value else value
    if isinstance(value, dict):
        return {key: _without_nul(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_without_nul(item) for item in value)
    return value


def _tune_sqlite(engine: Engine, *, read_only: bool = False) -> None:
    # pysqlite's own transaction handling would BEGIN lazily (and never for
    # DDL); take it over so reads BEGIN and writes BEGIN IMMEDIATE.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not read_only:  # setting the journal mode writes the file's header: a reader reads in the file's mode
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_SECONDS * 1000}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Index pages of a big archive stay in memory across a bulk load's batches (the default is 2 MB).
        cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        cursor.execute("PRAGMA temp_store=MEMORY")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _follow_replaced_file(engine: Engine, path: Path) -> None:
    """A pooled connection to a file since replaced (``reindex`` renames a rebuilt index over it) is dropped.

    Each connection remembers the file (inode) it opened; at checkout a
    connection to a file no longer at ``path`` is discarded and a new one
    opened, so a long-running reader (the reading room) reads the rebuilt index
    instead of the one it replaced, and a writer never writes into the old one.
    """
    path = path.resolve()
    @event.listens_for(engine, "connect")
    def _on_connect(_dbapi_connection: Any, record: Any) -> None:
        record.info["file_id"] = _file_id(path)

    @event.listens_for(engine, "checkout")
    def _on_checkout(_dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        opened = record.info.get("file_id")
        if opened is not None and _file_id(path) not in (None, opened):
            raise DisconnectionError(f"{path} was replaced (reindex); reconnecting")


def _file_id(path: Path) -> tuple[int, int] | None:
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_dev, status.st_ino
