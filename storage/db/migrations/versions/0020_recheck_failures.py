"""``page_schedule.failures`` and ``last_failure``: failed re-checks back off instead of repeating every lease.

A re-check that fails (a 503, a timeout, a DNS failure) is recorded on the
page's schedule: ``failures`` counts the failures in a row (zero again after a
check that gets an answer) and doubles the wait before the next try, up to a
cap; ``last_failure`` names the last one's kind (``http_503``, ``timeout``, …).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("page_schedule") as batch:
        batch.add_column(sa.Column("failures", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("last_failure", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("page_schedule") as batch:
        batch.drop_column("last_failure")
        batch.drop_column("failures")
