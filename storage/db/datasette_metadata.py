"""Datasette metadata for an archive's SQLite file: search on versions, labels, descriptions.

Datasette finds an FTS table for a table only when the FTS table's SQL names
``content="versions"`` or ``content=[versions]``; the archive's
``versions_fts`` says ``content='versions'`` (migration 0001), so the metadata
names it (``fts_table``, with ``fts_pk``: ``id``). ``label_column`` makes foreign
keys show a name instead of a number; the words come from
:mod:`storage.db.descriptions`. Run it as ``datasette -i archive.sqlite3 -m
metadata.json`` (``newsarchive datasette`` does).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from storage.db.descriptions import ARCHIVE, TABLES, TableDescription

DATABASE = "archive"  # Datasette names a database after its file: archive.sqlite3 → archive

SEARCH: dict[str, dict[str, str]] = {"versions": {"fts_table": "versions_fts", "fts_pk": "id"}}
LABELS: dict[str, str] = {"outlets": "name", "pages": "url", "captures": "fetched_url", "versions": "title"}
HIDDEN = frozenset({"alembic_version"})
# Notification URLs carry tokens and passwords: Datasette does not show these tables. Its SQL
# box can still read them, so an archive served to the network should have no secrets in its watches.
SECRET = frozenset({"watches", "alert_deliveries"})


def database_name(sqlite_file: Path) -> str:
    """The name Datasette gives the database in ``sqlite_file`` (and its URLs: ``/NAME/versions``)."""
    return sqlite_file.stem


def datasette_metadata(database: str = DATABASE) -> dict[str, Any]:
    """The metadata document for an archive that Datasette serves under the name ``database``."""
    return {
        "title": "newsarchive",
        "description": ARCHIVE,
        "databases": {
            database: {
                "description": ARCHIVE,
                "tables": {name: _table(name, described) for name, described in TABLES.items()},
            }
        },
    }


def _table(name: str, described: TableDescription) -> dict[str, Any]:
    table: dict[str, Any] = {"description": described.description, "columns": dict(described.columns)}
    table.update(SEARCH.get(name, {}))
    if name in LABELS:
        table["label_column"] = LABELS[name]
    if name in HIDDEN | SECRET:
        table["hidden"] = True
    if name in SECRET:
        table["allow"] = False  # nobody may view the table
    return table


def write_metadata(path: Path, database: str = DATABASE) -> None:
    """Write :func:`datasette_metadata` to ``path`` as JSON (for ``datasette -m``)."""
    path.write_text(json.dumps(datasette_metadata(database), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
