"""Indexes for archives of millions of versions: look pages up by the URL they were fetched as.

``versions URL`` / ``show URL`` accept any URL a page was fetched as; without
this index an unknown or non-canonical URL scans every capture.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

from storage.db.migrations.heavy import Heavy, build_index

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

HEAVY = Heavy("index", "captures", "builds ix_captures_fetched_url on captures")


def upgrade() -> None:
    build_index("ix_captures_fetched_url", "captures", ["fetched_url"])


def downgrade() -> None:
    op.drop_index("ix_captures_fetched_url", table_name="captures")
