"""Statements on the database driver's own cursor, for the archive's hottest writes and reads.

SQLAlchemy's execution layer (parameter processing, result rows, events) can
cost more than a small statement itself. Story matching runs a handful of
statements per new version, and a bulk load inserts thousands of rows per
batch, so both hand some statements to the driver directly:

* :func:`driver_rows` and :func:`driver_many` compile a Core statement once per
  dialect and run it on the driver's cursor, for values that need no
  conversion (integers, bytes, text); errors are raised as SQLAlchemy's, so
  callers that retry on ``IntegrityError`` still do.
* :func:`insert_rows` inserts rows converted by each column's own bind
  processor (SQLite), so the stored values are SQLAlchemy's.
* :func:`insert_object` inserts one new ORM object's row that way and gives it
  its id, without the session's unit of work (the recorder's pages, captures
  and versions: a flush per row cost four times the insert).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar

from sqlalchemy import Table, insert, inspect
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.sql import ClauseElement

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class DriverStatement:
    """A statement compiled for one dialect, to run on the driver's own cursor."""

    sql: str
    names: tuple[str, ...] | None  # the parameters' order, for a positional paramstyle

    def params(self, values: dict[str, Any]) -> list[Any] | dict[str, Any]:
        return values if self.names is None else [values[name] for name in self.names]


@lru_cache(maxsize=256)
def driver_statement(statement: ClauseElement, dialect: Dialect) -> DriverStatement:
    compiled = statement.compile(dialect=dialect)
    return DriverStatement(str(compiled), tuple(compiled.positiontup or ()) if compiled.positional else None)


def driver_rows(connection: Connection, statement: ClauseElement, values: dict[str, Any]) -> list[tuple[Any, ...]]:
    """Rows of ``statement`` as the driver returns them: for plain integer reads, without SQLAlchemy's rows."""
    driver = driver_statement(statement, connection.dialect)
    params = driver.params(values)
    with driver_errors(connection, driver.sql, params) as cursor:
        cursor.execute(driver.sql, params)
        return cursor.fetchall()


def driver_many(connection: Connection, statement: ClauseElement, rows: list[dict[str, Any]]) -> None:
    """Run ``statement`` once per row of parameters, on the driver's cursor."""
    driver = driver_statement(statement, connection.dialect)
    params = [driver.params(row) for row in rows]
    with driver_errors(connection, driver.sql, params) as cursor:
        cursor.executemany(driver.sql, params)


@contextmanager
def driver_errors(connection: Connection, sql: str, params: Any) -> Iterator[Any]:
    """A driver cursor whose errors are raised as SQLAlchemy's (callers retry on ``IntegrityError``)."""
    cursor = connection.connection.cursor()
    try:
        yield cursor
    except connection.dialect.loaded_dbapi.Error as error:
        raise DBAPIError.instance(sql, params, error, connection.dialect.loaded_dbapi.Error,
                                  dialect=connection.dialect) from error
    finally:
        cursor.close()


def insert_rows(connection: Any, table: Table, rows: list[dict[str, Any]]) -> None:
    """``INSERT`` ``rows`` (dicts with the same keys) with one ``executemany``.

    On SQLite the rows go to the driver as tuples converted by each column's own bind
    processor: the values stored are the ones ``connection.execute(insert(table), rows)``
    stores, at a fraction of its per-row cost (a fifth of a batch's CPU went there).
    Rows that leave out a column with a Python-side default take SQLAlchemy's path.
    """
    names = tuple(rows[0]) if rows else ()
    defaulted = any(c.default is not None and c.name not in rows[0] for c in table.c) if rows else True
    if connection.dialect.name != "sqlite" or defaulted:
        connection.execute(insert(table), rows)
        return
    statement = _sqlite_insert(table, names, connection.dialect)
    connection.exec_driver_sql(statement.sql, [statement.converted(row) for row in rows])


def insert_object(session: Session, instance: T) -> T:
    """Insert ``instance``, a new mapped object with an integer ``id``, and set its ``id``; returns it.

    The columns it was given are stored, and those it was not get their
    Python-side default (set on the object too), as a flush would. The object
    stays *transient*: it holds its values and id for the caller, but the session
    does not track it, so changing it afterwards changes nothing stored (load the
    row to change it).
    """
    table: Table = inspect(type(instance)).local_table
    given = instance.__dict__
    values: dict[str, Any] = {}
    for column in table.columns:
        if column.key in given:
            values[column.key] = given[column.key]
        elif column.default is not None and not column.primary_key:
            values[column.key] = _default_value(column.default)
            setattr(instance, column.key, values[column.key])
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        statement = _sqlite_insert(table, tuple(values), connection.dialect)
        with driver_errors(connection, statement.sql, values) as cursor:
            cursor.execute(statement.sql, statement.converted(values))
            row_id = cursor.lastrowid
    else:
        row_id = connection.execute(_returning_insert(table), values).scalar_one()
    instance.id = row_id  # type: ignore[attr-defined]
    return instance


@lru_cache(maxsize=64)
def _returning_insert(table: Table) -> Any:
    return insert(table).returning(table.c.id)  # built once: building costs about as much as running it


def _default_value(default: Any) -> Any:
    return default.arg({}) if default.is_callable else default.arg  # callables take an execution context


@dataclass(frozen=True, slots=True)
class _SqliteInsert:
    """An ``INSERT`` of some columns of a table, with each column's bind processor."""

    sql: str
    names: tuple[str, ...]
    processors: tuple[Any, ...]

    def converted(self, row: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(value if process is None else process(value)
                     for process, value in zip(self.processors, map(row.__getitem__, self.names), strict=True))


@lru_cache(maxsize=64)
def _sqlite_insert(table: Table, names: tuple[str, ...], dialect: Dialect) -> _SqliteInsert:
    quote = dialect.identifier_preparer.quote
    sql = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) "
           f"VALUES ({', '.join('?' for _ in names)})")
    processors = tuple(table.c[name].type._cached_bind_processor(dialect) for name in names)
    return _SqliteInsert(sql, names, processors)
