"""SQLite stores times as ISO 8601 UTC text, ``2026-12-02T03:28:35.862339Z``, as the CLI prints them.

SQLite has no time type: times are text, compared as text. They were stored
as ``2026-12-02 03:28:35.862339``, so a researcher's
``first_seen >= '2026-12-02T03:27:00Z'`` compared a space with a ``T`` and
returned nothing. Every time column is rewritten in the new form (microseconds
always, so text order is time order). PostgreSQL keeps ``timestamptz``: nothing to do there.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

from storage.db.migrations.heavy import Heavy

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

HEAVY = Heavy("rewrite", "captures", "rewrites the times of every row (captures, versions, …) as ISO 8601 text",
              dialects=("sqlite",))

TIME_COLUMNS = {
    "outlets": ["created_at"],
    "pages": ["first_seen", "last_seen"],
    "captures": ["fetched_at"],
    "versions": ["published", "modified", "first_seen", "last_seen"],
    "stories": ["first_seen", "last_seen", "created_at", "updated_at"],
    "page_schedule": ["next_check_at", "last_checked_at", "last_changed_at"],
    "runs": ["started_at", "finished_at"],
    "outlet_boilerplate": ["updated_at"],
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table, columns in TIME_COLUMNS.items():
        for column in columns:
            op.execute(f"UPDATE {table} SET {column} = replace({column}, ' ', 'T') || 'Z' "
                       f"WHERE {column} LIKE '____-__-__ __:__:__%' AND {column} NOT LIKE '%Z'")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table, columns in TIME_COLUMNS.items():
        for column in columns:
            op.execute(f"UPDATE {table} SET {column} = replace(rtrim({column}, 'Z'), 'T', ' ') "
                       f"WHERE {column} LIKE '____-__-__T__:__:__%Z'")
