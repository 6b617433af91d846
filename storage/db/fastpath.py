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
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import ClauseElement


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
    names = list(rows[0]) if rows else []
    columns = [table.c[name] for name in names]
    defaulted = any(c.default is not None and c.name not in rows[0] for c in table.c) if rows else True
    if connection.dialect.name != "sqlite" or defaulted:
        connection.execute(insert(table), rows)
        return
    dialect = connection.dialect
    processors = [c.type._cached_bind_processor(dialect) for c in columns]
    quote = dialect.identifier_preparer.quote
    statement = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) "
                 f"VALUES ({', '.join('?' for _ in names)})")
    converted = [
        tuple(value if process is None else process(value)
              for process, value in zip(processors, map(row.__getitem__, names), strict=True))
        for row in rows
    ]
    connection.exec_driver_sql(statement, converted)
