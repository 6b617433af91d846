"""The CLI's search syntax in Datasette's search box: a Datasette plugin that ``newsarchive datasette`` loads.

Datasette reads ``?_search=`` through its SQL function ``escape_fts``, which
quotes every word and requires them all: ``harbour OR quay`` asks for the word
"or" too, and ``ward -deadline`` for "deadline". This plugin defines
``escape_fts`` again, after Datasette has (``trylast``), as the CLI reads a
query (:func:`storage.search.syntax.parse` rendered by :func:`to_fts5`), so the
box reads ``"phrase"``, ``OR``, ``-word`` and ``(a OR b) c`` as ``newsarchive
search`` does. A query the CLI refuses (nothing that must match) matches no row.
"""

from __future__ import annotations

import sqlite3

from datasette import hookimpl

from storage.db.errors import BadQuery
from storage.search.syntax import parse, to_fts5

PLUGIN_NAME = "newsarchive-search-syntax"
NOTHING = '"" NOT ""'  # an FTS5 expression no row matches


def fts5_match(text: str | None) -> str:
    """``text`` in the CLI's syntax as an FTS5 MATCH expression."""
    try:
        return to_fts5(parse(text or ""))
    except BadQuery:
        return NOTHING


@hookimpl(trylast=True)  # after Datasette's own functions, so this escape_fts replaces its one
def prepare_connection(conn: sqlite3.Connection) -> None:
    conn.create_function("escape_fts", 1, fts5_match, deterministic=True)
