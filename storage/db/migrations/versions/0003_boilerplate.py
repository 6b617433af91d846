"""Outlet boilerplate models: one learned model (JSON) per outlet.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "outlet_boilerplate",
        sa.Column("outlet_id", sa.Integer, sa.ForeignKey("outlets.id"), primary_key=True),
        sa.Column("pages", sa.Integer, nullable=False),
        sa.Column("model", JSON, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("outlet_boilerplate")
