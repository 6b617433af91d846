"""``pages.moved_to_id``: an article that moved to a new address of its outlet, linked to the page it continues as.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.db.migrations.heavy import Heavy, build_index

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

HEAVY = Heavy("index", "pages", "builds ix_pages_moved_to_id on pages")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # SQLite takes a REFERENCES clause on a column added with a NULL default; Alembic would copy the table.
        op.execute("ALTER TABLE pages ADD COLUMN moved_to_id INTEGER REFERENCES pages (id)")
    else:
        op.add_column("pages", sa.Column("moved_to_id", sa.Integer(), sa.ForeignKey("pages.id"), nullable=True))
    build_index("ix_pages_moved_to_id", "pages", ["moved_to_id"])


def downgrade() -> None:
    op.drop_index("ix_pages_moved_to_id", "pages")
    with op.batch_alter_table("pages") as batch:
        batch.drop_column("moved_to_id")
