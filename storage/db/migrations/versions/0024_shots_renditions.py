"""``renditions``: a screenshot (with its layout and rendered DOM) recorded apart from its capture.

An outlet that asks for a screenshot of every version (seed ``screenshots =
"versions"``, or ``BROWSER_VERSION_SCREENSHOTS``) has a page fetched without a
browser rendered once more when its fetch made a new version; the screenshot is
written to the WARC later than, and apart from, the capture it shows, so the
capture's own place in the WARC does not lead to it. This table says where it
is, keyed by the capture's response record id (issue 38,
:mod:`storage.versions.renditions`); ``reindex`` rebuilds it from the WARCs.

A new, empty table: not heavy.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "renditions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("capture_record_id", sa.String(length=100), nullable=False),
        sa.Column("warc_file", sa.Text(), nullable=False),
        sa.Column("warc_offset", sa.BigInteger(), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("capture_record_id", name="uq_renditions_capture_record_id"),
    )


def downgrade() -> None:
    op.drop_table("renditions")
