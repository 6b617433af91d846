"""``alert_deliveries.claimed_until``: a delivery run claims the messages it sends.

Distributed crawls each deliver alerts at their end; without a claim, two runs
read the same due rows and sent every alert twice. A run claims its rows until
a time past its budget, so the rows of a run that was killed come back.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("alert_deliveries", sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("alert_deliveries") as batch:
        batch.drop_column("claimed_until")
