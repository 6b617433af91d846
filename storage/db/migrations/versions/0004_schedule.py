"""Re-check schedule: when each archived article is next due, and change records.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "page_schedule",
        sa.Column("page_id", sa.Integer, sa.ForeignKey("pages.id"), primary_key=True),
        sa.Column("outlet_id", sa.Integer, sa.ForeignKey("outlets.id"), nullable=False),
        sa.Column("next_check_at", TIME, nullable=True),
        sa.Column("last_checked_at", TIME, nullable=False),
        sa.Column("last_changed_at", TIME, nullable=False),
        sa.Column("checks", sa.Integer, nullable=False, server_default="0"),
        sa.Column("changes", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_index("ix_page_schedule_due", "page_schedule", ["next_check_at"])
    op.create_index("ix_page_schedule_outlet_id", "page_schedule", ["outlet_id"])
    op.create_table(
        "outlet_change_record",
        sa.Column("outlet_id", sa.Integer, sa.ForeignKey("outlets.id"), primary_key=True),
        sa.Column("checks", sa.Integer, nullable=False, server_default="0"),
        sa.Column("changes", sa.Integer, nullable=False, server_default="0"),
    )


def downgrade() -> None:
    op.drop_table("outlet_change_record")
    op.drop_index("ix_page_schedule_outlet_id", table_name="page_schedule")
    op.drop_index("ix_page_schedule_due", table_name="page_schedule")
    op.drop_table("page_schedule")
