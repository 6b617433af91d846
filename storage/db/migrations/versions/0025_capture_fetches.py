"""Runs of unchanged re-checks: ``capture_fetches``, ``warc_files`` and ``captures.last_fetched_at``.

A re-check that finds a page's latest capture unchanged (a revisit of its
payload, URL and headers) adds a ``capture_fetches`` row to that capture's run
instead of a ``captures`` row (:mod:`storage.versions.fetch_runs`). Cheap: two
new tables and a nullable column. Existing captures stay as they are, one row
per fetch, with their ids (DESIGN.md, "Runs of unchanged re-checks").

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("captures", sa.Column("last_fetched_at", TIME, nullable=True))
    op.create_table(
        "warc_files",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text, nullable=False, unique=True),
    )
    op.create_table(
        "capture_fetches",
        sa.Column("capture_id", sa.Integer, sa.ForeignKey("captures.id"), nullable=False),
        sa.Column("fetched_at", TIME, nullable=False),
        sa.Column("status", sa.SmallInteger, nullable=False),
        sa.Column("warc_file_id", sa.Integer, sa.ForeignKey("warc_files.id"), nullable=False),
        sa.Column("warc_offset", sa.BigInteger, nullable=False),
        sa.Column("warc_length", sa.Integer, nullable=False),
        sa.Column("record_id", sa.LargeBinary(16), nullable=False, unique=True),
        sa.PrimaryKeyConstraint("capture_id", "fetched_at", name="pk_capture_fetches"),
    )


def downgrade() -> None:
    op.drop_table("capture_fetches")
    op.drop_table("warc_files")
    with op.batch_alter_table("captures") as batch:
        batch.drop_column("last_fetched_at")
